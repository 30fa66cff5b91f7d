"""The optimizer: problem in, solution out (pure; runs inside the solver process).

``solve`` screens out orders no vehicle can serve, keeps locked routes as
they are, and warm-starts from the current plan: its routes cut back to what
OR-Tools' model accepts, then every order left over inserted greedily where it
fits (``insertion.py``), so the search starts from a plan that already serves
all it can. When vehicles come first, a route-elimination phase repeatedly
removes the smallest route and asks the search to fit its orders into the
others with one vehicle fewer (a large fixed cost per vehicle alone rarely
empties a route: the local search has no move that removes a whole route).

The answer never serves fewer must/high/normal orders than the warm start,
and every route is timed by the product's scheduler with the route board's
departure rule, so the board shows the same times, cost and lateness.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from dispatcher.optimize import ortools_backend, pyvrp_backend
from dispatcher.optimize.explain import FIX_SECONDS, explain_dropped, screen
from dispatcher.optimize.insertion import Judge, insert_leftovers
from dispatcher.optimize.ortools_backend import PROGRESS_INTERVAL, SearchResult
from dispatcher.optimize.params import Progress, SolveParams
from dispatcher.optimize.solution import Status, make_solution, time_route
from dispatcher.optimize.stop import AnyOf, MaxRuntime, Never
from dispatcher.optimize.weights import COST_SCALE, compute_weights
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

PYVRP_SECONDS_PER_JOB = 0.0035
"""Rough time PyVRP needs per job before it can improve anything (its data and
first local search: 7 s at 2,000 orders); with less, it does not start from a
warm start."""


def model_seconds(jobs: int) -> float:
    """Rough time OR-Tools takes to build its model and read a warm start.

    Measured on a shared 2-core machine: 3 s at 1,000 orders, 13 s at 2,000
    (reading the routes grows faster than linearly).
    """
    return 3.0 * (jobs / 1000) ** 2 + 0.1


MIN_SEARCH_SECONDS = 0.5
"""Search time worth building an OR-Tools model for when a plan exists."""

FINISH_SHARE = 0.05
"""Share of the time limit kept for explaining unassigned orders (at most 1 s)."""

FIRST_PLAN_JOBS = 300
"""Above this many jobs a cold start gets a quick first plan before the search."""

FIRST_PLAN_SHARE = 0.3
"""Share of the second search's budget spent on that quick first plan..."""

FIRST_PLAN_SECONDS = 3.0
"""... but never more than this: long runs must not delay their first plan."""


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
        # Explaining what is left out comes after the search, within the limit.
        self.reserve = min(FIX_SECONDS, FINISH_SHARE * params.time_limit)
        self.deadline = self.started + params.time_limit - self.reserve
        self.stop = stop
        self.solutions = 0
        self._last_report = 0.0
        self._last_cost = float("inf")
        self.judge = Judge(problem, params.time_scale)
        self.weights = compute_weights(problem, params.time_scale)

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
        """One OR-Tools search; None if it found nothing or had no time.

        With a plan to start from, a search that would spend its remaining time
        building the model is skipped (the caller keeps the plan).
        """
        needed = model_seconds(len(jobs)) + MIN_SEARCH_SECONDS
        if initial and self.remaining() < needed:
            log.info("no time left for OR-Tools (%s)", phase)
            return None
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
        self,
        vehicles: Sequence[int],
        jobs: Sequence[int],
        start: Mapping[int, Sequence[int]] | None,
    ) -> SearchResult | None:
        """PyVRP builds or improves routes; OR-Tools checks, completes, polishes.

        Without a ``start`` (vehicle → jobs, already accepted by the model), a
        large problem first gets a short PyVRP run whose routes are completed
        into a first plan; PyVRP then continues from that plan (or from
        ``start``). Its routes are cut back to what OR-Tools' model accepts
        (PyVRP saw a restricted problem and may run out of time before its
        plan is feasible), left-overs are inserted, and OR-Tools polishes;
        its answer is kept only if it is no worse (``plan_key``).
        """
        budget = self.params.time_limit * second_search_share(len(jobs))
        # Leave time to complete PyVRP's routes, however long set-up took.
        tail = self.params.time_limit * LEFTOVER_SHARE
        ends = min(time.perf_counter() + budget, self.deadline - tail)
        if start is None and len(jobs) > FIRST_PLAN_JOBS:
            quick = min(budget * FIRST_PLAN_SHARE, FIRST_PLAN_SECONDS)
            first = self._pyvrp(vehicles, jobs, quick, None)
            start = self.complete(first, vehicles, jobs)
            self.report_plan(start, jobs, "first plan")
        routes = self._pyvrp(vehicles, jobs, ends - time.perf_counter(), start)
        repaired = self.complete(routes, vehicles, jobs)
        if start is not None and plan_key(self.problem, start, jobs) < plan_key(
            self.problem, repaired, jobs
        ):
            repaired = {v: list(seq) for v, seq in start.items()}
        self.report_plan(repaired, jobs, "second search")
        served = sum(len(seq) for seq in repaired.values())
        if served == len(jobs):
            result = self.run(
                sorted(repaired), jobs, self.remaining(), repaired, "polish"
            )
            if result is not None and not result.dropped:
                return _at_least(self.problem, result, repaired, jobs)
            log.info("OR-Tools did not accept the second search's routes")
        # Some jobs are left (or the restricted fleet failed): OR-Tools starts
        # from the repaired routes and inserts the rest with every vehicle.
        result = self.run(vehicles, jobs, self.remaining(), repaired, "construct")
        return _at_least(self.problem, result, repaired, jobs)

    def _pyvrp(
        self,
        vehicles: Sequence[int],
        jobs: Sequence[int],
        budget: float,
        initial: Mapping[int, Sequence[int]] | None,
    ) -> dict[int, tuple[int, ...]]:
        return pyvrp_backend.search(
            self.problem,
            vehicles=vehicles,
            jobs=jobs,
            budget=max(0.05, budget),
            time_scale=self.params.time_scale,
            seed=self.params.variant,
            fleet_share=FLEET_SHARES[self.params.variant % len(FLEET_SHARES)],
            stop=self.stop,
            on_cost=self._report_cost,
            initial=initial,
        )

    def report_plan(
        self, routes: Mapping[int, Sequence[int]], jobs: Sequence[int], phase: str
    ) -> None:
        """Report a complete, checked plan (routes the model accepts).

        Its objective is counted as OR-Tools counts it: route costs (km when
        minimising distance) plus the drop penalties of the orders left out.
        """
        if self.progress is None:
            return
        served = sum(len(seq) for seq in routes.values())
        planned = {j for seq in routes.values() for j in seq}
        money = board_cost(self.problem, routes)
        penalty = sum(self.weights.penalty[j] for j in jobs if j not in planned)
        self.progress(
            Progress(
                objective=money * COST_SCALE + penalty,
                elapsed=time.perf_counter() - self.started,
                solutions=self.solutions,
                vehicles=sum(1 for seq in routes.values() if seq),
                unassigned=len(jobs) - served,
                phase=phase,
            )
        )

    def complete(
        self,
        routes: Mapping[int, Sequence[int]],
        vehicles: Sequence[int],
        jobs: Sequence[int],
    ) -> dict[int, list[int]]:
        """Routes cut back to what the model accepts, then left-overs inserted."""
        repaired = {
            v: kept
            for v, seq in routes.items()
            if (kept := self.judge.feasible_subsequence(v, seq))
        }
        planned = {j for seq in repaired.values() for j in seq}
        leftovers = [j for j in jobs if j not in planned]
        if not leftovers:
            return repaired
        seconds = min(self.params.time_limit * LEFTOVER_SHARE, self.remaining() / 3)
        return insert_leftovers(
            self.problem,
            repaired,
            leftovers,
            vehicles,
            seconds=seconds,
            judge=self.judge,
        )

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
    job_set = set(jobs)
    # The current plan as the board times it: what the answer must not undercut.
    current = {
        v: seq
        for v in vehicles
        if (
            seq := feasible_subsequence(
                problem, v, [j for j in problem.vehicles[v].current if j in job_set]
            )
        )
    }
    # In a portfolio, worker 0 spends its whole budget on one search (good
    # distances) while the others also try to eliminate routes.
    eliminate = (
        problem.objective.minimize_vehicles
        and params.route_elimination
        and (params.workers == 1 or params.variant > 0)
    )
    initial = search.complete(current, vehicles, jobs) if current else None
    if initial:
        search.report_plan(initial, jobs, "warm start")
    result = None
    # Without a plan to start from, PyVRP is the only quick way to a first
    # plan on a large day (OR-Tools' first-solution heuristics stall there);
    # with one, PyVRP runs only if it has time to improve it.
    if (
        params.second_search
        and pyvrp_backend.supports(problem, vehicles, jobs)
        and (
            not initial
            or params.time_limit * second_search_share(len(jobs))
            >= PYVRP_SECONDS_PER_JOB * len(jobs)
        )
    ):
        result = search.second_search(vehicles, jobs, initial)
    if result is None:
        budget = search.remaining() * (FIRST_PHASE_SHARE if eliminate else 1.0)
        result = search.run(vehicles, jobs, budget, initial, "construct")
        if initial:
            result = _at_least(problem, result, initial, jobs)
        if result is not None and eliminate:
            result = search.eliminate_routes(result, vehicles, jobs)
    if current:
        result = _at_least(problem, result, current, jobs)
    sequences: dict[int, Sequence[int]] = {
        v: problem.vehicles[v].current for v in locked
    }
    dropped: list[int] = list(jobs)
    if result is not None:
        board = _board_feasible(problem, result.sequences)
        sequences.update(board)
        served = {j for seq in board.values() for j in seq}
        dropped = [j for j in jobs if j not in served]
    unassigned = [
        *impossible.values(),
        *explain_dropped(problem, dropped, sequences, seconds=search.reserve),
    ]
    cancelled = search.stop() and search.remaining() > 0
    status = Status.CANCELLED if cancelled else Status.SOLVED
    if result is None:
        status = Status.NO_SOLUTION
    return make_solution(
        problem,
        sequences,
        unassigned=unassigned,
        status=status,
        objective=float(result.objective) if result else float("inf"),
        elapsed=time.perf_counter() - search.started,
        solutions_found=search.solutions,
    )


def plan_key(
    problem: RoutingProblem, routes: Mapping[int, Sequence[int]], jobs: Sequence[int]
) -> tuple[float, ...]:
    """How good a plan is, as the user sees it (lower is better).

    Unserved must, high and normal orders first, then vehicles if they come
    first, then the cost the route board shows (km when minimising distance).
    The search's own objective is not used: its departure times and rounding
    differ from the board's.
    """
    planned = {j for seq in routes.values() for j in seq}
    unserved = problem.unserved_key(j for j in jobs if j not in planned)
    used = sum(1 for seq in routes.values() if seq)
    vehicles = used if problem.objective.minimize_vehicles else 0
    return (*unserved, vehicles, round(board_cost(problem, routes), 6))


def board_cost(problem: RoutingProblem, routes: Mapping[int, Sequence[int]]) -> float:
    """The plan's cost as the route board times it (km when minimising distance)."""
    total = 0.0
    for v, seq in routes.items():
        if seq:
            sched = time_route(problem, v, seq, None)
            total += sched.km if problem.objective.distance_only else sched.cost
    return total


def _at_least(
    problem: RoutingProblem,
    result: SearchResult | None,
    start: Mapping[int, Sequence[int]],
    jobs: Sequence[int],
) -> SearchResult:
    """The search result, unless ``start`` is a better plan (``plan_key``).

    A search that ran out of time (or could not read its warm start) may
    return a worse plan than the one it started from; the start then wins.
    """
    planned = {j for seq in start.values() for j in seq}
    dropped = tuple(j for j in jobs if j not in planned)
    if result is not None and plan_key(problem, result.sequences, jobs) <= plan_key(
        problem, start, jobs
    ):
        return result
    log.info("kept the plan the search started from: it is better")
    return SearchResult(
        {v: tuple(seq) for v, seq in start.items() if seq}, {}, dropped, 2**62, 0
    )


def _board_feasible(
    problem: RoutingProblem, sequences: Mapping[int, Sequence[int]]
) -> dict[int, list[int]]:
    """Each route as the route board's scheduler accepts it.

    Routes come from a model that is at least as strict as the scheduler, so
    this only cuts a stop in corner cases (a search that chose a later
    departure than the board's rule to meet a duration limit); it guarantees
    that no answer shows a rule violation on the board.
    """
    out = {}
    for v, seq in sequences.items():
        sched = time_route(problem, v, seq, None)
        kept = list(seq) if sched.feasible else feasible_subsequence(problem, v, seq)
        if len(kept) < len(seq):
            log.warning(
                "vehicle %d: %d stops cut by the scheduler", v, len(seq) - len(kept)
            )
        out[v] = kept
    return out
