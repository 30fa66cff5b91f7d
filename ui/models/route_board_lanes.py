"""What the route board shows: lanes of stop cards, built from a ``DayView``.

A ``Lane`` is one vehicle's route (or the Unassigned pile) and a ``Card`` is one
order in it, with the scheduler's timing of that stop. Both are immutable values
made straight from the day view, so the Qt model only indexes them and the
painters only read them. Nothing here decides anything: every number comes from
the shared scheduler through the ``DayView``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.model import OPEN_ORDER_STATUSES, Load
from dispatcher.timing import effective_windows, required_skills
from ui.models.badges import PRIORITY_RANK
from ui.models.route_colors import UNASSIGNED_COLOR, vehicle_colors

if TYPE_CHECKING:
    from collections.abc import Callable

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
class Lane:
    """A column of the board: a vehicle with its route, or the Unassigned pile."""

    cards: tuple[Card, ...]
    color: str
    vehicle: Vehicle | None = None
    route: RouteLine | None = None

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
        total = Load()
        for card in self.cards:
            total = total + card.line.order.demand
        return total

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


def unassigned_lane(view: DayView) -> Lane:
    """The open orders on no route, most urgent first."""
    lines = [
        line
        for line in view.lines
        if line.vehicle_name is None and line.order.status in OPEN_ORDER_STATUSES
    ]
    lines.sort(key=unassigned_sort_key)
    return Lane(tuple(Card(line) for line in lines), UNASSIGNED_COLOR)


def vehicle_lane(
    vehicle: Vehicle,
    route: RouteLine | None,
    line_of: Callable[[OrderId], OrderLine],
    color: str,
) -> Lane:
    """A vehicle's lane: its stops in driving order, each with its timing."""
    if route is None:
        return Lane((), color, vehicle)
    cards = tuple(
        Card(line_of(stop.order_id), position, timing, stop.locked)
        for position, (stop, timing) in enumerate(
            zip(route.route.stops, route.schedule.stops, strict=True), start=1
        )
    )
    return Lane(cards, color, route.vehicle, route)


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


def line_lookup(view: DayView) -> Callable[[OrderId], OrderLine]:
    """A fast ``order id -> line`` of the day (its index, or one built once)."""
    if view.line_index:
        lines, index = view.lines, view.line_index
        return lambda oid: lines[index[oid]]
    return {line.order.id: line for line in view.lines}.__getitem__
