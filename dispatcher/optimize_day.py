"""Optimize one day as the screens show it: scope a ``DayView``, read the answer back.

``problem_for_day`` snapshots a day view into the optimizer's ``RoutingProblem``:
the whole day, only some routes, or only some orders. It uses the view's own
``DayContext`` (the orders, customers, depots and travel provider the board
times routes with), so the optimizer plans exactly what the screens show.
``sequences_from`` turns the optimizer's ``Solution`` into the stop sequences
``plan_edits.replace_routes`` saves; ``unassigned_reasons`` names why orders were
left out.

What the optimizer may change:

* Locked routes and routes already under way (in progress or done, or holding a
  stop that is no longer open) are kept exactly as they are.
* Locked stops keep their vehicle and position.
* With an order scope, the chosen orders may go anywhere; every other stop of
  the routes in scope stays on its vehicle (its place in the route may change).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.day_view import load_day
from dispatcher.errors import ValidationError
from dispatcher.model import (
    OPEN_ORDER_STATUSES,
    OrderId,
    Plan,
    RouteStatus,
    VehicleId,
)
from dispatcher.optimize.build import build_problem, planned_routes
from dispatcher.optimize.problem import Lock

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.day_view import DayView, RouteLine
    from dispatcher.optimize.problem import Objective, RoutingProblem
    from dispatcher.optimize.solution import Solution, Unassigned
    from dispatcher.ports import UnitOfWorkFactory
    from dispatcher.timing import DayContext


def default_workers() -> int:
    """Parallel searches per run: two if that leaves a core free, else one.

    Measured on a 2-core machine (250-order demo day, 10 s): one search found
    its first plan after 2.3 s and ended 4.7 % cheaper than the demo's plan;
    two searches competing for both cores took 7.2 s to a first plan and ended
    5.4 % dearer.
    """
    return 2 if (os.cpu_count() or 1) >= 3 else 1


UNDER_WAY = frozenset({RouteStatus.IN_PROGRESS, RouteStatus.DONE})
"""Route statuses the optimizer never changes: the vehicle is already driving."""

LATER_DAYS = 5
"""Following days read to tell which one has room for an order left out."""


def later_days(
    uow_factory: UnitOfWorkFactory, day: dt.date, count: int = LATER_DAYS
) -> list[DayView]:
    """The ``count`` days after ``day``, for "fits on <weekday>" explanations."""
    return [
        load_day(uow_factory, day + dt.timedelta(days=k)) for k in range(1, count + 1)
    ]


@dataclass(frozen=True, slots=True)
class DayScope:
    """What one optimization of a day covers.

    Attributes
    ----------
    vehicles
        The vehicles in the problem, by name.
    orders
        The orders in the problem, by reference.
    pinned
        Orders kept on their current vehicle (their position may change).
    frozen
        Vehicles whose route is kept exactly (locked or under way).
    """

    vehicles: tuple[VehicleId, ...]
    orders: tuple[OrderId, ...]
    pinned: frozenset[OrderId] = frozenset()
    frozen: frozenset[VehicleId] = frozenset()


def _context(view: DayView) -> DayContext:
    if view.context is None:
        raise ValueError("a day view without a DayContext cannot be optimized")
    return view.context


def _is_frozen(view: DayView, line: RouteLine) -> bool:
    """True if the optimizer must keep the route exactly as it is."""
    if line.route.locked or line.route.status in UNDER_WAY:
        return True
    orders = _context(view).orders
    return any(
        orders[oid].date != view.date or orders[oid].status not in OPEN_ORDER_STATUSES
        for oid in line.route.order_ids
    )


def day_scope(
    view: DayView,
    *,
    vehicles: Iterable[VehicleId] | None = None,
    orders: Iterable[OrderId] | None = None,
) -> DayScope:
    """Which vehicles and orders an optimization of ``view`` covers.

    Parameters
    ----------
    view
        The day as loaded by ``load_day``.
    vehicles
        Only these vehicles (and the orders on their routes); None: every
        active vehicle of the fleet.
    orders
        Only these orders may change vehicle (other stops of the routes in scope
        stay on their vehicle); None: every open order in scope, and with no
        ``vehicles`` also every open order on no route.

    Returns
    -------
    DayScope
        Vehicles by name and orders by reference.

    Raises
    ------
    ValidationError
        If a vehicle is not part of the day's fleet.
    """
    context = _context(view)
    fleet = view.vehicles
    if vehicles is None:
        chosen = {vid for vid, vehicle in fleet.items() if vehicle.active}
    else:
        chosen = set(vehicles)
        unknown = chosen - fleet.keys()
        if unknown:
            raise ValidationError(
                f"Vehicle {min(unknown)} is not in the fleet of {view.date:%Y-%m-%d}; "
                "reload the day and choose again."
            )
        chosen = {vid for vid in chosen if fleet[vid].active}
    routes = [line for line in view.routes if line.vehicle.id in chosen]
    frozen = frozenset(line.vehicle.id for line in routes if _is_frozen(view, line))

    def is_open(oid: OrderId) -> bool:
        order = context.orders.get(oid)
        return (
            order is not None
            and order.date == view.date
            and order.status in OPEN_ORDER_STATUSES
        )

    on_routes = {oid for line in routes for oid in line.route.order_ids if is_open(oid)}
    planned_anywhere = {oid for line in view.routes for oid in line.route.order_ids}
    wanted = set(on_routes)
    pinned: frozenset[OrderId] = frozenset()
    if orders is not None:
        free = {oid for oid in orders if is_open(oid)}
        wanted |= free
        frozen_orders = {
            oid
            for line in routes
            if line.vehicle.id in frozen
            for oid in line.route.order_ids
        }
        pinned = frozenset(on_routes - free - frozen_orders)
    elif vehicles is None:
        wanted |= {
            line.order.id
            for line in view.lines
            if line.order.id not in planned_anywhere and is_open(line.order.id)
        }
    ordered = tuple(line.order.id for line in view.lines if line.order.id in wanted)
    by_name = sorted(chosen, key=lambda vid: (fleet[vid].name, vid))
    return DayScope(tuple(by_name), ordered, pinned, frozen)


ROOM_MINUTES = 60.0
"""Shift time a vehicle must have left on another day to have room for an order."""


def room_on(view: DayView) -> frozenset[VehicleId]:
    """Vehicles with room on ``view``'s day.

    Active vehicles that are idle, or whose route leaves ``ROOM_MINUTES`` of
    their shift and stays below their stop limit.
    """
    busy = {line.vehicle.id: line for line in view.routes}
    room = set()
    for vid, vehicle in view.vehicles.items():
        if not vehicle.active:
            continue
        line = busy.get(vid)
        if line is None or not line.route.order_ids:
            room.add(vid)
            continue
        stops = len(line.route.order_ids)
        if line.schedule.end + ROOM_MINUTES <= vehicle.shift.end and (
            vehicle.max_stops is None or stops < vehicle.max_stops
        ):
            room.add(vid)
    return frozenset(room)


def problem_for_day(
    view: DayView,
    *,
    objective: Objective | None = None,
    vehicles: Iterable[VehicleId] | None = None,
    orders: Iterable[OrderId] | None = None,
    other_days: Iterable[DayView] = (),
) -> RoutingProblem:
    """Snapshot a day (or part of it) for the optimizer.

    Parameters
    ----------
    view
        The day as loaded by ``load_day`` (its ``DayContext`` supplies orders,
        customers, depots and the travel provider).
    objective
        What to minimise (default: money).
    vehicles, orders
        The scope, as in ``day_scope``.
    other_days
        Views of later days: orders that do not fit are told which of those
        days has a vehicle with room for them (``room_on``).

    Returns
    -------
    RoutingProblem
        Job keys are order ids and vehicle keys vehicle ids; the current routes
        are the warm start and the reference for stability.

    Raises
    ------
    ValidationError
        If the scope leaves nothing the optimizer could change.
    """
    context = _context(view)
    scope = day_scope(view, vehicles=vehicles, orders=orders)
    movable = set(scope.vehicles) - scope.frozen
    frozen_orders = {
        oid
        for line in view.routes
        if line.vehicle.id in scope.frozen
        for oid in line.route.order_ids
    }
    if not movable or not set(scope.orders) - frozen_orders:
        raise ValidationError(
            f"There is nothing to optimize on {view.date:%a %d %b %Y}: the chosen "
            "routes and orders are all locked, under way or empty. Unlock a route "
            "or choose other orders."
        )
    in_scope = set(scope.vehicles)
    routes = tuple(
        dataclasses.replace(line.route, locked=True)
        if line.vehicle.id in scope.frozen
        else line.route
        for line in view.routes
        if line.vehicle.id in in_scope
    )
    problem = build_problem(
        orders=[context.orders[oid] for oid in scope.orders],
        customers=context.customers,
        depots=context.depots,
        vehicles=[view.vehicles[vid] for vid in scope.vehicles],
        plan=Plan(view.date, routes, view.plan_version),
        objective=objective,
        provider=context.provider,
        other_days={other.date: room_on(other) for other in other_days},
    )
    return _pinned(problem, scope.pinned) if scope.pinned else problem


def _pinned(problem: RoutingProblem, pinned: frozenset[OrderId]) -> RoutingProblem:
    """The problem with ``pinned`` orders locked to their current vehicle."""
    vehicle_of = problem.current_vehicle_of()
    jobs = tuple(
        dataclasses.replace(job, lock=Lock(vehicle_of[j]))
        if job.key in pinned and job.lock is None and j in vehicle_of
        else job
        for j, job in enumerate(problem.jobs)
    )
    return dataclasses.replace(problem, jobs=jobs)


def sequences_from(
    problem: RoutingProblem, solution: Solution
) -> dict[VehicleId, list[OrderId]]:
    """The stop sequences to save for a solution of ``problem_for_day``'s problem.

    Every vehicle the optimizer was free to plan is listed if it has stops now
    or had some before (an empty list empties its route); locked routes are
    left out, so saving never touches them.

    Returns
    -------
    dict[VehicleId, list[OrderId]]
        Vehicle → orders in driving order, for ``plan_edits.replace_routes``.
    """
    routes = planned_routes(problem, solution)
    sequences: dict[VehicleId, list[OrderId]] = {}
    for fleet in problem.vehicles:
        if fleet.locked:
            continue
        keys = routes.get(fleet.key, [])
        if keys or fleet.current:
            sequences[VehicleId(fleet.key)] = [OrderId(k) for k in keys]
    return sequences


def unassigned_reasons(
    problem: RoutingProblem, solution: Solution
) -> dict[OrderId, Unassigned]:
    """Why each order the solution leaves out is not planned (and its fix)."""
    return {OrderId(problem.jobs[u.job].key): u for u in solution.unassigned}
