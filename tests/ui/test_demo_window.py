"""The main window on a real demo database, as ``dispatcher --demo`` opens it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from db.database import sqlite_path
from tests import builders as b
from ui import app as ui_app
from ui.models.roles import IdRole

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from db.database import Database
    from ui.main_window import MainWindow


def stored_ids(database: Database, day: dt.date) -> list[int]:
    """The ids of the orders stored for ``day``, sorted."""
    with database.uow_factory() as uow:
        return sorted(o.id for o in uow.orders.for_date(day))


def shown_ids(window: MainWindow) -> list[int]:
    """The ids of the orders in the window's table, sorted."""
    proxy = window.proxy
    return sorted(proxy.index(row, 0).data(IdRole) for row in range(proxy.rowCount()))


def test_demo_file_is_complete(demo_database: Database) -> None:
    """The demo is built under a temporary name and only then renamed."""
    path = sqlite_path(demo_database.engine.url)
    assert path is not None
    assert path.name == "demo-2026-11-24.sqlite3"
    assert [p.name for p in Path(path).parent.glob("*.partial*")] == []


def test_window_lists_the_days_demo_orders(
    qtbot, demo_database: Database, settings: QSettings
) -> None:
    """The window opens offscreen and shows exactly the day's orders from the DB."""
    window = ui_app.build_main_window(demo_database, settings=settings)
    qtbot.addWidget(window)
    assert window.show_day(b.DAY)
    window.show()
    qtbot.waitExposed(window)
    expected = stored_ids(demo_database, b.DAY)
    assert len(expected) > 20
    assert window.proxy.rowCount() == len(expected)
    assert shown_ids(window) == expected
    assert window.totals.value_text("orders") == str(len(expected))
    assert window.windowTitle() == (
        "Dispatcher — demo-2026-11-24.sqlite3 — Tue 24 Nov 2026"
    )


def test_changing_the_date_reloads_from_the_database(
    qtbot, demo_database: Database, settings: QSettings
) -> None:
    """Next day shows tomorrow's open orders, read from the database."""
    window = ui_app.build_main_window(demo_database, settings=settings)
    qtbot.addWidget(window)
    window.show_day(b.DAY)
    tomorrow = b.DAY + dt.timedelta(days=1)
    with qtbot.waitSignal(window.sig_day_loaded) as blocker:
        window.toolbar.next_action.trigger()
    assert blocker.args[0].date == tomorrow
    expected = stored_ids(demo_database, tomorrow)
    assert expected
    assert expected != stored_ids(demo_database, b.DAY)
    assert shown_ids(window) == expected
