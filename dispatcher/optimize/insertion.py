"""Greedy insertion of left-over orders, judged as OR-Tools' model judges them.

After the second search's routes are repaired, some orders may be left out
(PyVRP saw a restricted problem, or ran short of time). OR-Tools' local search
inserts them only slowly on large days, so the engine first places them here:
most important first, each at its cheapest feasible position, within a small
time budget. Feasibility uses OR-Tools' conservative timing (the break
model of ``breaks.py``, one solver unit of rounding per leg), so that OR-Tools
accepts the routes as its warm start; the product's rules then hold too.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatcher.model import Priority
from dispatcher.optimize.breaks import break_models
from dispatcher.scheduling import schedule_route
from dispatcher.travel import TravelMatrix

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.optimize.problem import RoutingProblem

RANK = {Priority.MUST: 0, Priority.HIGH: 1, Priority.NORMAL: 2}

NEW_ROUTE_KM = 1e6
"""Detour charged for opening an idle vehicle: existing routes are tried first."""


class Judge:
    """Times routes like OR-Tools' model: its break model, its rounding."""

    def __init__(self, problem: RoutingProblem, time_scale: int) -> None:
        self.problem = problem
        durations = np.asarray(problem.matrix.duration_min, dtype=float)
        models = break_models(problem)
        self._caps = [m.drive_cap for m in models]
        matrices: dict[float, TravelMatrix] = {}
        self._specs: dict[int, tuple[Any, TravelMatrix]] = {}
        for v, fleet in enumerate(problem.vehicles):
            factor = models[v].stretch
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
        if not sched.feasible:
            return None
        cap = self._caps[vehicle]
        if cap is not None and sched.driving_min > cap:
            return None
        return sched.km

    def feasible_subsequence(self, vehicle: int, jobs: Sequence[int]) -> list[int]:
        """A greedy subsequence of ``jobs`` that the model accepts."""
        kept: list[int] = []
        for j in jobs:
            if self.km(vehicle, [*kept, j]) is not None:
                kept.append(j)
        return kept


def _positions(problem: RoutingProblem, seq: Sequence[int], job: int) -> range:
    """Where ``job`` may go in ``seq`` without moving a stop locked in place."""
    pinned = [
        i
        for i, k in enumerate(seq)
        if (lock := problem.jobs[k].lock) is not None and lock.position is not None
    ]
    first = pinned[-1] + 1 if pinned else 0
    lock = problem.jobs[job].lock
    if lock is not None and lock.position is not None:
        at = lock.position
        return range(at, at + 1) if first <= at <= len(seq) else range(0)
    return range(first, len(seq) + 1)


def insert_leftovers(
    problem: RoutingProblem,
    routes: Mapping[int, Sequence[int]],
    leftovers: Sequence[int],
    vehicles: Sequence[int],
    *,
    seconds: float,
    judge: Judge,
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
    judge
        Feasibility as OR-Tools' model sees it.

    Returns
    -------
    dict[int, list[int]]
        The routes, every one still feasible.
    """
    deadline = time.perf_counter() + seconds
    out = {v: list(seq) for v, seq in routes.items()}
    base = {v: judge.km(v, seq) or 0.0 for v, seq in out.items()}
    # Optional orders are a cost trade-off: OR-Tools' objective decides them.
    wanted = [j for j in leftovers if problem.jobs[j].priority != Priority.OPTIONAL]
    for j in sorted(wanted, key=lambda k: RANK[problem.jobs[k].priority]):
        if time.perf_counter() > deadline:
            break
        skills = problem.jobs[j].stop.skills
        best: tuple[float, int, int] | None = None
        lock = problem.jobs[j].lock
        for v in vehicles:
            if not skills <= problem.vehicles[v].spec.skills or (
                lock is not None and lock.vehicle != v
            ):
                continue
            seq = out.get(v, [])
            for pos in _positions(problem, seq, j):
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
