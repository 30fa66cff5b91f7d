"""The order table's filter bar: route and priority choices, and how many rows show.

It sits above the table in the Orders dock and filters the table's proxy
directly, as a header view works on its model, so the proxy stays the one place
the filters live and the window has nothing to relay. The route choices are
the routes of the shown day, read from the rows themselves: a new day, or an
edit that puts a vehicle on the road, updates the list without extra wiring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMetaObject, QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

from ui.models.order_filters import (
    ALL_ROUTES,
    NO_ROUTE,
    PRIORITY_FILTERS,
    OrderFilter,
    priority_filter_by_key,
    route_filter_by_key,
    vehicle_filter,
    vehicle_name_of,
)
from ui.models.order_table_model import OrderTableModel

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PySide6.QtCore import QAbstractItemModel, QSettings
    from PySide6.QtGui import QPaintEvent

    from ui.models.order_filter_proxy import OrderFilterProxyModel

ROUTE_FILTER_KEY = "order_table/route_filter"
PRIORITY_FILTER_KEY = "order_table/priority_filter"
"""Where ``save_settings`` remembers the two filters."""

_ROUTE_COMBO_CHARS = 18
"""The route combo shows this many characters; its list is as wide as needed."""

_STYLE = """
QWidget#orderFilterBar {
    background: #ffffff;
    border-bottom: 1px solid #e1e6ed;
}
QLabel { color: #5f6b7a; }
QLabel#filterCount { padding-right: 4px; }
QComboBox {
    padding: 2px 8px;
    min-height: 18px;
    selection-background-color: #e8f1f8;
    selection-color: #0b5c99;
}
"""
"""Compact inputs (the dock is short) and a light current item in the lists."""


class ElidedComboBox(QComboBox):
    """A combo box that shortens a long current text with "…" instead of cutting it."""

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw the frame and arrow as usual, then the elided text."""
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            self,
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, field.width()
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class OrderFilterBar(QWidget):
    """Route and priority filters of an ``OrderFilterProxyModel``, and its row count.

    Parameters
    ----------
    proxy
        The table's proxy; the bar sets its route and priority filters.
    """

    sig_filters_changed = Signal()
    """The user chose another route or priority filter (already applied)."""

    def __init__(self, proxy: OrderFilterProxyModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderFilterBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_STYLE)
        self._proxy = proxy
        self._source: QAbstractItemModel | None = None
        self._source_connections: list[QMetaObject.Connection] = []
        self._names: tuple[str, ...] = ()

        self.route_combo = ElidedComboBox(self)
        self.route_combo.setObjectName("routeFilter")
        self.route_combo.setAccessibleName("Route filter")
        # Vehicle names are long: the combo stays compact, its list does not.
        self.route_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.route_combo.setMinimumContentsLength(_ROUTE_COMBO_CHARS)
        self._fill_route_combo((), proxy.route_filter())

        self.priority_combo = QComboBox(self)
        self.priority_combo.setObjectName("priorityFilter")
        self.priority_combo.setAccessibleName("Priority filter")
        self.priority_combo.setToolTip(
            "Show only orders of this priority (urgent: must or high)"
        )
        for priority_filter in PRIORITY_FILTERS:
            self.priority_combo.addItem(priority_filter.label, priority_filter.key)
        self.priority_combo.insertSeparator(2)
        self.priority_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents
        )
        self.set_priority_filter(proxy.priority_filter())

        self.count_label = QLabel(self)
        self.count_label.setObjectName("filterCount")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(6)
        for text, combo in (
            ("Route", self.route_combo),
            ("Priority", self.priority_combo),
        ):
            label = QLabel(text, self)
            label.setBuddy(combo)
            layout.addWidget(label)
            layout.addWidget(combo)
            layout.addSpacing(8)
        layout.addStretch(1)
        layout.addWidget(self.count_label)

        # Coalesce a burst of row updates (one edit repaints many rows) into
        # one rescan of the vehicle names, after the burst.
        self._names_timer = QTimer(self)
        self._names_timer.setSingleShot(True)
        self._names_timer.setInterval(0)
        self._names_timer.timeout.connect(self._refresh_vehicle_names)

        self.route_combo.currentIndexChanged.connect(self._on_route_combo_changed)
        self.priority_combo.currentIndexChanged.connect(self._on_priority_combo_changed)
        for signal in (
            proxy.rowsInserted,
            proxy.rowsRemoved,
            proxy.modelReset,
            proxy.layoutChanged,
        ):
            signal.connect(self._update_count)
        proxy.sourceModelChanged.connect(self._on_proxy_source_changed)
        self._on_proxy_source_changed()

    # -- our API -----------------------------------------------------------------

    def route_filter(self) -> OrderFilter:
        """The chosen route filter."""
        return route_filter_by_key(self.route_combo.currentData() or "")

    def set_route_filter(self, route_filter: OrderFilter) -> None:
        """Choose and apply a route filter; a vehicle not listed yet is added."""
        row = self.route_combo.findData(route_filter.key)
        if row < 0:
            self._fill_route_combo(self._names, route_filter)
        else:
            self.route_combo.setCurrentIndex(row)

    def priority_filter(self) -> OrderFilter:
        """The chosen priority filter."""
        return priority_filter_by_key(self.priority_combo.currentData() or "")

    def set_priority_filter(self, priority_filter: OrderFilter) -> None:
        """Choose and apply a priority filter."""
        row = self.priority_combo.findData(priority_filter.key)
        self.priority_combo.setCurrentIndex(max(row, 0))

    def vehicle_names(self) -> tuple[str, ...]:
        """The vehicles the route combo lists, A to Z."""
        return self._names

    def save_settings(self, settings: QSettings) -> None:
        """Remember both filters in ``settings``."""
        settings.setValue(ROUTE_FILTER_KEY, self.route_filter().key)
        settings.setValue(PRIORITY_FILTER_KEY, self.priority_filter().key)

    def restore_settings(self, settings: QSettings) -> None:
        """Choose the filters ``save_settings`` remembered (unknown: show all)."""

        def value(key: str) -> str:
            found = settings.value(key, "")
            return found if isinstance(found, str) else ""

        self.set_route_filter(route_filter_by_key(value(ROUTE_FILTER_KEY)))
        self.set_priority_filter(priority_filter_by_key(value(PRIORITY_FILTER_KEY)))

    # -- handlers ----------------------------------------------------------------

    def _on_route_combo_changed(self, _row: int) -> None:
        self._update_route_tip()
        self._proxy.set_route_filter(self.route_filter())
        self.sig_filters_changed.emit()

    def _on_priority_combo_changed(self, _row: int) -> None:
        self._proxy.set_priority_filter(self.priority_filter())
        self.sig_filters_changed.emit()

    def _on_proxy_source_changed(self) -> None:
        # By handle, never through the old source: the proxy reports a change
        # while its source is being destroyed (e.g. when the window closes).
        for connection in self._source_connections:
            QObject.disconnect(connection)
        self._source = self._proxy.sourceModel()
        self._source_connections = (
            [
                self._source.modelReset.connect(self._schedule_names),
                self._source.dataChanged.connect(self._schedule_names),
            ]
            if self._source is not None
            else []
        )
        self._refresh_vehicle_names()
        self._update_count()

    def _schedule_names(self, *_args: Any) -> None:
        self._names_timer.start()

    # -- internals ---------------------------------------------------------------

    def _refresh_vehicle_names(self) -> None:
        """List the vehicles that have orders in the table, if that set changed."""
        source = self._source
        lines = source.lines() if isinstance(source, OrderTableModel) else ()
        names = tuple(
            sorted(
                {line.vehicle_name for line in lines if line.vehicle_name},
                key=str.casefold,
            )
        )
        if names != self._names:
            self._fill_route_combo(names, self.route_filter())

    def _update_count(self, *_args: Any) -> None:
        shown = self._proxy.rowCount()
        source = self._proxy.sourceModel()
        total = source.rowCount() if source is not None else 0
        noun = "order" if total == 1 else "orders"
        text = (
            f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"
        )
        self.count_label.setText(text)

    def _update_route_tip(self) -> None:
        # The combo is narrower than long vehicle names: the tip has it whole.
        self.route_combo.setToolTip(
            f"Show only the orders of one route: {self.route_combo.currentText()}"
        )

    def _fill_route_combo(self, names: Iterable[str], current: OrderFilter) -> None:
        """All routes, Unassigned, then the vehicles; ``current`` stays chosen.

        A chosen vehicle that has no orders any more stays listed, so the filter
        never changes behind the user's back.
        """
        self._names = tuple(names)
        listed = list(self._names)
        current_name = vehicle_name_of(current)
        if current_name is not None and current_name not in listed:
            listed.append(current_name)
        combo = self.route_combo
        with QSignalBlocker(combo):
            combo.clear()
            for route_filter in (ALL_ROUTES, NO_ROUTE):
                combo.addItem(route_filter.label, route_filter.key)
            if listed:
                combo.insertSeparator(combo.count())
            for name in listed:
                combo.addItem(name, vehicle_filter(name).key)
            combo.setCurrentIndex(max(combo.findData(current.key), 0))
        widest = max(map(combo.fontMetrics().horizontalAdvance, listed), default=0)
        combo.view().setMinimumWidth(widest + 48)
        self._update_route_tip()
        if self.route_filter() != self._proxy.route_filter():
            self._proxy.set_route_filter(self.route_filter())
            self.sig_filters_changed.emit()
