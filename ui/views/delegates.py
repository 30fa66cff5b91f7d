"""Item delegates that paint cells richer than plain text.

``BadgeDelegate`` draws a cell's ``BadgeRole`` value as a rounded pill (status
labels); cells without a badge are painted as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.models.roles import BadgeRole

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex

    from ui.models.badges import Badge

_PAD_X, _PAD_Y, _MARGIN = 8, 2, 6

BADGE_EXTRA_WIDTH = 2 * (_PAD_X + _MARGIN)
"""Width a pill adds to its text: inner padding and the margins around it."""


class BadgeDelegate(QStyledItemDelegate):
    """Paints ``BadgeRole`` values as pills; selection and focus still show."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw the cell background, then the pill in place of the text."""
        badge: Badge | None = index.data(BadgeRole)
        if badge is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(
                QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget
            )
        metrics = opt.fontMetrics
        width = metrics.horizontalAdvance(badge.text) + 2 * _PAD_X
        height = metrics.height() + 2 * _PAD_Y
        rect = QRectF(
            opt.rect.left() + _MARGIN,
            opt.rect.center().y() - height / 2 + 0.5,
            min(width, opt.rect.width() - 2 * _MARGIN),
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(badge.background))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(badge.foreground))
        painter.setFont(opt.font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badge.text)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Room for the pill and its margins."""
        hint = super().sizeHint(option, index)
        badge: Badge | None = index.data(BadgeRole)
        if badge is None:
            return hint
        width = option.fontMetrics.horizontalAdvance(badge.text) + 2 * (
            _PAD_X + _MARGIN
        )
        height = option.fontMetrics.height() + 2 * _PAD_Y + 6
        return QSize(max(hint.width(), width), max(hint.height(), height))
