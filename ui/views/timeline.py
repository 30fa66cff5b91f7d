"""A timeline (Gantt) of the day's routes: one row per vehicle, time across.

Each row shows the vehicle's shift (light band), the route from departure to
return (a thin line in the route colour), and one block per stop from arrival
to departure: a pale part while the driver waits for the window to open, a
solid part while serving. Late stops are vermillion with a dark outline, breaks
are grey. The time axis fits the width, rows scroll vertically; clicking a
stop selects it everywhere, hovering shows the same tooltip as its card.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from dispatcher.model import format_minutes
from ui.assets import icon
from ui.models.badges import LATE_COLOR, MUTED_COLOR
from ui.models.route_board_text import card_tooltip, lane_tooltip

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent, QPaintEvent, QResizeEvent

    from dispatcher.model import OrderId
    from ui.models.route_board_lanes import Card, Lane
    from ui.models.route_board_model import RouteBoardModel
    from ui.selection import OrderSelection

INK = "#1f2933"
LABEL_WIDTH = 200
AXIS_HEIGHT = 26
ROW_HEIGHT = 30
_BLOCK_MARGIN = 7
_RIGHT_MARGIN = 36
"""Room right of the last hour, so its label is not cut."""
_DEFAULT_SPAN = (6 * 60, 20 * 60)
"""Hours shown when no route is timed yet."""


@dataclass(frozen=True, slots=True)
class _Hit:
    lane: Lane
    card: Card | None


class TimelineView(QAbstractScrollArea):
    """Routes as horizontal bars over the hours of the day."""

    def __init__(
        self,
        model: RouteBoardModel,
        selection: OrderSelection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setMouseTracking(True)
        self._model = model
        self._selection = selection
        model.modelReset.connect(self._on_model_changed)
        model.sig_lanes_refreshed.connect(self._on_model_changed)
        selection.sig_selection_changed.connect(self._on_selection_changed)
        self._on_model_changed()

    # -- our API -----------------------------------------------------------------

    def lanes(self) -> tuple[Lane, ...]:
        """The vehicle lanes shown, top to bottom."""
        return self._model.lanes()[1:]

    def time_span(self) -> tuple[int, int]:
        """First and last minute on the axis, whole hours around every shift."""
        starts: list[float] = []
        ends: list[float] = []
        for lane in self.lanes():
            if lane.vehicle is not None:
                starts.append(lane.vehicle.shift.start)
                ends.append(lane.vehicle.shift.end)
            if lane.route is not None and lane.cards:
                starts.append(lane.route.schedule.departure)
                ends.append(lane.route.schedule.end)
        if not starts:
            return _DEFAULT_SPAN
        first = int(math.floor(min(starts) / 60) * 60)
        last = int(math.ceil(max(ends) / 60) * 60)
        return first, max(last, first + 60)

    def x_of(self, minute: float) -> float:
        """Viewport x of a minute after midnight."""
        first, last = self._span
        width = max(1, self.viewport().width() - LABEL_WIDTH - _RIGHT_MARGIN)
        return LABEL_WIDTH + (minute - first) * width / (last - first)

    def stop_rect(self, lane_row: int, card_row: int) -> QRectF:
        """Where a stop's block is drawn (lane_row counts vehicle lanes from 0)."""
        lane = self.lanes()[lane_row]
        timing = lane.cards[card_row].timing
        top = AXIS_HEIGHT + lane_row * ROW_HEIGHT - self.verticalScrollBar().value()
        if timing is None:
            return QRectF()
        left = self.x_of(timing.arrival)
        right = max(left + 3, self.x_of(timing.departure))
        return QRectF(
            left, top + _BLOCK_MARGIN, right - left, ROW_HEIGHT - 2 * _BLOCK_MARGIN
        )

    # -- Qt overrides ---------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Axis, rows, shifts, routes, stops."""
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), QColor("#ffffff"))
        offset = self.verticalScrollBar().value()
        selected = self._selection.ids
        for row, lane in enumerate(self.lanes()):
            top = AXIS_HEIGHT + row * ROW_HEIGHT - offset
            if top + ROW_HEIGHT < AXIS_HEIGHT or top > self.viewport().height():
                continue
            self._paint_row(painter, row, lane, top, selected)
        self._paint_grid(painter)
        self._paint_axis(painter)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the scroll range in step with the height."""
        super().resizeEvent(event)
        self._update_scroll_range()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Click a stop: select it (Ctrl adds or removes); click empty: clear."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        hit = self.hit_test(event.position().toPoint())
        card = hit.card if hit is not None else None
        adding = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        ids = set(self._selection.ids) if adding else set()
        if card is not None:
            ids.symmetric_difference_update({card.order_id})
        self._selection.set(ids, source=self)
        self.viewport().update()

    def viewportEvent(self, event: QEvent) -> bool:
        """Tooltips of stops and vehicle labels."""
        if event.type() == event.Type.ToolTip:
            pos = event.pos()  # type: ignore[attr-defined]
            hit = self.hit_test(pos)
            if hit is None:
                QToolTip.hideText()
            elif hit.card is not None:
                QToolTip.showText(event.globalPos(), card_tooltip(hit.card, hit.lane))  # type: ignore[attr-defined]
            else:
                QToolTip.showText(event.globalPos(), lane_tooltip(hit.lane))  # type: ignore[attr-defined]
            return True
        return super().viewportEvent(event)

    def hit_test(self, pos: QPoint) -> _Hit | None:
        """The lane (and stop, if any) under a viewport point."""
        if pos.y() < AXIS_HEIGHT:
            return None
        row = (pos.y() - AXIS_HEIGHT + self.verticalScrollBar().value()) // ROW_HEIGHT
        lanes = self.lanes()
        if not 0 <= row < len(lanes):
            return None
        lane = lanes[row]
        if pos.x() < LABEL_WIDTH:
            return _Hit(lane, None)
        for card_row, card in enumerate(lane.cards):
            rect = self.stop_rect(row, card_row).adjusted(-1, -2, 1, 2)
            if rect.contains(pos.x(), pos.y()):
                return _Hit(lane, card)
        return _Hit(lane, None)

    # -- painting ---------------------------------------------------------------------

    def _hour_step(self) -> int:
        """Label every hour, or every other one when hours get narrow."""
        first = self._span[0]
        return 1 if self.x_of(first + 60) - self.x_of(first) >= 44 else 2

    def _paint_grid(self, painter: QPainter) -> None:
        first, last = self._span
        # Drawn over the rows, faint enough not to hide the stops.
        painter.setPen(QColor(31, 41, 51, 24))
        height = self.viewport().height()
        for minute in range(first, last + 1, 60 * self._hour_step()):
            x = int(self.x_of(minute))
            painter.drawLine(x, AXIS_HEIGHT, x, height)

    def _paint_axis(self, painter: QPainter) -> None:
        width = self.viewport().width()
        painter.fillRect(QRect(0, 0, width, AXIS_HEIGHT), QColor("#f0f3f7"))
        painter.setPen(QColor("#d5dce5"))
        painter.drawLine(0, AXIS_HEIGHT - 1, width, AXIS_HEIGHT - 1)
        first, last = self._span
        hours = (last - first) // 60
        step = self._hour_step()
        painter.setFont(self.font())
        for hour in range(0, hours + 1, step):
            minute = first + hour * 60
            x = int(self.x_of(minute))
            painter.setPen(QColor("#3b4656"))
            painter.drawText(
                QRect(x - 30, 0, 60, AXIS_HEIGHT),
                Qt.AlignmentFlag.AlignCenter,
                format_minutes(minute),
            )
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(
            QRect(10, 0, LABEL_WIDTH - 10, AXIS_HEIGHT),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Vehicle",
        )

    def _paint_row(
        self,
        painter: QPainter,
        row: int,
        lane: Lane,
        top: int,
        selected: frozenset[OrderId],
    ) -> None:
        width = self.viewport().width()
        if row % 2:
            painter.fillRect(QRect(0, top, width, ROW_HEIGHT), QColor("#f7f9fb"))
        painter.setPen(QColor("#eef1f5"))
        painter.drawLine(0, top + ROW_HEIGHT - 1, width, top + ROW_HEIGHT - 1)
        self._paint_label(painter, lane, top)
        vehicle = lane.vehicle
        if vehicle is None:
            return
        mid = top + ROW_HEIGHT // 2
        shift = QRectF(
            self.x_of(vehicle.shift.start),
            top + 4,
            self.x_of(vehicle.shift.end) - self.x_of(vehicle.shift.start),
            ROW_HEIGHT - 8,
        )
        painter.fillRect(shift, QColor("#eaf0f6"))
        route = lane.route
        if route is None or not lane.cards:
            return
        schedule = route.schedule
        color = QColor(lane.color)
        painter.setPen(QPen(color, 2))
        painter.drawLine(
            int(self.x_of(schedule.departure)), mid, int(self.x_of(schedule.end)), mid
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for start, end in schedule.breaks:
            rect = QRectF(
                self.x_of(start),
                top + 9,
                self.x_of(end) - self.x_of(start),
                ROW_HEIGHT - 18,
            )
            painter.fillRect(rect, QColor("#b8c2cf"))
        for card_row, card in enumerate(lane.cards):
            if card.timing is not None:
                rect = self.stop_rect(row, card_row)
                self._paint_stop(painter, rect, card, color, card.order_id in selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _paint_stop(
        self, painter: QPainter, rect: QRectF, card: Card, color: QColor, selected: bool
    ) -> None:
        """A stop's block: pale while waiting, solid while serving.

        A stop that breaks a rule gets a dark vermillion outline, a late one
        also a marker above it: a shape, so it reads apart from a route that
        happens to be vermillion.
        """
        timing = card.timing
        assert timing is not None
        start = self.x_of(timing.start)
        if timing.wait > 0:
            pale = QColor(color)
            pale.setAlpha(70)
            wait = QRectF(
                rect.left(), rect.top() + 4, start - rect.left(), rect.height() - 8
            )
            painter.fillRect(wait, pale)
        serve = QRectF(
            start,
            rect.top(),
            max(3.0, self.x_of(timing.departure) - start),
            rect.height(),
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(serve, 2, 2)
        problem = QColor(LATE_COLOR).darker(120)
        if timing.lateness > 0:
            x, y = serve.center().x(), rect.top() - 1
            painter.setBrush(problem)
            painter.drawPolygon(
                [QPointF(x - 4, y - 5), QPointF(x + 4, y - 5), QPointF(x, y)]
            )
        if selected or card.violations:
            painter.setPen(QPen(QColor(INK) if selected else problem, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(serve.adjusted(-1, -1, 1, 1), 2, 2)

    def _paint_label(self, painter: QPainter, lane: Lane, top: int) -> None:
        chip = QRect(10, top + 9, 5, ROW_HEIGHT - 18)
        painter.fillRect(chip, QColor(lane.color))
        metrics = QFontMetrics(self.font())
        text = lane.title
        if lane.late_count:
            text += f"  ·  {lane.late_count} late"
        painter.setPen(QColor(LATE_COLOR if lane.late_count else INK))
        if not lane.cards:
            painter.setPen(QColor(MUTED_COLOR))
        painter.setFont(self.font())
        room = LABEL_WIDTH - 30
        if lane.locked:
            glyph = QRect(LABEL_WIDTH - 22, top + (ROW_HEIGHT - 14) // 2, 14, 14)
            icon("lock").paint(painter, glyph)
            room -= 18
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        painter.drawText(
            QRect(22, top, LABEL_WIDTH - 26, ROW_HEIGHT),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            elided,
        )

    # -- helpers ------------------------------------------------------------------

    def _update_scroll_range(self) -> None:
        content = AXIS_HEIGHT + len(self.lanes()) * ROW_HEIGHT
        bar = self.verticalScrollBar()
        bar.setPageStep(self.viewport().height())
        bar.setSingleStep(ROW_HEIGHT)
        bar.setRange(0, max(0, content - self.viewport().height()))

    def _on_model_changed(self, *_args: object) -> None:
        self._span = self.time_span()
        self._update_scroll_range()
        self.viewport().update()

    def _on_selection_changed(self, *_args: object) -> None:
        self.viewport().update()
