"""Other windows' changes reach an open document: targeted, once, undo history kept.

Two documents share one fake store: one edits, the other is handed the change
rows the feed would report (``apply_remote``) and must show the same plan,
without touching what did not change, and without re-applying its own edits.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from dispatcher import services
from dispatcher.errors import StalePlan
from dispatcher.model import Change, ChangeAction, Location
from tests import builders as b
from tests.ui.plan_day import fake_day, order_id, vehicle_id
from ui.document import PlanDocument
from ui.live.day_refresh import refresh_day

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def factory() -> Any:
    """The fake day of ``tests.ui.plan_day``."""
    return fake_day()


def open_document(factory: Any) -> PlanDocument:
    """A document with the fake day open."""
    document = PlanDocument(factory)
    document.open(b.DAY)
    return document


def new_changes(factory: Any, after: int) -> list[Change]:
    """Change rows stored after id ``after`` (what a feed would report)."""
    with factory() as uow:
        return uow.changes.since(after)


def last_change_id(factory: Any) -> int:
    """The newest change id in the fake store."""
    with factory() as uow:
        found = uow.changes.since(0, limit=10**6)
    return found[-1].id if found else 0


def test_own_changes_are_not_applied_twice(qtbot: QtBot, factory: Any) -> None:
    """A window handed its own change rows finds nothing new: no signal, stack kept."""
    mine = open_document(factory)
    start = last_change_id(factory)
    mine.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    with qtbot.assertNotEmitted(mine.sig_plan_changed):
        assert not mine.apply_remote(new_changes(factory, start))
    assert mine.undo_stack.count() == 1


def test_a_remote_move_refreshes_only_the_touched_routes(
    qtbot: QtBot, factory: Any
) -> None:
    """Another window's move: the vans it touched are re-read, the stack kept."""
    mine = open_document(factory)
    mine.request_lock([order_id(factory, "ORD-1")], True)
    assert mine.undo_stack.count() == 1
    theirs = open_document(factory)
    start = last_change_id(factory)
    theirs.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    with (
        qtbot.waitSignal(mine.sig_plan_changed) as changed,
        qtbot.waitSignal(mine.sig_remote_applied) as applied,
    ):
        assert mine.apply_remote(new_changes(factory, start))
    plan_changes = changed.args[0]
    assert not plan_changes.reloaded
    assert plan_changes.vehicles == {vehicle_id(factory, "Van 2")}
    assert order_id(factory, "ORD-3") in plan_changes.orders
    assert order_id(factory, "ORD-1") not in plan_changes.orders
    assert applied.args == [(theirs.uow_factory().actor,), False]
    assert mine.view == theirs.view
    assert mine.plan_version == theirs.plan_version
    assert mine.undo_stack.count() == 1


def test_an_undo_of_a_route_nobody_else_touched_keeps_their_change(
    qtbot: QtBot, factory: Any
) -> None:
    """My lock on Van 1 undoes after their move onto Van 2; their move stays."""
    mine = open_document(factory)
    ord1, ord3 = order_id(factory, "ORD-1"), order_id(factory, "ORD-3")
    mine.request_lock([ord1], True)
    theirs = open_document(factory)
    start = last_change_id(factory)
    theirs.request_move([ord3], vehicle_id(factory, "Van 2"))
    mine.apply_remote(new_changes(factory, start))
    with qtbot.assertNotEmitted(mine.sig_error):
        mine.undo_stack.undo()
    fresh = open_document(factory)
    (stop,) = (
        s for line in fresh.view.routes for s in line.route.stops if s.order_id == ord1
    )
    assert not stop.locked
    assert fresh.vehicles_of([ord3])[ord3] == vehicle_id(factory, "Van 2")
    assert mine.view == fresh.view


def test_an_undo_of_a_route_someone_changed_since_is_refused(
    qtbot: QtBot, factory: Any
) -> None:
    """My move onto Van 2, then theirs onto Van 2, shown here: my undo is refused,
    their change stays, the day is reloaded and the stack cleared."""
    mine = open_document(factory)
    van2 = vehicle_id(factory, "Van 2")
    ord3, ord4 = order_id(factory, "ORD-3"), order_id(factory, "ORD-4")
    mine.request_move([ord3], van2)
    theirs = open_document(factory)
    start = last_change_id(factory)
    theirs.request_move([ord4], van2)
    mine.apply_remote(new_changes(factory, start))
    assert mine.undo_stack.count() == 1
    with qtbot.waitSignal(mine.sig_error) as error:
        mine.undo_stack.undo()
    assert "someone else" in error.args[0]
    fresh = open_document(factory)
    assert fresh.vehicles_of([ord3, ord4]) == {ord3: van2, ord4: van2}
    assert mine.undo_stack.count() == 0
    assert mine.view == fresh.view


def test_a_remote_order_edit_refreshes_that_order(qtbot: QtBot, factory: Any) -> None:
    """An order edited elsewhere shows its new notes; other lines stay as they were."""
    mine, theirs = open_document(factory), open_document(factory)
    oid = order_id(factory, "ORD-4")
    untouched = mine.view.line_of(order_id(factory, "ORD-5"))
    start = last_change_id(factory)
    theirs.request_order_edit(oid, "notes", "Ring twice")
    with qtbot.waitSignal(mine.sig_plan_changed) as changed:
        mine.apply_remote(new_changes(factory, start))
    assert changed.args[0].orders == {oid}
    assert mine.view.line_of(oid).order.notes == "Ring twice"
    assert mine.view.line_of(order_id(factory, "ORD-5")) is untouched


def test_a_customer_change_reads_the_whole_day(factory: Any) -> None:
    """Changes every line may depend on (a customer moved) re-read the day."""
    mine = open_document(factory)
    start = last_change_id(factory)
    customer = mine.view.line_of(order_id(factory, "ORD-4")).customer
    services.move_customer(
        factory, customer.id, Location(customer.location.lat + 0.01, 4.9)
    )
    changes = new_changes(factory, start)
    loads: list[object] = []

    def load(day: Any) -> Any:
        loads.append(day)
        return mine.view

    refresh = refresh_day(factory, mine.view, changes, load)
    assert refresh is not None
    assert refresh.changes.reloaded
    assert loads == [b.DAY]


def test_changes_of_other_days_are_ignored(factory: Any) -> None:
    """Rows about another date do not touch the open day."""
    mine = open_document(factory)
    row = Change(
        1,
        dt.datetime.now(dt.UTC),
        "anna",
        "route",
        "9",
        ChangeAction.UPDATE,
        b.DAY + dt.timedelta(days=1),
        after={"vehicle_id": 1},
    )
    assert refresh_day(factory, mine.view, [row], lambda day: mine.view) is None


def test_edits_are_refused_while_the_connection_is_lost(
    qtbot: QtBot, factory: Any
) -> None:
    """No connection: the edit says it was not saved; store and stack untouched."""
    mine = open_document(factory)
    before = new_changes(factory, 0)
    mine.set_connection_lost("server closed the connection")
    with qtbot.waitSignal(mine.sig_error) as error:
        mine.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    assert "was not saved: there is no connection to the database" in error.args[0]
    assert new_changes(factory, 0) == before
    assert mine.undo_stack.count() == 0
    mine.set_connection_lost(None)
    mine.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    assert mine.undo_stack.count() == 1


def test_a_conflict_names_what_the_other_person_changed(
    qtbot: QtBot, factory: Any
) -> None:
    """Losing a race on one route: the message names their change, the day is
    reloaded, no step."""
    mine, theirs = open_document(factory), open_document(factory)
    theirs.request_move([order_id(factory, "ORD-4")], vehicle_id(factory, "Van 2"))
    with (
        qtbot.waitSignal(mine.sig_reloaded, timeout=2000),
        qtbot.waitSignal(mine.sig_error) as error,
    ):
        mine.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    message = error.args[0]
    assert "was changed by someone else, so “Move ORD-3 to Van 2” was not applied" in (
        message
    )
    assert "created the route of Van 2 at " in message
    assert "(ORD-4 added)" in message
    assert mine.undo_stack.count() == 0
    assert mine.view == theirs.view


def test_a_conflict_without_their_rows_still_says_what_happened(
    qtbot: QtBot, factory: Any
) -> None:
    """A conflict that cannot name the other change keeps the plain sentence."""
    mine = open_document(factory)

    def refuse(version: int) -> Any:
        raise StalePlan("stale")

    with qtbot.waitSignal(mine.sig_error) as error:
        assert mine.run_edit(refuse, action="Lock ORD-1") is None
    assert error.args[0].startswith("The plan of ")
    assert "the day has been reloaded, make your change again" in error.args[0]
