"""Paints one stop card of the route board, comfortable (3 lines) or compact (1).

Comfortable card::

    ▌ (3) Boulangerie Martin              🔒
    ▌ 09:25  09:00–12:00
    ▌ 120 kg · 0.8 m³ · 1 pal    [Late 22′]

The stripe on the left is the route colour (the map uses the same), the pill
holds the stop number. A card that breaks a rule is tinted and carries one pill
per broken rule, so colour is never the only signal. Clicking the lock corner
toggles the stop's lock (the delegate only reports the click).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from dispatcher.model import format_minutes
from ui.assets import icon
from ui.models.badges import LATE_COLOR, MUTED_COLOR
from ui.models.route_board_model import CardRole, LaneRole
from ui.models.route_board_text import (
    PRIORITY_BADGES,
    card_badges,
    load_text,
    windows_text,
)
from ui.models.route_colors import text_color_on
from ui.views.board_paint import PILL_PAD, paint_pills_right, small_font

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel, QObject, QPersistentModelIndex
    from PySide6.QtGui import QMouseEvent

    from ui.models.route_board_lanes import Card, Lane

INK = "#1f2933"
_CARD_BG, _CARD_BORDER = "#ffffff", "#d9dfe7"
_SELECTED_BG, _SELECTED_BORDER = "#e3eef8", "#0b5c99"
_PROBLEM_BG, _PROBLEM_BORDER = "#fdf1ea", "#e4a37f"
_HOVER_BORDER = "#a9b6c6"

_MARGIN_X, _MARGIN_Y = 6, 3
"""Space around a card inside its row: the gap between neighbouring cards."""
_PAD = 7
"""Inner padding of a card."""
_STRIPE = 5
"""Width of the route-colour stripe."""
_LINE_GAP = 3
_ICON = 14
"""Size of the lock and warning glyphs."""


class RouteCardDelegate(QStyledItemDelegate):
    """Draws ``CardRole`` values as cards and reports clicks on the lock corner."""

    sig_lock_clicked = Signal(QModelIndex)
    """The lock corner of a card was clicked.

    Parameters
    ----------
    index : QModelIndex
        The card's index.
    """

    def __init__(self, parent: QObject | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._compact = compact
        self._locks_clickable = True

    @property
    def compact(self) -> bool:
        """True when cards are drawn on one line."""
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """Switch between one-line and three-line cards (views must relayout)."""
        self._compact = compact

    def locks_clickable(self) -> bool:
        """True when a click on the lock corner asks to (un)lock the stop."""
        return self._locks_clickable

    def set_locks_clickable(self, clickable: bool) -> None:
        """Offer the lock corner (a hover glyph, clicks), or only show locks."""
        self._locks_clickable = clickable

    def card_height(self, metrics: QFontMetrics) -> int:
        """Height of a card row, margins included."""
        lines = 1 if self._compact else 3
        inner = lines * metrics.height() + (lines - 1) * _LINE_GAP
        pad = 4 if self._compact else _PAD
        return inner + 2 * pad + 2 * _MARGIN_Y

    # -- Qt overrides ---------------------------------------------------------------

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Every card of a mode has the same height (lists use uniform sizes)."""
        return QSize(160, self.card_height(option.fontMetrics))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw the card: frame, stripe, texts, pills and glyphs."""
        card: Card | None = index.data(CardRole)
        lane: Lane | None = index.data(LaneRole)
        if card is None or lane is None:
            super().paint(painter, option, index)
            return
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        problem = bool(card.violations)
        box = QRectF(option.rect).adjusted(
            _MARGIN_X + 0.5, _MARGIN_Y + 0.5, -_MARGIN_X - 0.5, -_MARGIN_Y - 0.5
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_frame(painter, box, lane.color, selected, hovered, problem)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        content = box.toAlignedRect().adjusted(_STRIPE + _PAD, 0, -_PAD, 0)
        if self._compact:
            self._paint_compact(painter, option, content, card, lane, hovered)
        else:
            self._paint_full(painter, option, content, card, lane, hovered)
        painter.restore()

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """A left click on the lock corner reports ``sig_lock_clicked`` (if offered)."""
        if (
            self._locks_clickable
            and event.type() == QEvent.Type.MouseButtonRelease
            and index.data(CardRole) is not None
        ):
            mouse: QMouseEvent = event  # type: ignore[assignment]
            if mouse.button() == Qt.MouseButton.LeftButton and self.lock_rect(
                option.rect, option.fontMetrics
            ).adjusted(-3, -3, 3, 3).contains(mouse.position().toPoint()):
                self.sig_lock_clicked.emit(self._plain(index))
                return True
        return super().editorEvent(event, model, option, index)

    @staticmethod
    def _plain(index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        model = index.model()
        return model.index(index.row(), index.column(), index.parent())

    def lock_rect(self, row_rect: QRect, metrics: QFontMetrics) -> QRect:
        """Where the lock glyph sits in a card row (top-right corner)."""
        pad = 4 if self._compact else _PAD
        top = row_rect.top() + _MARGIN_Y + pad + (metrics.height() - _ICON) // 2
        right = row_rect.right() - _MARGIN_X - _PAD
        return QRect(right - _ICON + 1, top, _ICON, _ICON)

    # -- painting ---------------------------------------------------------------------

    def _paint_frame(
        self,
        painter: QPainter,
        box: QRectF,
        color: str,
        selected: bool,
        hovered: bool,
        problem: bool,
    ) -> None:
        if selected:
            background, border, width = _SELECTED_BG, _SELECTED_BORDER, 1.6
        elif problem:
            background, border, width = _PROBLEM_BG, _PROBLEM_BORDER, 1.0
        else:
            background, border, width = _CARD_BG, _CARD_BORDER, 1.0
        if hovered and not selected:
            border = _HOVER_BORDER if not problem else border
        path = QPainterPath()
        path.addRoundedRect(box, 5, 5)
        painter.fillPath(path, QColor(background))
        painter.save()
        painter.setClipPath(path)
        painter.fillRect(
            QRectF(box.left(), box.top(), _STRIPE, box.height()), QColor(color)
        )
        painter.restore()
        painter.setPen(QColor(border).toRgb())
        pen = painter.pen()
        pen.setWidthF(width)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _paint_full(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        content: QRect,
        card: Card,
        lane: Lane,
        hovered: bool,
    ) -> None:
        metrics = option.fontMetrics
        line_h = metrics.height()
        top = content.top() + _PAD
        bold = QFont(option.font)
        bold.setBold(True)
        small = small_font(option.font)

        # Line 1: stop number, customer, lock.
        x = content.left()
        right = self._paint_lock(painter, option, card, lane, hovered) - 4
        if card.sequence is not None:
            x = self._paint_sequence(painter, small, x, top, line_h, card, lane) + 6
        painter.setFont(bold)
        painter.setPen(QColor(INK))
        name = QFontMetrics(bold).elidedText(
            card.line.customer.name, Qt.TextElideMode.ElideRight, max(0, right - x)
        )
        painter.drawText(QRect(x, top, right - x, line_h), _LEFT, name)

        # Line 2: ETA and window (or window and priority when unassigned).
        top += line_h + _LINE_GAP
        x = content.left()
        late = card.timing is not None and card.timing.lateness > 0
        if card.eta is not None:
            eta = format_minutes(card.eta)
            painter.setFont(bold)
            painter.setPen(QColor(LATE_COLOR if late else INK))
            painter.drawText(QRect(x, top, content.width(), line_h), _LEFT, eta)
            x += QFontMetrics(bold).horizontalAdvance(eta) + 8
        line_right = content.right()
        priority = PRIORITY_BADGES.get(card.line.order.priority)
        if priority is not None and card.sequence is None:
            line_right = paint_pills_right(
                painter, small, (priority,), line_right, top, line_h
            )
        painter.setFont(option.font)
        painter.setPen(QColor(MUTED_COLOR))
        window = "window " + windows_text(card.windows)
        window = metrics.elidedText(
            window, Qt.TextElideMode.ElideRight, max(0, line_right - x - 4)
        )
        painter.drawText(QRect(x, top, line_right - x, line_h), _LEFT, window)

        # Line 3: load, then the violation pills at the right.
        top += line_h + _LINE_GAP
        badges = card_badges(card)
        skills = sorted(card.skills) if card.sequence is None else []
        line_right = paint_pills_right(
            painter, small, badges, content.right(), top, line_h
        )
        text = load_text(card.line.order.demand)
        if skills:
            text += " · needs " + ", ".join(skills)
        painter.setFont(option.font)
        painter.setPen(QColor(MUTED_COLOR))
        left = content.left()
        text = metrics.elidedText(
            text, Qt.TextElideMode.ElideRight, max(0, line_right - left - 6)
        )
        painter.drawText(QRect(left, top, line_right - left, line_h), _LEFT, text)

    def _paint_compact(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        content: QRect,
        card: Card,
        lane: Lane,
        hovered: bool,
    ) -> None:
        line_h = option.fontMetrics.height()
        top = content.top() + 4
        small = small_font(option.font)
        x = content.left()
        right = self._paint_lock(painter, option, card, lane, hovered) - 4
        if card.violations:
            glyph = QRect(right - _ICON + 1, top + (line_h - _ICON) // 2, _ICON, _ICON)
            icon("warning").paint(painter, glyph)
            right = glyph.left() - 4
        if card.sequence is not None:
            x = self._paint_sequence(painter, small, x, top, line_h, card, lane) + 5
        bold = QFont(option.font)
        bold.setBold(True)
        if card.eta is not None:
            late = card.timing is not None and card.timing.lateness > 0
            eta = format_minutes(card.eta)
            painter.setFont(bold)
            painter.setPen(QColor(LATE_COLOR if late else INK))
            painter.drawText(QRect(x, top, right - x, line_h), _LEFT, eta)
            x += QFontMetrics(bold).horizontalAdvance(eta) + 6
        painter.setFont(option.font)
        painter.setPen(QColor(INK))
        name = option.fontMetrics.elidedText(
            card.line.customer.name, Qt.TextElideMode.ElideRight, max(0, right - x)
        )
        painter.drawText(QRect(x, top, right - x, line_h), _LEFT, name)

    def _paint_sequence(
        self,
        painter: QPainter,
        font: QFont,
        x: int,
        top: int,
        line_h: int,
        card: Card,
        lane: Lane,
    ) -> int:
        """Draw the stop-number pill in the route colour; returns its right edge."""
        text = str(card.sequence)
        metrics = QFontMetrics(font)
        width = max(metrics.horizontalAdvance("00"), metrics.horizontalAdvance(text))
        rect = QRectF(x, top + 1, width + 2 * PILL_PAD - 2, line_h - 2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(lane.color))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setFont(font)
        painter.setPen(QColor(text_color_on(lane.color)))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
        return int(rect.right())

    def _paint_lock(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        card: Card,
        lane: Lane,
        hovered: bool,
    ) -> int:
        """Draw the lock (or a faint open lock on hover); returns the text limit.

        A stop of a locked route shows a faint lock: it cannot move either,
        but unlocking it alone would not free it.
        """
        rect = self.lock_rect(option.rect, option.fontMetrics)
        if card.locked or lane.locked:
            painter.save()
            painter.setOpacity(1.0 if card.locked else 0.4)
            icon("lock").paint(painter, rect)
            painter.restore()
            return rect.left()
        if hovered and card.sequence is not None and self._locks_clickable:
            painter.save()
            painter.setOpacity(0.55)
            icon("unlock").paint(painter, rect)
            painter.restore()
            return rect.left()
        # Full cards keep the corner free, so names do not jump under the mouse;
        # compact cards need every pixel for the name.
        reserve = card.sequence is not None and not self._compact
        return rect.left() if reserve else rect.right() + 1


_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
