"""Pure planning rules on tiny hand-built plans: moves, locks, restore, replace."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from dispatcher import planning
from dispatcher.errors import LockedStop, ValidationError
from dispatcher.model import (
    OrderId,
    OrderStatus,
    Plan,
    Route,
    RouteId,
    Stop,
    StopId,
    VehicleId,
)
from tests import builders as b

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

Lanes = dict[int, list[int]]
"""Vehicle id -> order ids of its route, in driving order."""

NAMES = planning.Names(
    orders={OrderId(i): f"ORD-{i}" for i in range(1, 10)},
    vehicles={VehicleId(i): f"Van {i}" for i in range(1, 4)},
)


def make_plan(
    lanes: Mapping[int, Sequence[int]],
    *,
    locked_orders: Collection[int] = (),
    locked_vehicles: Collection[int] = (),
) -> Plan:
    """A plan with one route per lane; stop ids are 100 + order id."""
    return Plan(
        b.DAY,
        tuple(
            Route(
                RouteId(vid),
                b.DAY,
                VehicleId(vid),
                tuple(
                    Stop(StopId(100 + oid), OrderId(oid), seq, oid in locked_orders)
                    for seq, oid in enumerate(orders, start=1)
                ),
                locked=vid in locked_vehicles,
            )
            for vid, orders in lanes.items()
        ),
        version=7,
    )


def lanes_of(plan: Plan) -> Lanes:
    """The plan as lanes, to compare with the expected ones."""
    return {r.vehicle_id: list(r.order_ids) for r in plan.routes}


def ids(*values: int) -> list[OrderId]:
    """Typed order ids."""
    return [OrderId(v) for v in values]


TWO_VANS = {1: [1, 2, 3], 2: [4, 5]}


@pytest.mark.parametrize(
    ("moved", "vehicle", "index", "expected"),
    [
        pytest.param([3], 1, 0, {1: [3, 1, 2], 2: [4, 5]}, id="up-within-lane"),
        pytest.param([1], 1, 2, {1: [2, 1, 3], 2: [4, 5]}, id="down-within-lane"),
        pytest.param([1], 1, 3, {1: [2, 3, 1], 2: [4, 5]}, id="to-end-of-lane"),
        pytest.param([2], 1, 1, TWO_VANS, id="dropped-on-own-row"),
        pytest.param([2], 1, 2, TWO_VANS, id="dropped-just-below-itself"),
        pytest.param([2], 2, 1, {1: [1, 3], 2: [4, 2, 5]}, id="between-lanes"),
        pytest.param([2], 2, None, {1: [1, 3], 2: [4, 5, 2]}, id="append"),
        pytest.param([9], 1, 1, {1: [1, 9, 2, 3], 2: [4, 5]}, id="from-unassigned"),
        pytest.param([2], None, None, {1: [1, 3], 2: [4, 5]}, id="to-unassigned"),
        pytest.param([2], None, 0, {1: [1, 3], 2: [4, 5]}, id="unassign-ignores-index"),
        pytest.param(
            [3, 1], 2, None, {1: [2], 2: [4, 5, 1, 3]}, id="several-keep-route-order"
        ),
        pytest.param(
            [5, 1], 2, 0, {1: [2, 3], 2: [1, 5, 4]}, id="several-from-two-lanes"
        ),
        pytest.param(
            [8, 2, 7], 2, 0, {1: [1, 3], 2: [2, 8, 7, 4, 5]}, id="planned-then-given"
        ),
        pytest.param([1, 3], 1, 2, {1: [2, 1, 3], 2: [4, 5]}, id="several-in-lane"),
        pytest.param([2], 2, 99, {1: [1, 3], 2: [4, 5, 2]}, id="index-clamped-high"),
        pytest.param([5], 2, -4, {1: [1, 2, 3], 2: [5, 4]}, id="index-clamped-low"),
        pytest.param([1], 3, 5, {1: [2, 3], 2: [4, 5], 3: [1]}, id="new-route"),
        pytest.param([2, 2], 2, 0, {1: [1, 3], 2: [2, 4, 5]}, id="repeats-ignored"),
        pytest.param([], 2, 0, TWO_VANS, id="nothing-to-move"),
    ],
)
def test_move_orders(
    moved: list[int], vehicle: int | None, index: int | None, expected: Lanes
) -> None:
    """Orders land where the drop row says, in their driving order, 1..n numbered."""
    plan = make_plan(TWO_VANS)
    target = VehicleId(vehicle) if vehicle is not None else None
    after = planning.move_orders(plan, ids(*moved), target, index)
    assert lanes_of(after) == expected
    for route in after.routes:
        assert [s.sequence for s in route.stops] == list(range(1, len(route.stops) + 1))
    assert after.version == plan.version


def test_move_keeps_stop_values_and_untouched_routes() -> None:
    """A moved stop keeps its id; a route the move misses is the same object."""
    plan = make_plan({1: [1, 2], 2: [3], 3: [4]})
    after = planning.move_orders(plan, ids(2), VehicleId(2), 0)
    moved = after.routes[1].stops[0]
    assert (moved.id, moved.order_id, moved.sequence) == (StopId(102), OrderId(2), 1)
    assert after.routes[2] is plan.routes[2]
    assert planning.changed_vehicles(plan, after) == {VehicleId(1), VehicleId(2)}


def test_a_new_stop_has_no_id_yet() -> None:
    """An order put on a route for the first time gets a new stop (no id yet)."""
    after = planning.move_orders(make_plan(TWO_VANS), ids(9), VehicleId(2), None)
    assert after.routes[1].stops[-1].id == 0


@pytest.mark.parametrize(
    ("moved", "vehicle", "locked_orders", "locked_vehicles", "named"),
    [
        pytest.param([2], 2, [2], [], "ORD-2 is locked on Van 1", id="locked-stop"),
        pytest.param([3, 2], None, [2], [], "ORD-2 is locked", id="one-of-several"),
        pytest.param([1], 1, [1], [], "ORD-1 is locked", id="reorder-locked-stop"),
        pytest.param(
            [2], 2, [], [1], "ORD-2 is on Van 1, which is locked", id="source"
        ),
        pytest.param([4], 1, [], [1], "ORD-4 cannot go to Van 1", id="target-route"),
        pytest.param([9], 1, [], [1], "ORD-9 cannot go to Van 1", id="from-unassigned"),
    ],
)
def test_locks_refuse_moves_naming_the_order(
    moved: list[int],
    vehicle: int | None,
    locked_orders: list[int],
    locked_vehicles: list[int],
    named: str,
) -> None:
    """A move that would shift a locked stop or touch a locked route is refused."""
    plan = make_plan(
        TWO_VANS, locked_orders=locked_orders, locked_vehicles=locked_vehicles
    )
    target = VehicleId(vehicle) if vehicle is not None else None
    with pytest.raises(LockedStop, match=named) as caught:
        planning.move_orders(plan, ids(*moved), target, 0, names=NAMES)
    assert isinstance(caught.value, ValidationError)
    assert "unlock" in str(caught.value)


def test_other_stops_move_around_a_locked_stop() -> None:
    """A locked stop stays on its route while unlocked stops are moved past it."""
    plan = make_plan(TWO_VANS, locked_orders=[2])
    after = planning.move_orders(plan, ids(3), VehicleId(1), 0)
    assert lanes_of(after)[1] == [3, 1, 2]
    assert after.routes[0].stops[2].locked


def test_lock_and_unlock_stops() -> None:
    """Locking sets the flag on exactly the named stops; unlocking clears it."""
    plan = make_plan(TWO_VANS)
    locked = planning.set_stops_locked(plan, ids(2, 5), True)
    flags = {s.order_id: s.locked for r in locked.routes for s in r.stops}
    assert flags == {1: False, 2: True, 3: False, 4: False, 5: True}
    unlocked = planning.set_stops_locked(locked, ids(5), False)
    assert [s.order_id for r in unlocked.routes for s in r.stops if s.locked] == [2]
    assert unlocked.routes[0] is locked.routes[0]


def test_locking_an_unplanned_order_is_refused() -> None:
    """Only stops can be locked: an order on no route is named in the error."""
    with pytest.raises(ValidationError, match="ORD-9 is not on a route"):
        planning.set_stops_locked(make_plan(TWO_VANS), ids(1, 9), True, names=NAMES)


def test_lock_and_unlock_a_route() -> None:
    """Route locks flip one route; locking an idle vehicle gives it an empty route."""
    plan = make_plan(TWO_VANS)
    locked = planning.set_route_locked(plan, VehicleId(2), True)
    assert [r.locked for r in locked.routes] == [False, True]
    idle = planning.set_route_locked(plan, VehicleId(3), True)
    assert lanes_of(idle)[3] == []
    assert idle.routes[-1].locked
    assert planning.set_route_locked(plan, VehicleId(3), False) is plan
    assert planning.set_route_locked(plan, VehicleId(1), False) is plan


@pytest.mark.parametrize(
    ("moved", "vehicle", "index"),
    [
        ([2], 2, 1),
        ([1, 3], None, None),
        ([9, 4], 1, 0),
        ([4], 3, None),
    ],
)
def test_restore_undoes_a_move_exactly(
    moved: list[int], vehicle: int | None, index: int | None
) -> None:
    """Restoring the before-states of the changed routes gives the plan back."""
    plan = make_plan(TWO_VANS, locked_orders=[5])
    target = VehicleId(vehicle) if vehicle is not None else None
    after = planning.move_orders(plan, ids(*moved), target, index)
    changed = planning.changed_vehicles(plan, after)
    before = planning.route_states(plan, changed)
    restored = planning.restore_routes(after, before)
    assert {r.vehicle_id: (r.stops, r.locked) for r in restored.routes} == {
        r.vehicle_id: (r.stops, r.locked) for r in plan.routes
    }


def test_restore_ignores_locks_and_removes_absent_routes() -> None:
    """Undo of a route lock puts the unlocked state back; an ABSENT route goes away."""
    plan = make_plan({1: [1, 2]}, locked_vehicles=[1])
    states = {
        VehicleId(1): planning.RouteState(make_plan({1: [2, 1]}).routes[0].stops),
        VehicleId(2): planning.ABSENT,
    }
    with_second = dataclasses.replace(
        plan, routes=(*plan.routes, Route(RouteId(2), b.DAY, VehicleId(2)))
    )
    restored = planning.restore_routes(with_second, states)
    assert lanes_of(restored) == {1: [2, 1]}
    assert not restored.routes[0].locked


def test_route_state_summary_for_the_change_log() -> None:
    """The change-log summary lists orders and locked orders as plain lists."""
    state = planning.route_state(make_plan(TWO_VANS, locked_orders=[3]), VehicleId(1))
    assert state.summary() == {
        "order_ids": [1, 2, 3],
        "locked": False,
        "locked_order_ids": [3],
    }
    assert planning.route_state(make_plan(TWO_VANS), VehicleId(3)) is planning.ABSENT


@pytest.mark.parametrize(
    ("status", "on_route", "expected"),
    [
        (OrderStatus.NEW, True, OrderStatus.PLANNED),
        (OrderStatus.PLANNED, True, OrderStatus.PLANNED),
        (OrderStatus.PLANNED, False, OrderStatus.NEW),
        (OrderStatus.DISPATCHED, False, OrderStatus.NEW),
        (OrderStatus.DISPATCHED, True, OrderStatus.DISPATCHED),
        (OrderStatus.NEW, False, OrderStatus.NEW),
        (OrderStatus.DELIVERED, False, OrderStatus.DELIVERED),
    ],
)
def test_planned_status(
    status: OrderStatus, on_route: bool, expected: OrderStatus
) -> None:
    """Orders follow the plan between new and planned; closed ones never change."""
    assert planning.planned_status(status, on_route) is expected


def test_replace_routes_sets_sequences_and_unplans_the_rest() -> None:
    """New sequences replace the named routes; dropped orders leave the plan."""
    plan = make_plan({1: [1, 2, 3], 2: [4, 5], 3: [6]}, locked_orders=[6])
    after = planning.replace_routes(
        plan, {VehicleId(1): ids(5, 1), VehicleId(2): ids(9, 4)}, names=NAMES
    )
    assert lanes_of(after) == {1: [5, 1], 2: [9, 4], 3: [6]}
    assert after.routes[2] is plan.routes[2]
    assert after.routes[0].stops[0].id == StopId(105)  # the stop moved with its order


@pytest.mark.parametrize(
    ("lanes", "locked_orders", "locked_vehicles", "sequences", "named"),
    [
        pytest.param(
            {1: [1, 2]}, [], [1], {1: [2, 1]}, "Van 1 is locked, so ORD-1", id="route"
        ),
        pytest.param(
            {1: [1], 2: [3]}, [], [1], {2: [3, 1]}, "ORD-1 is on Van 1", id="taken-away"
        ),
        pytest.param(
            {1: [1], 2: [3]}, [], [2], {2: [3, 9]}, "so ORD-9 must", id="added-to"
        ),
        pytest.param(
            {1: [1, 2]}, [1], [], {1: [2]}, "ORD-1 is locked on Van 1", id="dropped"
        ),
        pytest.param(
            {1: [1, 2, 3]}, [1, 3], [], {1: [3, 2, 1]}, "ORD-1 is locked", id="swapped"
        ),
        pytest.param(
            {1: [1], 2: [2]}, [1], [], {2: [1, 2]}, "ORD-1 is locked", id="stolen"
        ),
    ],
)
def test_replace_routes_respects_locks(
    lanes: Lanes,
    locked_orders: list[int],
    locked_vehicles: list[int],
    sequences: Lanes,
    named: str,
) -> None:
    """A result that changes a locked route or moves a locked stop is refused."""
    plan = make_plan(
        lanes, locked_orders=locked_orders, locked_vehicles=locked_vehicles
    )
    wanted = {VehicleId(v): ids(*seq) for v, seq in sequences.items()}
    with pytest.raises(LockedStop, match=named):
        planning.replace_routes(plan, wanted, names=NAMES)


def test_replace_routes_may_move_unlocked_stops_around_locked_ones() -> None:
    """Locked stops keep their route and relative order; others go anywhere."""
    plan = make_plan({1: [1, 2, 3], 2: [4]}, locked_orders=[1, 3])
    after = planning.replace_routes(
        plan, {VehicleId(1): ids(4, 1, 3), VehicleId(2): ids(2)}
    )
    assert lanes_of(after) == {1: [4, 1, 3], 2: [2]}


def test_replace_routes_refuses_an_order_twice() -> None:
    """An order on two routes of a result is a broken result, named in the error."""
    with pytest.raises(ValidationError, match="ORD-1 is on two routes"):
        planning.replace_routes(
            make_plan({1: [1]}),
            {VehicleId(1): ids(1), VehicleId(2): ids(1)},
            names=NAMES,
        )
