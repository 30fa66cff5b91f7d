"""plan_diff: the numbers, moved stops and leftovers of a proposed plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dispatcher.errors import LockedStop
from dispatcher.optimize.solution import Reason, Unassigned
from dispatcher.plan_diff import MoveKind, plan_diff
from tests.unit.small_day import SmallDay, small_day

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.model import OrderId, VehicleId


@pytest.fixture
def day() -> SmallDay:
    """The small day of ``tests.unit.small_day``."""
    return small_day()


def retimed_km(
    day: SmallDay, sequences: Mapping[VehicleId, Sequence[OrderId]]
) -> float:
    """Kilometres of the day with ``sequences``, each route timed on its own."""
    view = day.view
    assert view.context is not None
    current = {line.vehicle.id: line.route.order_ids for line in view.routes}
    return sum(
        view.context.time_route(vehicle, sequences.get(vid, current.get(vid, ()))).km
        for vid, vehicle in view.vehicles.items()
        if sequences.get(vid, current.get(vid))
    )


def test_the_current_sequences_change_nothing(day: SmallDay) -> None:
    """Proposing the routes as they are: no move, same numbers, nothing changed."""
    current = {line.vehicle.id: line.route.order_ids for line in day.view.routes}
    diff = plan_diff(day.view, current)
    assert diff.moves == ()
    assert diff.before == diff.after
    assert not diff.changed


def test_a_new_order_on_a_route_is_planned_and_retimed(day: SmallDay) -> None:
    """ORD-8 added to Van 1: one planned move, one fewer unassigned, km re-timed."""
    van1 = day.van("Van 1")
    sequences = {van1: day.orders("ORD-1", "ORD-2", "ORD-3", "ORD-8")}
    diff = plan_diff(day.view, sequences)
    assert [(m.reference, m.kind) for m in diff.moves] == [("ORD-8", MoveKind.PLANNED)]
    move = diff.moves[0]
    assert (move.to_vehicle, move.to_position) == (van1, 4)
    assert diff.after.unassigned == diff.before.unassigned - 1
    assert diff.after.planned == diff.before.planned + 1
    assert diff.after.km == pytest.approx(retimed_km(day, sequences))
    assert diff.after.km > diff.before.km
    assert diff.vehicles == {van1}


def test_a_new_route_counts_as_a_vehicle_used(day: SmallDay) -> None:
    """ORD-8 and ORD-9 on the idle Van 5: one more vehicle, costs include it."""
    van5 = day.van("Van 5")
    sequences = {van5: day.orders("ORD-9", "ORD-8")}
    diff = plan_diff(day.view, sequences)
    assert diff.after.vehicles_used == diff.before.vehicles_used + 1
    assert diff.after.km == pytest.approx(retimed_km(day, sequences))
    assert diff.after.cost > diff.before.cost
    assert {(m.reference, m.to_position) for m in diff.moves} == {
        ("ORD-9", 1),
        ("ORD-8", 2),
    }


def test_reordering_a_route_moves_its_stops_in_place(day: SmallDay) -> None:
    """Swapping ORD-1 and ORD-2 re-sequences both; the locked ORD-3 stays put."""
    van1 = day.van("Van 1")
    diff = plan_diff(day.view, {van1: day.orders("ORD-2", "ORD-1", "ORD-3")})
    assert {(m.reference, m.kind) for m in diff.moves} == {
        ("ORD-1", MoveKind.RESEQUENCED),
        ("ORD-2", MoveKind.RESEQUENCED),
    }
    assert diff.moved == 2


def test_changing_vehicle_and_leaving_out_are_told_apart(day: SmallDay) -> None:
    """ORD-1 to Van 5, ORD-2 left out: one other-vehicle move, one unplanned."""
    van1, van5 = day.van("Van 1"), day.van("Van 5")
    diff = plan_diff(
        day.view,
        {van1: day.orders("ORD-3"), van5: day.orders("ORD-1")},
    )
    kinds = {m.reference: m.kind for m in diff.moves}
    assert kinds["ORD-1"] is MoveKind.OTHER_VEHICLE
    assert kinds["ORD-2"] is MoveKind.UNPLANNED
    assert diff.after.unassigned == diff.before.unassigned + 1


def test_moving_a_locked_stop_is_refused(day: SmallDay) -> None:
    """A proposal taking the locked ORD-3 to Van 5 raises LockedStop naming it."""
    with pytest.raises(LockedStop):
        plan_diff(day.view, {day.van("Van 5"): day.orders("ORD-3")})


def test_leftovers_carry_the_optimizer_reason_and_fix(day: SmallDay) -> None:
    """ORD-9 left out is listed with its reason; a planned ORD-8 is not listed."""
    van1 = day.van("Van 1")
    reasons = {
        day.order("ORD-9"): Unassigned(0, Reason.SKILL_MISSING, "needs: cold_chain"),
        day.order("ORD-8"): Unassigned(1, Reason.FLEET_FULL),
    }
    diff = plan_diff(
        day.view,
        {van1: day.orders("ORD-1", "ORD-2", "ORD-3", "ORD-8")},
        reasons=reasons,
    )
    assert [(u.reference, u.customer, u.fix) for u in diff.unassigned] == [
        ("ORD-9", "Customer 9", "needs: cold_chain")
    ]
    assert "skills" in diff.unassigned[0].reason


def test_leaving_out_a_normal_order_serves_fewer(day: SmallDay) -> None:
    """Dropping ORD-2 (normal) serves fewer; dropping ORD-1 (optional) does not."""
    van1 = day.van("Van 1")
    no_ord2 = plan_diff(day.view, {van1: day.orders("ORD-1", "ORD-3")})
    assert no_ord2.after.unassigned_important == (
        no_ord2.before.unassigned_important + 1
    )
    assert no_ord2.serves_fewer
    no_ord1 = plan_diff(day.view, {van1: day.orders("ORD-2", "ORD-3")})
    assert no_ord1.after.unassigned == no_ord1.before.unassigned + 1
    assert not no_ord1.serves_fewer
    gains = plan_diff(day.view, {van1: day.orders("ORD-1", "ORD-2", "ORD-3", "ORD-8")})
    assert not gains.serves_fewer
