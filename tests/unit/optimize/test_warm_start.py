"""Demo days: warm starts never serve fewer orders; plans re-time on the board.

The day comes from the demo generator (skills, two-window customers, stop and
distance limits, EU driver breaks) with its own constructive plan as the
current plan. Whatever the search does in a short run, the plan it returns
serves at least the orders the current plan serves, keeps every rule, and
leaves no ordinary order out that still has a feasible slot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from functools import cache

import pytest

from dispatcher.demo import DemoConfig, generate
from dispatcher.model import BreakRule, OrderId, Priority, Vehicle, VehicleId
from dispatcher.optimize.breaks import break_models
from dispatcher.optimize.build import build_problem
from dispatcher.optimize.checker import check
from dispatcher.optimize.engine import solve
from dispatcher.optimize.params import Progress, SolveParams
from dispatcher.optimize.problem import Objective, RoutingProblem
from dispatcher.scheduling import schedule_route
from dispatcher.timing import DayContext

DAY = dt.date(2026, 11, 24)


@cache
def demo_day(orders: int = 120) -> RoutingProblem:
    """A demo day with its constructed plan as the current plan."""
    data = generate(DemoConfig(date=DAY, orders_per_day=orders, history_days=0))
    return build_problem(
        orders=data.orders_on(DAY),
        customers={c.id: c for c in data.customers},
        depots={d.id: d for d in data.depots},
        vehicles=data.vehicles,
        plan=data.plan_of(DAY),
    )


def _served(problem: RoutingProblem) -> int:
    return sum(len(v.current) for v in problem.vehicles)


def _has_free_slot(
    problem: RoutingProblem, job: int, routes: dict[int, tuple[int, ...]]
) -> bool:
    """True if the job fits, by the scheduler, anywhere in the plan (or alone)."""
    stop = problem.jobs[job].stop
    for v, fleet in enumerate(problem.vehicles):
        if not stop.skills <= fleet.spec.skills:
            continue
        seq = [problem.jobs[j].stop for j in routes.get(v, ())]
        for pos in range(len(seq) + 1):
            trial = [*seq[:pos], stop, *seq[pos:]]
            if schedule_route(fleet.spec, trial, problem.matrix).feasible:
                return True
    return False


@pytest.mark.parametrize(
    ("label", "params", "objective"),
    [
        ("default", SolveParams(time_limit=2.0), Objective()),
        (
            "or-tools only",
            SolveParams(time_limit=2.0, second_search=False),
            Objective(),
        ),
        ("stability", SolveParams(time_limit=2.0), Objective(move_penalty=5.0)),
        ("tiny budget", SolveParams(time_limit=0.3), Objective()),
    ],
)
def test_warm_started_solve_never_serves_fewer_orders(
    label: str, params: SolveParams, objective: Objective
) -> None:
    """Served ≥ the current plan, no rule broken, no ordinary order with a free slot."""
    problem = dataclasses.replace(demo_day(), objective=objective)
    before = _served(problem)
    assert before > 0.9 * len(problem.jobs), "the demo plan should serve most orders"
    solution = solve(problem, params)
    assert check(problem, solution) == [], label
    assert solution.kpis.served >= before, label
    routes = solution.sequences()
    left = [
        u.job
        for u in solution.unassigned
        if problem.jobs[u.job].priority is not Priority.OPTIONAL
    ]
    assert not [j for j in left if _has_free_slot(problem, j, routes)], label


def test_a_rejected_warm_start_is_still_the_floor() -> None:
    """Even a search with no time to improve returns the current plan's orders."""
    problem = demo_day()
    solution = solve(problem, SolveParams(time_limit=0.05, second_search=False))
    assert check(problem, solution) == []
    assert solution.kpis.served >= _served(problem)


@cache
def demo_with_short_breaks() -> tuple[RoutingProblem, DayContext, dict[int, Vehicle]]:
    """A demo day whose drivers break (15 min) after every hour of driving.

    Routes of the current plan drive longer than that, so both break models of
    ``breaks.py`` are in play: capped routes and stretched ones.
    """
    data = generate(DemoConfig(date=DAY, orders_per_day=120, history_days=0))
    rule = BreakRule(after_driving=60, duration=15)
    vehicles = [dataclasses.replace(v, break_rule=rule) for v in data.vehicles]
    customers = {c.id: c for c in data.customers}
    depots = {d.id: d for d in data.depots}
    orders = data.orders_on(DAY)
    problem = build_problem(
        orders=orders,
        customers=customers,
        depots=depots,
        vehicles=vehicles,
        plan=data.plan_of(DAY),
        objective=Objective(),
    )
    context = DayContext({o.id: o for o in orders}, customers, depots)
    return problem, context, {v.id: v for v in vehicles}


def test_plans_re_time_on_the_board_to_the_same_cost_and_lateness() -> None:
    """Each route timed as the route board times it: no rule broken, same cost."""
    problem, context, vehicles = demo_with_short_breaks()
    models = break_models(problem)
    assert any(m.drive_cap is not None for m in models)
    assert any(m.stretch > 0 for m in models)
    solution = solve(problem, SolveParams(time_limit=3.0))
    assert check(problem, solution) == []
    assert solution.routes
    breaks = 0
    for route in solution.routes:
        vehicle = vehicles[VehicleId(problem.vehicles[route.vehicle].key)]
        order_ids = [OrderId(problem.jobs[j].key) for j in route.jobs]
        board = context.time_route(vehicle, order_ids)
        assert board.violations == frozenset()
        assert board.cost == pytest.approx(route.cost, abs=0.01)
        assert board.lateness_min == pytest.approx(route.late_min, abs=0.01)
        assert board.departure == pytest.approx(route.departure, abs=0.01)
        assert [t.start for t in board.stops] == pytest.approx(
            [v.start for v in route.visits], abs=0.01
        )
        breaks += len(board.breaks)
    assert breaks > 0, "the day should exercise the break rule"


def test_the_warm_start_is_reported_before_the_search() -> None:
    """The completed warm start is the first plan the caller hears of."""
    problem = demo_day()
    reports: list[Progress] = []
    solve(problem, SolveParams(time_limit=1.0), progress=reports.append)
    first = next(r for r in reports if r.unassigned is not None)
    assert first.phase == "warm start"
    assert math.isfinite(first.objective)
    assert first.unassigned <= len(problem.jobs) - _served(problem)
