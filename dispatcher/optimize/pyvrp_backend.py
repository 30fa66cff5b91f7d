"""A second search that feeds OR-Tools: PyVRP's iterated local search.

PyVRP (C++ core) finds much better VRPTW routes than OR-Tools' guided local
search in the same time, and builds a first plan for 1,000 orders in seconds
where OR-Tools' first-solution heuristics stall. It cannot express every rule
of the product, so it gets a *restricted* version of the problem: one window
per order (the one overlapping the shifts most), skills as travel times so
long that an incompatible vehicle can never arrive in time, breaks as in
``breaks.py`` (driving stretched, or the driving cap expressed as a distance
limit where minutes per km are bounded), stop limits as a fourth load
dimension. What it still gets wrong is repaired afterwards by the engine,
which also re-times every route with the product's scheduler and hands the
routes to OR-Tools as a warm start: OR-Tools re-checks them against the full
model and keeps improving.

This is the only module importing pyvrp, lazily: without the package the
engine uses OR-Tools alone. Numbers are integers: distances in 1/``DIST_UNITS``
km (rounded), times in solver units rounded so plans stay feasible with exact
times, costs in the same units as OR-Tools' objective.
"""

from __future__ import annotations

import importlib.util
import math
import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatcher.optimize.breaks import break_models
from dispatcher.optimize.weights import (
    COST_SCALE,
    compute_weights,
    fixed_money,
    hour_rate,
    km_rate,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from dispatcher.model import TimeWindow
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.stop import StopCriterion

DIST_UNITS = 1000
"""Integer distance units per km."""

FORBIDDEN = 2**40
"""Travel time into a place a vehicle may not serve (and out of 'nowhere')."""

MAX_PRIZE = 2**50
"""Cap on a job's prize so that PyVRP's cost sums stay inside int64."""


def available() -> bool:
    """True if the pyvrp package is installed."""
    return importlib.util.find_spec("pyvrp") is not None


def supports(
    problem: RoutingProblem, vehicles: Sequence[int], jobs: Sequence[int]
) -> bool:
    """True if PyVRP should build or improve the routes for these jobs and vehicles.

    Not when stability matters (a move penalty or cap), when stops are locked
    to a vehicle, or when balancing work: PyVRP knows none of these. A current
    plan is PyVRP's starting point.
    """
    if not available() or not jobs or not vehicles:
        return False
    objective = problem.objective
    if objective.balance or objective.move_penalty or objective.max_moves is not None:
        return False
    return all(problem.jobs[j].lock is None for j in jobs)


def _units(value: float, scale: int, up: bool) -> int:
    scaled = round(value * scale, 6)
    return math.ceil(scaled) if up else math.floor(scaled)


def _best_window(
    windows: Sequence[TimeWindow], lo: float, hi: float
) -> TimeWindow | None:
    """The window overlapping the fleet's working hours the most."""
    if not windows:
        return None
    return max(windows, key=lambda w: min(w.end, hi) - max(w.start, lo))


class _Builder:
    """PyVRP ``ProblemData`` for a subset of a problem, with index maps back.

    Locations: one per distinct depot place, one 'nowhere' end for open
    routes, then one per job (so that skills can close a job's location to a
    vehicle type without touching other jobs at the same address).
    """

    def __init__(
        self,
        problem: RoutingProblem,
        vehicles: Sequence[int],
        jobs: Sequence[int],
        scale: int,
        required: bool,
    ) -> None:
        self.problem, self.jobs, self.scale = problem, list(jobs), scale
        groups: dict[tuple[Any, ...], list[int]] = {}
        for v in vehicles:
            fleet = problem.vehicles[v]
            groups.setdefault((fleet.spec, fleet.start_time), []).append(v)
        self.types = list(groups.values())
        ends = {problem.vehicles[v].spec.end_node for v in vehicles}
        starts = {problem.vehicles[v].spec.start_node for v in vehicles}
        depot_places = sorted(starts | {e for e in ends if e is not None})
        self.depot_index = {place: i for i, place in enumerate(depot_places)}
        self.nowhere = len(depot_places)
        self.places = [*depot_places, -1, *(problem.jobs[j].node for j in self.jobs)]
        self.required = required

    def data(self) -> Any:
        import pyvrp

        problem, scale = self.problem, self.scale
        weights = compute_weights(problem, scale)
        first = len(self.places) - len(self.jobs)
        shifts = [problem.vehicles[t[0]].spec.shift for t in self.types]
        lo, hi = min(s.start for s in shifts), max(s.end for s in shifts)
        locations = [pyvrp.Location(0.0, 0.0) for _ in self.places]
        depots = [pyvrp.Depot(i) for i in range(first)]
        clients = []
        for n, j in enumerate(self.jobs):
            job = problem.jobs[j]
            stop = job.stop
            window = _best_window(stop.windows, lo, hi)
            amounts = [_units(x, 1000, True) for x in stop.demand.as_tuple()]
            clients.append(
                pyvrp.Client(
                    first + n,
                    # The fourth dimension counts stops (for max_stops).
                    delivery=[0, 0, 0, 1] if stop.pickup else [*amounts, 1],
                    pickup=[*amounts, 0] if stop.pickup else [0, 0, 0, 0],
                    service_duration=_units(stop.service_min, scale, True),
                    tw_early=_units(window.start, scale, True) if window else 0,
                    tw_late=_units(window.end, scale, False) if window else FORBIDDEN,
                    prize=min(MAX_PRIZE, weights.penalty[j]),
                    required=self.required,
                )
            )
        per_km = COST_SCALE / DIST_UNITS
        models = break_models(problem)
        minutes_per_km = self._minutes_per_km()
        per_hour = COST_SCALE / 60.0 / scale
        profiles: dict[tuple[float, frozenset[str]], int] = {}
        vehicle_types = []
        for members in self.types:
            v = members[0]
            fleet = problem.vehicles[v]
            spec = fleet.spec
            factor = models[v].stretch
            max_km = spec.max_distance_km
            cap = models[v].drive_cap
            if cap is not None and minutes_per_km is not None:
                # Driving time is at most km x the steepest minutes per km.
                cap_km = cap / minutes_per_km
                max_km = cap_km if max_km is None else min(max_km, cap_km)
            profile = profiles.setdefault((factor, spec.skills), len(profiles))
            end = (
                self.nowhere
                if spec.end_node is None
                else self.depot_index[spec.end_node]
            )
            vehicle_types.append(
                pyvrp.VehicleType(
                    num_available=len(members),
                    capacity=[
                        *(_units(x, 1000, False) for x in spec.capacity.as_tuple()),
                        len(self.jobs) if spec.max_stops is None else spec.max_stops,
                    ],
                    start_depot=self.depot_index[spec.start_node],
                    end_depot=end,
                    fixed_cost=round(fixed_money(problem, v) * COST_SCALE)
                    + weights.vehicle_charge,
                    tw_early=_units(fleet.earliest_departure, scale, True),
                    tw_late=_units(spec.shift.end, scale, False),
                    shift_duration=_limit(spec.max_duration, scale),
                    max_distance=_limit(max_km, DIST_UNITS),
                    unit_distance_cost=round(km_rate(problem, v) * per_km),
                    unit_duration_cost=round(hour_rate(problem, v) * per_hour),
                    profile=profile,
                )
            )
        distances, durations = self._matrices(profiles)
        return pyvrp.ProblemData(
            locations, clients, depots, vehicle_types, distances, durations
        )

    def _place_matrix(self, full: Sequence[Sequence[float]]) -> np.ndarray:
        places = np.asarray(self.places)
        real = np.where(places < 0, 0, places)
        out = np.asarray(full, dtype=float)[np.ix_(real, real)]
        out[:, places < 0] = 0.0
        return out

    def _minutes_per_km(self) -> float | None:
        """The most minutes any leg takes per km (None if a leg has no km)."""
        km = self._place_matrix(self.problem.matrix.distance_km)
        minutes = self._place_matrix(self.problem.matrix.duration_min)
        moving = minutes > 0
        if np.any(km[moving] <= 0):
            return None
        return float((minutes[moving] / km[moving]).max(initial=0.0)) or None

    def _matrices(
        self, profiles: dict[tuple[float, frozenset[str]], int]
    ) -> tuple[list[Any], list[Any]]:
        first = len(self.places) - len(self.jobs)
        nowhere = np.asarray(self.places) < 0
        dist = np.rint(self._place_matrix(self.problem.matrix.distance_km) * DIST_UNITS)
        dist = dist.astype(np.int64)
        dist[nowhere, :] = FORBIDDEN
        travel = self._place_matrix(self.problem.matrix.duration_min)
        distances: list[Any] = []
        durations: list[Any] = []
        for factor, skills in sorted(profiles, key=profiles.__getitem__):
            dur = np.ceil(np.round(travel * (1.0 + factor) * self.scale, 6)).astype(
                np.int64
            )
            dur[nowhere, :] = FORBIDDEN
            for n, j in enumerate(self.jobs):
                if not self.problem.jobs[j].stop.skills <= skills:
                    dur[:, first + n] = FORBIDDEN
            np.fill_diagonal(dur, 0)
            d = dist.copy()
            np.fill_diagonal(d, 0)
            distances.append(d)
            durations.append(dur)
        return distances, durations

    def solution(self, data: Any, routes: Mapping[int, Sequence[int]]) -> Any:
        """A PyVRP solution of ``data`` with the given routes (a warm start)."""
        import pyvrp

        client = {j: n for n, j in enumerate(self.jobs)}
        type_of = {v: t for t, members in enumerate(self.types) for v in members}
        return pyvrp.Solution(
            data,
            [
                pyvrp.Route(data, [client[j] for j in seq if j in client], type_of[v])
                for v, seq in routes.items()
                if seq and v in type_of
            ],
        )

    def routes(self, solution: Any) -> dict[int, tuple[int, ...]]:
        """Problem vehicle → job indices of a PyVRP solution."""
        free = [list(members) for members in self.types]
        out: dict[int, tuple[int, ...]] = {}
        for route in solution.routes():
            vehicle = free[route.vehicle_type()].pop(0)
            out[vehicle] = tuple(self.jobs[a.idx] for a in route if a.is_client())
        return out


def _limit(value: float | None, scale: int) -> int:
    return FORBIDDEN if value is None else _units(value, scale, False)


def search(
    problem: RoutingProblem,
    *,
    vehicles: Sequence[int],
    jobs: Sequence[int],
    budget: float,
    time_scale: int,
    seed: int = 0,
    fleet_share: float = 0.3,
    stop: StopCriterion | None = None,
    on_cost: Callable[[float], None] | None = None,
    initial: Mapping[int, Sequence[int]] | None = None,
) -> dict[int, tuple[int, ...]]:
    """Routes for (some of) the jobs; they may break rules PyVRP does not know
    (or, short of time, ones it does), so the caller must repair them.

    With ``minimize_vehicles`` and a single vehicle type every job is required
    and ``fleet_share`` of the budget goes to PyVRP's fleet minimisation first
    (more share: fewer vehicles more often, but longer routes). Otherwise jobs
    are optional with their drop penalties as prizes, and the routes may leave
    some out: the engine repairs them and OR-Tools inserts the rest.
    ``initial`` (vehicle → jobs) is where the search starts, if given.
    """
    import pyvrp

    # Deadlines, not run times: building the data and PyVRP's set-up (about
    # 4 s at 2,000 orders) count against the budget too.
    ends = time.perf_counter() + budget
    # PyVRP warns when its penalties hit their bound on tight instances; the
    # feasibility test below is what counts.
    warnings.filterwarnings("ignore", module="pyvrp")
    kinds = {
        (problem.vehicles[v].spec, problem.vehicles[v].start_time) for v in vehicles
    }
    single_type = len(kinds) == 1
    fleet_first = (
        problem.objective.minimize_vehicles and single_type and initial is None
    )
    builder = _Builder(problem, vehicles, jobs, time_scale, required=fleet_first)
    data = builder.data()
    start = builder.solution(data, initial) if initial else None
    if fleet_first:
        fleet_ends = time.perf_counter() + budget * fleet_share
        fleet_stop = _criterion(fleet_ends, stop, on_cost)
        smaller, feasible = _minimise_fleet(data, fleet_stop, seed)
        if feasible is not None:
            # Improve the smallest feasible plan found, with that fleet.
            data = data.replace(vehicle_types=[smaller])
            start = builder.solution(data, builder.routes(feasible))
    criterion = _criterion(max(ends, time.perf_counter() + 0.05), stop, on_cost)
    result = pyvrp.solve(
        data, criterion, seed=seed, display=False, initial_solution=start
    )
    # Even an infeasible best (a large instance short of time) is a useful
    # start: the engine cuts every route back to what keeps the rules.
    return builder.routes(result.best)


def _minimise_fleet(data: Any, stop: Any, seed: int) -> tuple[Any, Any]:
    """The smallest fleet that has a feasible plan, and that plan (or None).

    PyVRP's ``minimise_fleet`` with the plan kept: it returns only the fleet,
    and a fresh search with that fleet often misses feasibility on tight
    200-customer instances (and restarting cost time past the budget).
    """
    import pyvrp
    from pyvrp.stop import FirstFeasible, MultipleCriteria

    cost = pyvrp.CostEvaluator([0] * data.num_load_dimensions, 0, 0)
    # The fleet size is what is tried here: a huge fixed cost per vehicle
    # would only drown PyVRP's penalties for broken windows.
    fleet = data.vehicle_type(0).replace(fixed_cost=0)
    plan = None
    while fleet.num_available > _fleet_lower_bound(data):
        fewer = fleet.replace(num_available=fleet.num_available - 1)
        result = pyvrp.solve(
            data.replace(vehicle_types=[fewer]),
            MultipleCriteria([FirstFeasible(), stop]),
            seed=seed,
            display=False,
        )
        best = result.best
        if not best.is_feasible():
            break
        fleet, plan = fewer.replace(num_available=best.num_routes()), best
        if stop(cost.cost(best)):
            break
    return fleet, plan


def _fleet_lower_bound(data: Any) -> int:
    """Vehicles needed for the total demand in the tightest load dimension."""
    clients = data.clients()
    bound = 1
    for dim, cap in enumerate(data.vehicle_type(0).capacity):
        for amounts in (
            [c.delivery[dim] for c in clients],
            [c.pickup[dim] for c in clients],
        ):
            if cap > 0:
                bound = max(bound, math.ceil(sum(amounts) / cap))
    return bound


def _criterion(
    deadline: float,
    stop: StopCriterion | None,
    on_cost: Callable[[float], None] | None,
) -> Any:
    """A PyVRP stopping criterion: a ``perf_counter`` deadline or the engine's
    stop, whichever comes first; it reports each best cost it sees."""

    def criterion(best_cost: float) -> bool:
        if on_cost is not None and math.isfinite(best_cost):
            on_cost(best_cost)
        return time.perf_counter() >= deadline or (stop is not None and stop())

    return criterion
