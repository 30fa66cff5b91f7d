"""The day toolbar: which date to show, and how to search and filter its orders.

It only reports what the user chose through signals; the main window decides
what loading a date means.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolBar,
    QToolButton,
    QWidget,
)

from ui.assets import icon
from ui.models.order_filters import (
    ALL_ROUTES,
    NO_ROUTE,
    ORDER_FILTERS,
    PRIORITY_FILTERS,
    QUICK_FILTERS,
    OrderFilter,
    filter_by_key,
    priority_filter_by_key,
    route_filter_by_key,
    vehicle_filter,
    vehicle_name_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QPaintEvent

DATE_FORMAT = "ddd d MMM yyyy"
"""How the date edit shows the day (e.g. ``Tue 24 Nov 2026``)."""

STATUS_FILTER_KEY = "order_table/filter"
ROUTE_FILTER_KEY = "order_table/route_filter"
PRIORITY_FILTER_KEY = "order_table/priority_filter"
"""Where ``save_filters`` remembers the three filters."""

_ROUTE_COMBO_CHARS = 14
"""The route combo shows this many characters; its list is as wide as needed."""


def to_qdate(day: dt.date) -> QDate:
    """The Qt date of a Python date."""
    return QDate(day.year, day.month, day.day)


def to_date(qdate: QDate) -> dt.date:
    """The Python date of a Qt date."""
    return dt.date(qdate.year(), qdate.month(), qdate.day())


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


class DayToolBar(QToolBar):
    """Previous / date / next / today, refresh, the three filters and search."""

    sig_date_changed = Signal(object)
    """The user picked another date.

    Parameters
    ----------
    day : datetime.date
        The date now shown in the date edit.
    """

    sig_search_changed = Signal(str)
    """The search text changed.

    Parameters
    ----------
    text : str
        What is in the search box.
    """

    sig_filter_changed = Signal(object)
    """The status filter changed.

    Parameters
    ----------
    order_filter : OrderFilter
        The chosen filter.
    """

    sig_route_filter_changed = Signal(object)
    """The route filter changed.

    Parameters
    ----------
    route_filter : OrderFilter
        ``ALL_ROUTES``, ``NO_ROUTE`` or a ``vehicle_filter``.
    """

    sig_priority_filter_changed = Signal(object)
    """The priority filter changed.

    Parameters
    ----------
    priority_filter : OrderFilter
        One of ``PRIORITY_FILTERS``.
    """

    sig_refresh_requested = Signal()
    """The user asked to reload the shown date."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__("Day", parent)
        self.setObjectName("dayToolBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        self.previous_action = QAction(icon("previous"), "Previous day", self)
        self.previous_action.setShortcut(QKeySequence("Alt+Left"))
        self.next_action = QAction(icon("next"), "Next day", self)
        self.next_action.setShortcut(QKeySequence("Alt+Right"))
        self.today_action = QAction(icon("today"), "Today", self)
        self.today_action.setShortcut(QKeySequence("Ctrl+T"))
        self.refresh_action = QAction(icon("refresh"), "Refresh", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        for action in (self.previous_action, self.next_action, self.refresh_action):
            action.setToolTip(f"{action.text()} ({action.shortcut().toString()})")
        self.today_action.setToolTip("Go to today (Ctrl+T)")

        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("dayDateEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setToolTip("The delivery date to show")
        self.date_edit.setAccessibleName("Delivery date")
        self.date_edit.setMinimumWidth(
            self.fontMetrics().horizontalAdvance("Wed 30 Sep 2026") + 48
        )
        calendar = self.date_edit.calendarWidget()
        calendar.setGridVisible(False)
        calendar.setVerticalHeaderFormat(calendar.VerticalHeaderFormat.NoVerticalHeader)

        self.filter_combo = QComboBox(self)
        self.filter_combo.setObjectName("statusFilter")
        self.filter_combo.setToolTip("Show only orders with this status")
        self.filter_combo.setAccessibleName("Status filter")
        for order_filter in ORDER_FILTERS:
            self.filter_combo.addItem(order_filter.label, order_filter.key)
        self.filter_combo.insertSeparator(len(QUICK_FILTERS))
        self.filter_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents
        )

        self.route_combo = ElidedComboBox(self)
        self.route_combo.setObjectName("routeFilter")
        self.route_combo.setAccessibleName("Route filter")
        # Vehicle names can be long: the combo stays compact, its list does not.
        self.route_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.route_combo.setMinimumContentsLength(_ROUTE_COMBO_CHARS)
        self._fill_route_combo((), ALL_ROUTES)

        self.priority_combo = QComboBox(self)
        self.priority_combo.setObjectName("priorityFilter")
        self.priority_combo.setToolTip("Show only orders of this priority")
        self.priority_combo.setAccessibleName("Priority filter")
        for priority_filter in PRIORITY_FILTERS:
            self.priority_combo.addItem(priority_filter.label, priority_filter.key)
        self.priority_combo.insertSeparator(2)
        self.priority_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents
        )

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("searchBox")
        self.search_edit.setPlaceholderText("Search orders, customers, addresses…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search orders")
        self.search_edit.addAction(
            icon("search"), QLineEdit.ActionPosition.LeadingPosition
        )
        self.search_edit.setMinimumWidth(200)
        self.search_edit.setMaximumWidth(420)

        self.addAction(self.previous_action)
        self.addWidget(self.date_edit)
        self.addAction(self.next_action)
        self.addAction(self.today_action)
        self.addSeparator()
        self.addAction(self.refresh_action)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._spacer_action = self.addWidget(spacer)
        label = QLabel("Show", self)
        label.setObjectName("toolbarLabel")
        label.setBuddy(self.filter_combo)
        self.addWidget(label)
        self.addWidget(self.filter_combo)
        self.addWidget(self.route_combo)
        self.addWidget(self.priority_combo)
        self.addWidget(self.search_edit)
        # Icon-only buttons for the arrows keep the date visually in the middle.
        for action in (self.previous_action, self.next_action):
            button = self.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setProperty("iconOnly", True)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self._connect_signals()

    def insert_edit_actions(self, *actions: QAction) -> None:
        """Add the window's plan actions (undo, redo, optimize …) after Refresh."""
        self.insertSeparator(self._spacer_action)
        for action in actions:
            self.insertAction(self._spacer_action, action)

    def _connect_signals(self) -> None:
        self.previous_action.triggered.connect(lambda: self.step_days(-1))
        self.next_action.triggered.connect(lambda: self.step_days(1))
        self.today_action.triggered.connect(lambda: self.set_date(dt.date.today()))
        self.refresh_action.triggered.connect(self.sig_refresh_requested)
        self.date_edit.dateChanged.connect(self._on_date_edit_changed)
        self.search_edit.textChanged.connect(self.sig_search_changed)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_changed)
        self.route_combo.currentIndexChanged.connect(self._on_route_combo_changed)
        self.priority_combo.currentIndexChanged.connect(self._on_priority_combo_changed)

    # -- our API -----------------------------------------------------------------

    def date(self) -> dt.date:
        """The date shown."""
        return to_date(self.date_edit.date())

    def set_date(self, day: dt.date, *, notify: bool = True) -> None:
        """Show ``day``; emits ``sig_date_changed`` if it changed and ``notify``."""
        if notify:
            self.date_edit.setDate(to_qdate(day))
            return
        with QSignalBlocker(self.date_edit):
            self.date_edit.setDate(to_qdate(day))

    def step_days(self, days: int) -> None:
        """Move the shown date by ``days`` (negative goes back)."""
        self.set_date(self.date() + dt.timedelta(days=days))

    def order_filter(self) -> OrderFilter:
        """The chosen status filter."""
        return filter_by_key(self.filter_combo.currentData() or "")

    def set_order_filter(self, order_filter: OrderFilter) -> None:
        """Choose a status filter (emits ``sig_filter_changed`` if it changed)."""
        row = self.filter_combo.findData(order_filter.key)
        self.filter_combo.setCurrentIndex(max(row, 0))

    def route_filter(self) -> OrderFilter:
        """The chosen route filter."""
        return route_filter_by_key(self.route_combo.currentData() or "")

    def set_route_filter(self, route_filter: OrderFilter) -> None:
        """Choose a route filter (emits ``sig_route_filter_changed`` if it changed).

        A vehicle the list does not have yet (a remembered choice before the
        first day is shown) is added to it.
        """
        row = self.route_combo.findData(route_filter.key)
        if row < 0:
            self._fill_route_combo(self._vehicle_names(), route_filter)
            return
        self.route_combo.setCurrentIndex(row)

    def set_vehicle_names(self, names: Iterable[str]) -> None:
        """List these vehicles in the route filter (the fleet of the shown day).

        The current choice stays, even a vehicle no longer listed, so the
        filter never changes behind the user's back.
        """
        self._fill_route_combo(names, self.route_filter())

    def priority_filter(self) -> OrderFilter:
        """The chosen priority filter."""
        return priority_filter_by_key(self.priority_combo.currentData() or "")

    def set_priority_filter(self, priority_filter: OrderFilter) -> None:
        """Choose a priority filter (emits ``sig_priority_filter_changed``)."""
        row = self.priority_combo.findData(priority_filter.key)
        self.priority_combo.setCurrentIndex(max(row, 0))

    def filters(self) -> dict[str, OrderFilter]:
        """The chosen filters, as ``OrderFilterProxyModel.set_filters`` takes them."""
        return {
            "status": self.order_filter(),
            "route": self.route_filter(),
            "priority": self.priority_filter(),
        }

    def save_filters(self, settings: QSettings) -> None:
        """Remember the three filters in ``settings``."""
        settings.setValue(STATUS_FILTER_KEY, self.order_filter().key)
        settings.setValue(ROUTE_FILTER_KEY, self.route_filter().key)
        settings.setValue(PRIORITY_FILTER_KEY, self.priority_filter().key)

    def restore_filters(self, settings: QSettings) -> None:
        """Choose the filters ``save_filters`` remembered (unknown keys: show all)."""

        def value(key: str) -> str:
            found = settings.value(key, "")
            return found if isinstance(found, str) else ""

        self.set_order_filter(filter_by_key(value(STATUS_FILTER_KEY)))
        self.set_route_filter(route_filter_by_key(value(ROUTE_FILTER_KEY)))
        self.set_priority_filter(priority_filter_by_key(value(PRIORITY_FILTER_KEY)))

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # -- handlers ----------------------------------------------------------------

    def _on_date_edit_changed(self, qdate: QDate) -> None:
        self.sig_date_changed.emit(to_date(qdate))

    def _on_filter_combo_changed(self, _row: int) -> None:
        self.sig_filter_changed.emit(self.order_filter())

    def _on_route_combo_changed(self, _row: int) -> None:
        self._update_route_tip()
        self.sig_route_filter_changed.emit(self.route_filter())

    def _on_priority_combo_changed(self, _row: int) -> None:
        self.sig_priority_filter_changed.emit(self.priority_filter())

    # -- internals ---------------------------------------------------------------

    def _update_route_tip(self) -> None:
        # The combo is narrower than long vehicle names: the tip has it whole.
        self.route_combo.setToolTip(
            f"Show only the orders of one route: {self.route_combo.currentText()}"
        )

    def _vehicle_names(self) -> list[str]:
        """The vehicles the route combo lists."""
        combo = self.route_combo
        names = (
            vehicle_name_of(route_filter_by_key(combo.itemData(row) or ""))
            for row in range(combo.count())
        )
        return [name for name in names if name is not None]

    def _fill_route_combo(self, names: Iterable[str], current: OrderFilter) -> None:
        """All routes, Unassigned, then the vehicles by name; ``current`` chosen.

        Emits ``sig_route_filter_changed`` only if the choice is another one.
        """
        before = self.route_filter() if self.route_combo.count() else ALL_ROUTES
        listed = sorted(set(names), key=str.casefold)
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
        self._update_route_tip()
        view = combo.view()
        widest = max(
            (combo.fontMetrics().horizontalAdvance(name) for name in listed), default=0
        )
        view.setMinimumWidth(widest + 48)
        if self.route_filter() != before:
            self.sig_route_filter_changed.emit(self.route_filter())
