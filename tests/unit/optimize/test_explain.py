"""Unassigned orders get the right reason and, where possible, the smallest fix."""

from __future__ import annotations

from dispatcher.model import Load, TimeWindow
from dispatcher.optimize.engine import solve
from dispatcher.optimize.solution import Reason
from tests.unit.optimize.builders import FAST, job, on_line, problem, vehicle


def reason_of(p, index: int = 0):  # type: ignore[no-untyped-def]
    """The explanation of one job after solving."""
    solution = solve(p, FAST)
    return next(u for u in solution.unassigned if u.job == index)


def test_demand_larger_than_every_vehicle() -> None:
    """An order heavier than every van is too large, with a split hint."""
    p = problem(on_line(0, 5), [job(1, kg=50)], [vehicle(1, capacity=Load(kg=40))])
    found = reason_of(p)
    assert found.reason is Reason.DEMAND_TOO_LARGE
    assert "kg 50 > 40" in (found.fix or "")


def test_missing_skill() -> None:
    """An order needing a tail-lift with no such van names the skill."""
    p = problem(on_line(0, 5), [job(1, skills=frozenset({"tail-lift"}))], [vehicle(1)])
    found = reason_of(p)
    assert found.reason is Reason.SKILL_MISSING
    assert "tail-lift" in (found.fix or "")


def test_window_outside_every_shift_with_fix() -> None:
    """A window that closes 20 minutes before the van can arrive: opens-earlier fix."""
    fleet = [vehicle(1, shift=TimeWindow(480, 1000))]
    p = problem(on_line(0, 10), [job(1, windows=((400, 470),))], fleet)
    found = reason_of(p)
    assert found.reason is Reason.WINDOW_OUTSIDE_SHIFTS
    assert found.fix == "fits if the window closes 20 min later"


def test_unreachable_within_route_limits() -> None:
    """An order beyond the van's distance limit is unreachable."""
    p = problem(on_line(0, 100), [job(1)], [vehicle(1, max_distance_km=150)])
    assert reason_of(p).reason is Reason.UNREACHABLE


def test_fleet_out_of_capacity_suggests_one_more_vehicle() -> None:
    """Two 8 kg orders, one 10 kg van: the second needs one more vehicle."""
    p = problem(
        on_line(0, 5, 6),
        [job(1, kg=8), job(2, kg=8)],
        [vehicle(1, capacity=Load(kg=10))],
    )
    solution = solve(p, FAST)
    (found,) = solution.unassigned
    assert found.reason is Reason.FLEET_FULL
    assert found.fix == "fits with one more vehicle"


def test_fleet_out_of_time_suggests_a_wider_window() -> None:
    """Two orders at the same minute: the later one fits if its window closes later."""
    jobs = [
        job(1, windows=((10, 12),), service=30),
        job(2, windows=((10, 12),), service=30),
    ]
    p = problem(on_line(0, 10, 10), jobs, [vehicle(1)])
    solution = solve(p, FAST)
    (found,) = solution.unassigned
    assert found.reason is Reason.FLEET_FULL
    assert found.fix == "fits if the window closes 30 min later"
