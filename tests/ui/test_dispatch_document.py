"""PlanDocument.request_dispatch: deliberate, not undoable, views kept in step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from dispatcher import dispatching, plan_edits
from dispatcher.dispatch_diff import DispatchSnapshot
from dispatcher.model import OrderStatus, RouteStatus
from tests import builders as b
from tests.dispatch_data import DispatchDay, dispatch_day
from ui.document import PlanDocument

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def day() -> DispatchDay:
    """The fake day of ``tests.dispatch_data``."""
    return dispatch_day()


@pytest.fixture
def document(qtbot: QtBot, day: DispatchDay) -> PlanDocument:
    """A document with the fake day open."""
    doc = PlanDocument(day.factory)
    doc.open(b.DAY)
    return doc


def test_dispatch_updates_the_view_and_clears_the_undo_history(
    qtbot: QtBot, document: PlanDocument, day: DispatchDay
) -> None:
    """Statuses show at once, the snapshot is announced, nothing is left to undo."""
    document.request_move(day.ids("ORD-7"), day.vans["Van 3"], None)
    assert document.undo_stack.count() == 1
    with (
        qtbot.waitSignal(document.sig_plan_changed) as changed,
        qtbot.waitSignal(document.sig_dispatched) as dispatched,
    ):
        result = document.request_dispatch()
    assert result is not None
    assert document.undo_stack.count() == 0
    assert not document.undo_stack.canUndo()
    snapshot = dispatched.args[0]
    assert isinstance(snapshot, DispatchSnapshot)
    assert [r.vehicle_name for r in snapshot.routes] == ["Van 1", "Van 2", "Van 3"]
    assert changed.args[0].vehicles == set(day.vans.values())
    assert document.plan_version == day.plan().version
    line = document.view.line_of(day.orders["ORD-7"])
    assert line is not None
    assert line.order.status is OrderStatus.DISPATCHED
    statuses = {r.vehicle.name: r.route.status for r in document.view.routes}
    assert statuses == dict.fromkeys(
        ("Van 1", "Van 2", "Van 3"), RouteStatus.DISPATCHED
    )
    assert document.last_dispatch() == snapshot


def test_edits_after_dispatch_undo_as_usual(
    qtbot: QtBot, document: PlanDocument, day: DispatchDay
) -> None:
    """A move after the dispatch is undoable and its undo stops at the dispatch."""
    document.request_dispatch([day.vans["Van 1"]])
    document.request_move(day.ids("ORD-8"), day.vans["Van 1"], 0)
    assert day.route("Van 1").order_ids[0] == day.orders["ORD-8"]
    document.undo_stack.undo()
    assert day.route("Van 1").order_ids == tuple(
        day.ids("ORD-1", "ORD-2", "ORD-3", "ORD-4")
    )
    assert day.route("Van 1").status is RouteStatus.DISPATCHED
    assert not document.undo_stack.canUndo()
    assert day.status("ORD-1") is OrderStatus.DISPATCHED


def test_a_stale_dispatch_reports_and_reloads(
    qtbot: QtBot, document: PlanDocument, day: DispatchDay
) -> None:
    """Someone else edited the plan: one sentence, nothing sent, the day read again."""
    plan_edits.move_orders(
        day.factory,
        b.DAY,
        document.plan_version,
        day.ids("ORD-7"),
        day.vans["Van 3"],
        0,
    )
    with (
        qtbot.waitSignal(document.sig_error) as error,
        qtbot.waitSignal(document.sig_reloaded),
    ):
        assert document.request_dispatch() is None
    assert "nothing was dispatched" in error.args[0]
    assert document.last_dispatch() is None
    assert day.plan().dispatched_version is None
    assert document.plan_version == day.plan().version


def test_a_refused_dispatch_keeps_the_undo_history(
    qtbot: QtBot, document: PlanDocument, day: DispatchDay
) -> None:
    """Dispatching an idle van is refused with a reason; the edits stay undoable."""
    document.request_move(day.ids("ORD-7"), day.vans["Van 1"], None)
    with qtbot.waitSignal(document.sig_error) as error:
        assert document.request_dispatch([day.vans["Van 3"]]) is None
    assert error.args[0].startswith("Van 3 has no stops")
    assert document.undo_stack.count() == 1
    assert QGuiApplication.overrideCursor() is None  # the busy cursor is gone


def test_the_busy_cursor_shows_only_while_dispatching(
    qtbot: QtBot,
    document: PlanDocument,
    day: DispatchDay,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The service runs under a wait cursor, restored afterwards."""
    seen = []
    real = dispatching.dispatch

    def spy(*args: object, **kwargs: object) -> object:
        cursor = QGuiApplication.overrideCursor()
        seen.append(cursor.shape() if cursor is not None else None)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dispatching, "dispatch", spy)
    assert document.request_dispatch() is not None
    assert seen == [Qt.CursorShape.WaitCursor]
    assert QGuiApplication.overrideCursor() is None
