"""Independent feasibility checker for optimizer solutions.

It trusts nothing the solver computed: from the job sequences and departure
times alone it re-walks every route with exact floats (travel, waiting, breaks,
service, loads) and checks every rule of the problem, plus the bookkeeping
(each job planned at most once, locks and locked routes honoured, the stability
cap). It is deliberately written apart from the model-building code and from
the scheduler, so a bug in either shows up here as a disagreement; it follows
the same documented rules as ``dispatcher.scheduling``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatcher.model import Load

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dispatcher.optimize.problem import FleetVehicle, RoutingProblem
    from dispatcher.optimize.solution import RoutePlan, Solution

EPS = 1e-6


def check(problem: RoutingProblem, solution: Solution) -> list[str]:
    """Every rule the solution breaks, as sentences (empty: feasible).

    Parameters
    ----------
    problem
        The problem that was solved.
    solution
        The plan to verify.

    Returns
    -------
    list[str]
        One entry per broken rule.
    """
    problems: list[str] = []
    seen: dict[int, int] = {}
    for route in solution.routes:
        for job in route.jobs:
            if job in seen:
                problems.append(f"job {job} is planned twice")
            seen[job] = route.vehicle
    left = {u.job for u in solution.unassigned}
    for j in range(len(problem.jobs)):
        if (j in seen) == (j in left):
            state = (
                "both planned and unassigned"
                if j in seen
                else "neither planned nor unassigned"
            )
            problems.append(f"job {j} is {state}")
    vehicles_used = [r.vehicle for r in solution.routes]
    if len(set(vehicles_used)) != len(vehicles_used):
        problems.append("a vehicle has two routes")
    for route in solution.routes:
        problems.extend(check_route(problem, route))
    problems.extend(_check_locks(problem, solution))
    return problems


def _check_locks(problem: RoutingProblem, solution: Solution) -> list[str]:
    problems: list[str] = []
    sequences = solution.sequences()
    for v, fleet in enumerate(problem.vehicles):
        if fleet.locked and sequences.get(v, ()) != fleet.current:
            problems.append(f"locked route of vehicle {v} was changed")
    for j, job in enumerate(problem.jobs):
        if job.lock is None:
            continue
        route = sequences.get(job.lock.vehicle, ())
        if j not in route:
            problems.append(
                f"job {j} is locked to vehicle {job.lock.vehicle} but not on it"
            )
        elif job.lock.position is not None and route.index(j) != job.lock.position:
            problems.append(f"job {j} is locked at position {job.lock.position}")
    cap = problem.objective.max_moves
    if cap is not None:
        now = {j: v for v, seq in sequences.items() for j in seq}
        moved = sum(
            1 for j, v in problem.current_vehicle_of().items() if now.get(j) != v
        )
        if moved > cap:
            problems.append(f"{moved} planned stops moved, more than the cap of {cap}")
    return problems


def check_route(problem: RoutingProblem, route: RoutePlan) -> list[str]:
    """Every rule one route breaks, recomputed from its sequence and departure."""
    fleet = problem.vehicles[route.vehicle]
    spec = fleet.spec
    jobs = [problem.jobs[j] for j in route.jobs]
    name = f"vehicle {route.vehicle}"
    problems: list[str] = []
    if route.departure < fleet.earliest_departure - EPS:
        problems.append(f"{name} leaves before it is free")
    for j, job in zip(route.jobs, jobs, strict=True):
        missing = job.stop.skills - spec.skills
        if missing:
            problems.append(f"{name} lacks skills {sorted(missing)} for job {j}")
    problems.extend(_check_loads(name, fleet, route.jobs, problem))
    if spec.max_stops is not None and len(jobs) > spec.max_stops:
        problems.append(f"{name} has {len(jobs)} stops, more than {spec.max_stops}")

    walk = _walk(problem, fleet, route.jobs, route.departure)
    for j, start_ok in walk.late_jobs:
        problems.append(
            f"job {j} on {name} is served outside its windows ({start_ok:.3f})"
        )
    if walk.end > spec.shift.end + EPS:
        problems.append(f"{name} ends at {walk.end:.3f}, after its shift")
    if (
        spec.max_duration is not None
        and walk.end - route.departure > spec.max_duration + EPS
    ):
        problems.append(f"{name} works longer than {spec.max_duration} minutes")
    if spec.max_distance_km is not None and walk.km > spec.max_distance_km + EPS:
        problems.append(f"{name} drives farther than {spec.max_distance_km} km")
    if abs(walk.km - route.km) > 1e-6 * max(1.0, walk.km):
        problems.append(f"{name} reports {route.km} km but drives {walk.km}")
    for visit, start in zip(route.visits, walk.starts, strict=True):
        if abs(visit.start - start) > 1e-6 * max(1.0, start):
            problems.append(
                f"job {visit.job} reports start {visit.start} but starts {start}"
            )
    return problems


def _check_loads(
    name: str, fleet: FleetVehicle, jobs: Sequence[int], problem: RoutingProblem
) -> list[str]:
    load = Load()
    for j in jobs:
        if not problem.jobs[j].stop.pickup:
            load = load + problem.jobs[j].demand
    capacity = fleet.spec.capacity
    if not load.fits_in(capacity):
        return [f"{name} leaves overloaded"]
    for j in jobs:
        stop = problem.jobs[j].stop
        load = load + stop.demand if stop.pickup else load - stop.demand
        if not load.fits_in(capacity):
            return [f"{name} is overloaded after job {j}"]
    return []


class _Walk:
    """The recomputed times of one route."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.late_jobs: list[tuple[int, float]] = []
        self.end = 0.0
        self.km = 0.0


def _walk(
    problem: RoutingProblem, fleet: FleetVehicle, jobs: Sequence[int], departure: float
) -> _Walk:
    """Drive the route from ``departure``: breaks, waits, service, lateness."""
    spec = fleet.spec
    rule = spec.break_rule
    matrix = problem.matrix
    out = _Walk()
    time = departure
    here = spec.start_node
    driven = 0.0

    def leg(to: int) -> None:
        nonlocal time, driven, here
        minutes = matrix.duration_min[here][to]
        if rule is not None and minutes > 0 and driven + minutes > rule.after_driving:
            time += rule.duration
            driven = 0.0
        time += minutes
        driven += minutes
        out.km += matrix.distance_km[here][to]
        here = to

    for j in jobs:
        stop = problem.jobs[j].stop
        leg(stop.node)
        start = time
        if stop.windows:
            window = next((w for w in stop.windows if time <= w.end + EPS), None)
            if window is None:
                out.late_jobs.append((j, time))
            else:
                start = max(time, float(window.start))
        if rule is not None and start - time >= rule.duration:
            driven = 0.0
        out.starts.append(start)
        time = start + stop.service_min
    if jobs and spec.end_node is not None:
        leg(spec.end_node)
    out.end = time
    return out
