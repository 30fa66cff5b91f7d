"""The order table model: every column's text, roles and the model contract."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from dispatcher.model import Load
from ui.models.badges import LATE_COLOR, Badge
from ui.models.order_table_model import Column, OrderTableModel
from ui.models.roles import BadgeRole, IdRole, LineRole, SearchRole, SortRole

if TYPE_CHECKING:
    from dispatcher.day_view import OrderLine

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@pytest.fixture
def model(lines: tuple[OrderLine, ...]) -> OrderTableModel:
    """A model over the hand-made lines."""
    table = OrderTableModel()
    table.set_lines(lines)
    return table


def text(model: OrderTableModel, row: int, column: Column) -> str:
    """The display text of a cell."""
    return model.index(row, column).data(Qt.ItemDataRole.DisplayRole)


def test_model_passes_qt_model_tester(qtmodeltester, model: OrderTableModel) -> None:
    """The model honours Qt's item-model contract."""
    qtmodeltester.check(model, force_py=True)


def test_empty_model_passes_qt_model_tester(qtmodeltester) -> None:
    """An empty day is a valid model too."""
    qtmodeltester.check(OrderTableModel(), force_py=True)


def test_shape_follows_lines(model: OrderTableModel, lines) -> None:
    """One row per line, one column per ``Column``, no children under cells."""
    assert model.rowCount() == len(lines) == 4
    assert model.columnCount() == len(Column) == 16
    assert model.rowCount(model.index(0, 0)) == 0


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (0, Column.REFERENCE, "ORD-0002"),
        (0, Column.CUSTOMER, "Boulangerie Martin"),
        (0, Column.ADDRESS, "10 Rue de la République, 69001 Lyon"),
        (0, Column.WINDOWS, "09:00–12:00"),
        (0, Column.KG, "120"),
        (0, Column.M3, "0.8"),
        (0, Column.PALLETS, "1"),
        (0, Column.SERVICE, "10 min"),
        (0, Column.PRIORITY, "Must"),
        (0, Column.SKILLS, ""),
        (0, Column.STATUS, "Planned"),
        (0, Column.VEHICLE, "Van 2"),
        (0, Column.STOP, "3"),
        (0, Column.ETA, "09:25"),
        (0, Column.LATE, ""),
        (1, Column.WINDOWS, "08:00–09:00"),
        (1, Column.KG, "8.5"),
        (1, Column.PALLETS, ""),
        (1, Column.SKILLS, "cold_chain, tail_lift"),
        (1, Column.ETA, "09:21"),
        (1, Column.LATE, "22 min"),
        (2, Column.WINDOWS, "07:00–10:00, 14:00–16:00"),
        (2, Column.KG, "1,500"),
        (2, Column.PRIORITY, "Optional"),
        (2, Column.STATUS, "New"),
        (2, Column.VEHICLE, "Unassigned"),
        (2, Column.STOP, ""),
        (2, Column.ETA, ""),
        (3, Column.REFERENCE, "ORD-0100 (pickup)"),
        (3, Column.STATUS, "Delivered"),
    ],
)
def test_display_text(
    model: OrderTableModel, row: int, column: Column, expected: str
) -> None:
    """Each column renders its value the way a dispatcher reads it."""
    assert text(model, row, column) == expected


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (Column.WINDOWS, ((540, 720),)),
        (Column.KG, 120),
        (Column.SERVICE, 10),
        (Column.PRIORITY, 0),
        (Column.STOP, 3),
        (Column.ETA, 565.0),
        (Column.LATE, 0.0),
        (Column.VEHICLE, "van 2"),
    ],
)
def test_sort_role_gives_real_values(
    model: OrderTableModel, column: Column, expected: object
) -> None:
    """Sorting sees minutes, kilograms and ranks, not display strings."""
    assert model.index(0, column).data(SortRole) == expected


def test_unassigned_line_sorts_as_empty(model: OrderTableModel) -> None:
    """A line without a route has no vehicle, stop or ETA to sort by."""
    for column in (Column.VEHICLE, Column.STOP, Column.ETA):
        assert model.index(2, column).data(SortRole) is None


def test_id_and_line_roles_on_every_column(model: OrderTableModel, lines) -> None:
    """Any cell of a row names the same order and line."""
    for column in Column:
        index = model.index(1, column)
        assert index.data(IdRole) == lines[1].order.id == 12
        assert index.data(LineRole) is lines[1]


def test_numbers_align_right_and_text_left(model: OrderTableModel) -> None:
    """Numeric columns line up on the right, in cells and headers alike."""
    for column in (Column.KG, Column.SERVICE, Column.ETA, Column.LATE, Column.STOP):
        assert model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
        assert (
            model.headerData(
                column, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole
            )
            == RIGHT
        )
    for column in (Column.REFERENCE, Column.CUSTOMER, Column.STATUS):
        assert model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole) == LEFT


def test_status_has_a_badge_only_in_its_column(model: OrderTableModel) -> None:
    """The status cell carries a coloured pill with its label; others do not."""
    badge = model.index(3, Column.STATUS).data(BadgeRole)
    assert isinstance(badge, Badge)
    assert badge.text == "Delivered"
    assert badge.background != model.index(0, Column.STATUS).data(BadgeRole).background
    assert model.index(3, Column.REFERENCE).data(BadgeRole) is None


def test_lateness_is_coloured_bold_and_explained(model: OrderTableModel) -> None:
    """A late stop stands out and its tooltip says by how much."""
    late = model.index(1, Column.LATE)
    assert late.data(Qt.ItemDataRole.ForegroundRole) == QColor(LATE_COLOR)
    assert late.data(Qt.ItemDataRole.FontRole).bold()
    assert "22 min after" in late.data(Qt.ItemDataRole.ToolTipRole)
    on_time = model.index(0, Column.LATE)
    assert on_time.data(Qt.ItemDataRole.ForegroundRole) is None
    assert on_time.data(Qt.ItemDataRole.ToolTipRole) == "On time."


def test_tooltips_explain_cells(model: OrderTableModel) -> None:
    """Tooltips add what a cell cannot show: notes, contact, origin of windows."""
    tip = model.index(0, Column.REFERENCE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Door code 4711" in tip
    assert "Anne · 0401" in model.index(0, Column.CUSTOMER).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "receiving hours" in model.index(2, Column.WINDOWS).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "own time windows" in model.index(0, Column.WINDOWS).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert model.index(2, Column.VEHICLE).data(Qt.ItemDataRole.ToolTipRole) == (
        "Not on any route of this day."
    )


def test_headers_have_titles_and_tips(model: OrderTableModel) -> None:
    """Every column has a title and an explanation; rows have no header."""
    titles = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in Column
    ]
    assert titles[Column.M3] == "m³"
    assert all(titles)
    assert all(
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in Column
    )
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_search_text_covers_every_column(model: OrderTableModel) -> None:
    """The search haystack holds the row's texts from all columns, folded."""
    haystack = model.index(1, Column.REFERENCE).data(SearchRole)
    assert "pharmacie du parc" in haystack
    assert "tail_lift" in haystack
    assert "van 10" in haystack


def test_set_lines_resets_and_indexes_rows(
    qtbot, model: OrderTableModel, lines
) -> None:
    """A reload resets the views and rebuilds the id-to-row lookup."""
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_lines(lines[2:])
    assert model.rowCount() == 2
    assert model.row_of(lines[3].order.id) == 1
    assert model.row_of(lines[0].order.id) is None
    assert model.line(0) is lines[2]


def test_invalid_index_has_no_data(model: OrderTableModel) -> None:
    """The root index carries no data and no flags."""
    assert model.data(QModelIndex()) is None
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


@pytest.mark.parametrize(
    ("demand", "expected"),
    [
        (Load(1500, 0.04, 0.5), ("1,500", "0.04", "0.5")),
        (Load(12.25, 1.5, 0), ("12.25", "1.5", "")),
    ],
)
def test_demand_keeps_small_amounts_and_drops_noise(
    lines, demand: Load, expected: tuple[str, str, str]
) -> None:
    """Parcels of 0.04 m³ stay visible; zeros are blank, trailing zeros dropped."""
    line = lines[0]
    model = OrderTableModel()
    model.set_lines(
        [
            dataclasses.replace(
                line, order=dataclasses.replace(line.order, demand=demand)
            )
        ]
    )
    assert (
        text(model, 0, Column.KG),
        text(model, 0, Column.M3),
        text(model, 0, Column.PALLETS),
    ) == expected
