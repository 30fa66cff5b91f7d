"""The order table view: sortable, multi-select rows with sensible column widths.

The view knows nothing about where rows come from; it shows whatever proxy it
is given and reports the selected order ids. Time windows, priority and notes
open an editor on double-click or F2 (``ui.views.order_editors``); what the
user enters goes to the model, which turns it into a request.
``OrderTablePanel`` puts the route and priority filter bar above the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models.order_table_model import COLUMNS, Column
from ui.models.roles import IdRole
from ui.views.delegates import BADGE_EXTRA_WIDTH, BadgeDelegate
from ui.views.order_editors import NotesDelegate, PriorityDelegate, WindowsDelegate
from ui.views.order_filter_bar import OrderFilterBar

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel, QItemSelection, QPoint

    from dispatcher.model import OrderId
    from ui.models.order_filter_proxy import OrderFilterProxyModel

_STRETCH_COLUMN = Column.ADDRESS
"""The column that takes up the spare width, so the table fills the window."""

_CELL_PADDING = 24
"""Padding of a cell: 8 px a side in the style sheet plus the style's text margins."""

_SORT_ARROW = 8
"""Room for the header's sort indicator."""


class OrderTableView(QTableView):
    """A table of orders: one full row selected at a time or many with Ctrl/Shift."""

    sig_selection_changed = Signal(list)
    """The selected orders changed.

    Parameters
    ----------
    order_ids : list[OrderId]
        The ids of the selected rows, top to bottom.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderTable")
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Only these: a single click selects (and starts drags), typing does
        # not overwrite a cell by accident.
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        # Rows drag onto the route board; the table itself takes no drops.
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setCornerButtonEnabled(False)
        self._badges = BadgeDelegate(self)
        self.setItemDelegateForColumn(Column.STATUS, self._badges)
        self._editors = {
            Column.WINDOWS: WindowsDelegate(self),
            Column.PRIORITY: PriorityDelegate(self),
            Column.NOTES: NotesDelegate(self),
        }
        for column, delegate in self._editors.items():
            self.setItemDelegateForColumn(column, delegate)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        header.setMinimumSectionSize(36)
        header.setSortIndicatorShown(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu_requested)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        """Show ``model`` and size the columns for it."""
        old = self.selectionModel()
        super().setModel(model)
        if old is not None:
            old.deleteLater()
        selection = self.selectionModel()
        if selection is not None:
            selection.selectionChanged.connect(self._on_selection_changed)
        if model is not None:
            self.apply_default_widths()
            self.sortByColumn(Column.REFERENCE, Qt.SortOrder.AscendingOrder)

    def apply_default_widths(self) -> None:
        """Fit each column to its sample value and title; the address takes the rest."""
        cells = self.fontMetrics()
        header = self.horizontalHeader()
        titles = header.fontMetrics()
        for column, spec in COLUMNS.items():
            content = max(
                cells.horizontalAdvance(spec.sample),
                titles.horizontalAdvance(spec.title) + _SORT_ARROW,
            )
            if column == Column.STATUS:
                content += BADGE_EXTRA_WIDTH
            header.resizeSection(column, content + _CELL_PADDING)
        header.setSectionResizeMode(_STRETCH_COLUMN, QHeaderView.ResizeMode.Stretch)

    def column_menu(self) -> QMenu:
        """A menu of checkable column titles that shows or hides the columns."""
        menu = QMenu("Columns", self)
        header = self.horizontalHeader()
        for column, spec in COLUMNS.items():
            action = menu.addAction(spec.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # Keep one column: a table without columns cannot get its menu back.
            action.setEnabled(column != Column.REFERENCE)
            action.toggled.connect(
                lambda visible, c=column: self.set_column_visible(c, visible)
            )
        menu.addSeparator()
        menu.addAction("Reset columns", self.reset_columns)
        return menu

    def set_column_visible(self, column: Column, visible: bool) -> None:
        """Show or hide one column (remembered with the header's state)."""
        self.horizontalHeader().setSectionHidden(column, not visible)

    def reset_columns(self) -> None:
        """Every column visible, in its designed order and width."""
        header = self.horizontalHeader()
        for column in Column:
            header.setSectionHidden(column, False)
            header.moveSection(header.visualIndex(column), column)
        self.apply_default_widths()

    def save_state(self) -> QByteArray:
        """The header's layout (order, widths, sort) to remember between runs."""
        return self.horizontalHeader().saveState()

    def restore_state(self, state: QByteArray) -> bool:
        """Restore a layout from ``save_state``; False (and defaults) if unusable."""
        header = self.horizontalHeader()
        if state.isEmpty() or not header.restoreState(state):
            return False
        if header.count() != len(Column):  # saved by a version with other columns
            self.apply_default_widths()
            return False
        return True

    def selected_order_ids(self) -> list[OrderId]:
        """The ids of the selected rows, top to bottom."""
        selection = self.selectionModel()
        if selection is None:
            return []
        rows = sorted(selection.selectedRows(), key=lambda index: index.row())
        return [index.data(IdRole) for index in rows]

    def _on_header_menu_requested(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def _on_selection_changed(
        self, _selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        self.sig_selection_changed.emit(self.selected_order_ids())


class OrderTablePanel(QWidget):
    """The Orders dock's content: the filter bar above the order table.

    Parameters
    ----------
    table
        The table view, already showing ``proxy``.
    proxy
        The table's proxy, which the filter bar filters.
    """

    def __init__(
        self, table: OrderTableView, proxy: OrderFilterProxyModel, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("orderTablePanel")
        self.table = table
        self.filter_bar = OrderFilterBar(proxy, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(table, 1)
