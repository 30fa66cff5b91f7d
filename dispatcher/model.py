"""Domain model: the words of last-mile delivery as frozen, typed values.

Everything here is pure Python and immutable, so values can cross threads and
processes (the optimizer runs in a subprocess) without copies or locks. Times of
day are whole minutes after local midnight of the plan date (``Minutes``); an
overnight shift simply runs past 1440. Instants that really happened (actual
arrival, an outcome) are ``datetime`` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, NewType

if TYPE_CHECKING:
    import datetime as dt

DepotId = NewType("DepotId", int)
VehicleId = NewType("VehicleId", int)
DriverId = NewType("DriverId", int)
CustomerId = NewType("CustomerId", int)
OrderId = NewType("OrderId", int)
RouteId = NewType("RouteId", int)
StopId = NewType("StopId", int)
UserId = NewType("UserId", int)

Minutes = int
"""Minutes after local midnight of the plan date (may exceed 1440)."""

MINUTES_PER_DAY = 24 * 60


def format_minutes(value: float) -> str:
    """Render minutes after midnight as ``HH:MM`` (``+1`` suffix past midnight)."""
    whole = round(value)
    days, rest = divmod(whole, MINUTES_PER_DAY)
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return text + (f"+{days}" if days else "")


def parse_minutes(text: str) -> Minutes:
    """Parse ``HH:MM`` into minutes after midnight.

    Raises
    ------
    ValueError
        If the text is not a valid ``HH:MM`` time of day.
    """
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"'{text}' is not a time of day in HH:MM form")
    h, m = int(hours), int(minutes)
    if h > 24 or m > 59 or (h == 24 and m):
        raise ValueError(f"'{text}' is not a time of day in HH:MM form")
    return h * 60 + m


class Priority(StrEnum):
    """How badly an order must be served today; drives drop penalties."""

    MUST = "must"
    HIGH = "high"
    NORMAL = "normal"
    OPTIONAL = "optional"


class OrderKind(StrEnum):
    """Whether the vehicle brings goods to the customer or collects them."""

    DELIVERY = "delivery"
    PICKUP = "pickup"


class OrderStatus(StrEnum):
    """Lifecycle of an order (see DESIGN.md)."""

    NEW = "new"
    PLANNED = "planned"
    DISPATCHED = "dispatched"
    ARRIVED = "arrived"
    DELIVERED = "delivered"
    FAILED = "failed"
    TO_REBOOK = "to_rebook"
    REBOOKED = "rebooked"
    CANCELLED = "cancelled"
    RETURNED = "returned"


OPEN_ORDER_STATUSES = frozenset(
    {OrderStatus.NEW, OrderStatus.PLANNED, OrderStatus.DISPATCHED}
)
"""Statuses of orders that still belong on a plan."""


class RouteStatus(StrEnum):
    """Lifecycle of a route."""

    DRAFT = "draft"
    PLANNED = "planned"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class OutcomeResult(StrEnum):
    """What happened at a stop."""

    ARRIVED = "arrived"
    DELIVERED = "delivered"
    FAILED = "failed"


class FailureReason(StrEnum):
    """Why a delivery attempt failed."""

    CLOSED = "closed"
    REFUSED = "refused"
    NO_ACCESS = "no_access"
    ADDRESS_WRONG = "address_wrong"
    DAMAGED = "damaged"
    MISSED_WINDOW = "missed_window"
    NOT_LOADED = "not_loaded"
    VEHICLE_BREAKDOWN = "vehicle_breakdown"


class Role(StrEnum):
    """What a signed-in user may do."""

    DISPATCHER = "dispatcher"
    MANAGER = "manager"
    STAFF = "staff"
    ADMIN = "admin"


class ChangeAction(StrEnum):
    """Kind of mutation recorded in the change log."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Location:
    """A point on the earth in WGS84 degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or not (-180.0 <= self.lon <= 180.0):
            raise ValueError(
                f"({self.lat}, {self.lon}) is not a valid latitude/longitude"
            )


@dataclass(frozen=True, slots=True)
class Load:
    """An amount in every capacity unit the fleet is measured in."""

    kg: float = 0.0
    m3: float = 0.0
    pallets: float = 0.0

    UNITS = ("kg", "m3", "pallets")

    def __add__(self, other: Load) -> Load:
        return Load(
            self.kg + other.kg, self.m3 + other.m3, self.pallets + other.pallets
        )

    def __sub__(self, other: Load) -> Load:
        return Load(
            self.kg - other.kg, self.m3 - other.m3, self.pallets - other.pallets
        )

    def as_tuple(self) -> tuple[float, float, float]:
        """The amounts in ``UNITS`` order."""
        return (self.kg, self.m3, self.pallets)

    def fits_in(self, capacity: Load) -> bool:
        """True if no unit exceeds the capacity (with a small float tolerance)."""
        return all(
            a <= c + 1e-9
            for a, c in zip(self.as_tuple(), capacity.as_tuple(), strict=True)
        )

    def is_negative(self) -> bool:
        """True if any unit is below zero."""
        return any(a < 0 for a in self.as_tuple())


@dataclass(frozen=True, slots=True, order=True)
class TimeWindow:
    """A span of time of day, ``start`` to ``end`` in minutes after midnight."""

    start: Minutes
    end: Minutes

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(
                f"time window {format_minutes(self.start)}-{format_minutes(self.end)}"
                " ends before it starts"
            )

    def contains(self, minute: float) -> bool:
        """True if ``minute`` lies in the window (both ends included)."""
        return self.start <= minute <= self.end

    def overlaps(self, other: TimeWindow) -> bool:
        """True if the two windows share at least one minute."""
        return self.start < other.end and other.start < self.end

    def intersect(self, other: TimeWindow) -> TimeWindow | None:
        """The common part of two windows, or None if they do not overlap."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        return TimeWindow(start, end) if start < end else None

    def __str__(self) -> str:
        return f"{format_minutes(self.start)}–{format_minutes(self.end)}"


WeeklyHours = tuple[tuple[TimeWindow, ...], ...]
"""Seven tuples of windows, Monday first; an empty tuple means closed."""

ALWAYS_OPEN: WeeklyHours = tuple((TimeWindow(0, MINUTES_PER_DAY),) for _ in range(7))


@dataclass(frozen=True, slots=True)
class BreakRule:
    """A break of ``duration`` minutes once ``after_driving`` minutes are driven."""

    after_driving: Minutes = 270
    duration: Minutes = 45


@dataclass(frozen=True, slots=True)
class Depot:
    """Where routes start and end."""

    id: DepotId
    name: str
    address: str
    location: Location
    hours: TimeWindow = TimeWindow(0, MINUTES_PER_DAY)


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A vehicle with its capacity, skills, shift, costs and limits.

    ``end_depot_id`` None means the route returns to ``depot_id``; ``open_route``
    True means the route ends at its last stop (no return leg is driven or paid).
    """

    id: VehicleId
    name: str
    depot_id: DepotId
    capacity: Load
    shift: TimeWindow
    skills: frozenset[str] = frozenset()
    end_depot_id: DepotId | None = None
    open_route: bool = False
    fixed_cost: float = 0.0
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    max_duration: Minutes | None = None
    max_distance_km: float | None = None
    max_stops: int | None = None
    break_rule: BreakRule | None = None
    active: bool = True

    @property
    def end_depot(self) -> DepotId:
        """The depot the route ends at (the start depot unless set)."""
        return self.end_depot_id if self.end_depot_id is not None else self.depot_id


@dataclass(frozen=True, slots=True)
class Driver:
    """A person who drives a route; ``device_id`` identifies their tracker."""

    id: DriverId
    name: str
    phone: str = ""
    device_id: str | None = None
    vehicle_id: VehicleId | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    """A B2B account we deliver to."""

    id: CustomerId
    name: str
    address: str
    location: Location
    receiving_hours: WeeklyHours = ALWAYS_OPEN
    service_minutes: Minutes = 10
    skills: frozenset[str] = frozenset()
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""

    def hours_on(self, day: dt.date) -> tuple[TimeWindow, ...]:
        """The receiving windows on the weekday of ``day``."""
        return self.receiving_hours[day.weekday()]


@dataclass(frozen=True, slots=True)
class Order:
    """One delivery or pickup for a customer on a date."""

    id: OrderId
    reference: str
    customer_id: CustomerId
    date: dt.date
    demand: Load
    windows: tuple[TimeWindow, ...]
    service_minutes: Minutes
    kind: OrderKind = OrderKind.DELIVERY
    priority: Priority = Priority.NORMAL
    skills: frozenset[str] = frozenset()
    status: OrderStatus = OrderStatus.NEW
    attempt: int = 1
    rebook_of: OrderId | None = None
    notes: str = ""
    version: int = 1


@dataclass(frozen=True, slots=True)
class Stop:
    """An order's place in a route, with planned and actual times."""

    id: StopId
    order_id: OrderId
    sequence: int
    locked: bool = False
    planned_arrival: float | None = None
    planned_departure: float | None = None
    actual_arrival: dt.datetime | None = None
    actual_departure: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """One vehicle's work on one date: its stops in driving order."""

    id: RouteId
    date: dt.date
    vehicle_id: VehicleId
    stops: tuple[Stop, ...] = ()
    driver_id: DriverId | None = None
    status: RouteStatus = RouteStatus.DRAFT
    locked: bool = False
    version: int = 1

    @property
    def order_ids(self) -> tuple[OrderId, ...]:
        """The orders of the route in driving order."""
        return tuple(stop.order_id for stop in self.stops)


@dataclass(frozen=True, slots=True)
class Plan:
    """All routes of a date; ``version`` increases with every saved change."""

    date: dt.date
    routes: tuple[Route, ...] = ()
    version: int = 0
    dispatched_version: int | None = None

    def route_of_vehicle(self, vehicle_id: VehicleId) -> Route | None:
        """The route of a vehicle on this date, if it has one."""
        return next((r for r in self.routes if r.vehicle_id == vehicle_id), None)

    def assigned_order_ids(self) -> frozenset[OrderId]:
        """Every order that has a stop on some route."""
        return frozenset(oid for route in self.routes for oid in route.order_ids)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened at one attempt to serve an order."""

    id: int
    order_id: OrderId
    attempt: int
    result: OutcomeResult
    at: dt.datetime
    route_id: RouteId | None = None
    reason: FailureReason | None = None
    note: str = ""
    recipient: str = ""
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class User:
    """Someone who signs in to Dispatcher."""

    id: UserId
    login: str
    name: str
    role: Role
    active: bool = True


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the append-only change log (audit trail and change feed)."""

    id: int
    at: dt.datetime
    user: str
    entity: str
    entity_id: str
    action: ChangeAction
    plan_date: dt.date | None = None
    before: dict[str, object] | None = field(default=None, hash=False, compare=False)
    after: dict[str, object] | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class ChangeQuery:
    """Which change-log rows to find (every given filter must hold).

    Attributes
    ----------
    entity, entity_id
        The kind of thing ("order", "route", "customer", "dispatch", ...) and
        its id, as the change rows name them.
    plan_date
        Rows of one plan date.
    user
        Rows written by one login.
    text
        Words that must appear (case-insensitive) in the login, the id or the
        before/after values.
    since, until
        Rows written at or after ``since`` and before ``until`` (naive UTC, as
        ``Change.at``).
    limit
        At most this many rows, newest first.
    """

    entity: str | None = None
    entity_id: str | None = None
    plan_date: dt.date | None = None
    user: str | None = None
    text: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 500
