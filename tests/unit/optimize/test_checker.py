"""The independent checker catches broken plans and agrees with the scheduler."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from dispatcher.model import BreakRule, Load, TimeWindow
from dispatcher.optimize.checker import check
from dispatcher.optimize.problem import Lock
from dispatcher.optimize.solution import Reason, Unassigned, make_solution
from dispatcher.scheduling import schedule_route
from tests.unit.optimize.builders import job, matrix_of, on_line, problem, vehicle


def test_a_valid_plan_passes() -> None:
    """A plan that keeps every rule has no findings."""
    p = problem(on_line(0, 5, 10), [job(1), job(2)], [vehicle(1)])
    assert check(p, make_solution(p, {0: (0, 1)})) == []


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"capacity": Load(kg=1)}, "overloaded"),
        ({"skills": frozenset()}, "lacks skills"),
        ({"shift": TimeWindow(0, 15)}, "after its shift"),
        ({"max_duration": 15.0}, "works longer"),
        ({"max_distance_km": 15.0}, "drives farther"),
        ({"max_stops": 1}, "stops, more than"),
    ],
)
def test_route_rules_are_checked(change: dict[str, object], needle: str) -> None:
    """Each vehicle rule the route breaks is reported."""
    jobs = [job(1, kg=2, skills=frozenset({"lift"})), job(2)]
    fleet = [vehicle(1, skills=frozenset({"lift"}))]
    p = problem(on_line(0, 5, 10), jobs, fleet)
    spec = replace(p.vehicles[0].spec, **change)  # type: ignore[arg-type]
    broken = replace(p, vehicles=(replace(p.vehicles[0], spec=spec),))
    findings = check(broken, make_solution(broken, {0: (0, 1)}))
    assert any(needle in f for f in findings), findings


def test_late_service_is_reported() -> None:
    """A stop reached after its window closes is a finding."""
    p = problem(on_line(0, 5, 10), [job(1), job(2, windows=((0, 8),))], [vehicle(1)])
    findings = check(p, make_solution(p, {0: (0, 1)}))
    assert any("outside its windows" in f for f in findings)


def test_break_delay_is_counted() -> None:
    """The checker adds the driver's break before the leg that exceeds the rule."""
    rule = BreakRule(after_driving=100, duration=30)
    p = problem(
        on_line(0, 60, 120),
        [job(1), job(2, windows=((0, 130),))],
        [vehicle(1, end=None, break_rule=rule)],
    )
    findings = check(p, make_solution(p, {0: (0, 1)}))
    assert any("outside its windows" in f for f in findings)


def test_bookkeeping_errors_are_reported() -> None:
    """Twice planned, forgotten, and lock violations are all findings."""
    p = problem(
        on_line(0, 5, 10), [job(1, lock=Lock(1, 0)), job(2)], [vehicle(1), vehicle(2)]
    )
    twice = make_solution(p, {0: (0, 1), 1: (1,)})
    assert any("planned twice" in f for f in check(p, twice))
    forgotten = make_solution(p, {1: (0,)})
    assert any("neither planned nor unassigned" in f for f in check(p, forgotten))
    wrong_vehicle = make_solution(p, {0: (0, 1)})
    assert any("locked to vehicle 1" in f for f in check(p, wrong_vehicle))
    wrong_place = make_solution(p, {1: (1, 0)})
    assert any("locked at position 0" in f for f in check(p, wrong_place))
    dropped = make_solution(p, {1: (0,)}, unassigned=[Unassigned(1, Reason.FLEET_FULL)])
    assert check(p, dropped) == []


def test_locked_route_and_move_cap_are_checked() -> None:
    """Changing a locked route, or moving more stops than allowed, is a finding."""
    fleet = [vehicle(1, current=(0, 1), locked=True), vehicle(2, current=(2,))]
    p = problem(on_line(0, 5, 10, 15), [job(1), job(2), job(3)], fleet, max_moves=0)
    assert check(p, make_solution(p, {0: (0, 1), 1: (2,)})) == []
    findings = check(p, make_solution(p, {0: (1, 0), 1: (2,)}))
    assert any("locked route" in f for f in findings)
    findings = check(p, make_solution(p, {0: (0, 1, 2)}))
    assert any("more than the cap" in f for f in findings)


def test_checker_agrees_with_the_scheduler_on_random_routes() -> None:
    """Two independent timings agree about lateness on 200 random routes."""
    rng = random.Random(7)
    points = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(12)]
    rule = BreakRule(after_driving=90, duration=20)
    for _ in range(200):
        jobs = [
            job(
                n,
                service=rng.choice([0, 5, 15]),
                windows=tuple(
                    sorted(
                        ((a := rng.randint(0, 300)), a + rng.randint(5, 60))
                        for _ in range(rng.randint(0, 2))
                    )
                ),
            )
            for n in range(1, 12)
        ]
        fleet = [
            vehicle(1, end=rng.choice([0, None]), break_rule=rng.choice([None, rule]))
        ]
        p = problem(matrix_of(points), jobs, fleet)
        order = rng.sample(range(11), rng.randint(1, 11))
        sched = schedule_route(
            p.vehicles[0].spec, [p.jobs[j].stop for j in order], p.matrix
        )
        solution = make_solution(
            p,
            {0: tuple(order)},
            unassigned=[
                Unassigned(j, Reason.NOT_CHOSEN) for j in range(11) if j not in order
            ],
        )
        late = [f for f in check(p, solution) if "outside its windows" in f]
        assert bool(late) == (sched.late_count > 0)
