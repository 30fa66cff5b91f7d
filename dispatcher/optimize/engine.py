"""The optimizer: problem in, solution out (pure; runs inside the solver process).

``solve`` screens out orders no vehicle can serve, keeps locked routes as
they are, warm-starts from the current plan, searches, and, when vehicles come
first, runs a route-elimination phase: it repeatedly removes the smallest
route and asks the search to fit its orders into the others with one vehicle
fewer. A large fixed cost per vehicle alone rarely empties a route, because
the local search has no move that removes a whole route at once.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from dispatcher.optimize import ortools_backend, pyvrp_backend
from dispatcher.optimize.explain import explain_dropped, screen
from dispatcher.optimize.insertion import insert_leftovers
from dispatcher.optimize.ortools_backend import PROGRESS_INTERVAL, SearchResult
from dispatcher.optimize.params import Progress, SolveParams
from dispatcher.optimize.solution import Status, make_solution
from dispatcher.optimize.stop import AnyOf, MaxRuntime, Never
from dispatcher.scheduling import schedule_route

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.optimize.params import ProgressSink
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.solution import Solution
    from dispatcher.optimize.stop import StopCriterion

log = logging.getLogger(__name__)

VARIANT_FIRST_SOLUTIONS = (
    "PARALLEL_CHEAPEST_INSERTION",
    "LOCAL_CHEAPEST_INSERTION",
    "SAVINGS",
)
"""First-solution strategies of portfolio variants 1, 2, ... (variant 0 uses params)."""


def second_search_share(jobs: int) -> float:
    """Share of the budget for PyVRP; OR-Tools checks and polishes in the rest.

    Large problems leave OR-Tools more: its model alone takes about a second
    to build at 1,000 orders, and it must insert what PyVRP left out.
    """
    return 0.8 if jobs <= 300 else 0.6


LEFTOVER_SHARE = 0.1
"""At most this share of the budget goes to inserting what the second search left."""

FLEET_SHARES = (0.3, 0.6)
"""Share of PyVRP's time spent on fleet minimisation, by portfolio variant."""

FIRST_PHASE_SHARE = 0.3
"""Share of the budget for the first plan before route elimination starts."""


def feasible_subsequence(
    problem: RoutingProblem, vehicle: int, jobs: Sequence[int]
) -> list[int]:
    """A greedy subsequence of a route that breaks no rule (warm-start repair)."""
    fleet = problem.vehicles[vehicle]
    kept: list[int] = []
    for j in jobs:
        trial = [problem.jobs[k].stop for k in [*kept, j]]
        sched = schedule_route(
            fleet.spec, trial, problem.matrix, start_time=fleet.replan_start
        )
        if sched.feasible:
            kept.append(j)
    return kept


def _params_for_variant(params: SolveParams) -> SolveParams:
    if params.variant == 0:
        return params
    name = VARIANT_FIRST_SOLUTIONS[(params.variant - 1) % len(VARIANT_FIRST_SOLUTIONS)]
    from dataclasses import replace

    return replace(params, first_solution=name)


def _dropped_key(problem: RoutingProblem, result: SearchResult) -> tuple[int, ...]:
    """Unserved must, high and normal jobs of a search result (lower is better)."""
    return problem.unserved_key(result.dropped)


class _Search:
    """Runs the phases of one solve against one clock and stop criterion."""

    def __init__(
        self,
        problem: RoutingProblem,
        params: SolveParams,
        progress: ProgressSink | None,
        stop: StopCriterion,
    ) -> None:
        self.problem, self.params, self.progress = problem, params, progress
        self.started = time.perf_counter()
        self.deadline = self.started + params.time_limit
        self.stop = stop
        self.solutions = 0
        self._last_report = 0.0
        self._last_cost = float("inf")

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def run(
        self,
        vehicles: Sequence[int],
        jobs: Sequence[int],
        budget: float,
        initial: Mapping[int, Sequence[int]] | None,
        phase: str,
    ) -> SearchResult | None:
        budget = max(0.05, min(budget, self.remaining()))
        result = ortools_backend.search(
            self.problem,
            self.params,
            vehicles=vehicles,
            jobs=jobs,
            budget=budget,
            initial=initial,
            stop=AnyOf(self.stop, MaxRuntime(budget)),
            progress=self.progress,
            phase=phase,
            clock_start=self.started,
        )
        if result is not None:
            self.solutions += result.solutions
        return result

    def second_search(
        self, vehicles: Sequence[int], jobs: Sequence[int]
    ) -> SearchResult | None:
        """PyVRP builds routes; OR-Tools checks, completes and polishes them.

        The routes are first re-timed by the scheduler and cut back to what
        keeps every rule (PyVRP saw a restricted problem, and may run out of
        time before its plan is feasible). Returns None if OR-Tools finds no
        plan from them either.
        """
        routes = pyvrp_backend.search(
            self.problem,
            vehicles=vehicles,
            jobs=jobs,
            budget=self.params.time_limit * second_search_share(len(jobs)),
            time_scale=self.params.time_scale,
            seed=self.params.variant,
            fleet_share=FLEET_SHARES[self.params.variant % len(FLEET_SHARES)],
            stop=self.stop,
            on_cost=self._report_cost,
        )
        repaired = {
            v: kept
            for v, seq in routes.items()
            if (kept := feasible_subsequence(self.problem, v, seq))
        }
        planned = {j for seq in repaired.values() for j in seq}
        leftovers = [j for j in jobs if j not in planned]
        if leftovers:
            seconds = min(self.params.time_limit * LEFTOVER_SHARE, self.remaining() / 3)
            repaired = insert_leftovers(
                self.problem,
                repaired,
                leftovers,
                vehicles,
                seconds=seconds,
                time_scale=self.params.time_scale,
            )
        served = sum(len(seq) for seq in repaired.values())
        if self.progress is not None:
            self.progress(
                Progress(
                    objective=self._last_cost,
                    elapsed=time.perf_counter() - self.started,
                    solutions=self.solutions,
                    vehicles=len(repaired),
                    unassigned=len(jobs) - served,
                    phase="second search",
                )
            )
        if served == len(jobs):
            result = self.run(
                sorted(repaired), jobs, self.remaining(), repaired, "polish"
            )
            if result is not None and not result.dropped:
                return result
            log.info("OR-Tools did not accept the second search's routes")
        # Some jobs are left (or the restricted fleet failed): OR-Tools starts
        # from the repaired routes and inserts the rest with every vehicle.
        result = self.run(vehicles, jobs, self.remaining(), repaired, "construct")
        planned = {j for seq in repaired.values() for j in seq}
        dropped = tuple(j for j in jobs if j not in planned)
        start = SearchResult(
            {v: tuple(s) for v, s in repaired.items()}, {}, dropped, 2**62, 0
        )
        if result is None or _dropped_key(self.problem, result) > _dropped_key(
            self.problem, start
        ):
            # OR-Tools ran out of time (or rejected the routes): keep them.
            log.info("kept the repaired second-search plan")
            return start
        return result

    def _report_cost(self, cost: float) -> None:
        """Throttled progress from the second search (its best cost)."""
        self._last_cost = cost
        now = time.perf_counter()
        if self.progress is None or now - self._last_report < PROGRESS_INTERVAL:
            return
        self._last_report = now
        self.solutions += 1
        self.progress(
            Progress(
                objective=cost,
                elapsed=now - self.started,
                solutions=self.solutions,
                vehicles=None,
                unassigned=None,
                phase="second search",
            )
        )

    def eliminate_routes(
        self, best: SearchResult, vehicles: Sequence[int], jobs: Sequence[int]
    ) -> SearchResult:
        """Try to serve the same orders with one vehicle fewer, until time runs out."""
        problem = self.problem
        while self.remaining() > 0.2 and not self.stop():
            used = sorted(best.sequences, key=lambda v: len(best.sequences[v]))
            if len(used) <= 1:
                break
            improved = False
            for victim in used[:2]:
                kept = [v for v in vehicles if v in best.sequences and v != victim]
                initial = {v: best.sequences[v] for v in kept}
                budget = max(self.remaining() / 3.0, 0.5)
                trial = self.run(kept, jobs, budget, initial, "eliminate")
                if trial is not None and _dropped_key(problem, trial) <= _dropped_key(
                    problem, best
                ):
                    log.debug("route eliminated: %d vehicles", len(trial.sequences))
                    best, improved = trial, True
                    break
                if self.remaining() <= 0.2 or self.stop():
                    break
            if not improved:
                break
        if best.sequences and self.remaining() > 0.2 and not self.stop():
            kept = list(best.sequences)
            polished = self.run(
                kept, jobs, self.remaining(), dict(best.sequences), "polish"
            )
            if polished is not None and (
                _dropped_key(problem, polished),
                polished.objective,
            ) <= (_dropped_key(problem, best), best.objective):
                best = polished
        return best


def solve(
    problem: RoutingProblem,
    params: SolveParams | None = None,
    *,
    progress: ProgressSink | None = None,
    stop: StopCriterion | None = None,
) -> Solution:
    """Plan the problem's jobs on its vehicles.

    Parameters
    ----------
    problem
        The snapshot to plan.
    params
        Search settings (time limit, strategies, portfolio variant).
    progress
        Receives throttled progress reports.
    stop
        Polled during the search; True ends it with the best plan so far.

    Returns
    -------
    Solution
        Timed routes, unassigned orders with reasons, KPIs.
    """
    params = _params_for_variant(params or SolveParams())
    search = _Search(problem, params, progress, stop or Never())
    impossible = screen(problem)
    locked = [v for v, fleet in enumerate(problem.vehicles) if fleet.locked]
    locked_jobs = {j for v in locked for j in problem.vehicles[v].current}
    vehicles = [v for v in range(len(problem.vehicles)) if v not in locked]
    jobs = [
        j
        for j in range(len(problem.jobs))
        if j not in locked_jobs and j not in impossible
    ]
    initial = {
        v: feasible_subsequence(problem, v, [j for j in fleet.current if j in jobs])
        for v, fleet in enumerate(problem.vehicles)
        if v in vehicles and fleet.current
    }
    # In a portfolio, worker 0 spends its whole budget on one search (good
    # distances) while the others also try to eliminate routes.
    eliminate = (
        problem.objective.minimize_vehicles
        and params.route_elimination
        and (params.workers == 1 or params.variant > 0)
    )
    result = None
    if params.second_search and pyvrp_backend.supports(problem, vehicles, jobs):
        result = search.second_search(vehicles, jobs)
    if result is None:
        budget = search.remaining() * (FIRST_PHASE_SHARE if eliminate else 1.0)
        result = search.run(vehicles, jobs, budget, initial or None, "construct")
        if result is not None and eliminate:
            result = search.eliminate_routes(result, vehicles, jobs)
    sequences: dict[int, Sequence[int]] = {
        v: problem.vehicles[v].current for v in locked
    }
    departures: dict[int, float] = {}
    dropped: Sequence[int] = jobs
    if result is not None:
        sequences.update(result.sequences)
        departures = _departures_to_keep(problem, result)
        dropped = result.dropped
    unassigned = [*impossible.values(), *explain_dropped(problem, dropped, sequences)]
    cancelled = search.stop() and search.remaining() > 0
    status = Status.CANCELLED if cancelled else Status.SOLVED
    if result is None:
        status = Status.NO_SOLUTION
    return make_solution(
        problem,
        sequences,
        departures=departures,
        unassigned=unassigned,
        status=status,
        objective=float(result.objective) if result else float("inf"),
        elapsed=time.perf_counter() - search.started,
        solutions_found=search.solutions,
    )


def _departures_to_keep(
    problem: RoutingProblem, result: SearchResult
) -> dict[int, float]:
    """The search's departure times, where they matter (duration limits, hourly cost).

    Elsewhere the scheduler's own rule (leave so as not to wait at the first
    stop) gives the same stop times and is what the route board shows.
    """
    keep = {}
    for v, departure in result.departures.items():
        spec = problem.vehicles[v].spec
        if (
            spec.max_duration is not None
            or spec.cost_per_hour
            or problem.objective.balance
        ):
            keep[v] = departure
    return keep
