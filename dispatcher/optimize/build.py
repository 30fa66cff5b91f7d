"""From the domain to the optimizer and back: snapshot a day, read a plan.

``build_problem`` turns a day's open orders, the fleet, the current plan and
(mid-day) where vehicles are now into a ``RoutingProblem``. ``planned_routes``
and ``summary_lines`` turn a ``Solution`` back into order ids per vehicle and
the text the CLI prints. Everything is pure: a service loads the values inside
a unit of work and calls these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.model import OrderKind, format_minutes
from dispatcher.optimize.problem import (
    AlternativeDay,
    FleetVehicle,
    Job,
    Lock,
    Objective,
    RoutingProblem,
)
from dispatcher.scheduling import StopSpec, VehicleSpec
from dispatcher.timing import DEFAULT_PROVIDER, effective_windows, required_skills

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection, Mapping, Sequence

    from dispatcher.model import (
        Customer,
        CustomerId,
        Depot,
        DepotId,
        Location,
        Order,
        OrderId,
        Plan,
        Vehicle,
        VehicleId,
    )
    from dispatcher.optimize.solution import Solution
    from dispatcher.travel import TravelMatrixProvider


@dataclass(frozen=True, slots=True)
class LiveStart:
    """Where a vehicle under way is now, and from when it is free (minutes)."""

    location: Location
    free_at: float


class _Places:
    """Distinct locations, indexed in order of first use."""

    def __init__(self) -> None:
        self.locations: list[Location] = []
        self._index: dict[tuple[float, float], int] = {}

    def node(self, location: Location) -> int:
        key = (location.lat, location.lon)
        if key not in self._index:
            self._index[key] = len(self.locations)
            self.locations.append(location)
        return self._index[key]


def build_problem(
    *,
    orders: Sequence[Order],
    customers: Mapping[CustomerId, Customer],
    depots: Mapping[DepotId, Depot],
    vehicles: Sequence[Vehicle],
    plan: Plan | None = None,
    objective: Objective | None = None,
    provider: TravelMatrixProvider = DEFAULT_PROVIDER,
    live: Mapping[VehicleId, LiveStart] | None = None,
    other_days: Mapping[dt.date, Collection[VehicleId]] | None = None,
) -> RoutingProblem:
    """Snapshot a day for the optimizer.

    Parameters
    ----------
    orders
        The orders to plan (open ones; completed and current stops of routes
        under way are left out by the caller: they are frozen).
    customers, depots
        Lookups for the orders' customers and the vehicles' depots.
    vehicles
        The fleet (inactive vehicles are skipped).
    plan
        The current plan: warm start, locks, locked routes, stability.
    objective
        What to minimise (default: money, all options off).
    provider
        Travel distances and times.
    live
        Vehicles under way: they start where they are, when they are free.
    other_days
        Later dates to suggest for orders that do not fit, each with the
        vehicles that have room that day (see ``AlternativeDay``).

    Returns
    -------
    RoutingProblem
        The snapshot; job keys are order ids, vehicle keys vehicle ids.
    """
    live = live or {}
    places = _Places()
    fleet_vehicles = [v for v in vehicles if v.active]
    job_index = {order.id: n for n, order in enumerate(orders)}
    vehicle_index = {v.id: k for k, v in enumerate(fleet_vehicles)}
    locks: dict[OrderId, Lock] = {}
    current: dict[int, tuple[int, ...]] = {}
    locked_routes: set[int] = set()
    for route in plan.routes if plan else ():
        k = vehicle_index.get(route.vehicle_id)
        if k is None:
            continue
        stops = [s for s in route.stops if s.order_id in job_index]
        current[k] = tuple(job_index[s.order_id] for s in stops)
        if route.locked:
            locked_routes.add(k)
        for position, stop in enumerate(stops):
            if stop.locked:
                locks[stop.order_id] = Lock(k, position)
    fleet = []
    for k, vehicle in enumerate(fleet_vehicles):
        start = places.node(depots[vehicle.depot_id].location)
        end = places.node(depots[vehicle.end_depot].location)
        now = live.get(vehicle.id)
        if now is not None:
            start = places.node(now.location)
        spec = VehicleSpec.from_vehicle(vehicle, start_node=start, end_node=end)
        fleet.append(
            FleetVehicle(
                key=vehicle.id,
                spec=spec,
                start_time=None if now is None else now.free_at,
                current=current.get(k, ()),
                locked=k in locked_routes,
            )
        )
    jobs = []
    for order in orders:
        customer = customers[order.customer_id]
        stop_spec = StopSpec(
            node=places.node(customer.location),
            service_min=order.service_minutes,
            windows=effective_windows(order, customer),
            demand=order.demand,
            skills=required_skills(order, customer),
            pickup=order.kind == OrderKind.PICKUP,
        )
        jobs.append(Job(order.id, stop_spec, order.priority, locks.get(order.id)))
    return RoutingProblem(
        matrix=provider.matrix(places.locations),
        jobs=tuple(jobs),
        vehicles=tuple(fleet),
        objective=objective or Objective(),
        name=str(orders[0].date) if orders else "",
        alternatives=tuple(
            _alternative(day, room, orders, customers, vehicle_index)
            for day, room in sorted((other_days or {}).items())
        ),
    )


def day_label(day: dt.date) -> str:
    """A date as the explanations name it: "Wednesday 25 Nov"."""
    return f"{day:%A} {day.day} {day:%b}"


def _alternative(
    day: dt.date,
    room: Collection[VehicleId],
    orders: Sequence[Order],
    customers: Mapping[CustomerId, Customer],
    vehicle_index: Mapping[VehicleId, int],
) -> AlternativeDay:
    """The orders' windows on ``day`` and the vehicles with room then."""
    windows = tuple(
        order.windows or customers[order.customer_id].hours_on(day) for order in orders
    )
    vehicles = tuple(sorted(vehicle_index[v] for v in room if v in vehicle_index))
    return AlternativeDay(day_label(day), windows, vehicles)


def planned_routes(problem: RoutingProblem, solution: Solution) -> dict[int, list[int]]:
    """Vehicle key → job keys in driving order (order ids for a built problem)."""
    return {
        problem.vehicles[r.vehicle].key: [problem.jobs[j].key for j in r.jobs]
        for r in solution.routes
    }


def summary_lines(problem: RoutingProblem, solution: Solution) -> list[str]:
    """What the CLI prints: one line per route, totals, unassigned with reasons."""
    lines = []
    for route in solution.routes:
        vehicle = problem.vehicles[route.vehicle]
        lines.append(
            f"vehicle {vehicle.key}: {len(route.visits)} stops,"
            f" {format_minutes(route.departure)}-{format_minutes(route.end)},"
            f" {route.km:.1f} km, cost {route.cost:.2f}, late {route.late_min:.0f} min"
        )
    k = solution.kpis
    lines.append(
        f"total: {k.vehicles} routes, {k.served} stops, {k.km:.1f} km,"
        f" cost {k.cost:.2f}, late {k.late_min:.0f} min,"
        f" {k.unassigned} unassigned, {k.moved} moved"
    )
    lines.extend(
        f"unassigned order {problem.jobs[u.job].key}: {u.text}"
        for u in solution.unassigned
    )
    return lines
