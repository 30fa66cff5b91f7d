"""Pure rules of manual plan edits: move orders between routes, lock and unlock.

Every function takes a ``Plan`` and returns a new one; nothing here reads or
writes storage (``dispatcher.plan_edits`` wraps them in units of work). Routes
that an edit does not touch are returned as the very same objects, so callers
find the changed ones cheaply (``changed_vehicles``). Stops are numbered 1..n
after every edit.

Locks: a locked stop stays on its route (other stops may still be moved around
it); a locked route keeps exactly its stops, in their order. An edit that would
break either raises ``LockedStop`` naming the order, and changes nothing.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatcher.errors import LockedStop, ValidationError
from dispatcher.model import OrderStatus, Route, RouteId, Stop, StopId
from dispatcher.ports import NEW_ID

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from dispatcher.model import OrderId, Plan, VehicleId


@dataclass(frozen=True, slots=True)
class Names:
    """How messages name orders and vehicles (references and vehicle names).

    Ids without a name are shown as ``order 12`` / ``vehicle 3``.
    """

    orders: Mapping[OrderId, str] = field(default_factory=dict)
    vehicles: Mapping[VehicleId, str] = field(default_factory=dict)

    def order(self, order_id: OrderId) -> str:
        """The reference of an order."""
        return self.orders.get(order_id, f"order {order_id}")

    def vehicle(self, vehicle_id: VehicleId) -> str:
        """The name of a vehicle."""
        return self.vehicles.get(vehicle_id, f"vehicle {vehicle_id}")


NO_NAMES = Names()
"""Names by id only, for callers that have no references at hand."""


@dataclass(frozen=True, slots=True)
class RouteState:
    """One vehicle's route as an edit found or left it: enough to put it back.

    ``stops`` are the full stop values (locks and planned times included), so a
    restore is exact; ``exists`` False means the vehicle had no route at all.
    """

    stops: tuple[Stop, ...] = ()
    locked: bool = False
    exists: bool = True

    @property
    def order_ids(self) -> tuple[OrderId, ...]:
        """The orders of the route in driving order."""
        return tuple(stop.order_id for stop in self.stops)

    @property
    def locked_orders(self) -> frozenset[OrderId]:
        """The orders whose stop is locked."""
        return frozenset(stop.order_id for stop in self.stops if stop.locked)

    def summary(self) -> dict[str, object]:
        """A JSON-ready description for the change log."""
        return {
            "order_ids": list(self.order_ids),
            "locked": self.locked,
            "locked_order_ids": sorted(self.locked_orders),
        }


ABSENT = RouteState(exists=False)
"""The state of a vehicle that has no route on the date."""


def route_state(plan: Plan, vehicle_id: VehicleId) -> RouteState:
    """The state of a vehicle's route in ``plan`` (``ABSENT`` if it has none)."""
    route = plan.route_of_vehicle(vehicle_id)
    if route is None:
        return ABSENT
    return RouteState(route.stops, route.locked)


def route_states(
    plan: Plan, vehicle_ids: Iterable[VehicleId]
) -> dict[VehicleId, RouteState]:
    """The states of several vehicles' routes, keyed by vehicle."""
    routes = {r.vehicle_id: r for r in plan.routes}
    return {
        vid: RouteState(r.stops, r.locked) if (r := routes.get(vid)) else ABSENT
        for vid in vehicle_ids
    }


def changed_vehicles(before: Plan, after: Plan) -> frozenset[VehicleId]:
    """Vehicles whose route differs between two versions of a plan.

    Routes compare by value, but untouched routes are usually the same object,
    which makes the comparison of a 2,000-stop day nearly free.
    """
    old = {r.vehicle_id: r for r in before.routes}
    new = {r.vehicle_id: r for r in after.routes}
    return frozenset(
        vid
        for vid in old.keys() | new.keys()
        if (a := old.get(vid)) is not (b := new.get(vid)) and a != b
    )


def planned_status(status: OrderStatus, on_route: bool) -> OrderStatus:
    """An order's status after it was put on a route or taken off every route.

    New orders become planned on a route; planned or dispatched orders become
    new again off the plan. Other statuses (delivered, ...) never change here.
    """
    if on_route and status is OrderStatus.NEW:
        return OrderStatus.PLANNED
    if not on_route and status in (OrderStatus.PLANNED, OrderStatus.DISPATCHED):
        return OrderStatus.NEW
    return status


def _resequenced(stops: Iterable[Stop]) -> tuple[Stop, ...]:
    """The stops numbered 1..n (stops already at their number are kept as they are)."""
    return tuple(
        stop
        if stop.sequence == position
        else dataclasses.replace(stop, sequence=position)
        for position, stop in enumerate(stops, start=1)
    )


def _unique(order_ids: Iterable[OrderId]) -> list[OrderId]:
    """The ids without repeats, first occurrence first."""
    return list(dict.fromkeys(order_ids))


def _positions(plan: Plan) -> dict[OrderId, tuple[int, int]]:
    """Where each planned order is: (index of its route, index of its stop)."""
    return {
        stop.order_id: (r, s)
        for r, route in enumerate(plan.routes)
        for s, stop in enumerate(route.stops)
    }


def _check_movable(
    plan: Plan,
    order_ids: Iterable[OrderId],
    where: Mapping[OrderId, tuple[int, int]],
    names: Names,
) -> None:
    """Refuse to take a locked stop, or a stop of a locked route, off its place."""
    for oid in order_ids:
        if oid not in where:
            continue
        r, s = where[oid]
        route = plan.routes[r]
        if route.locked:
            raise LockedStop(
                f"{names.order(oid)} is on {names.vehicle(route.vehicle_id)}, which "
                "is locked; unlock the route before moving its stops.",
                order_id=oid,
            )
        if route.stops[s].locked:
            raise LockedStop(
                f"{names.order(oid)} is locked on {names.vehicle(route.vehicle_id)}; "
                "unlock the stop before moving it.",
                order_id=oid,
            )


def move_orders(
    plan: Plan,
    order_ids: Sequence[OrderId],
    vehicle_id: VehicleId | None,
    index: int | None,
    *,
    names: Names = NO_NAMES,
) -> Plan:
    """Move orders onto a vehicle's route at a position, or off every route.

    Parameters
    ----------
    plan
        The plan to edit.
    order_ids
        The orders to move, planned or not; repeats are ignored. They arrive in
        the order they had: planned ones in driving order (routes in plan order),
        then unplanned ones in the order given.
    vehicle_id
        The vehicle to move them to; None takes them off every route.
    index
        Where to insert them, as a row of the target route *before* the move
        (a drop row): they go in front of the stop now at ``index``. Counted
        with the moved stops themselves, so dropping a stop on its own row
        leaves it in place. Clamped to the route; None appends at the end.
        Ignored when ``vehicle_id`` is None.
    names
        References and vehicle names for error messages.

    Returns
    -------
    Plan
        The edited plan (same version); routes it did not touch are the same
        objects. The vehicle gets a route if it had none; a route left empty is
        kept (empty), so its driver and status stay.

    Raises
    ------
    LockedStop
        If one of the orders has a locked stop or is on a locked route, or the
        target route is locked.
    """
    ids = _unique(order_ids)
    if not ids:
        return plan
    moving = set(ids)
    where = _positions(plan)
    _check_movable(plan, ids, where, names)
    target = plan.route_of_vehicle(vehicle_id) if vehicle_id is not None else None
    if target is not None and target.locked:
        raise LockedStop(
            f"{names.order(ids[0])} cannot go to {names.vehicle(target.vehicle_id)}: "
            "the route is locked; unlock it first.",
            order_id=ids[0],
        )
    given = {oid: i for i, oid in enumerate(ids)}
    ids.sort(key=lambda oid: (0, *where[oid]) if oid in where else (1, given[oid], 0))
    block = [
        plan.routes[where[oid][0]].stops[where[oid][1]]
        if oid in where
        else Stop(StopId(NEW_ID), oid, 0)
        for oid in ids
    ]

    routes: list[Route] = []
    for route in plan.routes:
        kept = [stop for stop in route.stops if stop.order_id not in moving]
        if route is target:
            row = len(route.stops) if index is None else max(0, index)
            position = sum(1 for s in route.stops[:row] if s.order_id not in moving)
            kept[position:position] = block
        stops = _resequenced(kept)
        routes.append(route if stops == route.stops else _with_stops(route, stops))
    if vehicle_id is not None and target is None:
        routes.append(
            Route(RouteId(NEW_ID), plan.date, vehicle_id, _resequenced(block))
        )
    return dataclasses.replace(plan, routes=tuple(routes))


def _with_stops(route: Route, stops: tuple[Stop, ...]) -> Route:
    return dataclasses.replace(route, stops=stops)


def set_stops_locked(
    plan: Plan,
    order_ids: Sequence[OrderId],
    locked: bool,
    *,
    names: Names = NO_NAMES,
) -> Plan:
    """Lock or unlock the stops of orders.

    Raises
    ------
    ValidationError
        If one of the orders is on no route (only stops can be locked).
    """
    wanted = set(order_ids)
    where = _positions(plan)
    for oid in _unique(order_ids):
        if oid not in where:
            raise ValidationError(
                f"{names.order(oid)} is not on a route; only planned stops can be "
                "locked or unlocked."
            )
    routes = []
    for route in plan.routes:
        if any(s.order_id in wanted and s.locked != locked for s in route.stops):
            route = _with_stops(
                route,
                tuple(
                    dataclasses.replace(s, locked=locked) if s.order_id in wanted else s
                    for s in route.stops
                ),
            )
        routes.append(route)
    return dataclasses.replace(plan, routes=tuple(routes))


def set_route_locked(plan: Plan, vehicle_id: VehicleId, locked: bool) -> Plan:
    """Lock or unlock a vehicle's whole route.

    Locking a vehicle without a route gives it an empty locked route, which keeps
    the optimizer from giving it work; unlocking such a vehicle changes nothing.
    """
    route = plan.route_of_vehicle(vehicle_id)
    if route is None:
        if not locked:
            return plan
        new = Route(RouteId(NEW_ID), plan.date, vehicle_id, locked=True)
        return dataclasses.replace(plan, routes=(*plan.routes, new))
    if route.locked == locked:
        return plan
    return dataclasses.replace(
        plan,
        routes=tuple(
            dataclasses.replace(r, locked=locked) if r is route else r
            for r in plan.routes
        ),
    )


def restore_routes(plan: Plan, states: Mapping[VehicleId, RouteState]) -> Plan:
    """Put the given vehicles' routes back exactly as ``states`` describe them.

    Used to undo an edit: locks are ignored (the state is what it was before).
    Orders of the restored routes are taken off any other route; orders that
    were on a restored route and are not in its state end up unplanned; a route
    whose state is ``ABSENT`` is removed.
    """
    restored = {oid for state in states.values() for oid in state.order_ids}
    routes: list[Route] = []
    for route in plan.routes:
        state = states.get(route.vehicle_id)
        if state is None:
            if any(s.order_id in restored for s in route.stops):
                kept = (s for s in route.stops if s.order_id not in restored)
                route = _with_stops(route, _resequenced(kept))
            routes.append(route)
        elif state.exists:
            stops = _resequenced(state.stops)
            if (stops, state.locked) != (route.stops, route.locked):
                route = dataclasses.replace(route, stops=stops, locked=state.locked)
            routes.append(route)
    present = {r.vehicle_id for r in plan.routes}
    routes.extend(
        Route(
            RouteId(NEW_ID),
            plan.date,
            vid,
            _resequenced(state.stops),
            locked=state.locked,
        )
        for vid, state in states.items()
        if state.exists and vid not in present
    )
    return dataclasses.replace(plan, routes=tuple(routes))


def replace_routes(
    plan: Plan,
    sequences: Mapping[VehicleId, Sequence[OrderId]],
    *,
    names: Names = NO_NAMES,
) -> Plan:
    """Give vehicles new stop sequences (an optimizer's result), keeping locks.

    Stops keep their values (locks, planned times) where their order was already
    planned. Orders of the given vehicles that no sequence lists end up
    unplanned; orders a sequence takes from another route leave that route.

    Raises
    ------
    ValidationError
        If an order appears twice in the sequences.
    LockedStop
        If a locked route would change, or a locked stop would leave its route
        or change places with another locked stop of it.
    """
    placed: dict[OrderId, VehicleId] = {}
    for vid, seq in sequences.items():
        for oid in seq:
            if oid in placed:
                raise ValidationError(
                    f"{names.order(oid)} is on two routes of the result; "
                    "keep it on one."
                )
            placed[oid] = vid
    for route in plan.routes:
        _check_kept_locks(route, sequences, placed, names)
    where = _positions(plan)
    states = {
        vid: RouteState(
            tuple(
                plan.routes[where[oid][0]].stops[where[oid][1]]
                if oid in where
                else Stop(StopId(NEW_ID), oid, 0)
                for oid in seq
            ),
            locked=bool((current := plan.route_of_vehicle(vid)) and current.locked),
        )
        for vid, seq in sequences.items()
    }
    return restore_routes(plan, states)


def _check_kept_locks(
    route: Route,
    sequences: Mapping[VehicleId, Sequence[OrderId]],
    placed: Mapping[OrderId, VehicleId],
    names: Names,
) -> None:
    """Refuse new sequences that change a locked route or move a locked stop."""
    vehicle = names.vehicle(route.vehicle_id)
    seq = sequences.get(route.vehicle_id)
    if seq is None:
        # The route keeps its sequence but may lose orders to other routes.
        leaving = [s for s in route.stops if s.order_id in placed]
        if leaving and route.locked:
            oid = leaving[0].order_id
            raise LockedStop(
                f"{names.order(oid)} is on {vehicle}, which is locked; "
                "unlock the route before moving its stops.",
                order_id=oid,
            )
        for stop in leaving:
            if stop.locked:
                raise LockedStop(
                    f"{names.order(stop.order_id)} is locked on {vehicle}; "
                    "unlock the stop before moving it.",
                    order_id=stop.order_id,
                )
        return
    if route.locked and tuple(seq) != route.order_ids:
        # Name the first order that would change place (there is one: they differ).
        changed = next(
            a if a is not None else b
            for a, b in itertools.zip_longest(route.order_ids, seq)
            if a != b
        )
        raise LockedStop(
            f"{vehicle} is locked, so {names.order(changed)} must stay where it "
            "is; unlock the route first.",
            order_id=changed,
        )
    locked_now = [s.order_id for s in route.stops if s.locked]
    wanted = set(locked_now)
    locked_then = [oid for oid in seq if oid in wanted]
    if locked_then != locked_now:
        oid = next(
            (a for a, b in zip(locked_now, locked_then, strict=False) if a != b),
            locked_now[-1],
        )
        raise LockedStop(
            f"{names.order(oid)} is locked on {vehicle} and must stay there, in its "
            "place among the locked stops; unlock it first.",
            order_id=oid,
        )
