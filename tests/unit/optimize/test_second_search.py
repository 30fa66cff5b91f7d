"""PyVRP feeds OR-Tools only where it can express the problem; plans check out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dispatcher.model import BreakRule
from dispatcher.optimize import pyvrp_backend
from dispatcher.optimize.checker import check
from dispatcher.optimize.engine import solve
from dispatcher.optimize.problem import Lock
from dispatcher.optimize.solomon import read_solomon
from dispatcher.optimize.solution import make_solution
from tests.unit.optimize.builders import FAST, job, on_line, problem, vehicle

pytest.importorskip("pyvrp")

DATA = Path(__file__).parents[2] / "data" / "solomon"


@pytest.mark.parametrize(
    ("jobs", "fleet", "expected"),
    [
        ([job(1), job(2)], [vehicle(1)], True),
        ([job(1, windows=((0, 5), (9, 20)))], [vehicle(1)], False),
        ([job(1, lock=Lock(0))], [vehicle(1)], False),
        (
            [job(1, skills=frozenset({"cold"}))],
            [vehicle(1), vehicle(2, skills=frozenset({"cold"}))],
            False,
        ),
        ([job(1)], [vehicle(1, max_stops=3)], False),
        ([job(1, pickup=True)], [vehicle(1)], False),
    ],
)
def test_supports_only_what_pyvrp_can_express(jobs, fleet, expected) -> None:  # type: ignore[no-untyped-def]
    """Multiple windows, locks, skills, stop limits and pickups keep PyVRP out."""
    p = problem(on_line(0, 5, 10), jobs, fleet)
    assert pyvrp_backend.supports(p, range(len(fleet)), range(len(jobs))) is expected


def test_pyvrp_routes_pass_the_checker_with_exact_times() -> None:
    """PyVRP's rounded plan for R101 (25 customers) is feasible with exact times."""
    p = read_solomon(DATA / "R101_25.txt")
    routes = pyvrp_backend.search(
        p,
        vehicles=range(len(p.vehicles)),
        jobs=range(len(p.jobs)),
        budget=1.0,
        time_scale=1000,
    )
    assert routes is not None
    solution = make_solution(p, routes)
    assert check(p, solution) == []
    assert solution.kpis.served == 25


def test_engine_with_and_without_second_search_serves_everything() -> None:
    """Both paths give checked plans serving every order of RC105 (25 customers)."""
    p = read_solomon(DATA / "RC105_25.txt")
    for second in (True, False):
        params = replace(FAST, time_limit=1.5, time_scale=1000, second_search=second)
        solution = solve(p, params)
        assert check(p, solution) == []
        assert solution.kpis.unassigned == 0


def test_breaks_are_kept_on_the_pyvrp_path() -> None:
    """With the stretched driving times, PyVRP's plan keeps the break rule's windows."""
    rule = BreakRule(after_driving=270, duration=45)
    fleet = [
        vehicle(1, end=None, break_rule=rule),
        vehicle(2, end=None, break_rule=rule),
    ]
    jobs = [job(1, windows=((0, 460),)), job(2, windows=((0, 460),))]
    p = problem(on_line(0, -150, 150), jobs, fleet, minimize_vehicles=True)
    assert pyvrp_backend.supports(p, [0, 1], [0, 1])
    solution = solve(p, FAST)
    assert check(p, solution) == []
    assert solution.kpis.vehicles == 2
