"""optimize_day: a day view becomes a routing problem, and a solution its routes."""

from __future__ import annotations

import pytest

from dispatcher import plan_edits
from dispatcher.errors import ValidationError
from dispatcher.model import OrderId, Priority, VehicleId
from dispatcher.optimize.checker import check
from dispatcher.optimize.engine import solve
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.problem import Job, Lock, Objective, RoutingProblem
from dispatcher.optimize.solution import Reason, Unassigned, make_solution
from dispatcher.optimize_day import (
    day_scope,
    problem_for_day,
    sequences_from,
    unassigned_reasons,
)
from tests import builders as b
from tests.unit.small_day import SmallDay, small_day

FAST = SolveParams(time_limit=1.0, second_search=False)


@pytest.fixture
def day() -> SmallDay:
    """The small day of ``tests.unit.small_day``."""
    return small_day()


def job_keys(problem: RoutingProblem) -> set[OrderId]:
    """The order ids of a problem's jobs."""
    return {OrderId(job.key) for job in problem.jobs}


def vehicle_index(problem: RoutingProblem, vehicle_id: VehicleId) -> int:
    """The index of a vehicle in a problem."""
    return next(k for k, v in enumerate(problem.vehicles) if v.key == vehicle_id)


def job_of(problem: RoutingProblem, order_id: OrderId) -> Job:
    """The job of an order in a problem."""
    return next(job for job in problem.jobs if job.key == order_id)


def test_whole_day_plans_every_open_order_on_active_vehicles(
    day: SmallDay,
) -> None:
    """The whole day: every open order; closed orders and the idle Van 4 stay out."""
    problem = problem_for_day(day.view)
    assert job_keys(problem) == set(
        day.orders(
            "ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-5", "ORD-7", "ORD-8", "ORD-9"
        )
    )
    assert {v.key for v in problem.vehicles} == {
        day.van(f"Van {i}") for i in (1, 2, 3, 5)
    }


def test_locked_and_under_way_routes_are_kept_and_stops_pinned(
    day: SmallDay,
) -> None:
    """Van 2 (locked) and Van 3 (a delivered stop) are frozen; ORD-3 keeps its place."""
    problem = problem_for_day(day.view)
    locked = {v.key for v in problem.vehicles if v.locked}
    assert locked == {day.van("Van 2"), day.van("Van 3")}
    van3 = problem.vehicles[vehicle_index(problem, day.van("Van 3"))]
    assert [problem.jobs[j].key for j in van3.current] == day.orders("ORD-7")
    van1 = vehicle_index(problem, day.van("Van 1"))
    assert job_of(problem, day.order("ORD-3")).lock == Lock(van1, 2)
    assert job_of(problem, day.order("ORD-1")).lock is None


def test_route_scope_holds_only_those_routes_and_their_orders(day: SmallDay) -> None:
    """Optimizing Van 1 alone plans its three orders on it and nothing else."""
    problem = problem_for_day(day.view, vehicles=[day.van("Van 1")])
    assert [v.key for v in problem.vehicles] == [day.van("Van 1")]
    assert job_keys(problem) == set(day.orders("ORD-1", "ORD-2", "ORD-3"))


def test_order_scope_frees_the_chosen_orders_and_pins_the_rest(day: SmallDay) -> None:
    """With ORD-8 chosen, Van 1's other stops stay on Van 1; ORD-9 is left out."""
    problem = problem_for_day(day.view, orders=day.orders("ORD-8", "ORD-1"))
    van1 = vehicle_index(problem, day.van("Van 1"))
    assert job_of(problem, day.order("ORD-8")).lock is None
    assert job_of(problem, day.order("ORD-1")).lock is None
    assert job_of(problem, day.order("ORD-2")).lock == Lock(van1, None)
    assert job_of(problem, day.order("ORD-3")).lock == Lock(van1, 2)
    assert day.order("ORD-9") not in job_keys(problem)


def test_objective_and_priorities_reach_the_problem(day: SmallDay) -> None:
    """The chosen objective is the problem's; orders keep their priority."""
    objective = Objective(minimize_vehicles=True, max_moves=2)
    problem = problem_for_day(day.view, objective=objective)
    assert problem.objective == objective
    assert job_of(problem, day.order("ORD-1")).priority is Priority.OPTIONAL
    assert job_of(problem, day.order("ORD-2")).priority is Priority.NORMAL


def test_a_scope_of_only_frozen_routes_is_refused(day: SmallDay) -> None:
    """Optimizing the locked Van 2 alone has nothing to change: a clear error."""
    with pytest.raises(ValidationError, match="nothing to optimize"):
        problem_for_day(day.view, vehicles=[day.van("Van 2")])


def test_an_unknown_vehicle_is_refused(day: SmallDay) -> None:
    """A vehicle id that is not in the day's fleet names itself in the error."""
    with pytest.raises(ValidationError, match="Vehicle 999"):
        day_scope(day.view, vehicles=[999])  # type: ignore[list-item]


def test_sequences_skip_frozen_routes_and_empty_vacated_ones(
    day: SmallDay,
) -> None:
    """Van 1 emptied is listed empty; Van 5 gets its orders; Van 2 and 3 are absent."""
    problem = problem_for_day(day.view)
    van5 = vehicle_index(problem, day.van("Van 5"))
    index = {job.key: j for j, job in enumerate(problem.jobs)}
    moved = [index[oid] for oid in day.orders("ORD-2", "ORD-1", "ORD-8")]
    solution = make_solution(problem, {van5: moved})
    assert sequences_from(problem, solution) == {
        day.van("Van 1"): [],
        day.van("Van 5"): day.orders("ORD-2", "ORD-1", "ORD-8"),
    }


def test_unassigned_reasons_are_keyed_by_order(day: SmallDay) -> None:
    """A reason given for a job index comes back under the order's id."""
    problem = problem_for_day(day.view)
    j = next(j for j, job in enumerate(problem.jobs) if job.key == day.order("ORD-9"))
    why = Unassigned(j, Reason.FLEET_FULL)
    solution = make_solution(problem, {}, unassigned=[why])
    assert unassigned_reasons(problem, solution) == {day.order("ORD-9"): why}


def test_a_solved_day_saves_without_breaking_a_lock(day: SmallDay) -> None:
    """Solve the whole day, save the routes: locks and frozen routes are as before."""
    view = day.view
    problem = problem_for_day(view)
    solution = solve(problem, FAST)
    assert check(problem, solution) == []
    sequences = sequences_from(problem, solution)
    edit = plan_edits.replace_routes(day.factory, b.DAY, view.plan_version, sequences)
    after = day.reload()
    routes = {line.vehicle.name: line.route for line in after.routes}
    before = {line.vehicle.name: line.route for line in view.routes}
    assert routes["Van 2"] == before["Van 2"]
    assert routes["Van 3"] == before["Van 3"]
    van1 = routes["Van 1"].order_ids
    assert van1[2] == day.order("ORD-3")
    planned = [oid for route in routes.values() for oid in route.order_ids]
    assert len(planned) == len(set(planned))
    assert set(day.orders("ORD-8", "ORD-9")) <= set(planned)
    assert edit.changed
