"""One lane of the route board: a list of stop cards rooted at one lane index.

Every lane view shows the same ``RouteBoardModel`` and shares one selection
model with its siblings, so a selection can span lanes and a drag carries every
selected card, in lane then route order. Drops go through Qt's own
``dropEvent`` (which works out above/below a card) into the model's
``dropMimeData``; the view never moves rows itself. When the signed-in role
may move nothing, the view neither starts drags nor takes drops
(``set_movable``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyle,
    QStyleOptionViewItem,
)

from ui.models.badges import MUTED_COLOR
from ui.views.board_paint import small_font

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtGui import QKeyEvent, QPaintEvent

    from ui.models.route_board_model import AnyIndex, RouteBoardModel
    from ui.views.route_card_delegate import RouteCardDelegate

_DRAG_CARD_WIDTH = 220


class LaneView(QListView):
    """The cards of one lane, top to bottom in driving order."""

    sig_lane_step_requested = Signal(int)
    """Left or Right was pressed: move the focus to a neighbouring lane.

    Parameters
    ----------
    step : int
        -1 for the lane on the left, +1 for the lane on the right.
    """

    def __init__(
        self,
        model: RouteBoardModel,
        lane_row: int,
        delegate: RouteCardDelegate,
        selection_model: QItemSelectionModel,
        parent: QFrame | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("laneView")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setItemDelegate(delegate)
        self.setUniformItemSizes(True)
        self.setMovement(QListView.Movement.Static)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().setSingleStep(12)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setMouseTracking(True)
        self.setModel(model)
        self.setSelectionModel(selection_model)
        self._board_model = model
        self.set_lane_row(lane_row)

    def lane_row(self) -> int:
        """The model row of the lane shown."""
        return self._lane_row

    def set_lane_row(self, lane_row: int) -> None:
        """Show the lane at ``lane_row`` (after the model reset, say)."""
        self._lane_row = lane_row
        self.setRootIndex(self._board_model.index(lane_row, 0))

    def set_movable(self, movable: bool) -> None:
        """Drag cards and take drops (True), or only show and select them."""
        self.setDragDropMode(
            QAbstractItemView.DragDropMode.DragDrop
            if movable
            else QAbstractItemView.DragDropMode.NoDragDrop
        )
        self.viewport().update()  # the empty lane's hint changes

    def card_rect(self, row: int) -> QRect:
        """Where the card of ``row`` is drawn, in viewport coordinates."""
        return self.visualRect(self._board_model.index(row, 0, self.rootIndex()))

    # -- Qt overrides ---------------------------------------------------------------

    def dataChanged(
        self,
        topLeft: AnyIndex,
        bottomRight: AnyIndex,
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint only for this lane's cards.

        QListView lays out all its rows again after any ``dataChanged`` of the
        model; with forty lanes on one model, re-timing one route would lay out
        every card of the board.
        """
        if topLeft.parent() == self.rootIndex():
            super().dataChanged(topLeft, bottomRight, list(roles))

    def rowsInserted(self, parent: AnyIndex, start: int, end: int) -> None:
        """Lay the cards out again only when they are this lane's.

        QListView re-lays out all its rows for rows inserted anywhere in the
        model; with forty lanes sharing one model, an edit would lay out every
        card of the board twice.
        """
        if parent == self.rootIndex():
            super().rowsInserted(parent, start, end)

    def rowsAboutToBeRemoved(self, parent: AnyIndex, start: int, end: int) -> None:
        """Only this lane's removals concern its layout (see ``rowsInserted``)."""
        if parent == self.rootIndex():
            super().rowsAboutToBeRemoved(parent, start, end)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """Drag every selected card of the board, not only this lane's.

        The drop becomes a request; nothing is removed here when it returns
        (Qt's default would call ``removeRows`` on the source after a move).
        """
        selection = self.selectionModel()
        indexes = [
            index
            for index in selection.selectedIndexes()
            if self._board_model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
        ]
        if not indexes:
            return
        drag = QDrag(self)
        drag.setMimeData(self._board_model.mimeData(indexes))
        pixmap = self._drag_pixmap(indexes)
        drag.setPixmap(pixmap)
        drag.setHotSpot(QPoint(24, pixmap.height() // 2))
        drag.exec(supportedActions, Qt.DropAction.MoveAction)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left/Right step to the neighbouring lane; the rest as usual."""
        key = event.key()
        plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
        if plain and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.sig_lane_step_requested.emit(-1 if key == Qt.Key.Key_Left else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Cards, or a hint where to drop when the lane is empty."""
        super().paintEvent(event)
        if self._board_model.rowCount(self.rootIndex()) == 0:
            painter = QPainter(self.viewport())
            painter.setPen(QColor(MUTED_COLOR))
            rect = self.viewport().rect().adjusted(12, 24, -12, 0)
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                self._empty_text(),
            )

    # -- helpers ------------------------------------------------------------------

    def _empty_text(self) -> str:
        takes_drops = bool(
            self._board_model.flags(self.rootIndex()) & Qt.ItemFlag.ItemIsDropEnabled
        )
        if self._lane_row == 0:
            hint = "\nDrag cards here to take them off a route."
            return "Nothing unassigned." + (hint if takes_drops else "")
        hint = "\nDrag cards here to plan them on this vehicle."
        return "No stops yet." + (hint if takes_drops else "")

    def _drag_pixmap(self, indexes: list[QModelIndex]) -> QPixmap:
        """The first dragged card, with a count pill when dragging several."""
        first = min(indexes, key=lambda i: (i.internalId(), i.row()))
        delegate = self.itemDelegate()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.state |= QStyle.StateFlag.State_Selected
        height = delegate.sizeHint(option, first).height()
        option.rect = QRect(0, 0, _DRAG_CARD_WIDTH, height)
        pixmap = QPixmap(_DRAG_CARD_WIDTH, height)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setOpacity(0.92)
        delegate.paint(painter, option, first)
        if len(indexes) > 1:
            painter.setOpacity(1.0)
            font = small_font(self.font())
            painter.setFont(font)
            text = f"{len(indexes)} stops"
            width = painter.fontMetrics().horizontalAdvance(text) + 12
            pill = QRect(_DRAG_CARD_WIDTH - width - 4, 0, width, 18)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#0b5c99"))
            painter.drawRoundedRect(pill, 9, 9)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap
