"""Greedy insertion of left-over orders, judged as OR-Tools' model judges them.

After the second search's routes are repaired, some orders may be left out
(PyVRP saw a restricted problem, or ran short of time). OR-Tools' local search
inserts them only slowly on large days, so the engine first places them here:
most important first, each at its cheapest feasible position, within a small
time budget. Feasibility uses OR-Tools' conservative timing (driving
stretched for breaks, one solver unit of rounding per leg), so that OR-Tools
accepts the routes as its warm start; the product's rules then hold too.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatcher.model import Priority
from dispatcher.optimize.ortools_backend import break_allowance
from dispatcher.scheduling import schedule_route
from dispatcher.travel import TravelMatrix

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.optimize.problem import RoutingProblem

RANK = {Priority.MUST: 0, Priority.HIGH: 1, Priority.NORMAL: 2}

NEW_ROUTE_KM = 1e6
"""Detour charged for opening an idle vehicle: existing routes are tried first."""


class _Judge:
    """Times routes like OR-Tools' model: stretched driving, no explicit breaks."""

    def __init__(self, problem: RoutingProblem, time_scale: int) -> None:
        self.problem = problem
        durations = np.asarray(problem.matrix.duration_min, dtype=float)
        longest = float(durations.max(initial=0.0))
        matrices: dict[float, TravelMatrix] = {}
        self._specs: dict[int, tuple[Any, TravelMatrix]] = {}
        for v, fleet in enumerate(problem.vehicles):
            factor = break_allowance(fleet.spec.break_rule, longest)
            if factor not in matrices:
                # One solver unit per leg covers OR-Tools' rounding up.
                stretched = durations * (1.0 + factor) + 1.0 / time_scale
                np.fill_diagonal(stretched, 0.0)
                matrices[factor] = TravelMatrix(
                    problem.matrix.distance_km, stretched.tolist()
                )
            spec = replace(fleet.spec, break_rule=None)
            self._specs[v] = (spec, matrices[factor])

    def km(self, vehicle: int, jobs: Sequence[int]) -> float | None:
        """Route km if the route keeps every rule, else None."""
        spec, matrix = self._specs[vehicle]
        stops = [self.problem.jobs[j].stop for j in jobs]
        start = self.problem.vehicles[vehicle].replan_start
        sched = schedule_route(spec, stops, matrix, start_time=start)
        return sched.km if sched.feasible else None


def insert_leftovers(
    problem: RoutingProblem,
    routes: Mapping[int, Sequence[int]],
    leftovers: Sequence[int],
    vehicles: Sequence[int],
    *,
    seconds: float,
    time_scale: int,
) -> dict[int, list[int]]:
    """Routes with as many left-over jobs inserted as fit, most important first.

    Optional jobs are not inserted (whether they pay is OR-Tools' decision).

    Parameters
    ----------
    problem
        The problem.
    routes
        Feasible routes: vehicle → job sequence.
    leftovers
        Jobs not in any route.
    vehicles
        Vehicles that may take them (idle ones included).
    seconds
        Time budget; jobs not reached stay left over.
    time_scale
        OR-Tools' time units per minute (its rounding is allowed for).

    Returns
    -------
    dict[int, list[int]]
        The routes, every one still feasible.
    """
    deadline = time.perf_counter() + seconds
    judge = _Judge(problem, time_scale)
    out = {v: list(seq) for v, seq in routes.items()}
    base = {v: judge.km(v, seq) or 0.0 for v, seq in out.items()}
    # Optional orders are a cost trade-off: OR-Tools' objective decides them.
    wanted = [j for j in leftovers if problem.jobs[j].priority != Priority.OPTIONAL]
    for j in sorted(wanted, key=lambda k: RANK[problem.jobs[k].priority]):
        if time.perf_counter() > deadline:
            break
        skills = problem.jobs[j].stop.skills
        best: tuple[float, int, int] | None = None
        for v in vehicles:
            if not skills <= problem.vehicles[v].spec.skills:
                continue
            seq = out.get(v, [])
            for pos in range(len(seq) + 1):
                km = judge.km(v, [*seq[:pos], j, *seq[pos:]])
                if km is None:
                    continue
                extra = km - base.get(v, 0.0) + (0.0 if seq else NEW_ROUTE_KM)
                if best is None or extra < best[0]:
                    best = (extra, v, pos)
        if best is not None:
            _, v, pos = best
            out.setdefault(v, []).insert(pos, j)
            base[v] = judge.km(v, out[v]) or 0.0
    return out
