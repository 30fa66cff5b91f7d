"""The order table: one row per order of the day, from ``DayView.lines``.

The model only adapts immutable ``OrderLine`` values: it holds no business
rules and never talks to storage. Each column is described once in ``COLUMNS``
(title, how to display, sort and explain a line), so display text, sorting and
search cannot drift apart. Sorting uses ``SortRole`` (real minutes, kilograms,
ranks), never the display strings.

Time windows, priority and notes of open orders are edited in place, but
``setData`` never changes a row: it checks the value (``ui.models.order_edits``)
and emits ``sig_edit_requested`` for the plan document to save as an undoable
step, or ``sig_edit_rejected`` with one sentence. The row changes when the
saved order comes back through ``update_lines``. Cells edit and rows drag
only as far as the signed-in role allows (``set_rights``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from dispatcher.model import OrderKind, Priority, format_minutes
from dispatcher.permissions import Action
from dispatcher.timing import effective_windows, required_skills
from ui.models.badges import (
    LATE_COLOR,
    MUTED_COLOR,
    PRIORITY_LABELS,
    PRIORITY_RANK,
    STATUS_DESCRIPTIONS,
    STATUS_RANK,
    status_badge,
)
from ui.models.edit_rights import EditRights
from ui.models.order_edits import (
    EditRefused,
    OrderField,
    edit_refusal,
    edit_text,
    prepare_edit,
)
from ui.models.order_mime import ORDER_IDS_MIME, encode_order_ids
from ui.models.roles import BadgeRole, IdRole, LineRole, SearchRole, SortRole

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from dispatcher.day_view import OrderLine
    from dispatcher.model import OrderId

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The columns of the order table, in display order."""

    REFERENCE = 0
    CUSTOMER = 1
    ADDRESS = 2
    WINDOWS = 3
    KG = 4
    M3 = 5
    PALLETS = 6
    SERVICE = 7
    PRIORITY = 8
    SKILLS = 9
    STATUS = 10
    VEHICLE = 11
    STOP = 12
    ETA = 13
    LATE = 14
    NOTES = 15


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """How one column shows, sorts and explains an order line."""

    title: str
    header_tip: str
    display: Callable[[OrderLine], str]
    sort: Callable[[OrderLine], Any]
    tooltip: Callable[[OrderLine], str] | None = None
    numeric: bool = False
    sample: str = ""
    """A typical widest value: sizes the column on first start."""


def _amount(value: float) -> str:
    """A demand amount without noise: blank for zero, at most two decimals.

    Small volumes matter (a parcel is 0.04 m³), so they keep their decimals;
    trailing zeros go (``1.50`` shows as ``1.5``, ``12.00`` as ``12``).
    """
    if not value:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _windows_text(line: OrderLine) -> str:
    windows = effective_windows(line.order, line.customer)
    return ", ".join(str(w) for w in windows) if windows else "closed"


def _windows_sort(line: OrderLine) -> tuple[tuple[int, int], ...]:
    return tuple((w.start, w.end) for w in effective_windows(line.order, line.customer))


def _windows_tip(line: OrderLine) -> str:
    source = (
        "the order's own time windows"
        if line.order.windows
        else "the customer's receiving hours on this weekday"
    )
    return f"{_windows_text(line)}\nFrom {source}."


def _skills_text(line: OrderLine) -> str:
    return ", ".join(sorted(required_skills(line.order, line.customer)))


def _reference_tip(line: OrderLine) -> str:
    order = line.order
    parts = [f"Order {order.reference} · {order.kind.value}"]
    if order.attempt > 1:
        parts.append(f"attempt {order.attempt}")
    text = " · ".join(parts)
    return f"{text}\n{order.notes}" if order.notes else text


def _customer_tip(line: OrderLine) -> str:
    customer = line.customer
    contact = " · ".join(
        part for part in (customer.contact_name, customer.phone, customer.email) if part
    )
    return "\n".join(part for part in (customer.name, contact, customer.notes) if part)


def _vehicle_tip(line: OrderLine) -> str:
    if line.vehicle_name is None:
        return "Not on any route of this day."
    return f"Stop {line.sequence} of {line.vehicle_name}."


def _eta_text(line: OrderLine) -> str:
    return format_minutes(line.eta) if line.eta is not None else ""


def _late_minutes(line: OrderLine) -> int:
    # Round up: a stop 0.2 min late is late, and must not show as "0".
    return int(-(-line.lateness // 1)) if line.lateness > 0 else 0


def _late_tip(line: OrderLine) -> str:
    minutes = _late_minutes(line)
    if not minutes:
        return "On time." if line.eta is not None else ""
    return f"Service starts {minutes} min after the last time window closes."


def _kind_suffix(line: OrderLine) -> str:
    return " (pickup)" if line.order.kind is OrderKind.PICKUP else ""


_EDIT_HINT = " (double-click or F2 to edit)"


COLUMNS: dict[Column, ColumnSpec] = {
    Column.REFERENCE: ColumnSpec(
        "Reference",
        "The order's reference",
        lambda line: line.order.reference + _kind_suffix(line),
        lambda line: line.order.reference.casefold(),
        _reference_tip,
        sample="SO-261124-0001-R2",  # rebooked orders carry -R<n>
    ),
    Column.CUSTOMER: ColumnSpec(
        "Customer",
        "The customer receiving the delivery",
        lambda line: line.customer.name,
        lambda line: line.customer.name.casefold(),
        _customer_tip,
        sample="Boulangerie Martin",
    ),
    Column.ADDRESS: ColumnSpec(
        "Address",
        "Where the vehicle goes",
        lambda line: line.customer.address,
        lambda line: line.customer.address.casefold(),
        lambda line: line.customer.address,
        sample="128 Avenue Jean Jaurès, 69007 Lyon",
    ),
    Column.WINDOWS: ColumnSpec(
        "Time windows",
        "When the customer accepts the delivery" + _EDIT_HINT,
        _windows_text,
        _windows_sort,
        _windows_tip,
        sample="08:00–12:00, 14:00",
    ),
    Column.KG: ColumnSpec(
        "kg",
        "Weight to deliver, in kilograms",
        lambda line: _amount(line.order.demand.kg),
        lambda line: line.order.demand.kg,
        numeric=True,
        sample="1,000",
    ),
    Column.M3: ColumnSpec(
        "m³",
        "Volume to deliver, in cubic metres",
        lambda line: _amount(line.order.demand.m3),
        lambda line: line.order.demand.m3,
        numeric=True,
        sample="10.5",
    ),
    Column.PALLETS: ColumnSpec(
        "Pallets",
        "Pallet places to deliver",
        lambda line: _amount(line.order.demand.pallets),
        lambda line: line.order.demand.pallets,
        numeric=True,
        sample="10",
    ),
    Column.SERVICE: ColumnSpec(
        "Service",
        "Minutes spent at the customer",
        lambda line: f"{line.order.service_minutes} min",
        lambda line: line.order.service_minutes,
        numeric=True,
        sample="60 min",
    ),
    Column.PRIORITY: ColumnSpec(
        "Priority",
        "How badly the order must be served today" + _EDIT_HINT,
        lambda line: PRIORITY_LABELS[line.order.priority],
        lambda line: PRIORITY_RANK[line.order.priority],
        sample="Optional",
    ),
    Column.SKILLS: ColumnSpec(
        "Skills",
        "What the vehicle needs (cold chain, tail-lift, ...)",
        _skills_text,
        lambda line: _skills_text(line).casefold(),
        lambda line: _skills_text(line) or "No special vehicle needed.",
        sample="cold_chain, adr",
    ),
    Column.STATUS: ColumnSpec(
        "Status",
        "Where the order is in its lifecycle",
        lambda line: status_badge(line.order.status).text,
        lambda line: STATUS_RANK[line.order.status],
        lambda line: STATUS_DESCRIPTIONS[line.order.status],
        sample="Dispatched",
    ),
    Column.VEHICLE: ColumnSpec(
        "Vehicle",
        "The vehicle whose route serves the order",
        lambda line: line.vehicle_name or "Unassigned",
        lambda line: line.vehicle_name.casefold() if line.vehicle_name else None,
        _vehicle_tip,
        sample="Reefer van 01 · WE-128-TF",
    ),
    Column.STOP: ColumnSpec(
        "Stop",
        "Position of the stop on its route",
        lambda line: "" if line.sequence is None else str(line.sequence),
        lambda line: line.sequence,
        _vehicle_tip,
        numeric=True,
        sample="99",
    ),
    Column.ETA: ColumnSpec(
        "ETA",
        "Planned arrival at the customer",
        _eta_text,
        lambda line: line.eta,
        lambda line: (
            f"Planned arrival {_eta_text(line)}." if line.eta is not None else ""
        ),
        numeric=True,
        sample="00:00",
    ),
    Column.LATE: ColumnSpec(
        "Late",
        "Minutes after the last time window closes",
        lambda line: f"{_late_minutes(line)} min" if _late_minutes(line) else "",
        lambda line: line.lateness,
        _late_tip,
        numeric=True,
        sample="100 min",
    ),
    Column.NOTES: ColumnSpec(
        "Notes",
        "Notes on the order for the driver" + _EDIT_HINT,
        lambda line: " ".join(line.order.notes.splitlines()),
        lambda line: line.order.notes.casefold(),
        lambda line: line.order.notes,
        sample="Call on arrival",
    ),
}
"""Every column's specification, keyed by column."""

EDITABLE_COLUMNS: dict[Column, OrderField] = {
    Column.WINDOWS: OrderField.WINDOWS,
    Column.PRIORITY: OrderField.PRIORITY,
    Column.NOTES: OrderField.NOTES,
}
"""The columns edited in place, and the order field each one edits."""

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class OrderTableModel(QAbstractTableModel):
    """A table over the order lines of one day; edits become requests."""

    sig_edit_requested = Signal(object, str, object)
    """The user edited a cell with a valid, different value; nothing changed yet.

    Parameters
    ----------
    order_id : OrderId
        The edited order.
    field : str
        The ``OrderField`` value: ``"windows"``, ``"priority"`` or ``"notes"``.
    value : tuple[TimeWindow, ...] | Priority | str
        The new value, parsed and checked against the customer's hours.
    """

    sig_edit_rejected = Signal(str)
    """The user's value was refused; nothing was requested or changed.

    Parameters
    ----------
    message : str
        One sentence naming the order, the field and why.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: tuple[OrderLine, ...] = ()
        self._search_text: list[str] = []
        self._rows_by_id: dict[OrderId, int] = {}
        self._sort_keys: dict[int, list[Any]] = {}
        self._muted = QColor(MUTED_COLOR)
        self._late = QColor(LATE_COLOR)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._rights = EditRights()
        # Read on every flags() call (each painted cell): worked out once.
        self._draggable = True
        self._editable = True

    # -- our API -----------------------------------------------------------------

    def rights(self) -> EditRights:
        """What the signed-in role may change on the day shown."""
        return self._rights

    def set_rights(self, rights: EditRights) -> None:
        """Edit cells and drag rows only as ``rights`` allow."""
        if rights == self._rights:
            return
        self._rights = rights
        self._draggable = rights.may_move_any
        self._editable = rights.may(Action.EDIT_ORDER)
        # Views read flags as they need them; the editable columns' tips say why.
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)

    def set_lines(self, lines: Sequence[OrderLine]) -> None:
        """Replace every row (a bulk reload, so views reset)."""
        self.beginResetModel()
        self._lines = tuple(lines)
        self._rows_by_id = {line.order.id: row for row, line in enumerate(self._lines)}
        self._sort_keys = {}
        # Built once per reload: the search filter runs on every keystroke.
        self._search_text = [self._search_line(line) for line in self._lines]
        self.endResetModel()

    @staticmethod
    def _search_line(line: OrderLine) -> str:
        """Every shown text of a row, folded, for free-text search."""
        return " ".join(spec.display(line) for spec in COLUMNS.values()).casefold()

    def update_lines(self, lines: Iterable[OrderLine]) -> None:
        """Replace the rows of orders already shown, repainting only those rows.

        An order the table does not have yet means the day's set of orders
        changed: the table then reloads as a whole.
        """
        current = list(self._lines)
        rows: list[int] = []
        for line in lines:
            row = self._rows_by_id.get(line.order.id)
            if row is None:
                self.set_lines([*current, line])
                return
            current[row] = line
            rows.append(row)
        if not rows:
            return
        self._lines = tuple(current)
        self._sort_keys = {}
        for row in rows:
            self._search_text[row] = self._search_line(current[row])
        last_column = self.columnCount() - 1
        for row in sorted(rows):
            self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))

    def lines(self) -> tuple[OrderLine, ...]:
        """The rows, in model order."""
        return self._lines

    def line(self, row: int) -> OrderLine:
        """The line shown in ``row``."""
        return self._lines[row]

    def search_text(self, row: int) -> str:
        """The ``SearchRole`` text of a row, without a round trip through Qt."""
        return self._search_text[row]

    def sort_value(self, row: int, column: int) -> Any:
        """The ``SortRole`` value of a cell, without a round trip through Qt.

        Values are computed once per column and reload: a sort compares each
        row about log n times.
        """
        keys = self._sort_keys.get(column)
        if keys is None:
            sort = COLUMNS[Column(column)].sort
            keys = self._sort_keys[column] = [sort(line) for line in self._lines]
        return keys[row]

    def row_of(self, order_id: OrderId) -> int | None:
        """The row of an order, or None if the day does not have it."""
        return self._rows_by_id.get(order_id)

    # -- Qt overrides ------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows under the root; table cells have no children."""
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Columns under the root; table cells have no children."""
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Cells select and drag (onto the board); open orders' edit columns edit.

        Rows drag only if the role may move orders, cells edit only if it may
        edit orders.
        """
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._draggable:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        field = EDITABLE_COLUMNS.get(Column(index.column()))
        if (
            field is not None
            and self._editable
            and 0 <= index.row() < len(self._lines)
            and edit_refusal(self._lines[index.row()].order, field) is None
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        """Check an edited value and request it; the row itself never changes here.

        Returns True if an edit was requested (``sig_edit_requested``), False if
        the value was refused (``sig_edit_rejected``), also by the role, or is
        what the order has.
        """
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        field = EDITABLE_COLUMNS.get(Column(index.column()))
        if field is None or not 0 <= index.row() < len(self._lines):
            return False
        refusal = self._rights.refusal(Action.EDIT_ORDER)
        if refusal:
            self.sig_edit_rejected.emit(refusal)
            return False
        line = self._lines[index.row()]
        try:
            parsed = prepare_edit(line.order, line.customer, field, value)
        except EditRefused as exc:
            self.sig_edit_rejected.emit(str(exc))
            return False
        if parsed is None:
            return False
        self.sig_edit_requested.emit(line.order.id, field.value, parsed)
        return True

    def mimeTypes(self) -> list[str]:
        """Rows leave as order ids, the payload the route board accepts."""
        return [ORDER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The ids of the rows of ``indexes``, once each, in the order given.

        The table never removes rows after a drag: its drags are copies (Qt's
        default ``supportedDragActions``), the board turns them into requests.
        """
        ids = (
            self._lines[index.row()].order.id
            for index in indexes
            if index.isValid() and 0 <= index.row() < len(self._lines)
        )
        return encode_order_ids(ids)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles, tips and alignment; rows have no header."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        spec = COLUMNS[Column(section)]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.title
        if role == Qt.ItemDataRole.ToolTipRole:
            refusal = (
                self._rights.refusal(Action.EDIT_ORDER)
                if Column(section) in EDITABLE_COLUMNS
                else ""
            )
            if refusal:
                return f"{spec.header_tip.removesuffix(_EDIT_HINT)}\n{refusal}"
            return spec.header_tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if spec.numeric else _LEFT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The value of a cell for a role (see ``ui.models.roles``)."""
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = Column(index.column())
        spec = COLUMNS[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.display(line)
        if role == Qt.ItemDataRole.EditRole:
            field = EDITABLE_COLUMNS.get(column)
            if field is None:
                return None
            return edit_text(line.order, line.customer, field)
        if role == SortRole:
            return self.sort_value(index.row(), column)
        if role == IdRole:
            return line.order.id
        if role == LineRole:
            return line
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.tooltip(line) if spec.tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if spec.numeric else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(column, line)
        if role == Qt.ItemDataRole.FontRole:
            return self._font(column, line)
        if role == BadgeRole and column == Column.STATUS:
            return status_badge(line.order.status)
        if role == SearchRole:
            return self._search_text[index.row()]
        return None

    # -- helpers -----------------------------------------------------------------

    def _foreground(self, column: Column, line: OrderLine) -> QColor | None:
        if column == Column.LATE and line.lateness > 0:
            return self._late
        if column == Column.VEHICLE and line.vehicle_name is None:
            return self._muted
        if column == Column.PRIORITY and line.order.priority is Priority.OPTIONAL:
            return self._muted
        return None

    def _font(self, column: Column, line: OrderLine) -> QFont | None:
        if column == Column.LATE and line.lateness > 0:
            return self._bold
        if column == Column.PRIORITY and line.order.priority is Priority.MUST:
            return self._bold
        if column == Column.VEHICLE and line.vehicle_name is None:
            return self._italic
        return None
