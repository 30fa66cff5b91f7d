"""The audit trail: who changed what and when, with every field before → after.

Filters at the top (what kind of thing and its id, the plan date, who, a time
span, free text), the matching changes newest first in a table, and the chosen
change in words in a pane below ("window 09:00–12:00 → 10:00–11:00"). Opened
on an order, a route or a day, it starts filtered to it. Rows are read through
``dispatcher.audit.history`` (one unit of work per search).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatcher.audit import history, local_time
from dispatcher.errors import DispatcherError
from dispatcher.model import ChangeQuery

if TYPE_CHECKING:
    from dispatcher.audit import AuditEntry
    from dispatcher.ports import UnitOfWorkFactory

ENTITIES: tuple[tuple[str, str | None], ...] = (
    ("Everything", None),
    ("Orders", "order"),
    ("Routes", "route"),
    ("Dispatches", "dispatch"),
    ("Customers", "customer"),
    ("Users", "user"),
)
"""The "What" choices: label and the ``Change.entity`` they select."""

SPANS: tuple[tuple[str, dt.timedelta | None], ...] = (
    ("Any time", None),
    ("Last hour", dt.timedelta(hours=1)),
    ("Last 24 hours", dt.timedelta(days=1)),
    ("Last 7 days", dt.timedelta(days=7)),
    ("Last 30 days", dt.timedelta(days=30)),
)
"""The "When" choices: label and how far back."""

COLUMNS = ("When", "Who", "What", "Change", "Plan date")
_WHEN, _WHO, _WHAT, _CHANGE, _DATE = range(len(COLUMNS))

LIMIT = 500
"""At most this many changes are listed (the newest)."""

SEARCH_DELAY_MS = 250
"""Typing waits this long for the next key before searching."""


class AuditDialog(QDialog):
    """Searchable history of changes (per order, per route, per day, or all).

    Parameters
    ----------
    uow_factory
        Opens the units of work the history is read in.
    day
        Start filtered to this plan date.
    entity, entity_id
        Start filtered to one thing ("order", "17"; "route", "4").
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        *,
        day: dt.date | None = None,
        entity: str | None = None,
        entity_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle("History of changes")
        self._uow_factory = uow_factory
        self._entries: list[AuditEntry] = []

        self.what_combo = QComboBox(self)
        for label, value in ENTITIES:
            self.what_combo.addItem(label, value)
        self.id_edit = QLineEdit(self)
        self.id_edit.setPlaceholderText("id")
        self.id_edit.setClearButtonEnabled(True)
        self.id_edit.setMaximumWidth(90)
        self.day_check = QCheckBox("Plan date", self)
        self.day_edit = QDateEdit(self)
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("ddd d MMM yyyy")
        self.day_edit.setDate(QDate.currentDate())
        self.user_combo = QComboBox(self)
        self.user_combo.setEditable(True)
        self.user_combo.setMinimumContentsLength(10)
        line = self.user_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("anyone")
        self.span_combo = QComboBox(self)
        for label, span in SPANS:
            self.span_combo.addItem(label, span)
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText("Search in values, logins and ids")
        self.text_edit.setClearButtonEnabled(True)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in (_WHEN, _WHO, _DATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_WHAT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_WHAT, 200)
        header.setSectionResizeMode(_CHANGE, QHeaderView.ResizeMode.Stretch)
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("auditDetail")
        self.detail.setPlaceholderText("Choose a change to see it field by field.")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("auditCount")

        self._set_filters(day, entity, entity_id)
        self._build_layout()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self._connect()
        self._fill_users()
        self.resize(980, 640)
        self.refresh()

    # -- building -----------------------------------------------------------------

    def _set_filters(
        self, day: dt.date | None, entity: str | None, entity_id: str | None
    ) -> None:
        index = self.what_combo.findData(entity)
        self.what_combo.setCurrentIndex(max(index, 0))
        self.id_edit.setText(entity_id or "")
        self.day_check.setChecked(day is not None)
        if day is not None:
            self.day_edit.setDate(QDate(day.year, day.month, day.day))
        self.day_edit.setEnabled(day is not None)

    def _build_layout(self) -> None:
        what = QHBoxLayout()
        what.setSpacing(6)
        what.addWidget(self.what_combo)
        what.addWidget(self.id_edit)
        when = QHBoxLayout()
        when.setSpacing(6)
        when.addWidget(self.day_check)
        when.addWidget(self.day_edit)
        when.addSpacing(12)
        when.addWidget(QLabel("Written", self))
        when.addWidget(self.span_combo)
        left = QFormLayout()
        left.addRow("What", what)
        left.addRow("When", when)
        right = QFormLayout()
        right.addRow("Who", self.user_combo)
        right.addRow("Text", self.text_edit)
        filters = QHBoxLayout()
        filters.setSpacing(24)
        filters.addLayout(left)
        filters.addLayout(right, 1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.refresh_button = buttons.addButton(
            "Refresh", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.refresh_button.clicked.connect(self.refresh)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.what_combo.currentIndexChanged.connect(self.refresh)
        self.span_combo.currentIndexChanged.connect(self.refresh)
        self.day_check.toggled.connect(self.day_edit.setEnabled)
        self.day_check.toggled.connect(self.refresh)
        self.day_edit.dateChanged.connect(self.refresh)
        self.user_combo.currentTextChanged.connect(self._search_soon)
        self.id_edit.textChanged.connect(self._search_soon)
        self.text_edit.textChanged.connect(self._search_soon)
        self.table.itemSelectionChanged.connect(self._show_detail)

    def _fill_users(self) -> None:
        try:
            with self._uow_factory() as uow:
                logins = [u.login for u in uow.users.list()]
        except DispatcherError:
            logins = []
        self.user_combo.blockSignals(True)
        self.user_combo.addItem("")
        self.user_combo.addItems(logins)
        self.user_combo.setCurrentIndex(0)
        self.user_combo.blockSignals(False)

    # -- our API ------------------------------------------------------------------

    def query(self) -> ChangeQuery:
        """The search the filters describe."""
        day = self.day_edit.date().toPython() if self.day_check.isChecked() else None
        span = self.span_combo.currentData()
        since = (
            dt.datetime.now(dt.UTC).replace(tzinfo=None) - span
            if isinstance(span, dt.timedelta)
            else None
        )
        return ChangeQuery(
            entity=self.what_combo.currentData(),
            entity_id=self.id_edit.text().strip() or None,
            plan_date=day if isinstance(day, dt.date) else None,
            user=self.user_combo.currentText().strip() or None,
            text=self.text_edit.text(),
            since=since,
            limit=LIMIT,
        )

    def entries(self) -> list[AuditEntry]:
        """The changes listed, newest first."""
        return list(self._entries)

    def refresh(self) -> None:
        """Search again with the current filters."""
        self._search_timer.stop()
        try:
            self._entries = history(self._uow_factory, self.query())
        except DispatcherError as exc:
            self._entries = []
            self.count_label.setText(str(exc))
        else:
            shown = len(self._entries)
            more = " (the newest; narrow the search for older ones)"
            self.count_label.setText(
                f"{shown} change{'s' if shown != 1 else ''}"
                + (more if shown >= LIMIT else "")
            )
        self._fill_table()

    # -- internals ----------------------------------------------------------------

    def _search_soon(self) -> None:
        self._search_timer.start()

    def _fill_table(self) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            change = entry.change
            cells = (
                f"{local_time(change.at):%d %b %H:%M:%S}",
                change.user,
                entry.subject,
                entry.summary or entry.headline.split(" ", 1)[-1],
                f"{change.plan_date:%a %d %b}" if change.plan_date else "",
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == _CHANGE:
                    item.setToolTip("\n".join(entry.lines) or value)
                self.table.setItem(row, column, item)
        if self._entries:
            self.table.selectRow(0)
        else:
            self.detail.clear()

    def _show_detail(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.clear()
            return
        entry = self._entries[rows[0].row()]
        self.detail.setHtml(detail_html(entry))


def detail_html(entry: AuditEntry) -> str:
    """The chosen change as a headline, its time and one line per field."""
    change = entry.change
    when = local_time(change.at)
    lines = "".join(f"<li>{_escape(line)}</li>" for line in entry.lines)
    summary = f" — {_escape(entry.summary)}" if entry.summary else ""
    return (
        f"<p><b>{_escape(entry.headline)}</b>{summary}</p>"
        f"<p style='color:#666'>{when:%A %d %B %Y, %H:%M:%S} · "
        f"{_escape(change.entity)} {_escape(change.entity_id)} · "
        f"{change.action.value}</p>" + (f"<ul>{lines}</ul>" if lines else "")
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
