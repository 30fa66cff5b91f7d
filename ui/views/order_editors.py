"""Editors of the order table's editable cells: time windows, priority and notes.

Each delegate opens a small editor over its cell (double-click or F2), fills it
with the model's ``EditRole`` value and hands what the user chose back through
``setData`` as it is: the model parses and checks it, and refuses a bad value
with one sentence. The time-window editor also checks while the user types (a
red frame, the reason as its tooltip), so a mistake shows before Enter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QWidget

from dispatcher.model import Priority
from ui.models.badges import LATE_COLOR, PRIORITY_LABELS
from ui.models.order_edits import WINDOWS_FORMAT, parse_windows

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex
    from PySide6.QtWidgets import QStyleOptionViewItem

    AnyIndex = QModelIndex | QPersistentModelIndex

_CELL_STYLE = "padding: 0 6px; border-radius: 3px; min-height: 0;"
"""The app's inputs are roomy; in a table row an editor must fit the cell."""

_LINE_STYLE = f"QLineEdit {{ {_CELL_STYLE} }}"
_INVALID_STYLE = (
    f"QLineEdit {{ {_CELL_STYLE} border: 1px solid {LATE_COLOR};"
    " background: #fff4ee; }"
)
_COMBO_STYLE = (
    f"QComboBox {{ {_CELL_STYLE} combobox-popup: 0;"
    " selection-background-color: #e8f1f8; selection-color: #0b5c99; }"
)
"""A plain drop-down list whose current item is light with dark text (the app's
input rule would make it dark on dark)."""

_EDITOR_MARGIN = 40
"""Room for the frame and padding around an editor's text."""


class _LineEditDelegate(QStyledItemDelegate):
    """A one-line text editor at least as wide as a typical value."""

    object_name = "cellEditor"
    placeholder = ""
    tip = ""
    sample = ""
    """A typical long value: the editor grows over the next cells to show it."""

    def createEditor(
        self, parent: QWidget, _option: QStyleOptionViewItem, _index: AnyIndex
    ) -> QWidget:
        """A frameless-looking line edit with a placeholder and a hint."""
        editor = QLineEdit(parent)
        editor.setObjectName(self.object_name)
        editor.setPlaceholderText(self.placeholder)
        editor.setToolTip(self.tip)
        editor.setStyleSheet(_LINE_STYLE)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        """Start from the cell's value as the user would type it."""
        assert isinstance(editor, QLineEdit)
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex
    ) -> None:
        """Hand the typed text to the model, which checks it."""
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, _index: AnyIndex
    ) -> None:
        """Cover the cell, wider if the cell is narrower than a typical value.

        A widened editor grows to the right, or to the left when the cell is at
        the right edge of the table, so it never runs out of sight.
        """
        rect = option.rect
        wanted = editor.fontMetrics().horizontalAdvance(self.sample) + _EDITOR_MARGIN
        rect.setWidth(max(rect.width(), wanted))
        parent = editor.parentWidget()
        if parent is not None and rect.right() >= parent.width():
            rect.moveRight(parent.width() - 1)
            rect.setLeft(max(rect.left(), 0))
        editor.setGeometry(rect)


class WindowsDelegate(_LineEditDelegate):
    """Edits time windows as text; shows why the text does not parse as it is typed."""

    object_name = "windowsEditor"
    placeholder = "08:00–12:00, 14:00–17:00"
    tip = (
        f"Time windows of the order: {WINDOWS_FORMAT} ('-' works too).\n"
        "Leave empty to use the customer's receiving hours."
    )
    sample = "08:00–12:00, 14:00–17:00 "

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        """A line edit that marks text it cannot read."""
        editor = super().createEditor(parent, option, index)
        assert isinstance(editor, QLineEdit)
        editor.textChanged.connect(lambda text: self._check(editor, text))
        return editor

    def _check(self, editor: QLineEdit, text: str) -> None:
        try:
            parse_windows(text)
        except ValueError as exc:
            problem = f"{str(exc)[0].upper()}{str(exc)[1:]}."
        else:
            problem = ""
        editor.setProperty("invalid", bool(problem))
        editor.setStyleSheet(_INVALID_STYLE if problem else _LINE_STYLE)
        editor.setToolTip(problem or self.tip)


class NotesDelegate(_LineEditDelegate):
    """Edits an order's notes on one line."""

    object_name = "notesEditor"
    placeholder = "Door code, dock, whom to ask…"
    tip = "Notes for the driver; leave empty to remove them."
    sample = "Door code 4711, ring at the back door, dock 3"

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        """A line edit of bounded length."""
        editor = super().createEditor(parent, option, index)
        assert isinstance(editor, QLineEdit)
        editor.setMaxLength(1000)
        return editor


class _ListComboBox(QComboBox):
    """A combo box whose drop-down list shows every item, never a scroll arrow."""

    def showPopup(self) -> None:
        """Size the list for all items first: Qt's guess misses the styled frame."""
        view = self.view()
        rows = sum(view.sizeHintForRow(row) for row in range(self.count()))
        view.setMinimumHeight(rows + 2 * view.frameWidth() + 2)
        super().showPopup()


class PriorityDelegate(QStyledItemDelegate):
    """Picks a priority from a combo box that opens at once; a pick commits."""

    def createEditor(
        self, parent: QWidget, _option: QStyleOptionViewItem, _index: AnyIndex
    ) -> QWidget:
        """A combo box of the priorities, most urgent first."""
        editor = _ListComboBox(parent)
        editor.setObjectName("priorityEditor")
        editor.setStyleSheet(_COMBO_STYLE)
        for priority in Priority:
            editor.addItem(PRIORITY_LABELS[priority], priority.value)
        editor.activated.connect(lambda _row: self._commit(editor))
        # Opening the list at once saves a click; the timer is bound to the
        # editor, so it is dropped if the editor closes first.
        QTimer.singleShot(0, editor, editor.showPopup)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        """Select the order's priority."""
        assert isinstance(editor, QComboBox)
        row = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(row, 0))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex
    ) -> None:
        """Hand the chosen priority's value (``"must"`` …) to the model."""
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, _index: AnyIndex
    ) -> None:
        """Cover the cell, at least as wide as the combo needs."""
        rect = option.rect
        rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        editor.setGeometry(rect)

    def _commit(self, editor: QComboBox) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
