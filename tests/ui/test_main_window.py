"""The main window over hand-made days: loading, navigation, search, errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from dispatcher.errors import DatabaseUnavailable
from tests import builders as b
from tests.fakes import fake_uow_factory
from tests.ui.conftest import make_day, make_lines
from ui.document import PlanDocument
from ui.main_window import MainWindow
from ui.models.order_filters import filter_by_key
from ui.models.order_table_model import Column

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from dispatcher.day_view import DayView

NEXT_DAY = b.DAY + dt.timedelta(days=1)


class FakeDays:
    """A ``load_day`` over a dict of days; records calls, can be told to fail."""

    def __init__(self, days: dict[dt.date, DayView]) -> None:
        self.days = days
        self.calls: list[dt.date] = []
        self.error: Exception | None = None

    def __call__(self, day: dt.date) -> DayView:
        self.calls.append(day)
        if self.error is not None:
            raise self.error
        return self.days.get(day, make_day(day, ()))


def make_window(days: FakeDays, **kwargs: Any) -> MainWindow:
    """A main window (without the map) whose document reads ``days``."""
    return MainWindow(PlanDocument(fake_uow_factory(), load=days), **kwargs)


@pytest.fixture
def days() -> FakeDays:
    """Four orders on ``b.DAY``, the first two again on the next day, else nothing."""
    return FakeDays(
        {b.DAY: make_day(b.DAY), NEXT_DAY: make_day(NEXT_DAY, make_lines()[:2])}
    )


@pytest.fixture
def window(qtbot, days: FakeDays, settings: QSettings) -> MainWindow:
    """The main window showing ``b.DAY``."""
    main = make_window(days, source_name="test.sqlite3", settings=settings)
    qtbot.addWidget(main)
    main.resize(1280, 720)  # the offscreen screen is only 800 px wide
    main.show_day(b.DAY)
    main.show()
    qtbot.waitExposed(main)
    return main


def shown_references(window: MainWindow) -> list[str]:
    """The references in the table, top to bottom."""
    proxy = window.proxy
    return [proxy.index(r, Column.REFERENCE).data() for r in range(proxy.rowCount())]


def test_window_shows_the_day(window: MainWindow, days: FakeDays) -> None:
    """The table lists the day's orders, sorted by reference, with totals and title."""
    assert days.calls == [b.DAY]
    assert shown_references(window) == [
        "ORD-0001",
        "ORD-0002",
        "ORD-0010",
        "ORD-0100 (pickup)",
    ]
    assert window.windowTitle() == "Dispatcher — test.sqlite3 — Tue 24 Nov 2026"
    assert window.toolbar.date() == b.DAY
    assert window.totals.value_text("orders") == "4"
    assert window.totals.value_text("planned") == "3"
    assert window.totals.value_text("km") == "123.5"
    assert window.totals.value_text("cost") == "678.90"
    assert window.totals.value_text("late") == "1"
    assert window.plan_label.text() == "Plan version 3"
    assert window.placeholder.isHidden()


def test_next_day_button_loads_the_next_day(
    qtbot, window: MainWindow, days: FakeDays
) -> None:
    """Stepping a day reloads the table and the title from the loader."""
    with qtbot.waitSignal(window.sig_day_loaded) as blocker:
        window.toolbar.next_action.trigger()
    assert blocker.args[0].date == NEXT_DAY
    assert days.calls[-1] == NEXT_DAY
    assert shown_references(window) == ["ORD-0002", "ORD-0010"]
    assert window.windowTitle().endswith("Wed 25 Nov 2026")
    assert window.day() == NEXT_DAY


def test_picking_a_date_in_the_date_edit_loads_it(
    qtbot, window: MainWindow, days: FakeDays
) -> None:
    """Typing or picking a date in the date edit loads that date."""
    other = b.DAY - dt.timedelta(days=3)
    with qtbot.waitSignal(window.sig_day_loaded):
        window.toolbar.date_edit.setDate(window.toolbar.date_edit.date().addDays(-3))
    assert days.calls[-1] == other
    assert window.proxy.rowCount() == 0
    assert not window.placeholder.isHidden()
    assert window.placeholder.text() == "No orders on Sat 21 Nov 2026."


def test_previous_and_today_actions(qtbot, window: MainWindow, days: FakeDays) -> None:
    """Previous goes back one day; Today jumps to the real date."""
    with qtbot.waitSignal(window.sig_day_loaded):
        window.toolbar.previous_action.trigger()
    assert days.calls[-1] == b.DAY - dt.timedelta(days=1)
    with qtbot.waitSignal(window.sig_day_loaded):
        window.toolbar.today_action.trigger()
    assert days.calls[-1] == dt.date.today()


def test_refresh_reloads_the_same_day(
    qtbot, window: MainWindow, days: FakeDays
) -> None:
    """Refresh asks the loader again for the shown date and shows the new answer."""
    days.days[b.DAY] = make_day(b.DAY, make_lines()[:1])
    with qtbot.waitSignal(window.sig_day_loaded):
        window.toolbar.refresh_action.trigger()
    assert days.calls == [b.DAY, b.DAY]
    assert shown_references(window) == ["ORD-0002"]


def test_search_box_filters_rows(qtbot, window: MainWindow) -> None:
    """Typing in the search box narrows the table to matching orders."""
    qtbot.keyClicks(window.toolbar.search_edit, "pharmacie")
    assert shown_references(window) == ["ORD-0010"]
    window.toolbar.search_edit.setText("no such customer")
    assert window.placeholder.text() == "No orders match the search and filter."
    assert not window.placeholder.isHidden()
    window.toolbar.search_edit.clear()
    assert window.proxy.rowCount() == 4


def test_find_action_focuses_search(qtbot, window: MainWindow) -> None:
    """Ctrl+F puts the cursor in the search box."""
    window.find_action.trigger()
    # Offscreen windows are never active, so ask for the window's focus widget.
    qtbot.waitUntil(lambda: window.focusWidget() is window.toolbar.search_edit)


def test_status_filter_combo_filters_rows(window: MainWindow) -> None:
    """Choosing a status in the combo shows only orders with it."""
    combo = window.toolbar.filter_combo
    combo.setCurrentIndex(combo.findData("unassigned"))
    assert shown_references(window) == ["ORD-0001"]
    combo.setCurrentIndex(combo.findData("delivered"))
    assert shown_references(window) == ["ORD-0100 (pickup)"]


def test_sorting_by_clicking_a_header(qtbot, window: MainWindow) -> None:
    """Clicking the ETA header sorts by time, unplanned orders last."""
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.ETA) + header.sectionSize(Column.ETA) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert shown_references(window) == [
        "ORD-0100 (pickup)",
        "ORD-0010",
        "ORD-0002",
        "ORD-0001",
    ]


def test_multi_select_reports_order_ids(qtbot, window: MainWindow) -> None:
    """Selecting several rows reports their order ids, top to bottom."""
    selection = window.table.selectionModel()
    flags = (
        QItemSelectionModel.SelectionFlag.Select
        | QItemSelectionModel.SelectionFlag.Rows
    )
    with qtbot.waitSignal(window.table.sig_selection_changed):
        selection.select(window.proxy.index(3, 0), flags)
    selection.select(window.proxy.index(1, 0), flags)
    assert window.table.selected_order_ids() == [11, 14]


def test_failed_load_keeps_the_day_and_tells_the_user(
    qtbot, window: MainWindow, days: FakeDays
) -> None:
    """A storage error shows a message and leaves the previous day on screen."""
    days.error = DatabaseUnavailable(
        "Cannot connect to the database; check the server."
    )
    with qtbot.waitSignal(window.sig_load_failed) as blocker:
        window.toolbar.next_action.trigger()
    assert blocker.args == ["Cannot connect to the database; check the server."]
    box = window.findChild(QMessageBox)
    assert box is not None
    assert box.isVisible()
    assert box.text() == "Cannot connect to the database; check the server."
    assert window.toolbar.date() == b.DAY
    assert window.day() == b.DAY
    assert window.proxy.rowCount() == 4
    box.accept()


def test_about_box_names_version_and_database(window: MainWindow) -> None:
    """Help > About opens a box naming the app and the database."""
    window.about_action.trigger()
    box = window.findChild(QMessageBox)
    assert box is not None
    assert box.isVisible()
    assert "Dispatcher" in box.text()
    assert "test.sqlite3" in box.text()
    box.accept()


def test_quit_closes_the_window(qtbot, window: MainWindow) -> None:
    """File > Quit closes the window."""
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_layout_and_filter_are_remembered(
    qtbot, days: FakeDays, settings: QSettings
) -> None:
    """Closing saves size, docks, columns and filter; the next window restores them."""
    first = make_window(days, source_name="a", settings=settings)
    qtbot.addWidget(first)
    first.show_day(b.DAY)
    first.resize(800, 580)  # the offscreen screen is 800 px wide
    first.table.horizontalHeader().resizeSection(Column.CUSTOMER, 311)
    first.table_dock.setFloating(True)
    saved_size = first.size()  # at least the window's minimum width
    first.toolbar.set_order_filter(filter_by_key("late"))
    first.show()
    qtbot.waitExposed(first)
    first.close()

    second = make_window(days, source_name="a", settings=settings)
    qtbot.addWidget(second)
    second.show_day(b.DAY)
    # The offscreen screen is only 800 px wide: the restored frame may be
    # clamped by a few pixels to fit it.
    assert second.size().height() == saved_size.height()
    assert abs(second.size().width() - saved_size.width()) <= 10
    assert second.table_dock.isFloating()
    assert second.table.horizontalHeader().sectionSize(Column.CUSTOMER) == 311
    assert second.toolbar.order_filter().key == "late"
    assert shown_references(second) == ["ORD-0010"]


def test_unusable_saved_layout_falls_back_to_defaults(
    qtbot, days: FakeDays, settings: QSettings
) -> None:
    """Garbage in the settings file does not break the window."""
    settings.setValue("main_window/geometry", b"garbage")
    settings.setValue("order_table/header", b"garbage")
    settings.setValue("order_table/filter", "gone")
    window = make_window(days, source_name="a", settings=settings)
    qtbot.addWidget(window)
    window.show_day(b.DAY)
    assert window.width() > 600
    assert window.toolbar.order_filter().key == "all"
    assert window.proxy.rowCount() == 4


def test_lines_of_other_days_are_not_mixed_in(
    qtbot, window: MainWindow, days: FakeDays
) -> None:
    """Only the loaded day's lines are shown after switching days back and forth."""
    late_only = tuple(dataclasses.replace(line, lateness=0.0) for line in make_lines())
    days.days[NEXT_DAY] = make_day(NEXT_DAY, late_only)
    window.toolbar.set_order_filter(filter_by_key("late"))
    with qtbot.waitSignal(window.sig_day_loaded):
        window.toolbar.next_action.trigger()
    assert window.proxy.rowCount() == 0
    with qtbot.waitSignal(window.sig_day_loaded):
        window.toolbar.previous_action.trigger()
    assert shown_references(window) == ["ORD-0010"]
