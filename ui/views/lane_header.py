"""The head of one route-board lane: who drives, how full, how long, how costly.

Comfortable layout (a vehicle lane)::

    ████████████████████████████ route colour
    Van 01 · VB-615-XP                 [lock]
    Alexandre Meunier · 22 stops   [Overload]
    kg   ▓▓▓▓▓▓▓▓░░░░░░     640 / 1,100
    m³   ▓▓▓▓░░░░░░░░░░     5.2 / 13
    pal  ▓▓▓▓▓▓▓▓▓▓▓▓▓▓       4 / 4
    99 km · 6:12 h · cost 360       2 late
    changed by anna 10:42

Bars turn amber from 85 % and red past 100 %; the numbers are always shown, so
the colour is never the only signal. Compact mode packs the three bars into one
row. The Unassigned lane gets its own head (count, urgency, total demand).
The last row, who last changed the route and when, is there only once the
board knows it for some lane (``RouteBoardModel.set_last_changes``), so every
head keeps the same height. The lock button only *asks* for a change: it snaps
back to what the plan says until the board hears that the route really got
(un)locked.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolButton, QWidget

from dispatcher.model import Priority
from dispatcher.scheduling import Violation
from ui.assets import icon
from ui.models.badges import LATE_COLOR, MUTED_COLOR, route_status_badge
from ui.models.route_board_lanes import UNIT_LABELS
from ui.models.route_board_text import (
    PRIORITY_BADGES,
    VIOLATION_ORDER,
    duration_text,
    fill_text,
    lane_tooltip,
    last_change_text,
    load_text,
    violation_badge,
)
from ui.views.board_paint import paint_pills_right, small_font

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent, QResizeEvent

    from ui.models.route_board_lanes import Lane, LastChange, UnitFill

INK = "#1f2933"
OK_COLOR = "#009e73"
"""Bar fill below 85 % (Okabe–Ito bluish green)."""
WARN_COLOR = "#e69f00"
"""Bar fill from 85 % to 100 % (Okabe–Ito orange)."""
OVER_COLOR = "#d55e00"
"""Bar fill past capacity (Okabe–Ito vermillion)."""
TRACK_COLOR = "#e4e9ef"
WARN_FROM = 0.85

_PAD_X, _PAD_TOP, _PAD_BOTTOM = 10, 8, 8
_BAND = 4
_GAP = 4
_BAR_H = 7
_BUTTON = 24


def fill_color(fill: UnitFill) -> str:
    """Green, amber from 85 %, red past capacity."""
    if fill.over:
        return OVER_COLOR
    return WARN_COLOR if fill.ratio >= WARN_FROM else OK_COLOR


class LaneHeader(QWidget):
    """Paints a lane's head and offers the route's lock toggle."""

    sig_route_lock_requested = Signal(object, bool)
    """The lock button was clicked.

    Parameters
    ----------
    vehicle_id : VehicleId
        The route's vehicle.
    locked : bool
        True to lock the whole route, False to unlock it.
    """

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("laneHeader")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._lane: Lane | None = None
        self._urgent: dict[Priority, int] = {}
        self._compact = compact
        self._change_row = False
        self._lock_refusal = ""
        self._hide_unlocked = False
        self._takes_drops = True
        self.lock_button = QToolButton(self)
        self.lock_button.setObjectName("laneLockButton")
        self.lock_button.setCheckable(True)
        self.lock_button.setAutoRaise(True)
        self.lock_button.setFixedSize(_BUTTON, _BUTTON)
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.lock_button.clicked.connect(self._on_lock_button_clicked)
        self._update_height()

    # -- our API -----------------------------------------------------------------

    def lane(self) -> Lane | None:
        """The lane shown."""
        return self._lane

    def set_lane(self, lane: Lane, *, change_row: bool = False) -> None:
        """Show ``lane`` (its numbers, colour and lock state).

        ``change_row`` adds the row saying who last changed the route (empty
        when the lane has no ``last_change``), for heads that show one.
        """
        self._lane = lane
        if change_row != self._change_row:
            self._change_row = change_row
            self._update_height()
        if lane.vehicle is None:  # counted once here, not on every paint
            priorities = Counter(card.line.order.priority for card in lane.cards)
            self._urgent = {p: priorities[p] for p in (Priority.MUST, Priority.HIGH)}
        self._sync_lock_button()
        self.setToolTip(lane_tooltip(lane))
        self.update()

    def set_lock_refusal(self, refusal: str, *, hide_unlocked: bool = False) -> None:
        """Disable the lock button, its tooltip saying why ("": enable it).

        ``hide_unlocked`` shows the button only while the route is locked, as a
        sign of it (for a role that changes nothing).
        """
        self._lock_refusal = refusal
        self._hide_unlocked = hide_unlocked and bool(refusal)
        self._sync_lock_button()

    def set_takes_drops(self, takes_drops: bool) -> None:
        """Whether the Unassigned head invites drops (not for a role that may not)."""
        if takes_drops != self._takes_drops:
            self._takes_drops = takes_drops
            self.update()

    def set_compact(self, compact: bool) -> None:
        """Pack the capacity bars into one row."""
        self._compact = compact
        self._update_height()
        self.update()

    def header_height(self) -> int:
        """Height of the header for the current mode and font."""
        line = self.fontMetrics().height()
        rows = (4 if self._compact else 6) + (1 if self._change_row else 0)
        return _BAND + _PAD_TOP + _PAD_BOTTOM + rows * line + (rows - 1) * _GAP

    # -- Qt overrides ---------------------------------------------------------------

    def sizeHint(self) -> QSize:
        """As wide as the lane; tall enough for every row."""
        return QSize(200, self.header_height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the lock button in the top-right corner."""
        super().resizeEvent(event)
        line = self.fontMetrics().height()
        top = _BAND + _PAD_TOP + (line - _BUTTON) // 2
        self.lock_button.move(self.width() - _PAD_X - _BUTTON + 4, top)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Band, title, subtitle, bars and totals."""
        lane = self._lane
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QColor("#e1e6ed"))
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        if lane is None:
            return
        self._paint_band(painter, lane)
        line = self.fontMetrics().height()
        top = _BAND + _PAD_TOP
        left, right = _PAD_X, self.width() - _PAD_X
        title_right = right - (_BUTTON + 4 if lane.vehicle is not None else 0)
        self._paint_title(painter, lane, QRect(left, top, title_right - left, line))
        top += line + _GAP
        self._paint_subtitle(painter, lane, QRect(left, top, right - left, line))
        top += line + _GAP
        if lane.vehicle is None:
            self._paint_unassigned(painter, lane, left, right, top, line)
        elif self._compact:
            self._paint_bars_compact(
                painter, lane, QRect(left, top, right - left, line)
            )
            top += line + _GAP
            self._paint_totals(painter, lane, QRect(left, top, right - left, line))
        else:
            for fill in lane.fills():
                self._paint_bar(painter, fill, QRect(left, top, right - left, line))
                top += line + _GAP
            self._paint_totals(painter, lane, QRect(left, top, right - left, line))
        if self._change_row and lane.last_change is not None:
            top = self.height() - _PAD_BOTTOM - line
            painter.setFont(self.font())
            painter.setPen(QColor(MUTED_COLOR))
            text = self._last_change_text(lane.last_change, right - left)
            painter.drawText(QRect(left, top, right - left, line), _LEFT, text)

    # -- painting ---------------------------------------------------------------------

    def _paint_band(self, painter: QPainter, lane: Lane) -> None:
        band = QRect(0, 0, self.width(), _BAND)
        if lane.vehicle is None:
            # Unassigned: a dashed grey band, unlike any route colour.
            painter.fillRect(band, QColor("#d5dce5"))
            pen = QPen(QColor(lane.color), _BAND)
            pen.setDashPattern([3, 2])
            painter.setPen(pen)
            painter.drawLine(0, _BAND // 2, self.width(), _BAND // 2)
        else:
            painter.fillRect(band, QColor(lane.color))

    def _paint_title(self, painter: QPainter, lane: Lane, rect: QRect) -> None:
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(INK))
        text = QFontMetrics(font).elidedText(
            lane.title, Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(rect, _LEFT, text)

    def _paint_subtitle(self, painter: QPainter, lane: Lane, rect: QRect) -> None:
        right = rect.right()
        problems = tuple(
            violation_badge(v)
            for v in VIOLATION_ORDER
            if v in lane.violations and v is not Violation.LATE
        )
        status = route_status_badge(lane.route.route.status) if lane.route else None
        if status is not None:
            problems = (status, *problems)
        if problems:
            right = paint_pills_right(
                painter,
                small_font(self.font()),
                problems,
                right,
                rect.top(),
                rect.height(),
            )
        count = len(lane.cards)
        if lane.vehicle is None:
            text = f"{count:,} open order{'s' if count != 1 else ''}"
        else:
            driver = lane.route.driver if lane.route is not None else None
            who = driver.name if driver is not None else "no driver"
            text = f"{who} · {count} stop{'s' if count != 1 else ''}"
        painter.setFont(self.font())
        painter.setPen(QColor(MUTED_COLOR))
        width = max(0, right - rect.left() - 4)
        text = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
        painter.drawText(
            QRect(rect.left(), rect.top(), width, rect.height()), _LEFT, text
        )

    def _paint_bar(self, painter: QPainter, fill: UnitFill, rect: QRect) -> None:
        metrics = self.fontMetrics()
        label_w = metrics.horizontalAdvance("pal") + 8
        no_capacity = fill.capacity <= 0 and not fill.over
        text = "—" if no_capacity else fill_text(fill)
        font = QFont(self.font())
        font.setBold(fill.over)
        # A bold overload ("5,050 / 1,000") takes what it needs from the bar.
        value_w = (
            max(
                metrics.horizontalAdvance("8,888 / 8,888"),
                QFontMetrics(font).horizontalAdvance(text),
            )
            + 6
        )
        painter.setFont(self.font())
        painter.setPen(QColor(MUTED_COLOR))
        painter.drawText(
            QRect(rect.left(), rect.top(), label_w, rect.height()),
            _LEFT,
            UNIT_LABELS[fill.unit],
        )
        value_rect = QRect(
            rect.right() - value_w + 1, rect.top(), value_w, rect.height()
        )
        bar = QRect(
            rect.left() + label_w,
            rect.center().y() - _BAR_H // 2,
            max(10, value_rect.left() - rect.left() - label_w - 6),
            _BAR_H,
        )
        self._draw_bar(painter, bar, fill)
        painter.setPen(QColor(OVER_COLOR if fill.over else INK))
        painter.setFont(font)
        painter.drawText(value_rect, Qt.AlignmentFlag.AlignRight | _VCENTER, text)

    def _paint_bars_compact(self, painter: QPainter, lane: Lane, rect: QRect) -> None:
        fills = lane.fills()
        metrics = self.fontMetrics()
        width = rect.width() // max(1, len(fills))
        painter.setFont(self.font())
        for i, fill in enumerate(fills):
            cell = QRect(rect.left() + i * width, rect.top(), width - 6, rect.height())
            label = UNIT_LABELS[fill.unit]
            label_w = metrics.horizontalAdvance(label) + 4
            painter.setPen(QColor(OVER_COLOR if fill.over else MUTED_COLOR))
            painter.drawText(cell, _LEFT, label)
            bar = QRect(
                cell.left() + label_w,
                cell.center().y() - _BAR_H // 2,
                max(6, cell.width() - label_w),
                _BAR_H,
            )
            self._draw_bar(painter, bar, fill)

    def _draw_bar(self, painter: QPainter, bar: QRect, fill: UnitFill) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TRACK_COLOR))
        radius = _BAR_H / 2
        painter.drawRoundedRect(QRectF(bar), radius, radius)
        ratio = min(1.0, fill.ratio)
        if ratio > 0:
            filled = QRectF(
                bar.left(), bar.top(), max(_BAR_H, bar.width() * ratio), _BAR_H
            )
            painter.setBrush(QColor(fill_color(fill)))
            painter.drawRoundedRect(filled, radius, radius)
        if fill.over:
            # A dark tick at the end says "past the end", not just "full".
            painter.setPen(QPen(QColor(INK), 2))
            painter.drawLine(bar.right(), bar.top() - 2, bar.right(), bar.bottom() + 2)
        painter.restore()

    def _paint_totals(self, painter: QPainter, lane: Lane, rect: QRect) -> None:
        route = lane.route
        painter.setFont(self.font())
        if route is None or not route.route.stops:
            painter.setPen(QColor(MUTED_COLOR))
            painter.drawText(rect, _LEFT, "No stops today")
            return
        schedule = route.schedule
        late = lane.late_count
        bold = QFont(self.font())
        bold.setBold(True)
        late_text = f"{late} late" if late else "on time"
        late_w = QFontMetrics(bold).horizontalAdvance(late_text)
        painter.setFont(bold)
        painter.setPen(QColor(LATE_COLOR if late else OK_COLOR))
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | _VCENTER, late_text)
        text = f"{schedule.km:,.0f} km · {duration_text(schedule.duration_min)} h"
        if not self._compact:  # narrow lanes: the cost is in the tooltip
            text += f" · cost {schedule.cost:,.0f}"
        painter.setFont(self.font())
        painter.setPen(QColor(INK))
        width = max(0, rect.width() - late_w - 8)
        text = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
        painter.drawText(
            QRect(rect.left(), rect.top(), width, rect.height()), _LEFT, text
        )

    def _paint_unassigned(
        self, painter: QPainter, lane: Lane, left: int, right: int, top: int, line: int
    ) -> None:
        urgent = self._urgent
        rows: list[tuple[str, str]] = []
        counts = [
            f"{n:,} {PRIORITY_BADGES[p].text.lower()}" for p, n in urgent.items() if n
        ]
        rows.append(("Urgent", " · ".join(counts) or "none"))
        rows.append(("Demand", load_text(lane.load)))
        if not self._compact and self._takes_drops:
            rows.append(("", "Drop cards here to unassign them."))
        metrics = self.fontMetrics()
        caption_w = metrics.horizontalAdvance("Demand") + 8
        painter.setFont(self.font())
        for caption, value in rows:
            rect = QRect(left, top, right - left, line)
            painter.setPen(QColor(MUTED_COLOR))
            painter.drawText(rect, _LEFT, caption)
            x = left + (caption_w if caption else 0)
            is_alert = caption == "Urgent" and urgent.get(Priority.MUST, 0) > 0
            painter.setPen(
                QColor(LATE_COLOR if is_alert else INK if caption else MUTED_COLOR)
            )
            text = metrics.elidedText(value, Qt.TextElideMode.ElideRight, right - x)
            painter.drawText(QRect(x, top, right - x, line), _LEFT, text)
            top += line + _GAP

    # -- helpers ------------------------------------------------------------------

    def _last_change_text(self, change: LastChange, width: int) -> str:
        """ "changed by anna 10:42", a long name shortened so the time stays."""
        text = last_change_text(change)
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(text) <= width:
            return text
        head = "changed by "
        when = text.removeprefix(head + change.actor)
        room = width - metrics.horizontalAdvance(head + when)
        actor = metrics.elidedText(change.actor, Qt.TextElideMode.ElideMiddle, room)
        return head + actor + when

    def _update_height(self) -> None:
        self.setFixedHeight(self.header_height())

    def _sync_lock_button(self) -> None:
        lane = self._lane
        locked = lane is not None and lane.locked
        vehicle_lane = lane is not None and lane.vehicle is not None
        button = self.lock_button
        button.setVisible(vehicle_lane and (locked or not self._hide_unlocked))
        button.setEnabled(not self._lock_refusal)
        button.setChecked(locked)
        button.setIcon(icon("lock" if locked else "unlock"))
        if self._lock_refusal:
            state = "Route locked" if locked else "Route not locked"
            button.setToolTip(f"{state}. {self._lock_refusal}")
        else:
            button.setToolTip(
                "Route locked: click to unlock it"
                if locked
                else "Lock the whole route, so the optimizer leaves it alone"
            )

    def _on_lock_button_clicked(self, checked: bool) -> None:
        lane = self._lane
        # Show the plan's state until the edit really happens (or fails).
        self._sync_lock_button()
        if self._lock_refusal:
            return
        if lane is not None and lane.vehicle_id is not None:
            self.sig_route_lock_requested.emit(lane.vehicle_id, checked)


_VCENTER = Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | _VCENTER
