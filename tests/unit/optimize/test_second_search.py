"""PyVRP feeds OR-Tools only where it can express the problem; plans check out."""

from __future__ import annotations

import time
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
    ("fleet", "options", "lock", "expected"),
    [
        ([vehicle(1)], {}, None, True),
        ([vehicle(1, current=(0,))], {}, None, True),
        ([vehicle(1, current=(0,))], {}, Lock(0), False),
        ([vehicle(1)], {"balance": 10.0}, None, False),
        ([vehicle(1)], {"move_penalty": 5.0}, None, False),
        ([vehicle(1)], {"max_moves": 3}, None, False),
    ],
)
def test_second_search_is_skipped_for_rules_it_cannot_express(  # type: ignore[no-untyped-def]
    fleet, options, lock, expected
) -> None:
    """Stability, locks or balancing keep PyVRP out; a plain current plan does not."""
    p = problem(on_line(0, 5), [job(1, lock=lock)], fleet, **options)
    assert pyvrp_backend.supports(p, range(len(fleet)), range(1)) is expected


def test_restricted_problem_is_repaired_to_every_rule() -> None:
    """Rules PyVRP only approximates (windows, skills, stop limits) hold at the end."""
    jobs = [
        job(1, windows=((0, 5), (100, 120))),
        job(2, skills=frozenset({"cold"})),
        job(3),
        job(4, pickup=True, kg=5),
    ]
    fleet = [
        vehicle(1, max_stops=2),
        vehicle(2, skills=frozenset({"cold"}), max_stops=2),
    ]
    p = problem(on_line(0, 30, 5, 6, 7), jobs, fleet)
    assert pyvrp_backend.supports(p, [0, 1], range(4))
    solution = solve(p, FAST)
    assert check(p, solution) == []
    assert solution.kpis.served == 4


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


@pytest.mark.filterwarnings("ignore::pyvrp.exceptions.PenaltyBoundWarning")
def test_fleet_minimisation_keeps_a_feasible_plan_of_its_fleet() -> None:
    """R101 (25 customers, 25 vans): fewer vans, and a feasible plan that uses them."""
    p = read_solomon(DATA / "R101_25.txt")
    builder = pyvrp_backend._Builder(
        p, range(len(p.vehicles)), range(len(p.jobs)), 1000, True
    )
    data = builder.data()
    deadline = time.perf_counter() + 1.0
    fleet, plan = pyvrp_backend._minimise_fleet(
        data, pyvrp_backend._criterion(deadline, None, None), 0
    )
    assert plan is not None
    assert plan.is_feasible()
    assert plan.num_routes() == fleet.num_available < len(p.vehicles)
    routes = builder.routes(plan)
    solution = make_solution(p, routes)
    assert check(p, solution) == []
    assert solution.kpis.vehicles == fleet.num_available
