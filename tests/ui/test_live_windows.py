"""Live windows on one SQLite file, the feed thread, the banner, presence and roles.

Two main windows with live feeds on the same file play two dispatchers: an
edit in one must show in the other (the poller reads the change table), keep
the other's selection, and not be applied twice in the window that made it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from db.database import open_database
from dispatcher.errors import DatabaseUnavailable
from dispatcher.model import Role
from tests import builders as b
from ui.app import build_main_window
from ui.live import feed_thread
from ui.live.feed_thread import LiveFeed
from ui.live.presence_label import presence_text
from ui.models.route_board_model import LastChangeRole

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator, Sequence

    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

    from db.database import Database
    from dispatcher.model import Change, OrderId, VehicleId
    from ui.main_window import MainWindow


@pytest.fixture
def other_database(database: Database) -> Iterator[Database]:
    """The same SQLite file opened a second time, by anna."""
    opened = open_database(str(database.engine.url), actor="anna")
    yield opened
    opened.dispose()


def live_window(qtbot: QtBot, database: Database, settings: QSettings) -> MainWindow:
    """A main window with its live feed, showing ``b.DAY``."""
    window = build_main_window(database, settings=settings, with_map=False, live=True)
    qtbot.addWidget(window)
    assert window.live is not None
    assert window.show_day(b.DAY)
    return window


def ids(window: MainWindow) -> tuple[list[OrderId], list[VehicleId]]:
    """The day's order ids by reference and the fleet's vehicle ids by name."""
    view = window.document.view
    orders = [line.order.id for line in view.lines]
    vehicles = sorted(view.vehicles, key=lambda vid: view.vehicles[vid].name)
    return orders, vehicles


def test_two_windows_on_one_file_converge(
    qtbot: QtBot, database: Database, other_database: Database, settings: QSettings
) -> None:
    """An edit in one window shows in the other; the editor does not apply it twice."""
    mine = live_window(qtbot, database, settings)
    theirs = live_window(qtbot, other_database, settings)
    orders, vehicles = ids(mine)
    kept = orders[4]
    mine.selection.set([kept])
    assert theirs.live is not None
    with (
        qtbot.waitSignal(mine.document.sig_remote_applied, timeout=5000),
        qtbot.waitSignal(theirs.live.sig_changes_arrived, timeout=5000),
        qtbot.assertNotEmitted(theirs.document.sig_remote_applied),
    ):
        theirs.document.request_move([orders[3]], vehicles[1])
    qtbot.waitUntil(lambda: mine.document.view == theirs.document.view, timeout=5000)
    assert mine.document.vehicles_of([orders[3]])[orders[3]] == vehicles[1]
    assert mine.selection.ids == {kept}
    assert theirs.document.undo_stack.count() == 1
    assert "anna" in mine.statusBar().currentMessage()
    lane = mine.board_model.lane_index(vehicles[1])
    qtbot.waitUntil(
        lambda: getattr(lane.data(LastChangeRole), "actor", None) == "anna",
        timeout=5000,
    )


def test_history_opens_on_the_selected_order_or_the_day(
    qtbot: QtBot, database: Database, settings: QSettings
) -> None:
    """Edit → History… shows one selected order's history, else the day's."""
    window = build_main_window(database, settings=settings, with_map=False)
    qtbot.addWidget(window)
    window.show_day(b.DAY)
    day_history = window.open_history()
    qtbot.addWidget(day_history)
    assert day_history.day_check.isChecked()
    orders, _ = ids(window)
    window.selection.set([orders[0]])
    order_history = window.open_history()
    qtbot.addWidget(order_history)
    assert order_history.id_edit.text() == str(orders[0])


def test_presence_shows_the_other_window_and_its_date(
    qtbot: QtBot,
    database: Database,
    other_database: Database,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each window's status bar names the other dispatcher working on the day."""
    monkeypatch.setattr(feed_thread, "HEARTBEAT_S", 0.3)
    mine = live_window(qtbot, database, settings)
    live_window(qtbot, other_database, settings)
    qtbot.waitUntil(
        lambda: mine.presence_label.text() == "● anna on this day", timeout=5000
    )
    assert mine.presence_label.isVisibleTo(mine)


class FlakyFeed:
    """A change source that fails while ``down`` is set, like a lost server."""

    def __init__(self) -> None:
        self.down = threading.Event()
        self.closed = threading.Event()
        self.pending: list[Change] = []

    def wait(self, timeout: float) -> Sequence[Change]:
        """Fail while down; else hand out what is pending."""
        if self.down.is_set():
            raise DatabaseUnavailable("The connection to the database is lost (test).")
        self.closed.wait(min(timeout, 0.05))
        found, self.pending = self.pending, []
        return found

    def close(self) -> None:
        """End any wait."""
        self.closed.set()


def test_feed_thread_reports_a_lost_and_a_restored_connection(qtbot: QtBot) -> None:
    """The thread says when the database goes away and when it is back."""
    source = FlakyFeed()
    live = LiveFeed(source)
    live.start()
    try:
        with qtbot.waitSignal(live.sig_connection_changed, timeout=5000) as lost:
            source.down.set()
        assert lost.args == [False, "The connection to the database is lost (test)."]
        with qtbot.waitSignal(live.sig_connection_changed, timeout=5000) as back:
            source.down.clear()
        assert back.args == [True, ""]
    finally:
        live.stop()
    assert not live.running


def test_banner_and_refused_edits_follow_the_connection(
    qtbot: QtBot, database: Database, settings: QSettings
) -> None:
    """Lost: banner up and edits refused with a message; back: banner says so."""
    window = build_main_window(database, settings=settings, with_map=False)
    qtbot.addWidget(window)
    window.show_day(b.DAY)
    window._on_live_connection_changed(False, "The server went away.")
    assert window.banner.isVisibleTo(window)
    assert "No connection to the database" in window.banner.text()
    orders, vehicles = ids(window)
    with qtbot.waitSignal(window.document.sig_error) as error:
        window.document.request_move([orders[3]], vehicles[1])
    assert "not saved" in error.args[0]
    window._on_live_connection_changed(True, "")
    assert "Connected again" in window.banner.text()
    qtbot.waitUntil(lambda: not window.banner.isVisibleTo(window), timeout=10000)


@pytest.mark.parametrize(
    ("role", "optimize", "dispatch", "label"),
    [
        (Role.DISPATCHER, True, True, "tester · dispatcher"),
        (Role.MANAGER, False, False, "tester · manager (read only)"),
        (Role.STAFF, False, False, "tester · staff"),
    ],
)
def test_actions_follow_the_signed_in_role(
    qtbot: QtBot,
    database: Database,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
    role: Role,
    optimize: bool,
    dispatch: bool,
    label: str,
) -> None:
    """What the role may not do is disabled; the status bar names user and role."""
    import ui.app

    monkeypatch.setattr(ui.app, "signed_in_role", lambda _database: role)
    window = build_main_window(database, settings=settings, with_map=False)
    qtbot.addWidget(window)
    assert window.optimize_action.isEnabled() is optimize
    assert window.dispatch_action.isEnabled() is dispatch
    assert window.user_label.text() == label


def test_presence_text_groups_by_date() -> None:
    """Who is on this day is named; people on other days are counted."""

    class Entry:
        def __init__(self, login: str, day: dt.date | None) -> None:
            self.login, self.host, self.plan_date = login, "pc", day

    others = [Entry("bob", b.DAY), Entry("anna", b.DAY), Entry("carl", None)]
    assert (
        presence_text(others, b.DAY) == "anna, bob on this day · 1 more on other days"
    )
    assert presence_text(others[2:], b.DAY) == "carl on other days"
    assert presence_text([], b.DAY) == ""
