"""The composition root over a real SQLite file: window, names, start-up errors."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QApplication

from db.engine import sqlite_url
from tests import builders as b
from ui import app as ui_app
from ui.models.order_table_model import Column

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QSettings

    from db.database import Database


def test_window_shows_the_orders_stored_for_the_day(
    qtbot, database: Database, settings: QSettings
) -> None:
    """The window lists exactly the day's stored orders, with their vehicle."""
    window = ui_app.build_main_window(database, settings=settings)
    qtbot.addWidget(window)
    assert window.show_day(b.DAY)
    window.show()
    qtbot.waitExposed(window)
    with database.uow_factory() as uow:
        stored = {o.reference for o in uow.orders.for_date(b.DAY)}
    shown = {
        window.proxy.index(row, Column.REFERENCE).data()
        for row in range(window.proxy.rowCount())
    }
    assert shown == stored
    assert len(shown) == 5
    vehicles = [
        window.proxy.index(row, Column.VEHICLE).data()
        for row in range(window.proxy.rowCount())
    ]
    assert vehicles.count("Van 1") == 2
    assert window.totals.value_text("unassigned") == "3"
    assert window.windowTitle().startswith("Dispatcher — depot-east.sqlite3 — ")


def test_next_day_reads_the_database_again(
    qtbot, database: Database, settings: QSettings
) -> None:
    """Changing the date loads that date's stored orders."""
    window = ui_app.build_main_window(database, settings=settings)
    qtbot.addWidget(window)
    window.show_day(b.DAY)
    with qtbot.waitSignal(window.sig_day_loaded):
        window.toolbar.next_action.trigger()
    assert window.proxy.rowCount() == 1


def test_display_name_is_the_file_name(database: Database) -> None:
    """A SQLite database is named by its file in the title."""
    assert ui_app.database_display_name(database) == "depot-east.sqlite3"


def test_application_is_named_for_settings(qapp) -> None:
    """QSettings files are stored under the organisation 'Dispatcher'."""
    app = ui_app.create_application()
    assert app is qapp
    assert QApplication.organizationName() == "Dispatcher"
    assert QApplication.applicationName() == "Dispatcher"
    assert "QTableView#orderTable" in app.styleSheet()
    assert not app.windowIcon().isNull()


def test_unusable_database_exits_2_with_one_sentence(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A file that is not a database: message on stderr and in a box, exit code 2."""
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("shopping list", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(ui_app, "can_show_dialogs", lambda: True)
    monkeypatch.setattr(
        ui_app.QMessageBox, "critical", lambda _parent, _title, text: shown.append(text)
    )
    code = ui_app.run_app(sqlite_url(bogus), day=b.DAY, actor="tester")
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("dispatcher: ")
    assert "is not a SQLite database" in err
    assert len(shown) == 1
    assert shown[0] in err


def test_unexpected_errors_are_logged_and_shown(
    qapp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception escaping a slot is logged and reported in a message box."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored afterwards
    shown: list[str] = []
    monkeypatch.setattr(ui_app, "can_show_dialogs", lambda: True)
    monkeypatch.setattr(
        ui_app.QMessageBox, "critical", lambda _parent, _title, text: shown.append(text)
    )
    ui_app.install_excepthook()
    error = RuntimeError("boom")
    sys.excepthook(RuntimeError, error, None)
    assert "Unexpected error" in caplog.text
    assert len(shown) == 1
    assert "boom" in shown[0]


def test_no_modal_dialogs_without_a_screen(qapp) -> None:
    """Offscreen (CI, snapshots) nobody could close a dialog, so none is shown."""
    if QApplication.platformName() != "offscreen":
        pytest.skip("runs on a real display")
    assert not ui_app.can_show_dialogs()
