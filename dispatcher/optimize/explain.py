"""Why an order is not planned, and the smallest change that would let it in.

``screen`` finds orders no plan could serve (before searching, so the search
does not waste time on them); ``explain_dropped`` explains orders the search
left out, trying small fixes: a wider window, another date where a vehicle
with room can serve it within that day's windows ("fits on Wednesday 25 Nov",
from the problem's ``alternatives``), one more vehicle.
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

from dispatcher.model import Load, Priority, TimeWindow
from dispatcher.optimize.solution import Reason, Unassigned
from dispatcher.scheduling import schedule_route

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from dispatcher.optimize.problem import Job, RoutingProblem
    from dispatcher.scheduling import StopSpec

WINDOW_STEPS = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240)
"""Window widenings (minutes) tried when looking for the smallest fix."""

MORE_VEHICLES = "fits with one more vehicle"
"""The fix when neither a wider window nor another day is found."""

FIX_SECONDS = 1.0
"""Time for searching fixes after a solve (each costs many trial insertions)."""


def compatible_vehicles(problem: RoutingProblem, job: Job) -> list[int]:
    """Vehicles that have the job's skills (and are the locked one, if locked)."""
    return [
        v
        for v, fleet in enumerate(problem.vehicles)
        if job.stop.skills <= fleet.spec.skills
        and (job.lock is None or job.lock.vehicle == v)
    ]


def _alone_ok(
    problem: RoutingProblem, v: int, stop: StopSpec, *, today: bool = True
) -> bool:
    fleet = problem.vehicles[v]
    start = fleet.replan_start if today else None
    sched = schedule_route(fleet.spec, [stop], problem.matrix, start_time=start)
    return sched.feasible


def day_fix(problem: RoutingProblem, j: int) -> str | None:
    """ "fits on <day>" for the first alternative date that can take job ``j``.

    That date can take it if a vehicle with room that day, the skills and the
    capacity serves it alone within the job's windows of that date.
    """
    job = problem.jobs[j]
    for day in problem.alternatives:
        stop = dataclasses.replace(job.stop, windows=day.windows[j])
        if any(
            job.stop.skills <= problem.vehicles[v].spec.skills
            and job.demand.fits_in(problem.vehicles[v].spec.capacity)
            and _alone_ok(problem, v, stop, today=False)
            for v in day.vehicles
        ):
            return f"fits on {day.label}"
    return None


def screen(problem: RoutingProblem) -> dict[int, Unassigned]:
    """Jobs that no vehicle can serve even alone, with reasons and fixes.

    Returns
    -------
    dict[int, Unassigned]
        Job index → explanation, only for impossible jobs.
    """
    out: dict[int, Unassigned] = {}
    for j in range(len(problem.jobs)):
        reason = _screen_job(problem, j)
        if reason is not None:
            out[j] = dataclasses.replace(reason, job=j)
    return out


def _screen_job(problem: RoutingProblem, j: int) -> Unassigned | None:
    job = problem.jobs[j]
    vehicles = compatible_vehicles(problem, job)
    if not vehicles:
        skills = ", ".join(sorted(job.stop.skills)) or "none"
        return Unassigned(-1, Reason.SKILL_MISSING, f"needs a vehicle with: {skills}")
    fitting = [
        v for v in vehicles if job.demand.fits_in(problem.vehicles[v].spec.capacity)
    ]
    if not fitting:
        return Unassigned(
            -1, Reason.DEMAND_TOO_LARGE, _split_fix(problem, job, vehicles)
        )
    if any(_alone_ok(problem, v, job.stop) for v in fitting):
        return None
    fix = _window_fix(problem, job, fitting) or day_fix(problem, j)
    if job.stop.windows and not _window_meets_shift(problem, job, fitting):
        return Unassigned(-1, Reason.WINDOW_OUTSIDE_SHIFTS, fix)
    return Unassigned(-1, Reason.UNREACHABLE, fix)


def _split_fix(problem: RoutingProblem, job: Job, vehicles: Iterable[int]) -> str:
    best = max(
        (problem.vehicles[v].spec.capacity for v in vehicles),
        key=lambda c: c.as_tuple(),
    )
    parts = [
        f"{unit} {have:g} > {cap:g}"
        for unit, have, cap in zip(
            Load.UNITS, job.demand.as_tuple(), best.as_tuple(), strict=True
        )
        if have > cap
    ]
    return "split the order: " + ", ".join(parts)


def _window_meets_shift(
    problem: RoutingProblem, job: Job, vehicles: Iterable[int]
) -> bool:
    for v in vehicles:
        fleet = problem.vehicles[v]
        earliest = fleet.earliest_departure + problem.matrix.minutes(
            fleet.spec.start_node, job.node
        )
        if any(
            w.end >= earliest and w.start <= fleet.spec.shift.end
            for w in job.stop.windows
        ):
            return True
    return False


def _widened(stop: StopSpec, earlier: int, later: int) -> StopSpec:
    windows = tuple(
        TimeWindow(max(0, w.start - earlier), w.end + later) for w in stop.windows
    )
    return dataclasses.replace(stop, windows=windows)


def _window_fix(
    problem: RoutingProblem, job: Job, vehicles: Sequence[int]
) -> str | None:
    """Smallest window widening that lets the job be served alone."""
    if not job.stop.windows:
        return None
    for step in WINDOW_STEPS:
        for earlier, later, text in ((step, 0, "opens"), (0, step, "closes")):
            stop = _widened(job.stop, earlier, later)
            if any(_alone_ok(problem, v, stop) for v in vehicles):
                when = "earlier" if earlier else "later"
                return f"fits if the window {text} {step} min {when}"
    return None


def _insertable(
    problem: RoutingProblem,
    stop: StopSpec,
    routes: Mapping[int, Sequence[int]],
    vehicles: list[int],
) -> bool:
    """True if the stop fits somewhere in the given routes without breaking them."""
    for v in vehicles:
        seq = [problem.jobs[j].stop for j in routes.get(v, ())]
        if not seq:
            continue
        fleet = problem.vehicles[v]
        start = fleet.replan_start
        for pos in range(len(seq) + 1):
            trial = [*seq[:pos], stop, *seq[pos:]]
            if schedule_route(
                fleet.spec, trial, problem.matrix, start_time=start
            ).feasible:
                return True
    return False


def explain_dropped(
    problem: RoutingProblem,
    dropped: Iterable[int],
    routes: Mapping[int, Sequence[int]],
    *,
    seconds: float = FIX_SECONDS,
) -> list[Unassigned]:
    """Reasons and fixes for jobs the search left out.

    Parameters
    ----------
    problem
        The problem solved.
    dropped
        Job indices the search did not serve (all statically servable).
    routes
        The plan found: vehicle → job sequence.

    Fixes are searched for at most ``seconds``; later jobs get the reason
    and the generic fix only.

    Returns
    -------
    list[Unassigned]
        One explanation per dropped job.
    """
    out = []
    deadline = time.perf_counter() + seconds
    for j in dropped:
        job = problem.jobs[j]
        vehicles = compatible_vehicles(problem, job)
        idle = [
            v for v in vehicles if not routes.get(v) and _alone_ok(problem, v, job.stop)
        ]
        if idle:
            out.append(
                Unassigned(j, Reason.NOT_CHOSEN, "an idle vehicle could serve it")
                if job.priority == Priority.OPTIONAL
                else Unassigned(
                    j,
                    Reason.SEARCH_STOPPED,
                    "an idle vehicle could serve it: allow a longer run",
                )
            )
            continue
        fix = MORE_VEHICLES
        if job.stop.windows:
            for step in WINDOW_STEPS:
                if time.perf_counter() > deadline:
                    break
                widened = [
                    (_widened(job.stop, step, 0), "opens", "earlier"),
                    (_widened(job.stop, 0, step), "closes", "later"),
                ]
                hit = next(
                    (
                        w
                        for w in widened
                        if _insertable(problem, w[0], routes, vehicles)
                    ),
                    None,
                )
                if hit is not None:
                    fix = f"fits if the window {hit[1]} {step} min {hit[2]}"
                    break
        if fix == MORE_VEHICLES:
            fix = day_fix(problem, j) or fix
        out.append(Unassigned(j, Reason.FLEET_FULL, fix))
    return out
