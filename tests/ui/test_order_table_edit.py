"""Inline editing in the order table: requests, refusals, editors and triggers.

The model never changes a row when edited: it emits ``sig_edit_requested`` with
the parsed value or ``sig_edit_rejected`` with one sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from dispatcher.model import Priority, TimeWindow
from ui.models.order_filter_proxy import OrderFilterProxyModel
from ui.models.order_table_model import EDITABLE_COLUMNS, Column, OrderTableModel
from ui.models.roles import IdRole
from ui.views.order_table import OrderTableView

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from dispatcher.day_view import OrderLine

EDIT = Qt.ItemDataRole.EditRole
ORD_0002, ORD_0010, ORD_0001, ORD_0100 = 0, 1, 2, 3
"""Rows of ``make_lines``: planned, planned and late, new, delivered pickup."""


@pytest.fixture
def model(lines: tuple[OrderLine, ...]) -> OrderTableModel:
    """A model over the hand-made lines."""
    table = OrderTableModel()
    table.set_lines(lines)
    return table


def snapshot(model: OrderTableModel) -> list[list[object]]:
    """Every cell's display text, to prove nothing changed."""
    return [
        [model.index(row, column).data() for column in Column]
        for row in range(model.rowCount())
    ]


def test_model_with_notes_passes_qt_model_tester(
    qtmodeltester, model: OrderTableModel
) -> None:
    """The model with its editable columns honours Qt's item-model contract."""
    qtmodeltester.check(model, force_py=True)


def test_only_edit_columns_of_open_orders_are_editable(model: OrderTableModel) -> None:
    """Windows, priority and notes of open orders; nothing of a delivered one."""
    editable = Qt.ItemFlag.ItemIsEditable
    for column in Column:
        flags = model.flags(model.index(ORD_0002, column))
        assert bool(flags & editable) == (column in EDITABLE_COLUMNS)
        assert flags & Qt.ItemFlag.ItemIsDragEnabled
        assert not model.flags(model.index(ORD_0100, column)) & editable


def test_notes_column_shows_the_order_notes(model: OrderTableModel) -> None:
    """The Notes column has the order's notes as text and tooltip."""
    index = model.index(ORD_0002, Column.NOTES)
    assert index.data() == "Door code 4711"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Door code 4711"
    assert model.index(ORD_0010, Column.NOTES).data() == ""
    assert model.headerData(Column.NOTES, Qt.Orientation.Horizontal) == "Notes"


def test_edit_role_gives_what_the_editor_starts_with(model: OrderTableModel) -> None:
    """Typed-form windows (own or receiving hours), the priority value, the notes."""
    assert model.index(ORD_0010, Column.WINDOWS).data(EDIT) == "08:00–09:00"
    assert (
        model.index(ORD_0001, Column.WINDOWS).data(EDIT) == "07:00–10:00, 14:00–16:00"
    )
    assert model.index(ORD_0002, Column.PRIORITY).data(EDIT) == "must"
    assert model.index(ORD_0002, Column.NOTES).data(EDIT) == "Door code 4711"
    assert model.index(ORD_0002, Column.CUSTOMER).data(EDIT) is None


@pytest.mark.parametrize(
    ("column", "value", "field", "expected"),
    [
        (
            Column.WINDOWS,
            "14:00-15:00, 9-10",
            "windows",
            (TimeWindow(540, 600), TimeWindow(840, 900)),
        ),
        (Column.PRIORITY, "high", "priority", Priority.HIGH),
        (Column.PRIORITY, "Optional", "priority", Priority.OPTIONAL),
        (Column.NOTES, " Ring twice ", "notes", "Ring twice"),
        (Column.NOTES, "", "notes", ""),
    ],
)
def test_a_valid_edit_is_requested_and_changes_nothing(
    qtbot: QtBot,
    model: OrderTableModel,
    column: Column,
    value: str,
    field: str,
    expected: object,
) -> None:
    """setData emits the parsed value for the order; the row stays as it was."""
    before = snapshot(model)
    lines = model.lines()
    with (
        qtbot.waitSignal(model.sig_edit_requested) as requested,
        qtbot.assertNotEmitted(model.sig_edit_rejected),
        qtbot.assertNotEmitted(model.dataChanged),
    ):
        assert model.setData(model.index(ORD_0002, column), value, EDIT)
    assert requested.args == [11, field, expected]
    assert snapshot(model) == before
    assert model.lines() is lines


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (
            ORD_0002,
            Column.WINDOWS,
            "9:00 12:00",
            "Time windows of ORD-0002 not changed: '9:00 12:00' is not a window, "
            "write HH:MM–HH:MM, several separated by commas.",
        ),
        (
            ORD_0002,
            Column.WINDOWS,
            "06:00-07:00",
            "Time windows of ORD-0002 not changed: window 06:00–07:00 lies outside "
            "Boulangerie Martin's receiving hours (08:00–18:00).",
        ),
        (
            ORD_0010,
            Column.PRIORITY,
            "asap",
            "Priority of ORD-0010 not changed: 'asap' is not a priority "
            "(choose Must, High, Normal, Optional).",
        ),
        (
            ORD_0100,
            Column.NOTES,
            "Left at the door",
            "ORD-0100 is delivered, so its notes can no longer be changed.",
        ),
    ],
)
def test_a_bad_value_is_rejected_with_one_sentence(
    qtbot: QtBot,
    model: OrderTableModel,
    row: int,
    column: Column,
    value: str,
    message: str,
) -> None:
    """Which order, which field, why; nothing requested, nothing changed."""
    before = snapshot(model)
    with (
        qtbot.waitSignal(model.sig_edit_rejected) as rejected,
        qtbot.assertNotEmitted(model.sig_edit_requested),
        qtbot.assertNotEmitted(model.dataChanged),
    ):
        assert not model.setData(model.index(row, column), value, EDIT)
    assert rejected.args == [message]
    assert snapshot(model) == before


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (Column.WINDOWS, "09:00–12:00"),
        (Column.PRIORITY, "Must"),
        (Column.NOTES, "Door code 4711"),
    ],
)
def test_the_same_value_requests_nothing(
    qtbot: QtBot, model: OrderTableModel, column: Column, value: str
) -> None:
    """Closing an editor without a change is not an edit."""
    with (
        qtbot.assertNotEmitted(model.sig_edit_requested),
        qtbot.assertNotEmitted(model.sig_edit_rejected),
    ):
        assert not model.setData(model.index(ORD_0002, column), value, EDIT)


def test_other_columns_roles_and_indexes_are_ignored(
    qtbot: QtBot, model: OrderTableModel
) -> None:
    """Only EditRole on an editable column of a real row is an edit."""
    with (
        qtbot.assertNotEmitted(model.sig_edit_requested),
        qtbot.assertNotEmitted(model.sig_edit_rejected),
    ):
        assert not model.setData(model.index(ORD_0002, Column.CUSTOMER), "X", EDIT)
        assert not model.setData(
            model.index(ORD_0002, Column.NOTES), "X", Qt.ItemDataRole.DisplayRole
        )
        assert not model.setData(QModelIndex(), "X", EDIT)


def test_edits_through_the_proxy_reach_the_model(
    qtbot: QtBot, model: OrderTableModel
) -> None:
    """The view edits proxy indexes; the request names the right order."""
    proxy = OrderFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(Column.REFERENCE, Qt.SortOrder.DescendingOrder)
    index = proxy.index(0, Column.PRIORITY)  # ORD-0100 is delivered
    assert index.data(IdRole) == 14
    assert not proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
    index = proxy.index(1, Column.PRIORITY)  # ORD-0010, normal
    with qtbot.waitSignal(model.sig_edit_requested) as requested:
        assert proxy.setData(index, "high", EDIT)
    assert requested.args == [12, "priority", Priority.HIGH]


# -- the view: triggers and editors --------------------------------------------


@pytest.fixture
def view(qtbot: QtBot, model: OrderTableModel) -> OrderTableView:
    """A shown table over ``model`` through a proxy, sorted by reference."""
    proxy = OrderFilterProxyModel()
    proxy.setSourceModel(model)
    table = OrderTableView()
    table.setModel(proxy)
    table.resize(1500, 400)
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    return table


def cell(view: OrderTableView, reference: str, column: Column) -> QModelIndex:
    """The proxy index of an order's cell (rows are sorted by reference)."""
    proxy = view.model()
    for row in range(proxy.rowCount()):
        index = proxy.index(row, column)
        if proxy.index(row, Column.REFERENCE).data().startswith(reference):
            return index
    raise AssertionError(reference)


def open_editor(view: OrderTableView, index: QModelIndex) -> QLineEdit | QComboBox:
    """Start editing ``index`` as F2 does and return the editor widget."""
    view.setCurrentIndex(index)
    view.setFocus()
    assert view.edit(index, view.EditTrigger.EditKeyPressed, None)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit | QComboBox)
    return editor


def test_f2_opens_the_windows_editor_and_enter_requests(
    qtbot: QtBot, view: OrderTableView, model: OrderTableModel
) -> None:
    """F2 edits the current cell; typed windows go to the model on Enter."""
    index = cell(view, "ORD-0010", Column.WINDOWS)
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.objectName() == "windowsEditor"
    assert editor.text() == "08:00–09:00"
    editor.clear()
    qtbot.keyClicks(editor, "08:00-09:30")
    with qtbot.waitSignal(model.sig_edit_requested) as requested:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert requested.args == [12, "windows", (TimeWindow(480, 570),)]
    assert view.indexWidget(index) is None  # the editor closed
    assert index.data() == "08:00–09:00"  # until the saved order comes back


def double_click(qtbot: QtBot, view: OrderTableView, index: QModelIndex) -> None:
    """Double-click the middle of a cell, scrolled into sight first.

    A real double-click is a click and then a double-click event; the view only
    edits the cell the first press was on.
    """
    view.scrollTo(index)
    center = view.visualRect(index).center()
    assert view.viewport().rect().contains(center)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)


def test_double_click_opens_an_editor_only_on_open_orders(
    qtbot: QtBot, view: OrderTableView
) -> None:
    """A delivered order's notes stay closed; an open order's open."""
    closed = cell(view, "ORD-0100", Column.NOTES)
    double_click(qtbot, view, closed)
    assert view.state() != view.State.EditingState
    assert view.indexWidget(closed) is None
    open_ = cell(view, "ORD-0002", Column.NOTES)
    double_click(qtbot, view, open_)
    editor = view.indexWidget(open_)
    assert isinstance(editor, QLineEdit)
    assert editor.objectName() == "notesEditor"
    assert editor.text() == "Door code 4711"


def test_escape_cancels_without_a_request(
    qtbot: QtBot, view: OrderTableView, model: OrderTableModel
) -> None:
    """Escape closes the editor; nothing is requested."""
    editor = open_editor(view, cell(view, "ORD-0002", Column.NOTES))
    assert isinstance(editor, QLineEdit)
    editor.setText("Changed my mind")
    with (
        qtbot.assertNotEmitted(model.sig_edit_requested),
        qtbot.assertNotEmitted(model.sig_edit_rejected),
    ):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert view.state() != view.State.EditingState


def test_windows_editor_marks_unreadable_text_while_typing(
    view: OrderTableView,
) -> None:
    """The editor says why the text does not parse before Enter is pressed."""
    editor = open_editor(view, cell(view, "ORD-0002", Column.WINDOWS))
    assert isinstance(editor, QLineEdit)
    editor.setText("08:00-12:00, 13:00")
    assert editor.property("invalid") is True
    assert editor.toolTip() == (
        "'13:00' is not a window, write HH:MM–HH:MM, several separated by commas."
    )
    editor.setText("08:00-12:00, 13:00-17:00")
    assert editor.property("invalid") is False
    assert "Leave empty" in editor.toolTip()


def test_windows_editor_is_wide_enough_for_two_windows(view: OrderTableView) -> None:
    """A narrow column still gets an editor that shows two typed windows."""
    index = cell(view, "ORD-0002", Column.WINDOWS)
    view.horizontalHeader().resizeSection(Column.WINDOWS, 60)
    editor = open_editor(view, index)
    text_width = editor.fontMetrics().horizontalAdvance("08:00–12:00, 14:00–17:00")
    assert editor.width() > text_width > view.columnWidth(Column.WINDOWS)


def test_priority_editor_selects_the_current_and_commits_a_pick(
    qtbot: QtBot, view: OrderTableView, model: OrderTableModel
) -> None:
    """The combo starts on the order's priority; picking one requests it at once."""
    index = cell(view, "ORD-0001", Column.PRIORITY)
    editor = open_editor(view, index)
    assert isinstance(editor, QComboBox)
    assert editor.objectName() == "priorityEditor"
    assert [editor.itemText(i) for i in range(editor.count())] == [
        "Must",
        "High",
        "Normal",
        "Optional",
    ]
    assert editor.currentText() == "Optional"
    with qtbot.waitSignal(model.sig_edit_requested) as requested:
        editor.setCurrentIndex(editor.findText("High"))
        editor.activated.emit(editor.currentIndex())
    assert requested.args == [13, "priority", Priority.HIGH]
    qtbot.waitUntil(lambda: view.indexWidget(index) is None)


def test_priority_list_shows_every_choice(qtbot: QtBot, view: OrderTableView) -> None:
    """The drop-down opens with the editor and shows all four priorities."""
    editor = open_editor(view, cell(view, "ORD-0002", Column.PRIORITY))
    assert isinstance(editor, QComboBox)
    qtbot.waitUntil(lambda: editor.view().isVisible())
    list_view = editor.view()
    rows = sum(list_view.sizeHintForRow(r) for r in range(editor.count()))
    assert list_view.viewport().height() >= rows
    editor.hidePopup()


def test_notes_editor_commits_typed_text(
    qtbot: QtBot, view: OrderTableView, model: OrderTableModel
) -> None:
    """Typed notes are requested trimmed."""
    editor = open_editor(view, cell(view, "ORD-0010", Column.NOTES))
    assert isinstance(editor, QLineEdit)
    assert editor.placeholderText()
    qtbot.keyClicks(editor, "  Back entrance ")
    with qtbot.waitSignal(model.sig_edit_requested) as requested:
        qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert requested.args == [12, "notes", "Back entrance"]


def test_a_bad_value_typed_in_the_editor_is_rejected(
    qtbot: QtBot, view: OrderTableView, model: OrderTableModel
) -> None:
    """Enter on unreadable windows: the model refuses with its sentence."""
    editor = open_editor(view, cell(view, "ORD-0002", Column.WINDOWS))
    assert isinstance(editor, QLineEdit)
    editor.setText("25:00-26:00")
    with (
        qtbot.waitSignal(model.sig_edit_rejected) as rejected,
        qtbot.assertNotEmitted(model.sig_edit_requested),
    ):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert rejected.args[0].startswith("Time windows of ORD-0002 not changed: '25:00'")


def test_a_wide_editor_at_the_right_edge_stays_in_sight(view: OrderTableView) -> None:
    """The notes editor in the last column grows to the left, inside the table."""
    view.resize(900, 400)
    index = cell(view, "ORD-0002", Column.NOTES)
    view.scrollTo(index)
    editor = open_editor(view, index)
    viewport = view.viewport()
    wanted = editor.fontMetrics().horizontalAdvance("Door code 4711, ring at the back")
    assert editor.width() > wanted > view.columnWidth(Column.NOTES)
    assert editor.geometry().right() < viewport.width()
    assert editor.geometry().left() >= 0
