"""Each business rule is enforced: small instances where ignoring it changes the plan.

Every test solves the instance with the rule and checks the plan against the
rule and the independent checker; most also solve it without the rule to show
the instance really discriminates (the answer differs).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from dispatcher.model import BreakRule, Load, Priority, TimeWindow
from dispatcher.optimize.checker import check
from dispatcher.optimize.engine import solve
from tests.unit.optimize.builders import FAST, job, matrix_of, on_line, problem, vehicle

if TYPE_CHECKING:
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.solution import Solution

TWO_VANS = [vehicle(1), vehicle(2)]


def solved(p: RoutingProblem) -> Solution:
    """Solve quickly and insist the plan passes the independent checker."""
    solution = solve(p, FAST)
    assert check(p, solution) == []
    return solution


def routes(solution: Solution) -> list[tuple[int, ...]]:
    """The job sequences of a plan, sorted for comparison."""
    return sorted(r.jobs for r in solution.routes)


def test_capacity_splits_the_load() -> None:
    """Two 6 kg orders do not fit one 10 kg van, so both vans drive."""
    fleet = [vehicle(1, capacity=Load(kg=10)), vehicle(2, capacity=Load(kg=10))]
    p = problem(on_line(0, 5, 6), [job(1, kg=6), job(2, kg=6)], fleet)
    assert solved(p).kpis.vehicles == 2
    roomy = replace(
        p,
        vehicles=tuple(
            replace(v, spec=replace(v.spec, capacity=Load(kg=20))) for v in p.vehicles
        ),
    )
    assert solved(roomy).kpis.vehicles == 1


def test_every_capacity_unit_counts() -> None:
    """Pallets bind even when the weight fits."""
    cap = Load(kg=1000, pallets=2)
    fleet = [vehicle(1, capacity=cap), vehicle(2, capacity=cap)]
    demand = Load(kg=10, pallets=2)
    p = problem(on_line(0, 5, 6), [job(1, demand=demand), job(2, demand=demand)], fleet)
    assert solved(p).kpis.vehicles == 2


def test_time_windows_force_the_longer_order() -> None:
    """On an open route the far stop comes first because its window closes early."""
    jobs = [job(1), job(2, windows=((0, 25),))]
    p = problem(on_line(0, -10, 20), jobs, [vehicle(1, end=None)])
    assert routes(solved(p)) == [(1, 0)]
    free = problem(on_line(0, -10, 20), [job(1), job(2)], [vehicle(1, end=None)])
    assert routes(solved(free)) == [(0, 1)]


def test_a_second_window_is_used_when_the_first_is_out_of_reach() -> None:
    """An order with windows 0-5 and 100-110 at 30 km is served in the second window."""
    p = problem(on_line(0, 30), [job(1, windows=((0, 5), (100, 110)))], [vehicle(1)])
    visit = solved(p).routes[0].visits[0]
    assert 100 <= visit.start <= 110


def test_gaps_between_windows_are_forbidden() -> None:
    """With windows 0-40 and 100-110, two stops needing 30-70 cannot both be served."""
    jobs = [
        job(1, windows=((30, 40),), service=30),
        job(2, windows=((0, 40), (100, 110))),
    ]
    p = problem(on_line(0, 30, 31), jobs, [vehicle(1)])
    solution = solved(p)
    start = {v.job: v.start for r in solution.routes for v in r.visits}
    assert not 40 < start[1] < 100


def test_service_time_delays_the_next_stop() -> None:
    """A 60-minute service makes the next window unreachable on the same van."""
    jobs = [job(1, service=60, windows=((0, 10),)), job(2, windows=((20, 30),))]
    p = problem(on_line(0, 5, 6), jobs, TWO_VANS, minimize_vehicles=True)
    assert solved(p).kpis.vehicles == 2
    quick = [job(1, windows=((0, 10),)), job(2, windows=((20, 30),))]
    fast = problem(on_line(0, 5, 6), quick, TWO_VANS, minimize_vehicles=True)
    assert solved(fast).kpis.vehicles == 1


def test_shift_end_limits_the_route() -> None:
    """A van whose shift ends before it could return cannot take the far order."""
    fleet = [vehicle(1, shift=TimeWindow(0, 50)), vehicle(2, start=2, end=2)]
    p = problem(on_line(0, 40, 45), [job(1)], fleet)
    solution = solved(p)
    assert [r.vehicle for r in solution.routes] == [1]


@pytest.mark.parametrize(
    ("limit", "value"),
    [("max_duration", 30.0), ("max_distance_km", 30.0), ("max_stops", 1)],
)
def test_route_limits_force_a_second_vehicle(limit: str, value: float) -> None:
    """Duration, distance and stop limits each split a 2-stop, 40 km round trip."""
    fleet = [vehicle(1, **{limit: value}), vehicle(2, **{limit: value})]
    p = problem(on_line(0, 10, -10), [job(1), job(2)], fleet, minimize_vehicles=True)
    assert solved(p).kpis.vehicles == 2
    unlimited = problem(
        on_line(0, 10, -10), [job(1), job(2)], TWO_VANS, minimize_vehicles=True
    )
    assert solved(unlimited).kpis.vehicles == 1


def test_driver_break_pushes_a_tight_window_to_another_van() -> None:
    """450 min of driving plus a 45-min break misses a window a direct trip makes."""
    rule = BreakRule(after_driving=270, duration=45)
    fleet = [
        vehicle(1, end=None, break_rule=rule),
        vehicle(2, end=None, break_rule=rule),
    ]
    jobs = [job(1, windows=((0, 460),)), job(2, windows=((0, 460),))]
    p = problem(on_line(0, -150, 150), jobs, fleet, minimize_vehicles=True)
    assert solved(p).kpis.vehicles == 2
    rested = [vehicle(1, end=None), vehicle(2, end=None)]
    plain = problem(on_line(0, -150, 150), jobs, rested, minimize_vehicles=True)
    assert solved(plain).kpis.vehicles == 1


def test_skills_send_the_order_to_the_equipped_van() -> None:
    """A cold-chain order goes to the far van that has cold chain."""
    fleet = [vehicle(1), vehicle(2, start=2, end=2, skills=frozenset({"cold"}))]
    p = problem(on_line(0, 1, 50), [job(1, skills=frozenset({"cold"}))], fleet)
    assert [r.vehicle for r in solved(p).routes] == [1]
    plain = problem(on_line(0, 1, 50), [job(1)], fleet)
    assert [r.vehicle for r in solved(plain).routes] == [0]


def test_open_route_does_not_drive_home() -> None:
    """An open route ends at its last stop, so it visits the near stop first."""
    p = problem(on_line(0, 5, 10), [job(1), job(2)], [vehicle(1, end=None)])
    solution = solved(p)
    assert routes(solution) == [(0, 1)]
    assert solution.kpis.km == pytest.approx(10.0)


def test_each_vehicle_starts_and_ends_at_its_own_depot() -> None:
    """Two depots: each order goes to the van based next to it."""
    points = [(0.0, 0.0), (100.0, 0.0), (2.0, 0.0), (98.0, 0.0)]
    fleet = [vehicle(1, start=0, end=0), vehicle(2, start=1, end=1)]
    p = problem(matrix_of(points), [job(2), job(3)], fleet)
    solution = solved(p)
    assert solution.sequences() == {0: (0,), 1: (1,)}
    assert solution.kpis.km == pytest.approx(8.0)


def test_pickups_are_loaded_on_the_way() -> None:
    """A pickup after a delivery fits a van that could not carry both at once."""
    jobs = [job(1, kg=8), job(2, kg=8, pickup=True)]
    fleet = [vehicle(1, capacity=Load(kg=10)), vehicle(2, capacity=Load(kg=10))]
    p = problem(on_line(0, 5, 10), jobs, fleet, minimize_vehicles=True)
    solution = solved(p)
    assert routes(solution) == [(0, 1)]


def test_fixed_cost_prefers_the_cheap_van() -> None:
    """With money costs the van with the lower fixed cost does the work."""
    fleet = [
        vehicle(1, fixed_cost=500, cost_per_km=1),
        vehicle(2, fixed_cost=50, cost_per_km=1),
    ]
    p = problem(on_line(0, 5), [job(1)], fleet, distance_only=False)
    solution = solved(p)
    assert [r.vehicle for r in solution.routes] == [1]
    assert solution.kpis.cost == pytest.approx(50 + 10)


def test_km_rate_prefers_the_cheap_van_on_long_trips() -> None:
    """The van with the lower price per km wins a long trip despite its fixed cost."""
    fleet = [
        vehicle(1, fixed_cost=0, cost_per_km=3),
        vehicle(2, fixed_cost=100, cost_per_km=1),
    ]
    p = problem(on_line(0, 100), [job(1)], fleet, distance_only=False)
    assert [r.vehicle for r in solved(p).routes] == [1]


def test_minimize_vehicles_accepts_longer_distance() -> None:
    """Vehicles first: one van drives farther instead of two vans driving less."""
    base = problem(on_line(0, 10, -10), [job(1), job(2)], TWO_VANS)
    assert solved(base).kpis.km == pytest.approx(40.0)
    fewer = problem(
        on_line(0, 10, -10), [job(1), job(2)], TWO_VANS, minimize_vehicles=True
    )
    assert solved(fewer).kpis.vehicles == 1


def test_balance_spreads_the_work() -> None:
    """Balancing puts one order on each van although one van could do both."""
    fleet = [vehicle(1, cost_per_km=1), vehicle(2, cost_per_km=1)]
    jobs = [job(1, service=120), job(2, service=120)]
    p = problem(on_line(0, 1, 2), jobs, fleet, distance_only=False)
    assert solved(p).kpis.vehicles == 1
    balanced = problem(
        on_line(0, 1, 2), jobs, fleet, distance_only=False, balance=100.0
    )
    assert solved(balanced).kpis.vehicles == 2


def test_must_order_wins_over_normal_orders() -> None:
    """When only one order fits, the must-order is the one served."""
    jobs = [job(1, kg=8), job(2, kg=8, priority=Priority.MUST), job(3, kg=1)]
    p = problem(on_line(0, 1, 50, 2), jobs, [vehicle(1, capacity=Load(kg=10))])
    solution = solved(p)
    assert 1 in routes(solution)[0]
    assert 0 in {u.job for u in solution.unassigned}


def test_optional_order_is_dropped_when_too_costly() -> None:
    """An optional order far away is left out; a normal one is served."""
    optional = problem(
        on_line(0, 500), [job(1, priority=Priority.OPTIONAL)], [vehicle(1)]
    )
    assert solved(optional).kpis.served == 0
    normal = problem(on_line(0, 500), [job(1)], [vehicle(1)])
    assert solved(normal).kpis.served == 1
