"""Locks, locked routes, warm start, stability and mid-day re-planning are honoured."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dispatcher.model import Priority
from dispatcher.optimize.checker import check
from dispatcher.optimize.engine import solve
from dispatcher.optimize.problem import Lock, RoutingProblem
from tests.unit.optimize.builders import FAST, job, on_line, problem, vehicle

if TYPE_CHECKING:
    from dispatcher.optimize.solution import Solution

LINE = on_line(0, 10, 11, -10, -11)
"""Two pairs of stops on either side of the depot."""


def solved(p: RoutingProblem) -> Solution:
    """Solve quickly and insist the plan passes the independent checker."""
    solution = solve(p, FAST)
    assert check(p, solution) == []
    return solution


def test_locked_stop_stays_on_its_vehicle_and_position() -> None:
    """A stop locked to van 2 at position 0 stays there; van 1 is nearer."""
    fleet = [vehicle(1), vehicle(2, start=3, end=3)]
    jobs = [job(1, lock=Lock(1, 0)), job(2)]
    solution = solved(problem(LINE, jobs, fleet))
    assert solution.sequences()[1][0] == 0
    free = solved(problem(LINE, [job(1), job(2)], fleet))
    assert free.sequences() == {0: (0, 1)} or free.sequences() == {0: (1, 0)}


def test_locked_route_is_kept_verbatim() -> None:
    """A locked route keeps its (poor) order; other orders go elsewhere."""
    fleet = [vehicle(1, current=(1, 0), locked=True), vehicle(2)]
    solution = solved(problem(LINE, [job(1), job(2), job(3)], fleet))
    assert solution.sequences()[0] == (1, 0)
    assert solution.sequences()[1] == (2,)


def test_warm_start_keeps_a_good_plan() -> None:
    """Starting from an optimal plan, the optimizer returns a plan as short."""
    fleet = [vehicle(1, current=(0, 1)), vehicle(2, current=(2, 3))]
    p = problem(LINE, [job(1), job(2), job(3), job(4)], fleet)
    assert solved(p).kpis.km == pytest.approx(44.0)


def test_move_penalty_keeps_stops_where_they_were() -> None:
    """With a high move penalty a stop stays on its (worse) current van."""
    fleet = [vehicle(1, current=(0,)), vehicle(2, current=(1,))]
    jobs = [job(1), job(2)]
    cheap = solved(problem(LINE, jobs, fleet))
    assert cheap.kpis.vehicles == 1
    sticky = solved(problem(LINE, jobs, fleet, move_penalty=1000.0))
    assert sticky.sequences() == {0: (0,), 1: (1,)}
    assert sticky.kpis.moved == 0


def test_move_cap_is_honoured() -> None:
    """With at most one move allowed, only one of three scattered stops changes van."""
    fleet = [vehicle(1, current=(0, 2)), vehicle(2, current=(1, 3))]
    jobs = [job(1), job(2), job(3), job(4)]
    free = solved(problem(LINE, jobs, fleet))
    assert free.kpis.moved >= 2
    capped = solved(problem(LINE, jobs, fleet, max_moves=1))
    assert capped.kpis.moved <= 1


def test_mid_day_vehicle_starts_from_its_position_and_time() -> None:
    """A van under way starts where it is, no earlier than now."""
    fleet = [vehicle(1, start=2, end=0, start_time=600.0)]
    solution = solved(problem(LINE, [job(1), job(3)], fleet))
    route = solution.routes[0]
    assert route.departure >= 600.0
    assert route.jobs == (0, 1)
    assert route.visits[0].arrival == pytest.approx(601.0)


def test_must_order_is_never_dropped_while_it_can_be_served() -> None:
    """A must-order that only fits after others are dropped is still served."""
    fleet = [vehicle(1, max_stops=2)]
    jobs = [
        job(1),
        job(2),
        job(3, priority=Priority.MUST),
        job(4, priority=Priority.HIGH),
    ]
    solution = solved(problem(LINE, jobs, fleet))
    served = set(solution.sequences()[0])
    assert 2 in served
    assert 3 in served
