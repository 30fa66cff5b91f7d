"""PlanDocument: requests become undoable service calls; failures leave no trace."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from db.database import open_database
from dispatcher import plan_edits
from dispatcher.changes import PlanChanges
from dispatcher.day_view import DayView, load_day
from dispatcher.model import OrderStatus
from tests import builders as b
from tests.fakes import fake_uow_factory
from tests.ui.plan_day import (
    broken_commits,
    fake_day,
    lanes,
    order_id,
    statuses,
    vehicle_id,
)
from ui.document import PlanDocument

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from db.database import Database


@pytest.fixture
def factory() -> Any:
    """The fake day of ``tests.ui.plan_day``."""
    return fake_day()


@pytest.fixture
def document(qtbot: QtBot, factory: Any) -> PlanDocument:
    """A document with the fake day open."""
    doc = PlanDocument(factory)
    doc.open(b.DAY)
    return doc


def test_open_loads_the_day_and_clears_the_stack(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Opening emits sig_reloaded with the day and starts a clean undo history."""
    document.request_move([order_id(factory, "ORD-3")], None, None)  # no-op
    document.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    assert document.undo_stack.count() == 1
    with qtbot.waitSignal(document.sig_reloaded) as blocker:
        document.open(b.DAY)
    view = blocker.args[0]
    assert isinstance(view, DayView)
    assert view is document.view
    assert document.undo_stack.count() == 0


def test_move_calls_the_service_and_updates_the_view(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """A move is stored, the view shows it, and the change names the van and order."""
    ord3, van2 = order_id(factory, "ORD-3"), vehicle_id(factory, "Van 2")
    with qtbot.waitSignal(document.sig_plan_changed) as blocker:
        document.request_move([ord3], van2, 0)
    changes = blocker.args[0]
    assert isinstance(changes, PlanChanges)
    assert changes.vehicles == {van2}
    assert ord3 in changes.orders
    assert lanes(factory)["Van 2"] == ["ORD-3"]
    line = document.view.line_of(ord3)
    assert line is not None
    assert (line.vehicle_name, line.sequence) == ("Van 2", 1)
    assert line.order.status is OrderStatus.PLANNED
    assert document.plan_version == factory.store.plans[b.DAY].version
    assert document.undo_stack.undoText() == "Move ORD-3 to Van 2"


def test_undo_and_redo_round_trip(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Undo puts the stored day back, redo makes the move again; clean at the start."""
    before_lanes, before_statuses = lanes(factory), statuses(factory)
    document.undo_stack.setClean()
    ids = [order_id(factory, r) for r in ("ORD-4", "ORD-1", "ORD-5")]
    document.request_move(ids, vehicle_id(factory, "Van 3"), None)
    after_lanes = lanes(factory)
    assert after_lanes["Van 3"] == ["ORD-1", "ORD-4", "ORD-5"]
    assert not document.undo_stack.isClean()

    with qtbot.waitSignal(document.sig_plan_changed):
        document.undo_stack.undo()
    assert lanes(factory) == before_lanes
    assert statuses(factory) == before_statuses
    assert document.undo_stack.isClean()
    fresh = load_day(factory, b.DAY)
    assert document.view.lines == fresh.lines
    assert document.view.routes == fresh.routes

    with qtbot.waitSignal(document.sig_plan_changed):
        document.undo_stack.redo()
    assert lanes(factory) == after_lanes
    assert document.view.lines == load_day(factory, b.DAY).lines
    assert document.undo_stack.count() == 1


def _no_plan_change(document: PlanDocument, qtbot: QtBot) -> Any:
    return qtbot.assertNotEmitted(document.sig_plan_changed)


def test_a_refused_edit_leaves_the_stack_and_the_database(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Moving a locked stop: one sentence naming it, nothing stored, nothing pushed."""
    document.request_lock([order_id(factory, "ORD-1")], True)
    count, stored, view = document.undo_stack.count(), lanes(factory), document.view
    with (
        qtbot.waitSignal(document.sig_error) as blocker,
        _no_plan_change(document, qtbot),
    ):
        document.request_move(
            [order_id(factory, "ORD-2")], vehicle_id(factory, "Van 2"), 0
        )
    assert "ORD-2 is locked on Van 1" in blocker.args[0]
    assert document.undo_stack.count() == count
    assert document.undo_stack.undoText() == "Lock ORD-1"
    assert lanes(factory) == stored
    assert document.view is view


def test_a_storage_error_leaves_nothing_behind(qtbot: QtBot, factory: Any) -> None:
    """A commit that fails (read-only disk) reports it; stack and store unchanged."""
    document = PlanDocument(broken_commits(factory))
    document.open(b.DAY)
    stored, commits = lanes(factory), factory.store.commits
    with qtbot.waitSignal(document.sig_error) as blocker:
        document.request_move(
            [order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2")
        )
    assert "read-only" in blocker.args[0]
    assert document.undo_stack.count() == 0
    assert (lanes(factory), factory.store.commits) == (stored, commits)


def test_stale_plan_reloads_and_clears_the_stack(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Someone else changed the same route: error, reload to theirs, no history."""
    document.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    # Another dispatcher moves ORD-4 onto Van 2 meanwhile.
    plan_edits.move_orders(
        factory,
        b.DAY,
        factory.store.plans[b.DAY].version,
        [order_id(factory, "ORD-4")],
        vehicle_id(factory, "Van 2"),
        None,
    )
    stored = lanes(factory)
    with (
        qtbot.waitSignal(document.sig_reloaded, timeout=2000) as reloaded,
        qtbot.waitSignal(document.sig_error) as error,
    ):
        document.request_move(
            [order_id(factory, "ORD-5")], vehicle_id(factory, "Van 2")
        )
    assert "changed by someone else" in error.args[0]
    assert "Move ORD-5 to Van 2" in error.args[0]
    assert lanes(factory) == stored
    assert document.undo_stack.count() == 0
    assert reloaded.args[0].plan_version == factory.store.plans[b.DAY].version
    line = document.view.line_of(order_id(factory, "ORD-4"))
    assert line is not None
    assert line.vehicle_name == "Van 2"


def test_undo_against_a_changed_plan_is_refused(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """An undo of a route someone else changed since: error, reload, no history."""
    document.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    plan_edits.set_route_locked(
        factory,
        b.DAY,
        factory.store.plans[b.DAY].version,
        vehicle_id(factory, "Van 2"),
        True,
    )
    stored = lanes(factory)
    with (
        qtbot.waitSignal(document.sig_reloaded, timeout=2000),
        qtbot.waitSignal(document.sig_error),
    ):
        document.undo_stack.undo()
    assert lanes(factory) == stored
    assert document.undo_stack.count() == 0
    assert document.plan_version == factory.store.plans[b.DAY].version


def _anna_moves(factory: Any, reference: str, van: str) -> None:
    """Another dispatcher, Anna, moves an order at the stored version."""
    plan_edits.move_orders(
        fake_uow_factory(factory.store, actor="anna"),
        b.DAY,
        factory.store.plans[b.DAY].version,
        [order_id(factory, reference)],
        vehicle_id(factory, van),
        None,
    )


def test_an_edit_merged_over_another_route_shows_both(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Anna changed Van 3 since: moving ORD-5 onto Van 2 is saved and shows hers."""
    ord4, ord5 = order_id(factory, "ORD-4"), order_id(factory, "ORD-5")
    van2, van3 = vehicle_id(factory, "Van 2"), vehicle_id(factory, "Van 3")
    document.request_move([order_id(factory, "ORD-3")], van2)
    _anna_moves(factory, "ORD-4", "Van 3")
    with (
        qtbot.assertNotEmitted(document.sig_error),
        qtbot.assertNotEmitted(document.sig_reloaded),
        qtbot.waitSignal(document.sig_plan_changed) as changed,
        qtbot.waitSignal(document.sig_remote_applied) as remote,
    ):
        document.request_move([ord5], van2)
    assert lanes(factory) == {
        "Van 1": ["ORD-1", "ORD-2"],
        "Van 2": ["ORD-3", "ORD-5"],
        "Van 3": ["ORD-4"],
    }
    assert changed.args[0].vehicles == {van2, van3}
    assert {ord4, ord5} <= changed.args[0].orders
    assert remote.args == [("anna",), True]
    fresh = load_day(factory, b.DAY)
    assert document.plan_version == fresh.plan_version
    assert document.view.routes == fresh.routes
    assert document.view.lines == fresh.lines  # ORD-4 shown planned on Van 3
    assert document.undo_stack.count() == 2

    # Undo takes back only this window's edits; Anna's route stays.
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert lanes(factory) == {"Van 1": ["ORD-1", "ORD-2"], "Van 3": ["ORD-4"]}
    assert document.view.lines == load_day(factory, b.DAY).lines


def test_the_feed_after_a_merged_edit_applies_nothing_twice(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Anna's rows arriving after the merged edit find nothing new to show."""
    document.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    _anna_moves(factory, "ORD-4", "Van 3")
    document.request_move([order_id(factory, "ORD-5")], vehicle_id(factory, "Van 2"))
    with factory() as uow:
        rows = uow.changes.since(0)
    assert {c.user for c in rows} == {"anna", "tester"}
    view = document.view
    with qtbot.assertNotEmitted(document.sig_plan_changed):
        assert not document.apply_remote(rows)
    assert document.view is view
    assert document.undo_stack.count() == 2


def test_a_move_to_the_same_place_pushes_nothing(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Dropping a stop where it is: no command, no error, no write."""
    commits = factory.store.commits
    with (
        qtbot.assertNotEmitted(document.sig_error),
        _no_plan_change(document, qtbot),
    ):
        document.request_move(
            [order_id(factory, "ORD-1")], vehicle_id(factory, "Van 1"), 0
        )
    assert document.undo_stack.count() == 0
    assert factory.store.commits == commits


def test_locks_are_undoable(qtbot: QtBot, document: PlanDocument, factory: Any) -> None:
    """Stop and route locks go through the stack with their user texts."""
    van1 = vehicle_id(factory, "Van 1")
    document.request_route_lock(van1, True)
    assert factory.store.plans[b.DAY].routes[0].locked
    assert document.view.routes[0].route.locked
    document.request_lock([order_id(factory, "ORD-2")], False)
    assert document.undo_stack.undoText() == "Unlock ORD-2"
    document.undo_stack.undo()
    assert factory.store.plans[b.DAY].routes[0].stops[1].locked
    document.undo_stack.undo()
    assert not factory.store.plans[b.DAY].routes[0].locked
    assert document.undo_stack.text(0) == "Lock route Van 1"


def test_a_vehicle_added_after_loading_gets_the_day_read_again(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """A move to a van the view does not know yet: stored, undoable, full refresh."""
    with factory() as uow:
        van = uow.fleet.add_vehicle(b.vehicle(name="Van 9", depot_id=1))
        uow.commit()
    with qtbot.waitSignal(document.sig_plan_changed) as blocker:
        document.request_move([order_id(factory, "ORD-3")], van.id)
    assert blocker.args[0].reloaded
    assert lanes(factory)["Van 9"] == ["ORD-3"]
    assert van.id in document.view.vehicles
    assert document.undo_stack.undoText() == f"Move ORD-3 to vehicle {van.id}"
    document.undo_stack.undo()
    assert "Van 9" not in lanes(factory)


def test_saved_orders_are_shown_with_their_route_retimed(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """An order edited outside the plan: its route re-timed, not an undo step."""
    ord1 = order_id(factory, "ORD-1")
    with factory() as uow:
        order = uow.orders.get(ord1)
        saved = uow.orders.update(dataclasses.replace(order, service_minutes=90))
        uow.commit()
    with qtbot.waitSignal(document.sig_plan_changed) as blocker:
        document.show_saved_orders([saved])
    assert blocker.args[0].vehicles == {vehicle_id(factory, "Van 1")}
    assert blocker.args[0].orders == {ord1, order_id(factory, "ORD-2")}
    assert document.view.routes == load_day(factory, b.DAY).routes
    assert document.undo_stack.count() == 0


def _db_state(database: Database) -> tuple[object, ...]:
    """Routes (vehicle, stops, locks) and order statuses of the demo day."""
    with database.uow_factory() as uow:
        plan = uow.plans.get(b.DAY)
        orders = uow.orders.for_date(b.DAY)
    routes = tuple(
        (
            r.vehicle_id,
            r.locked,
            tuple((s.id, s.order_id, s.sequence, s.locked) for s in r.stops),
        )
        for r in plan.routes
    )
    return routes, tuple((o.id, o.status, o.notes) for o in orders)


def test_undo_redo_on_the_demo_database(qtbot: QtBot, demo_url: str) -> None:
    """On a real SQLite demo: a drag between lanes, undone and redone, exactly."""
    database = open_database(demo_url, actor="tester")
    try:
        document = PlanDocument(database.uow_factory)
        document.open(b.DAY)
        first, second = document.view.routes[:2]
        moved = [s.order_id for s in first.route.stops[:2] if not s.locked]
        assert moved
        before = _db_state(database)
        with qtbot.waitSignal(document.sig_plan_changed) as blocker:
            document.request_move(moved, second.vehicle.id, 1)
        assert blocker.args[0].vehicles == {first.vehicle.id, second.vehicle.id}
        edited = _db_state(database)
        assert edited != before
        fresh = load_day(database.uow_factory, b.DAY)
        assert document.view.lines == fresh.lines
        assert document.view.totals == fresh.totals

        document.undo_stack.undo()
        assert _db_state(database) == before
        assert document.view.lines == load_day(database.uow_factory, b.DAY).lines
        document.undo_stack.redo()
        assert _db_state(database) == edited
        assert document.view.totals == fresh.totals
    finally:
        database.dispose()
