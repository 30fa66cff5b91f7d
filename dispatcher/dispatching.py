"""Dispatch: send the day's routes to the drivers, and read back what was sent.

``dispatch`` is a deliberate, version-checked step in one transaction: the
chosen routes become dispatched, their open orders too, every stop gets the
planned arrival and departure of the shared scheduler (the drivers' route
sheets and later tracking compare against them), the plan remembers the
version it was dispatched at, and the change log gets one ``dispatch`` row
holding a ``DispatchSnapshot`` of everything the drivers now hold.
``last_dispatch`` reads that snapshot back; ``changes_since_dispatch``
(``dispatcher.dispatch_diff``) compares it with the day as it is now.

Routes may still be edited after a dispatch (the board allows it); the
snapshot then says what the drivers have and the diff what they lack. A new
dispatch of the changed routes sends them again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatcher.change_log import record_change
from dispatcher.changes import PlanChanges
from dispatcher.conflicts import stale_plan
from dispatcher.day_view import RouteLine
from dispatcher.dispatch_diff import (
    SHIFT_THRESHOLD_MIN,
    DispatchDiff,
    DispatchedRoute,
    DispatchedStop,
    DispatchSnapshot,
    EtaShifted,
    StopAdded,
    StopRemoved,
    StopReordered,
    VehicleDiff,
    changes_since_dispatch,
    snapshot_payload,
    snapshot_route,
)
from dispatcher.errors import StalePlan, ValidationError
from dispatcher.model import Change, ChangeAction, OrderStatus, RouteStatus
from dispatcher.permissions import Action, check
from dispatcher.ports import NEW_ID
from dispatcher.timing import DEFAULT_PROVIDER, DayContext

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from dispatcher.model import Order, OrderId, Plan, Route, Vehicle, VehicleId
    from dispatcher.ports import UnitOfWork, UnitOfWorkFactory
    from dispatcher.travel import TravelMatrixProvider

__all__ = [
    "DISPATCH_ENTITY",
    "SHIFT_THRESHOLD_MIN",
    "DispatchDiff",
    "DispatchResult",
    "DispatchSnapshot",
    "DispatchedRoute",
    "DispatchedStop",
    "EtaShifted",
    "StopAdded",
    "StopRemoved",
    "StopReordered",
    "VehicleDiff",
    "changes_since_dispatch",
    "dispatch",
    "last_dispatch",
]

DISPATCH_ENTITY = "dispatch"
"""Entity name of the change-log rows of dispatches (their id is the ISO date)."""

DISPATCHABLE_ROUTES = frozenset(
    {RouteStatus.DRAFT, RouteStatus.PLANNED, RouteStatus.DISPATCHED}
)
"""Route statuses a dispatch sets to dispatched; routes under way keep theirs."""

DISPATCHABLE_ORDERS = frozenset({OrderStatus.NEW, OrderStatus.PLANNED})
"""Order statuses a dispatch sets to dispatched; later ones are kept."""


@dataclass(frozen=True, slots=True)
class DispatchResult:
    """The outcome of one dispatch.

    Attributes
    ----------
    plan
        The plan as stored after the dispatch (``dispatched_version`` is its
        version).
    changes
        What changed, for the screens: the dispatched vehicles and their orders.
    snapshot
        Everything the drivers hold now (also in the change log).
    orders
        The orders whose status became dispatched, as saved.
    """

    plan: Plan
    changes: PlanChanges
    snapshot: DispatchSnapshot
    orders: tuple[Order, ...] = field(default_factory=tuple)

    @property
    def vehicles(self) -> frozenset[VehicleId]:
        """The vehicles whose routes this dispatch sent."""
        return self.snapshot.sent


def _entity_id(day: dt.date) -> str:
    return day.isoformat()


def _stale(day: dt.date) -> StalePlan:
    return StalePlan(
        f"The plan of {day:%Y-%m-%d} was changed by someone else since you loaded "
        "it; reload it, check the routes and dispatch again."
    )


def _chosen_routes(
    plan: Plan,
    vehicle_ids: Sequence[VehicleId] | None,
    vehicles: Mapping[VehicleId, Vehicle],
    held: Iterable[VehicleId],
) -> tuple[list[Route], list[VehicleId]]:
    """The routes to send, and the vehicles whose emptied routes to recall.

    A vehicle whose driver holds a route that is now empty is recalled: the
    driver is told there is nothing left (a full dispatch recalls every such
    vehicle). An empty route nobody holds cannot be dispatched.
    """
    held = set(held)
    if vehicle_ids is None:
        routes = [r for r in plan.routes if r.stops]
        sent = {r.vehicle_id for r in routes}
        recalled = sorted(held - sent)
        if not routes and not recalled:
            raise ValidationError(
                f"No route of {plan.date:%Y-%m-%d} has stops; plan some orders "
                "before dispatching."
            )
        return routes, recalled
    routes, recalled = [], []
    for vid in dict.fromkeys(vehicle_ids):
        vehicle = vehicles.get(vid)
        if vehicle is None:
            raise ValidationError(
                f"Vehicle {vid} does not exist any more; reload the day."
            )
        route = plan.route_of_vehicle(vid)
        if route is not None and route.stops:
            routes.append(route)
        elif vid in held:
            recalled.append(vid)
        else:
            raise ValidationError(
                f"{vehicle.name} has no stops on {plan.date:%Y-%m-%d}; there is "
                "nothing to dispatch for it."
            )
    if not routes and not recalled:
        raise ValidationError("Choose at least one route to dispatch.")
    return routes, recalled


def _recalled_route(route: Route) -> Route:
    """An emptied route whose driver was told: back to planned."""
    if route.status is RouteStatus.DISPATCHED:
        return dataclasses.replace(route, status=RouteStatus.PLANNED)
    return route


def _day_context(
    uow: UnitOfWork,
    day: dt.date,
    order_ids: Iterable[OrderId],
    provider: TravelMatrixProvider,
) -> DayContext:
    """What timing the given orders needs: orders, customers, depots."""
    wanted = set(order_ids)
    orders = {o.id: o for o in uow.orders.for_date(day) if o.id in wanted}
    for oid in sorted(wanted - orders.keys()):  # planned orders of other statuses
        orders[oid] = uow.orders.get(oid)
    customers = {
        c.id: c for c in uow.customers.list({o.customer_id for o in orders.values()})
    }
    depots = {d.id: d for d in uow.fleet.depots()}
    return DayContext(orders, customers, depots, provider)


def _dispatched_route(line: RouteLine) -> Route:
    """The timed route with planned stop times and, unless under way, dispatched."""
    route = line.route
    stops = tuple(
        dataclasses.replace(
            stop, planned_arrival=timing.arrival, planned_departure=timing.departure
        )
        for stop, timing in zip(route.stops, line.schedule.stops, strict=True)
    )
    status = route.status
    if status in DISPATCHABLE_ROUTES:
        status = RouteStatus.DISPATCHED
    return dataclasses.replace(route, stops=stops, status=status)


def _read_last(uow: UnitOfWork, day: dt.date) -> DispatchSnapshot | None:
    history = uow.changes.for_entity(DISPATCH_ENTITY, _entity_id(day))
    last = history[-1] if history else None
    if last is None or last.after is None:
        return None
    return DispatchSnapshot.from_payload(day, last.at, last.user, last.after)


def dispatch(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    vehicle_ids: Sequence[VehicleId] | None = None,
    *,
    provider: TravelMatrixProvider | None = None,
) -> DispatchResult:
    """Send routes of a day to their drivers.

    Parameters
    ----------
    uow_factory
        Opens the unit of work the dispatch is saved in.
    day
        The plan date.
    expected_version
        The plan version the user confirmed; the dispatch is refused if the plan
        moved on since.
    vehicle_ids
        The vehicles whose routes to send; None sends every route with stops
        (a full dispatch: the snapshot then holds exactly those routes). A
        partial dispatch keeps the other routes of the previous snapshot. A
        vehicle whose driver holds a route that is now empty is recalled: its
        route leaves the snapshot and goes back from dispatched to planned (a
        full dispatch recalls every such vehicle).
    provider
        Travel matrices for the planned times; the offline default when None
        (pass the one the screen times routes with, so both agree).

    Returns
    -------
    DispatchResult
        Routes are dispatched (routes under way keep their status), their new
        and planned orders are dispatched, every stop has its planned arrival
        and departure, and ``plan.dispatched_version == plan.version``.

    Raises
    ------
    StalePlan
        If the plan is no longer at ``expected_version``; nothing is written.
        The message and ``theirs`` tell what the others changed.
    PermissionDenied
        If the signed-in user may not dispatch; nothing is written.
    ValidationError
        If there is nothing to dispatch, or a chosen vehicle does not exist or
        has no stops and holds none; nothing is written.
    """
    try:
        return _dispatch_once(
            uow_factory, day, expected_version, vehicle_ids, provider=provider
        )
    except StalePlan as exc:
        if exc.theirs:
            raise
        raise stale_plan(uow_factory, day, expected_version, str(exc)) from exc


def _dispatch_once(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    vehicle_ids: Sequence[VehicleId] | None = None,
    *,
    provider: TravelMatrixProvider | None = None,
) -> DispatchResult:
    """``dispatch`` in one unit of work."""
    with uow_factory() as uow:
        check(uow, Action.DISPATCH, what=f"on {day:%Y-%m-%d}")
        plan = uow.plans.get(day)
        if plan.version != expected_version:
            raise _stale(day)
        previous = _read_last(uow, day)
        vehicles = {v.id: v for v in uow.fleet.vehicles()}
        routes, recalled = _chosen_routes(
            plan,
            vehicle_ids,
            vehicles,
            (r.vehicle_id for r in previous.routes) if previous else (),
        )
        order_ids = [oid for route in routes for oid in route.order_ids]
        context = _day_context(uow, day, order_ids, provider or DEFAULT_PROVIDER)
        drivers = {d.id: d for d in uow.fleet.drivers()}
        lines = {
            route.vehicle_id: RouteLine(
                route,
                vehicles[route.vehicle_id],
                drivers.get(route.driver_id) if route.driver_id is not None else None,
                context.time_route(vehicles[route.vehicle_id], route.order_ids),
            )
            for route in routes
        }
        new_routes = {vid: _dispatched_route(line) for vid, line in lines.items()}
        for vid in recalled:
            if (route := plan.route_of_vehicle(vid)) is not None:
                new_routes[vid] = _recalled_route(route)
        edited = dataclasses.replace(
            plan,
            routes=tuple(new_routes.get(r.vehicle_id, r) for r in plan.routes),
            dispatched_version=expected_version + 1,
        )
        saved = uow.plans.save(edited)
        # The save took the next version, the one recorded as dispatched.
        assert saved.version == saved.dispatched_version

        updated = _dispatch_orders(uow, day, context.orders.values())
        held = _held_routes(
            saved.version,
            lines,
            context.orders,
            previous,
            recalled,
            full=vehicle_ids is None,
        )
        sent = frozenset(lines) | frozenset(recalled)
        change = record_change(
            uow,
            DISPATCH_ENTITY,
            _entity_id(day),
            ChangeAction.CREATE if previous is None else ChangeAction.UPDATE,
            # The previous snapshot is in its own row: name it, do not copy it.
            before=_reference(previous) if previous is not None else None,
            after=snapshot_payload(saved.version, held, sent),
            plan_date=day,
        )
        uow.commit()

    at = change.at if change.at.tzinfo else change.at.replace(tzinfo=dt.UTC)
    snapshot = DispatchSnapshot(day, at, change.user, saved.version, held, sent)
    changes = PlanChanges(day, saved.version, sent, frozenset(order_ids))
    return DispatchResult(saved, changes, snapshot, tuple(updated))


def _reference(snapshot: DispatchSnapshot) -> dict[str, object]:
    """Which dispatch a new one replaces (for the change row's ``before``)."""
    return {
        "plan_version": snapshot.plan_version,
        "at": snapshot.at.isoformat(),
        "user": snapshot.user,
    }


def _dispatch_orders(
    uow: UnitOfWork, day: dt.date, orders: Iterable[Order]
) -> list[Order]:
    """Set new and planned orders to dispatched, with one change row each.

    A day has thousands of them, so both go to storage in bulk; one by one
    (``update`` and ``record_change``) a 2,000-order dispatch took seconds.
    """
    before = sorted(
        (o for o in orders if o.status in DISPATCHABLE_ORDERS), key=lambda o: o.id
    )
    saved = uow.orders.update_many(
        [dataclasses.replace(o, status=OrderStatus.DISPATCHED) for o in before]
    )
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # as record_change stamps
    uow.changes.add_many(
        [
            Change(
                id=NEW_ID,
                at=at,
                user=uow.actor,
                entity="order",
                entity_id=str(new.id),
                action=ChangeAction.UPDATE,
                plan_date=day,
                before={"status": old.status.value},
                after={"status": new.status.value},
            )
            for old, new in zip(before, saved, strict=True)
        ]
    )
    return saved


def _held_routes(
    version: int,
    lines: Mapping[VehicleId, RouteLine],
    orders: Mapping[OrderId, Order],
    previous: DispatchSnapshot | None,
    recalled: Iterable[VehicleId],
    *,
    full: bool,
) -> tuple[DispatchedRoute, ...]:
    """The routes the drivers hold after this dispatch, by vehicle name.

    A full dispatch replaces everything; a partial one keeps the routes the
    previous dispatches sent to the other vehicles. Recalled routes are gone.
    """
    references = {oid: o.reference for oid, o in orders.items()}
    routes = {
        vid: snapshot_route(line, version, references) for vid, line in lines.items()
    }
    if previous is not None and not full:
        gone = set(recalled)
        for route in previous.routes:
            if route.vehicle_id not in gone:
                routes.setdefault(route.vehicle_id, route)
    return tuple(sorted(routes.values(), key=lambda r: (r.vehicle_name, r.vehicle_id)))


def last_dispatch(
    uow_factory: UnitOfWorkFactory, day: dt.date
) -> DispatchSnapshot | None:
    """What the drivers of ``day`` hold: the snapshot of its last dispatch.

    Returns
    -------
    DispatchSnapshot | None
        None if the day was never dispatched.
    """
    with uow_factory() as uow:
        return _read_last(uow, day)
