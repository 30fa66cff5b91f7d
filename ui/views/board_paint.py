"""Small painting helpers shared by the route board's cards, heads and timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ui.models.badges import Badge

PILL_PAD = 5
"""Horizontal padding inside a pill."""


def small_font(font: QFont) -> QFont:
    """A bold font one point smaller than ``font``: pills and stop numbers."""
    small = QFont(font)
    size = font.pointSizeF()
    if size > 0:
        small.setPointSizeF(max(6.5, size - 1.0))
    small.setBold(True)
    return small


def paint_pills_right(
    painter: QPainter,
    font: QFont,
    badges: Sequence[Badge],
    right: int,
    top: int,
    height: int,
) -> int:
    """Draw pills right-aligned, ending at ``right``; returns where they start.

    Pills that would start left of zero are still drawn: callers elide the
    text beside them to whatever room is left.
    """
    metrics = QFontMetrics(font)
    x = right
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    for badge in reversed(badges):
        width = metrics.horizontalAdvance(badge.text) + 2 * PILL_PAD
        rect = QRectF(x - width, top + 1, width, height - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(badge.background))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor(badge.foreground))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badge.text)
        x = int(rect.left()) - 4
    painter.restore()
    return x
