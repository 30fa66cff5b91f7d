"""The day toolbar: which date to show, and how to search and filter its orders.

It only reports what the user chose through signals; the main window decides
what loading a date means.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from ui.assets import icon
from ui.models.order_filters import (
    ORDER_FILTERS,
    QUICK_FILTERS,
    OrderFilter,
    filter_by_key,
)

DATE_FORMAT = "ddd d MMM yyyy"
"""How the date edit shows the day (e.g. ``Tue 24 Nov 2026``)."""


def to_qdate(day: dt.date) -> QDate:
    """The Qt date of a Python date."""
    return QDate(day.year, day.month, day.day)


def to_date(qdate: QDate) -> dt.date:
    """The Python date of a Qt date."""
    return dt.date(qdate.year(), qdate.month(), qdate.day())


class DayToolBar(QToolBar):
    """Previous / date / next / today, refresh, status filter and search."""

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

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # -- handlers ----------------------------------------------------------------

    def _on_date_edit_changed(self, qdate: QDate) -> None:
        self.sig_date_changed.emit(to_date(qdate))

    def _on_filter_combo_changed(self, _row: int) -> None:
        self.sig_filter_changed.emit(self.order_filter())
