"""A fast constructive router for the demo: sweep order, cheapest insertion.

Orders are taken in angular order around the city centre (a sweep): first those
needing a special vehicle (cold chain, tail lift, ADR), then the ordinary ones,
optional ones last. Each is inserted where it adds the least cost (distance and
time at the vehicle's rates, waiting included, plus the fixed cost when it opens
a new route) among the routes nearest to it and one empty vehicle of each kind.
Orders only reachable after a long wait are inserted in a second pass, and
routes left with a handful of stops are dissolved into the others when that is
cheaper. Feasibility is checked in O(1) per position with the classic earliest
/ latest service-start arrays (windows less a safety slack, shift end, capacity,
stop and distance limits). Driver breaks are not modelled there: at the end
every route is timed by ``dispatcher.scheduling`` and any stop it finds late (or
beyond a limit) is taken out again, so the routes returned break no rule.

Distances use a flat projection around the city: within a metropolitan area it
differs from the great-circle distance by far less than a minute of driving.
It is a demo-data generator, not an optimizer: a day of 250 orders takes tens
of milliseconds; the optimizer in ``dispatcher.optimize`` does the real work.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.demo.geography import CITY_CENTRE, project_km
from dispatcher.model import Priority
from dispatcher.timing import DEFAULT_PROVIDER, DayContext

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.model import (
        Customer,
        CustomerId,
        Depot,
        DepotId,
        Location,
        Order,
        TimeWindow,
        Vehicle,
    )
    from dispatcher.scheduling import RouteSchedule
    from dispatcher.travel import HaversineProvider

NEAREST_ROUTES = 8
"""How many started routes (nearest first) an order may be inserted into."""

SKILL_RESERVE = 4.0
"""Cost added per skill of the vehicle an order does not need (tail lift, ADR,
cold chain), so ordinary orders leave room on scarce special vehicles."""
SMALL_ROUTE = 3
"""Routes with this few stops are dissolved into others where that is cheaper."""
SLACK = 15.0
"""Minutes before a window closes that a planned arrival keeps free, as a
dispatcher would, so ordinary traffic does not make every tight stop late."""
SHORT_WAIT = 60.0
"""Longest wait (minutes) for a window to open in the first insertion pass; a
dispatcher would not park a driver for hours at one door if avoidable."""

_INF = float("inf")


@dataclass(frozen=True, slots=True)
class BuiltRoute:
    """One vehicle's orders in driving order, timed by the scheduler."""

    vehicle: Vehicle
    orders: tuple[Order, ...]
    schedule: RouteSchedule


@dataclass(frozen=True, slots=True)
class Construction:
    """The routes of a day and the orders no route could take."""

    routes: tuple[BuiltRoute, ...]
    unassigned: tuple[Order, ...]


@dataclass(frozen=True, slots=True, eq=False)
class _Job:
    """An order as the insertion loop sees it."""

    order: Order
    x: float
    y: float
    service: float
    windows: tuple[tuple[float, float], ...]
    demand: tuple[float, float, float]


def _earliest_start(
    windows: tuple[tuple[float, float], ...], arrival: float
) -> tuple[float, float]:
    """Service start for an arrival and the end of its window; inf if all closed."""
    for start, end in windows:
        if arrival <= end:
            return (start if arrival < start else arrival), end
    return _INF, _INF


class _Route:
    """A route being built: its nodes with earliest/latest start times."""

    def __init__(
        self,
        vehicle: Vehicle,
        start: Depot,
        end: Depot,
        provider: HaversineProvider,
        origin: Location,
    ) -> None:
        self.vehicle = vehicle
        self.jobs: list[_Job] = []
        sx, sy = project_km(start.location, origin)
        ex, ey = project_km(end.location, origin)
        self.xs = [sx, ex]
        self.ys = [sy, ey]
        self.service = [0.0, 0.0]
        self.windows: list[tuple[tuple[float, float], ...]] = [(), ()]
        first = max(vehicle.shift.start, start.hours.start)
        last = min(vehicle.shift.end, end.hours.end)
        self.earliest = [float(first), 0.0]
        self.latest = [0.0, float(last)]
        self.leg_km = [0.0]
        self.km = 0.0
        self.load = [0.0, 0.0, 0.0]
        self.capacity = vehicle.capacity.as_tuple()
        self.km_factor = provider.circuity
        self.minutes_per_km = 60.0 / provider.speed_kmh
        self.ax, self.ay = sx, sy
        self._sum = (0.0, 0.0)
        self._refresh()

    def _refresh(self) -> None:
        """Recompute leg lengths and the earliest / latest start arrays."""
        xs, ys, kf = self.xs, self.ys, self.km_factor
        legs = [
            math.hypot(xs[i + 1] - xs[i], ys[i + 1] - ys[i]) * kf
            for i in range(len(xs) - 1)
        ]
        self.leg_km = legs
        self.km = sum(legs)
        mpk = self.minutes_per_km
        last = len(xs) - 1
        earliest, latest = self.earliest, self.latest
        earliest[:] = [earliest[0]] + [0.0] * last
        # Each stop may start at most at the end of the window it is in now:
        # pushing it into a later window (after a lunch closure, say) would be
        # feasible but add hours of waiting that the insertion cost ignores.
        window_end = [_INF] * (last + 1)
        for i in range(1, last + 1):
            arrival = earliest[i - 1] + self.service[i - 1] + legs[i - 1] * mpk
            if i < last:
                earliest[i], window_end[i] = _earliest_start(self.windows[i], arrival)
            else:
                earliest[i] = arrival
        latest[:] = [0.0] * last + [latest[-1]]
        for i in range(last - 1, -1, -1):
            bound = latest[i + 1] - legs[i] * mpk - self.service[i]
            latest[i] = min(bound, window_end[i])

    def insert(self, job: _Job, position: int) -> None:
        """Put ``job`` after node ``position``."""
        at = position + 1
        self.jobs.insert(position, job)
        self.xs.insert(at, job.x)
        self.ys.insert(at, job.y)
        self.service.insert(at, job.service)
        self.windows.insert(at, job.windows)
        self.earliest.insert(at, 0.0)
        self.latest.insert(at, 0.0)
        self._account(job, 1.0)

    def remove(self, job: _Job) -> None:
        """Take ``job`` out of the route."""
        position = self.jobs.index(job)
        del self.jobs[position]
        for values in (
            self.xs,
            self.ys,
            self.service,
            self.windows,
            self.earliest,
            self.latest,
        ):
            del values[position + 1]
        self._account(job, -1.0)

    def _account(self, job: _Job, sign: float) -> None:
        """Update load and centre for a job added (+1) or removed (-1)."""
        self.load = [a + sign * b for a, b in zip(self.load, job.demand, strict=True)]
        self._sum = (self._sum[0] + sign * job.x, self._sum[1] + sign * job.y)
        count = len(self.jobs)
        if count:
            self.ax, self.ay = self._sum[0] / count, self._sum[1] / count
        else:
            self.ax, self.ay = self.xs[0], self.ys[0]
        self._refresh()

    def cost_estimate(self) -> float:
        """What the route costs in the units of ``best_insertion``."""
        vehicle = self.vehicle
        per_minute = vehicle.cost_per_hour / 60.0
        per_km = vehicle.cost_per_km + per_minute * self.minutes_per_km
        return vehicle.fixed_cost + self.km * per_km + per_minute * sum(self.service)

    def accepts(self, job: _Job, skills_ok: bool) -> bool:
        """Cheap checks before looking at positions: skills, capacity, stops."""
        if not skills_ok:
            return False
        # Unrolled: this runs for every candidate of every order.
        load, demand, capacity = self.load, job.demand, self.capacity
        if (
            load[0] + demand[0] > capacity[0] + 1e-9
            or load[1] + demand[1] > capacity[1] + 1e-9
            or load[2] + demand[2] > capacity[2] + 1e-9
        ):
            return False
        limit = self.vehicle.max_stops
        return limit is None or len(self.jobs) < limit

    def best_insertion(
        self, job: _Job, bound: float, max_wait: float
    ) -> tuple[float, int]:
        """Cheapest feasible ``(cost, position)`` under ``bound``, or ``(inf, -1)``."""
        vehicle = self.vehicle
        per_minute = vehicle.cost_per_hour / 60.0
        per_km = vehicle.cost_per_km + per_minute * self.minutes_per_km
        fixed = vehicle.fixed_cost if not self.jobs else 0.0
        # Keep special vehicles for the orders that need them.
        unneeded = len(vehicle.skills) - len(job.order.skills)
        base = fixed + per_minute * job.service + SKILL_RESERVE * unneeded
        if base >= bound:
            return _INF, -1
        max_km = vehicle.max_distance_km
        mpk, kf = self.minutes_per_km, self.km_factor
        xs, ys, jx, jy = self.xs, self.ys, job.x, job.y
        to_job = [math.hypot(jx - xs[i], jy - ys[i]) * kf for i in range(len(xs))]
        best, best_position = bound, -1
        earliest, latest, service, legs = (
            self.earliest,
            self.latest,
            self.service,
            self.leg_km,
        )
        for p in range(len(xs) - 1):
            delta = to_job[p] + to_job[p + 1] - legs[p]
            cost = base + delta * per_km
            if cost >= best:
                continue
            if max_km is not None and self.km + delta > max_km:
                continue
            arrival = earliest[p] + service[p] + to_job[p] * mpk
            start = _earliest_start(job.windows, arrival)[0]
            wait = start - arrival
            if (
                wait > max_wait
                or start + job.service + to_job[p + 1] * mpk > latest[p + 1]
            ):
                continue
            # Waiting at the new stop is paid driver time too.
            cost += wait * per_minute
            if cost >= best:
                continue
            best, best_position = cost, p
        return (best, best_position) if best_position >= 0 else (_INF, -1)


def _with_slack(windows: Sequence[TimeWindow]) -> tuple[tuple[float, float], ...]:
    """Windows as planned against: each closes ``SLACK`` minutes early if it can."""
    return tuple((float(w.start), float(max(w.start, w.end - SLACK))) for w in windows)


def _sweep(jobs: list[_Job]) -> list[_Job]:
    """Jobs by angle around the centre, starting after the widest empty sector."""
    if len(jobs) < 2:
        return jobs
    by_angle = sorted(jobs, key=lambda j: (math.atan2(j.y, j.x), j.order.id))
    angles = [math.atan2(j.y, j.x) for j in by_angle]
    gaps = [(angles[i] - angles[i - 1]) % (2 * math.pi) for i in range(len(angles))]
    start = max(range(len(gaps)), key=lambda i: (gaps[i], -i))
    return by_angle[start:] + by_angle[:start]


def _profile(vehicle: Vehicle) -> tuple[object, ...]:
    """What makes two empty vehicles interchangeable for the insertion."""
    return (
        vehicle.depot_id,
        vehicle.end_depot,
        vehicle.capacity,
        tuple(sorted(vehicle.skills)),
        vehicle.shift,
        vehicle.fixed_cost,
        vehicle.cost_per_km,
        vehicle.cost_per_hour,
        vehicle.max_distance_km,
        vehicle.max_stops,
    )


def build_routes(
    orders: Sequence[Order],
    customers: Mapping[CustomerId, Customer],
    vehicles: Sequence[Vehicle],
    depots: Mapping[DepotId, Depot],
    *,
    provider: HaversineProvider = DEFAULT_PROVIDER,
    pole: Location = CITY_CENTRE,
) -> Construction:
    """Route one day's orders onto the fleet with a sweep + cheapest insertion.

    Parameters
    ----------
    orders
        The orders of one date.
    customers, depots
        Look-ups for the orders' and vehicles' places.
    vehicles
        The vehicles available that day; each drives at most one route.
    provider
        Travel model: its circuity and speed are used during insertion, and the
        provider itself times the final routes.
    pole
        Centre of the sweep.

    Returns
    -------
    Construction
        Routes that break no rule (by vehicle id) and the orders left over.
    """
    jobs = []
    for order in orders:
        east, north = project_km(customers[order.customer_id].location, pole)
        jobs.append(
            _Job(
                order=order,
                x=east,
                y=north,
                service=float(order.service_minutes),
                windows=_with_slack(order.windows),
                demand=order.demand.as_tuple(),
            )
        )
    fleet = _Fleet(
        [
            _Route(v, depots[v.depot_id], depots[v.end_depot], provider, pole)
            for v in vehicles
        ]
    )
    # Orders needing a scarce skill claim their vehicles first; optional ones
    # take what is left.
    special: list[_Job] = []
    plain: list[_Job] = []
    optional: list[_Job] = []
    for job in jobs:
        if job.order.priority is Priority.OPTIONAL:
            optional.append(job)
        else:
            (special if job.order.skills else plain).append(job)
    unassigned: list[Order] = []
    waiting: list[_Job] = []
    for job in _sweep(special) + _sweep(plain) + _sweep(optional):
        if fleet.insert_cheapest(job, SHORT_WAIT) is None:
            waiting.append(job)
    # Orders only reachable with a long wait go last, into what is left.
    for job in waiting:
        if fleet.insert_cheapest(job, _INF) is None:
            unassigned.append(job.order)
    fleet.dissolve_small_routes()
    context = DayContext(
        orders={o.id: o for o in orders},
        customers=customers,
        depots=depots,
        provider=provider,
    )
    built = []
    for route in fleet.routes:
        if route.jobs:
            kept, dropped = _repair(
                route.vehicle, [j.order for j in route.jobs], context
            )
            unassigned += dropped
            if kept:
                built.append(kept)
    unassigned.sort(key=lambda o: o.id)
    return Construction(tuple(built), tuple(unassigned))


class _Fleet:
    """The routes being built, indexed for quick candidate look-up."""

    def __init__(self, routes: list[_Route]) -> None:
        self.routes = routes
        # Empty vehicles of one kind are interchangeable: keep a queue per kind
        # and only ever try the first of each.
        self.empty: dict[tuple[object, ...], list[_Route]] = {}
        for route in routes:
            self.empty.setdefault(_profile(route.vehicle), []).append(route)
        # Started routes grouped by the skills their vehicle has.
        self.started: dict[frozenset[str], list[_Route]] = {}

    def candidates(self, job: _Job, *, empty: bool = True) -> list[_Route]:
        """One empty vehicle of each kind, plus the nearest started routes."""
        skills = job.order.skills
        found = [
            queue[0]
            for queue in self.empty.values()
            if empty
            and queue
            and queue[0].accepts(job, skills <= queue[0].vehicle.skills)
        ]
        pool = [
            route
            for has, routes in self.started.items()
            if skills <= has
            for route in routes
        ]
        jx, jy = job.x, job.y
        distance = [(r.ax - jx) ** 2 + (r.ay - jy) ** 2 for r in pool]
        nearest = sorted(range(len(pool)), key=distance.__getitem__)
        accepting = (pool[i] for i in nearest if pool[i].accepts(job, True))
        found += itertools.islice(accepting, NEAREST_ROUTES)
        return found

    def insert(self, job: _Job, route: _Route, position: int) -> None:
        """Put ``job`` into ``route``; an empty route becomes a started one."""
        if not route.jobs:
            self.empty[_profile(route.vehicle)].remove(route)
            self.started.setdefault(route.vehicle.skills, []).append(route)
        route.insert(job, position)

    def remove(self, job: _Job, route: _Route) -> None:
        """Take ``job`` out of ``route``; an emptied route is free again."""
        route.remove(job)
        if not route.jobs:
            self.started[route.vehicle.skills].remove(route)
            queue = self.empty[_profile(route.vehicle)]
            queue.append(route)
            queue.sort(key=lambda r: r.vehicle.id)

    def insert_cheapest(
        self, job: _Job, max_wait: float, *, empty: bool = True
    ) -> tuple[float, _Route] | None:
        """Insert ``job`` where it costs least; the cost and route, or None."""
        best, best_route, best_position = _INF, None, -1
        for route in self.candidates(job, empty=empty):
            cost, position = route.best_insertion(job, best, max_wait)
            if position >= 0 and cost < best:
                best, best_route, best_position = cost, route, position
        if best_route is None:
            return None
        self.insert(job, best_route, best_position)
        return best, best_route

    def dissolve_small_routes(self) -> None:
        """Spread the stops of nearly empty routes over the others where cheaper."""
        small = [r for r in self.routes if 0 < len(r.jobs) <= SMALL_ROUTE]
        for route in sorted(small, key=lambda r: (len(r.jobs), r.vehicle.id)):
            self._dissolve(route)

    def _dissolve(self, route: _Route) -> None:
        """Move all stops of ``route`` elsewhere, or leave it as it was."""
        jobs = list(route.jobs)
        saving = route.cost_estimate()
        for job in jobs:
            self.remove(job, route)
        moved: list[tuple[_Job, _Route]] = []
        spent = 0.0
        for job in jobs:
            placed = self.insert_cheapest(job, _INF, empty=False)
            if placed is None:
                break
            spent += placed[0]
            moved.append((job, placed[1]))
        if len(moved) == len(jobs) and spent < saving:
            return
        for job, target in moved:
            self.remove(job, target)
        for position, job in enumerate(jobs):
            self.insert(job, route, position)


def _repair(
    vehicle: Vehicle, orders: list[Order], context: DayContext
) -> tuple[BuiltRoute | None, list[Order]]:
    """Time a route; drop stops until the scheduler finds no broken rule."""
    dropped: list[Order] = []
    while orders:
        schedule = context.time_route(vehicle, [o.id for o in orders])
        if schedule.feasible:
            return BuiltRoute(vehicle, tuple(orders), schedule), dropped
        bad = next((i for i, t in enumerate(schedule.stops) if t.violations), None)
        # A route-level problem (distance, stops, the return leg) is fixed by
        # giving up the last stop, the one the route went furthest for.
        dropped.append(orders.pop(len(orders) - 1 if bad is None else bad))
    return None, dropped
