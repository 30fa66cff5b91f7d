"""What the route board shows: lanes of stop cards, built from a ``DayView``.

A ``Lane`` is one vehicle's route (or the Unassigned pile) and a ``Card`` is one
order in it, with the scheduler's timing of that stop. Both are immutable values
made straight from the day view, so the Qt model only indexes them and the
painters only read them. Nothing here decides anything: every number comes from
the shared scheduler through the ``DayView``.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.model import OPEN_ORDER_STATUSES, Load
from dispatcher.timing import effective_windows, required_skills
from ui.models.badges import PRIORITY_RANK
from ui.models.route_colors import UNASSIGNED_COLOR, vehicle_colors

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable

    from dispatcher.day_view import DayView, OrderLine, RouteLine
    from dispatcher.model import OrderId, TimeWindow, Vehicle, VehicleId
    from dispatcher.scheduling import StopTiming, Violation

UNIT_LABELS: dict[str, str] = {"kg": "kg", "m3": "m³", "pallets": "pal"}
"""Short labels of the capacity units, in ``Load.UNITS`` order."""


@dataclass(frozen=True, slots=True)
class Card:
    """One order on the board: on a route (with its timing) or unassigned."""

    line: OrderLine
    sequence: int | None = None
    timing: StopTiming | None = None
    locked: bool = False

    @property
    def order_id(self) -> OrderId:
        """The order behind the card."""
        return self.line.order.id

    @property
    def windows(self) -> tuple[TimeWindow, ...]:
        """When the customer accepts the delivery (the order's or the customer's)."""
        return effective_windows(self.line.order, self.line.customer)

    @property
    def skills(self) -> frozenset[str]:
        """What the vehicle needs to serve the order."""
        return required_skills(self.line.order, self.line.customer)

    @property
    def violations(self) -> frozenset[Violation]:
        """The rules this stop breaks (none for an unassigned order)."""
        return self.timing.violations if self.timing is not None else frozenset()

    @property
    def eta(self) -> float | None:
        """Planned arrival in minutes after midnight, None when unassigned."""
        return self.timing.arrival if self.timing is not None else None


@dataclass(frozen=True, slots=True)
class UnitFill:
    """How full one capacity unit of a vehicle is at the route's peak."""

    unit: str
    amount: float
    capacity: float

    @property
    def ratio(self) -> float:
        """Amount over capacity; infinite when something rides on zero capacity."""
        if self.capacity > 0:
            return self.amount / self.capacity
        return float("inf") if self.amount > 1e-9 else 0.0

    @property
    def over(self) -> bool:
        """True if the amount exceeds the capacity (with a float tolerance)."""
        return self.amount > self.capacity + 1e-9


@dataclass(frozen=True, slots=True)
class LastChange:
    """Who last changed a route, and when (a timezone-aware UTC datetime)."""

    actor: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Lane:
    """A column of the board: a vehicle with its route, or the Unassigned pile."""

    cards: tuple[Card, ...]
    color: str
    vehicle: Vehicle | None = None
    route: RouteLine | None = None
    demand: Load = Load()
    """Total demand of the cards of a lane without a route (Unassigned)."""
    last_change: LastChange | None = None
    """Who last changed the route and when, if the board was told."""

    @property
    def vehicle_id(self) -> VehicleId | None:
        """The lane's vehicle; None for the Unassigned lane."""
        return self.vehicle.id if self.vehicle is not None else None

    @property
    def is_unassigned(self) -> bool:
        """True for the lane of orders on no route."""
        return self.vehicle is None

    @property
    def title(self) -> str:
        """The vehicle's name, or "Unassigned"."""
        return self.vehicle.name if self.vehicle is not None else "Unassigned"

    @property
    def locked(self) -> bool:
        """True if the whole route is locked."""
        return self.route is not None and self.route.route.locked

    @property
    def late_count(self) -> int:
        """Stops served after their last window closed."""
        return self.route.schedule.late_count if self.route is not None else 0

    @property
    def violations(self) -> frozenset[Violation]:
        """Every rule the route breaks (stop-level and route-level)."""
        if self.route is None:
            return frozenset()
        return self.route.schedule.violations

    @property
    def load(self) -> Load:
        """The peak on board of a route, or the total demand of the lane's orders."""
        if self.route is not None:
            return self.route.schedule.peak_load
        return self.demand

    def fills(self) -> tuple[UnitFill, ...]:
        """Peak load against capacity, one per unit; empty for Unassigned."""
        if self.vehicle is None:
            return ()
        load, capacity = self.load, self.vehicle.capacity
        return tuple(
            UnitFill(unit, amount, cap)
            for unit, amount, cap in zip(
                Load.UNITS, load.as_tuple(), capacity.as_tuple(), strict=True
            )
        )


def unassigned_sort_key(line: OrderLine) -> tuple[int, int, str]:
    """Most urgent first, then by earliest window, then by reference."""
    windows = effective_windows(line.order, line.customer)
    start = windows[0].start if windows else 0
    return (PRIORITY_RANK[line.order.priority], start, line.order.reference)


def is_open_unassigned(line: OrderLine) -> bool:
    """True for an order that belongs on the plan but is on no route."""
    return line.vehicle_name is None and line.order.status in OPEN_ORDER_STATUSES


def _card_key(card: Card) -> tuple[int, int, str]:
    return unassigned_sort_key(card.line)


def _unassigned(cards: list[Card]) -> Lane:
    demands = [card.line.order.demand for card in cards]
    total = Load(
        math.fsum(d.kg for d in demands),
        math.fsum(d.m3 for d in demands),
        math.fsum(d.pallets for d in demands),
    )
    return Lane(tuple(cards), UNASSIGNED_COLOR, demand=total)


def unassigned_lane(view: DayView) -> Lane:
    """The open orders on no route, most urgent first."""
    lines = sorted(
        (line for line in view.lines if is_open_unassigned(line)),
        key=unassigned_sort_key,
    )
    return _unassigned([Card(line) for line in lines])


def updated_unassigned_lane(
    old: Lane,
    changed: Iterable[OrderId],
    line_of: Callable[[OrderId], OrderLine | None],
) -> Lane:
    """The Unassigned lane after an edit that changed the lines of ``changed``.

    Every other line is the same object as before (that is what a
    ``PlanChanges`` promises), so only the changed orders leave or enter, each
    at its sorted place: no scan and no sort of a few thousand open orders.
    """
    changed = set(changed)
    cards = [card for card in old.cards if card.order_id not in changed]
    for oid in sorted(changed):
        line = line_of(oid)
        if line is not None and is_open_unassigned(line):
            bisect.insort(cards, Card(line), key=_card_key)
    return _unassigned(cards)


def vehicle_lane(
    vehicle: Vehicle,
    route: RouteLine | None,
    line_of: Callable[[OrderId], OrderLine | None],
    color: str,
) -> Lane:
    """A vehicle's lane: its stops in driving order, each with its timing."""
    if route is None:
        return Lane((), color, vehicle)
    cards = tuple(
        Card(_known(line_of, stop.order_id), position, timing, stop.locked)
        for position, (stop, timing) in enumerate(
            zip(route.route.stops, route.schedule.stops, strict=True), start=1
        )
    )
    return Lane(cards, color, route.vehicle, route)


def _known(line_of: Callable[[OrderId], OrderLine | None], oid: OrderId) -> OrderLine:
    line = line_of(oid)
    if line is None:  # load_day lists every order on a route; anything else is a bug
        raise LookupError(f"order {oid} is on a route but not in the day view")
    return line


def lane_vehicles(view: DayView) -> list[Vehicle]:
    """The vehicles that get a lane, by name: the active fleet and any with a route."""
    vehicles = {v.id: v for v in view.vehicles.values() if v.active}
    vehicles.update((r.vehicle.id, r.vehicle) for r in view.routes)
    return sorted(vehicles.values(), key=lambda v: (v.name.casefold(), v.id))


def build_lanes(view: DayView) -> tuple[Lane, ...]:
    """Unassigned first, then one lane per vehicle by name.

    Idle vehicles of the fleet (``view.vehicles``) get an empty lane to drop
    onto, so a new route can start on the board.
    """
    colors = route_colors_of(view)
    routes = {r.vehicle.id: r for r in view.routes}
    line_of = line_lookup(view)
    return (
        unassigned_lane(view),
        *(
            vehicle_lane(v, routes.get(v.id), line_of, colors[v.id])
            for v in lane_vehicles(view)
        ),
    )


def route_colors_of(view: DayView) -> dict[VehicleId, str]:
    """The route colour of each vehicle: over the whole fleet, as the map picks it."""
    return vehicle_colors([*view.vehicles, *(r.vehicle.id for r in view.routes)])


def line_lookup(view: DayView) -> Callable[[OrderId], OrderLine | None]:
    """A fast ``order id -> line`` of the day (None if the day lacks it)."""
    if view.line_index:
        lines, index = view.lines, view.line_index

        def line_of(oid: OrderId) -> OrderLine | None:
            i = index.get(oid)
            return lines[i] if i is not None else None

        return line_of
    return {line.order.id: line for line in view.lines}.get
