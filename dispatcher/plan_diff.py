"""What a proposed plan would change: before and after numbers, moved stops, leftovers.

``plan_diff`` applies proposed stop sequences (an optimizer's result) to a day
with the same rule that saves them (``planning.replace_routes``), re-times the
changed routes with the shared scheduler (``DayView.with_plan``) and compares:
kilometres, cost, late stops, vehicles used, which stops moved, and which orders
are still unassigned and why. The optimize preview and the CLI summary show it,
so what the user accepts is exactly what the route board will show.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from dispatcher import planning
from dispatcher.model import OPEN_ORDER_STATUSES, Plan, Priority
from dispatcher.optimize.solution import REASON_TEXT

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.day_view import DayView
    from dispatcher.model import OrderId, VehicleId
    from dispatcher.optimize.solution import Unassigned


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """The numbers of one plan of a day."""

    km: float
    cost: float
    duration_min: float
    late_stops: int
    late_min: float
    vehicles_used: int
    planned: int
    unassigned: int
    unassigned_important: int = 0
    """Open orders on no route whose priority is must, high or normal."""


class MoveKind(StrEnum):
    """How a stop's place differs between two plans."""

    PLANNED = "planned"
    """It was on no route and now is on one."""
    UNPLANNED = "unplanned"
    """It was on a route and now is on none."""
    OTHER_VEHICLE = "other_vehicle"
    """It changed vehicle."""
    RESEQUENCED = "resequenced"
    """It stayed on its vehicle at another position."""


@dataclass(frozen=True, slots=True)
class StopMove:
    """One order whose vehicle or position changes (positions are 1-based)."""

    order_id: OrderId
    reference: str
    customer: str
    from_vehicle: VehicleId | None
    from_position: int | None
    to_vehicle: VehicleId | None
    to_position: int | None

    @property
    def kind(self) -> MoveKind:
        """What kind of change this is."""
        if self.from_vehicle is None:
            return MoveKind.PLANNED
        if self.to_vehicle is None:
            return MoveKind.UNPLANNED
        if self.from_vehicle != self.to_vehicle:
            return MoveKind.OTHER_VEHICLE
        return MoveKind.RESEQUENCED


@dataclass(frozen=True, slots=True)
class UnassignedOrder:
    """An order the proposal leaves unplanned, why, and what would let it in."""

    order_id: OrderId
    reference: str
    customer: str
    reason: str
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """The difference between a day and the day with proposed routes.

    Attributes
    ----------
    before, after
        The day's numbers now and with the proposal.
    moves
        Every stop whose vehicle or position changes, by reference.
    unassigned
        Orders still on no route that the optimizer explained, by reference.
    vehicles
        Vehicles whose route changes.
    after_view
        The day with the proposal, timed like the route board times it.
    """

    before: PlanFigures
    after: PlanFigures
    moves: tuple[StopMove, ...]
    unassigned: tuple[UnassignedOrder, ...]
    vehicles: frozenset[VehicleId]
    after_view: DayView

    @property
    def changed(self) -> bool:
        """True if the proposal changes any route."""
        return bool(self.vehicles)

    def count(self, kind: MoveKind) -> int:
        """How many stops move in this way."""
        return sum(1 for move in self.moves if move.kind is kind)

    @property
    def serves_fewer(self) -> bool:
        """True if the proposal leaves more must, high or normal orders unplanned.

        The optimizer ranks serving such an order above any saving in cost, so
        a result like this usually means the search ran out of time.
        """
        return self.after.unassigned_important > self.before.unassigned_important

    @property
    def moved(self) -> int:
        """Stops already planned that change vehicle or position."""
        return self.count(MoveKind.OTHER_VEHICLE) + self.count(MoveKind.RESEQUENCED)


def figures(view: DayView) -> PlanFigures:
    """The numbers of a day view's plan."""
    routes = view.routes
    return PlanFigures(
        km=view.totals.km,
        cost=view.totals.cost,
        duration_min=sum(r.schedule.duration_min for r in routes if r.route.stops),
        late_stops=view.totals.late,
        late_min=sum(r.schedule.lateness_min for r in routes),
        vehicles_used=sum(1 for r in routes if r.route.stops),
        planned=view.totals.planned,
        unassigned=view.totals.unassigned,
        unassigned_important=sum(
            1
            for line in view.lines
            if line.vehicle_name is None
            and line.order.status in OPEN_ORDER_STATUSES
            and line.order.priority is not Priority.OPTIONAL
        ),
    )


def _places(view: DayView) -> dict[OrderId, tuple[VehicleId, int]]:
    return {
        oid: (line.vehicle.id, position)
        for line in view.routes
        for position, oid in enumerate(line.route.order_ids, start=1)
    }


def plan_diff(
    view: DayView,
    sequences: Mapping[VehicleId, Sequence[OrderId]],
    *,
    reasons: Mapping[OrderId, Unassigned] | None = None,
) -> PlanDiff:
    """Compare a day with the day after giving vehicles new stop sequences.

    Parameters
    ----------
    view
        The day as loaded by ``load_day`` (it must keep its ``DayContext``).
    sequences
        Vehicle → orders in driving order; vehicles not listed keep their route.
    reasons
        Why orders were left out (``optimize_day.unassigned_reasons``).

    Returns
    -------
    PlanDiff
        Numbers before and after, moved stops and explained leftovers.

    Raises
    ------
    LockedStop
        If the sequences would change a locked route or move a locked stop.
    ValidationError
        If an order appears twice in the sequences.
    ValueError
        If the view has no ``DayContext`` or a vehicle is not in its fleet.
    """
    plan = Plan(view.date, tuple(line.route for line in view.routes), view.plan_version)
    proposed = planning.replace_routes(plan, sequences)
    vehicles = planning.changed_vehicles(plan, proposed)
    after_view = view.with_plan(proposed, vehicles)
    before_places, after_places = _places(view), _places(after_view)
    moves = []
    for oid in before_places.keys() | after_places.keys():
        old, new = before_places.get(oid), after_places.get(oid)
        if old == new:
            continue
        line = view.line_of(oid)
        assert line is not None  # every planned order has a line
        moves.append(
            StopMove(
                oid,
                line.order.reference,
                line.customer.name,
                old[0] if old else None,
                old[1] if old else None,
                new[0] if new else None,
                new[1] if new else None,
            )
        )
    moves.sort(key=lambda m: (m.reference, m.order_id))
    unassigned = []
    for oid, why in (reasons or {}).items():
        line = after_view.line_of(oid)
        if line is None or line.vehicle_name is not None:
            continue
        unassigned.append(
            UnassignedOrder(
                oid,
                line.order.reference,
                line.customer.name,
                REASON_TEXT[why.reason],
                why.fix,
            )
        )
    unassigned.sort(key=lambda u: (u.reference, u.order_id))
    return PlanDiff(
        figures(view),
        figures(after_view),
        tuple(moves),
        tuple(unassigned),
        vehicles,
        after_view,
    )
