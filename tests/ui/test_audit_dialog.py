"""The audit dialog on a real SQLite day: filters, newest first, detail in words."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from db.database import open_database
from db.engine import sqlite_url
from dispatcher import plan_edits, services
from dispatcher.model import TimeWindow
from tests import builders as b
from tests.integration.team import TeamDay, team_day
from ui.views.audit_dialog import AuditDialog

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


@pytest.fixture
def day(tmp_path: Path) -> Iterator[TeamDay]:
    """The team day after anna moved ORD-4 to Van 2 and sam re-timed ORD-5."""
    database = open_database(sqlite_url(tmp_path / "audit.sqlite3"), actor="ada")
    stored = team_day(database)
    plan_edits.move_orders(
        stored.as_user("anna"), b.DAY, 1, [stored.orders[4]], stored.vans[1], None
    )
    sam = stored.as_user("sam")
    with sam() as uow:
        order = uow.orders.get(stored.orders[5])
    services.update_order(
        sam, dataclasses.replace(order, windows=(TimeWindow(600, 660),))
    )
    yield stored
    database.dispose()


def _column(dialog: AuditDialog, column: int) -> list[str]:
    table = dialog.table
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_a_day_lists_its_changes_newest_first(qtbot: QtBot, day: TeamDay) -> None:
    dialog = AuditDialog(day.database.uow_factory, day=b.DAY)
    qtbot.addWidget(dialog)
    assert _column(dialog, 1)[:3] == ["sam", "anna", "anna"]
    assert _column(dialog, 2)[:3] == [
        "order ORD-5",
        "order ORD-4",
        "the route of Van 2",
    ]
    assert dialog.count_label.text() == f"{dialog.table.rowCount()} changes"
    # The newest is selected and told field by field.
    assert "window 09:00–12:00 → 10:00–11:00" in dialog.detail.toPlainText()


def test_opened_on_one_order_it_shows_only_that_order(
    qtbot: QtBot, day: TeamDay
) -> None:
    dialog = AuditDialog(
        day.database.uow_factory, entity="order", entity_id=str(day.orders[4])
    )
    qtbot.addWidget(dialog)
    assert _column(dialog, 2) == ["order ORD-4"] * dialog.table.rowCount()
    assert _column(dialog, 3)[0] == "status new → planned"


def test_filters_by_user_and_text(qtbot: QtBot, day: TeamDay) -> None:
    dialog = AuditDialog(day.database.uow_factory)
    qtbot.addWidget(dialog)
    dialog.user_combo.setCurrentText("anna")
    dialog.refresh()
    assert set(_column(dialog, 1)) == {"anna"}
    dialog.user_combo.setCurrentText("")
    dialog.text_edit.setText("660")  # the new window's end, in minutes
    dialog.refresh()
    assert _column(dialog, 2) == ["order ORD-5"]
    dialog.what_combo.setCurrentIndex(dialog.what_combo.findData("route"))
    assert dialog.table.rowCount() == 0
    assert dialog.detail.toPlainText() == ""


def test_typing_searches_after_a_pause(qtbot: QtBot, day: TeamDay) -> None:
    dialog = AuditDialog(day.database.uow_factory)
    qtbot.addWidget(dialog)
    everything = dialog.table.rowCount()
    qtbot.keyClicks(dialog.user_combo.lineEdit(), "sam")
    assert dialog.table.rowCount() == everything  # not yet
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
