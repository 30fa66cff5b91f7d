"""The order table view: badges, column menu and layout state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QColor

from ui.models.badges import status_badge
from ui.models.order_filter_proxy import OrderFilterProxyModel
from ui.models.order_table_model import COLUMNS, Column, OrderTableModel
from ui.models.roles import LineRole
from ui.views.order_table import OrderTableView

if TYPE_CHECKING:
    from dispatcher.day_view import OrderLine


@pytest.fixture
def view(qtbot, lines: tuple[OrderLine, ...]) -> OrderTableView:
    """A shown table over the hand-made lines, sorted by reference."""
    model = OrderTableModel()
    model.set_lines(lines)
    proxy = OrderFilterProxyModel(model)
    proxy.setSourceModel(model)
    table = OrderTableView()
    table.setModel(proxy)
    table.resize(1500, 400)
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    return table


def test_status_cells_are_painted_as_coloured_pills(view: OrderTableView) -> None:
    """The status column shows its badge colour inside the cell, not plain text."""
    image = view.viewport().grab().toImage()
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, Column.STATUS)
        line = index.data(LineRole)
        rect = view.visualRect(index)
        # In the pill's left padding (margin 6 px), on its centre line.
        pixel = image.pixelColor(rect.left() + 10, rect.center().y())
        assert pixel == QColor(status_badge(line.order.status).background)


def test_column_menu_hides_and_restores_columns(view: OrderTableView) -> None:
    """Unticking a column hides it; Reset columns brings every column back."""
    menu = view.column_menu()
    actions = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert list(actions) == [spec.title for spec in COLUMNS.values()]
    assert not actions["Reference"].isEnabled()
    actions["Skills"].setChecked(False)
    assert view.isColumnHidden(Column.SKILLS)
    view.reset_columns()
    assert not view.isColumnHidden(Column.SKILLS)


def test_header_state_round_trips(qtbot, view: OrderTableView, lines) -> None:
    """Hidden columns and widths saved by one view are restored by another."""
    view.set_column_visible(Column.M3, False)
    view.horizontalHeader().resizeSection(Column.CUSTOMER, 250)
    state = view.save_state()
    other = OrderTableView()
    qtbot.addWidget(other)
    model = OrderTableModel()
    model.set_lines(lines)
    other.setModel(model)
    assert other.restore_state(state)
    assert other.isColumnHidden(Column.M3)
    assert other.horizontalHeader().sectionSize(Column.CUSTOMER) == 250


def test_default_widths_fit_the_sample_values(view: OrderTableView) -> None:
    """Every column is at least as wide as its sample value."""
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    for column, spec in COLUMNS.items():
        if column != Column.ADDRESS:  # stretches with the window
            assert header.sectionSize(column) > metrics.horizontalAdvance(spec.sample)
