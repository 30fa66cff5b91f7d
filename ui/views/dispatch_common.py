"""Words, colours and small icons shared by the dispatch dialog and panel.

Both say when a day was dispatched and by whom, what is wrong with a route, and
mark each kind of change with an icon that carries a glyph as well as a colour
(Okabe–Ito), so colour is never the only signal.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from dispatcher.model import OPEN_ORDER_STATUSES, Priority
from dispatcher.scheduling import Violation
from ui.models.route_board_text import VIOLATION_DESCRIPTIONS, VIOLATION_ORDER

if TYPE_CHECKING:
    import datetime as dt

    from dispatcher.day_view import DayView, RouteLine
    from dispatcher.dispatch_diff import DispatchSnapshot

PROBLEM_WORDS: dict[Violation, str] = {
    Violation.OVER_CAPACITY: "over capacity",
    Violation.MISSING_SKILL: "missing skill",
    Violation.OUTSIDE_SHIFT: "outside shift",
    Violation.OVER_DURATION: "too long",
    Violation.OVER_DISTANCE: "too far",
    Violation.TOO_MANY_STOPS: "too many stops",
}
"""How a route's problems read in a sentence (late stops are counted instead)."""


class ChangeKind(StrEnum):
    """The kinds of difference the panel lists, each with its own icon."""

    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    ETA = "eta"
    NOT_SENT = "not_sent"
    PROBLEM = "problem"


_KIND_LOOK: dict[ChangeKind, tuple[str, str]] = {
    ChangeKind.ADDED: ("+", "#009e73"),  # bluish green
    ChangeKind.REMOVED: ("−", "#d55e00"),  # vermillion
    ChangeKind.MOVED: ("↕", "#0072b2"),  # blue
    ChangeKind.ETA: ("", "#e69f00"),  # orange; drawn as a clock
    ChangeKind.NOT_SENT: ("•", "#697386"),  # grey: nothing sent yet
    ChangeKind.PROBLEM: ("!", "#d55e00"),
}


@cache
def kind_icon(kind: ChangeKind, size: int = 16) -> QIcon:
    """A round badge with the kind's glyph (needs a QGuiApplication)."""
    glyph, color = _KIND_LOOK[kind]
    return _badge_icon(glyph, color, size)


@cache
def color_icon(color: str, size: int = 14) -> QIcon:
    """A rounded square of a route's colour, shown beside the vehicle's name."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 3, 3)
    painter.end()
    return QIcon(pixmap)


def _badge_icon(glyph: str, color: str, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
    if not glyph:
        # A clock face: fonts rarely have a legible clock glyph at 16 px.
        c = size / 2
        painter.setPen(QPen(QColor("#ffffff"), max(1.5, size / 9)))
        painter.drawLine(QPointF(c, c), QPointF(c, size * 0.22))
        painter.drawLine(QPointF(c, c), QPointF(size * 0.72, c))
        painter.end()
        return QIcon(pixmap)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.75))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(pixmap)


def when_text(at: dt.datetime, day: dt.date) -> str:
    """A moment in local time: ``07:12`` on the plan date, else ``Mon 23 Nov 17:40``."""
    local = at.astimezone() if at.tzinfo is not None else at
    if local.date() == day:
        return f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def dispatched_text(snapshot: DispatchSnapshot) -> str:
    """E.g. ``dispatch at 07:12 by alice``."""
    return f"dispatch at {when_text(snapshot.at, snapshot.date)} by {snapshot.user}"


def problems(line: RouteLine) -> list[str]:
    """What is wrong with a route, in words: ``2 late stops``, ``over capacity``…"""
    schedule = line.schedule
    words = []
    if schedule.late_count:
        late = schedule.late_count
        words.append(f"{late} late stop{'s' if late != 1 else ''}")
    words.extend(
        PROBLEM_WORDS[v]
        for v in VIOLATION_ORDER
        if v in schedule.violations and v in PROBLEM_WORDS
    )
    return words


def problems_tooltip(line: RouteLine) -> str:
    """Every rule the route breaks, one sentence each."""
    return "\n".join(
        VIOLATION_DESCRIPTIONS[v]
        for v in VIOLATION_ORDER
        if v in line.schedule.violations
    )


def unassigned_counts(view: DayView) -> tuple[int, int]:
    """Open orders on no route, and how many of them must be served today."""
    total = must = 0
    for line in view.lines:
        if line.vehicle_name is None and line.order.status in OPEN_ORDER_STATUSES:
            total += 1
            must += line.order.priority is Priority.MUST
    return total, must
