"""The "Changes since dispatch" panel: what the drivers lack, in plain words.

The panel compares the day as it is now with what the last dispatch sent
(``dispatcher.dispatch_diff.changes_since_dispatch``) and lists it per vehicle:
"ORD-14 added at stop 3, ETA 11:05", "ETA of ORD-9 now 11:40 (+25 min)". It is
recomputed after every plan change (a few milliseconds on a 2,000-stop day),
and only while it is shown. Clicking a line selects its order everywhere; the
"Dispatch changes…" button asks the window to dispatch again (disabled, saying
why, for a role that may not dispatch: ``set_dispatch_refusal``).

The main window feeds it: ``set_day(view, snapshot)`` after a day is loaded,
``update_view(view)`` after an edit, ``set_snapshot(snapshot)`` after a
dispatch.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dispatcher.dispatch_diff import (
    StopAdded,
    StopRemoved,
    StopReordered,
    changes_since_dispatch,
    shift_runs,
)
from ui.assets import stylesheet
from ui.models.route_colors import vehicle_colors
from ui.views.dispatch_common import (
    ChangeKind,
    color_icon,
    dispatched_text,
    kind_icon,
    when_text,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

    from dispatcher.day_view import DayView
    from dispatcher.dispatch_diff import DispatchDiff, DispatchSnapshot, VehicleDiff
    from dispatcher.model import OrderId, VehicleId
    from ui.selection import OrderSelection

OrderRole = int(Qt.ItemDataRole.UserRole) + 1
"""Item data: the order a line is about (None for vehicle rows and runs)."""

VehicleRole = int(Qt.ItemDataRole.UserRole) + 2
"""Item data: the vehicle a row belongs to."""

_KINDS: dict[type, ChangeKind] = {
    StopAdded: ChangeKind.ADDED,
    StopRemoved: ChangeKind.REMOVED,
    StopReordered: ChangeKind.MOVED,
}


_DISPATCH_TIP = "Send the changed routes to their drivers again (Ctrl+D)"


class DispatchPanel(QWidget):
    """Lists, per vehicle, how the plan differs from what the drivers hold.

    Parameters
    ----------
    selection
        The window's shared selection: clicking a line selects its order.
    """

    sig_dispatch_requested = Signal()
    """The user asked to dispatch the changed routes (opens the dispatch dialog)."""

    def __init__(
        self, selection: OrderSelection | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dispatchPanel")
        self.setStyleSheet(stylesheet("dispatch"))
        self._selection = selection
        self._view: DayView | None = None
        self._snapshot: DispatchSnapshot | None = None
        self._diff: DispatchDiff | None = None
        self._dirty = False
        self._collapsed: set[VehicleId] = set()
        self._refusal = ""

        self.status_label = QLabel(self)
        self.status_label.setObjectName("dispatchStatus")
        self.status_label.setWordWrap(True)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("dispatchSummary")
        self.summary_label.setWordWrap(True)
        self.dispatch_button = QPushButton("Dispatch changes…", self)
        self.dispatch_button.setObjectName("dispatchChangesButton")
        self.dispatch_button.setToolTip(_DISPATCH_TIP)
        self.dispatch_button.clicked.connect(self.sig_dispatch_requested)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("dispatchChanges")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.itemClicked.connect(self._on_tree_item_clicked)
        self.tree.itemExpanded.connect(self._on_tree_item_expanded)
        self.tree.itemCollapsed.connect(self._on_tree_item_collapsed)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("dispatchEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.tree)

        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.status_label)
        text.addWidget(self.summary_label)
        head.addLayout(text, 1)
        head.addWidget(self.dispatch_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        self._show()

    # -- our API -----------------------------------------------------------------

    def set_day(self, view: DayView, snapshot: DispatchSnapshot | None) -> None:
        """Show a freshly loaded day and what its last dispatch sent (None: never)."""
        if self._view is None or view.date != self._view.date:
            self._collapsed.clear()
        self._view = view
        self._snapshot = snapshot
        self._refresh()

    def update_view(self, view: DayView) -> None:
        """The plan changed: compare the new day with the same dispatch."""
        self._view = view
        self._refresh()

    def set_snapshot(self, snapshot: DispatchSnapshot | None) -> None:
        """A dispatch happened: compare the shown day with what it sent."""
        self._snapshot = snapshot
        self._refresh()

    def set_dispatch_refusal(self, refusal: str) -> None:
        """Disable the dispatch button, its tooltip saying why ("": enable it)."""
        self._refusal = refusal
        self.dispatch_button.setEnabled(not refusal)
        self.dispatch_button.setToolTip(refusal or _DISPATCH_TIP)

    def snapshot(self) -> DispatchSnapshot | None:
        """What the drivers hold, as last given."""
        return self._snapshot

    def diff(self) -> DispatchDiff | None:
        """The differences shown (None when not dispatched or no day is loaded)."""
        if self._dirty:
            self._recompute()
        return self._diff

    def lines(self) -> list[str]:
        """The texts of the visible tree rows, depth-first (for tests and copying)."""
        found: list[str] = []

        def walk(item: QTreeWidgetItem | None, depth: int) -> None:
            if item is None:
                return
            found.append("  " * depth + item.text(0))
            if item.isExpanded():
                for i in range(item.childCount()):
                    walk(item.child(i), depth + 1)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), 0)
        return found

    # -- Qt overrides ----------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with changes made while the panel was hidden."""
        super().showEvent(event)
        if self._dirty:
            self._recompute()
            self._show()

    # -- internals ---------------------------------------------------------------

    def _refresh(self) -> None:
        self._dirty = True
        # A hidden panel (closed dock, other tab) costs nothing per edit.
        if self.isVisible():
            self._recompute()
        self._show()

    def _recompute(self) -> None:
        self._dirty = False
        if self._view is None or self._snapshot is None:
            self._diff = None
        elif self._snapshot.date != self._view.date:
            self._diff = None  # a snapshot of another day: wait for the right one
        else:
            self._diff = changes_since_dispatch(self._view, self._snapshot)

    def _show(self) -> None:
        if self._dirty and not self.isVisible():
            return
        view, snapshot, diff = self._view, self._snapshot, self._diff
        self.tree.clear()
        if view is None:
            self._show_empty("No day loaded.", "", "")
            return
        if snapshot is None or diff is None:
            routes = sum(1 for line in view.routes if line.route.stops)
            self._show_empty(
                "<b>Not dispatched yet</b>",
                f"{routes} route{'s' if routes != 1 else ''} with stops wait to be "
                "sent to the drivers."
                if routes
                else "No route has stops yet.",
                "Nothing has been sent to the drivers of this day yet.\n"
                "Dispatch (Ctrl+D) sends the routes and saves their planned times.",
                can_dispatch=routes > 0,
            )
            return
        held = (
            f"{len(snapshot.routes)} route{'s' if len(snapshot.routes) != 1 else ''},"
            f" {snapshot.stop_count} stops"
        )
        status = f"<b>Dispatched</b> at {when_text(snapshot.at, snapshot.date)} by "
        status += f"{html.escape(snapshot.user)} · {held} with the drivers"
        if diff.empty:
            self._show_empty(
                status,
                "",
                f"Nothing changed since {dispatched_text(snapshot)}.\n"
                "Every route is what its driver holds.",
            )
            return
        self.status_label.setText(status)
        self.summary_label.setText(_summary(diff))
        self.summary_label.setVisible(True)
        self.dispatch_button.setVisible(True)
        self.dispatch_button.setEnabled(not self._refusal)
        self._fill_tree(diff, view)
        self.stack.setCurrentWidget(self.tree)

    def _show_empty(
        self, status: str, summary: str, message: str, *, can_dispatch: bool = False
    ) -> None:
        self.status_label.setText(status)
        self.summary_label.setText(summary)
        self.summary_label.setVisible(bool(summary))
        self.dispatch_button.setVisible(can_dispatch)
        self.dispatch_button.setText(
            "Dispatch…" if can_dispatch else "Dispatch changes…"
        )
        self.empty_label.setText(message)
        self.stack.setCurrentWidget(self.empty_label)

    def _fill_tree(self, diff: DispatchDiff, view: DayView) -> None:
        self.dispatch_button.setText("Dispatch changes…")
        colors = vehicle_colors(view.vehicles.keys())
        bold = QFont(self.tree.font())
        bold.setBold(True)
        self.tree.setUpdatesEnabled(False)
        try:
            for vehicle in diff.vehicles:
                item = QTreeWidgetItem(
                    [f"{vehicle.vehicle_name}  —  {vehicle.summary}"]
                )
                item.setFont(0, bold)
                item.setIcon(0, color_icon(colors.get(vehicle.vehicle_id, "#697386")))
                item.setData(0, VehicleRole, vehicle.vehicle_id)
                item.setToolTip(0, item.text(0))
                self.tree.addTopLevelItem(item)
                _add_changes(item, vehicle)
                item.setExpanded(vehicle.vehicle_id not in self._collapsed)
        finally:
            self.tree.setUpdatesEnabled(True)

    def _on_tree_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        order_id = item.data(0, OrderRole)
        if order_id is None or self._selection is None:
            return
        self._selection.set([order_id], source=self)
        self._selection.focus(order_id)

    def _on_tree_item_expanded(self, item: QTreeWidgetItem) -> None:
        vehicle_id = item.data(0, VehicleRole)
        if vehicle_id is not None and item.parent() is None:
            self._collapsed.discard(vehicle_id)

    def _on_tree_item_collapsed(self, item: QTreeWidgetItem) -> None:
        vehicle_id = item.data(0, VehicleRole)
        if vehicle_id is not None and item.parent() is None:
            self._collapsed.add(vehicle_id)


def _summary(diff: DispatchDiff) -> str:
    """One line of counts: ``3 routes changed · 4 added · 1 unassigned · 5 ETAs``."""
    sent = [v for v in diff.vehicles if v.dispatched]
    new = len(diff.vehicles) - len(sent)
    added = sum(len(v.added) for v in sent)
    removed = sum(len(v.removed) for v in sent)
    moved = sum(len(v.reordered) for v in sent)
    shifted = sum(len(v.shifted) for v in sent)
    parts = []
    if sent:
        parts.append(f"{len(sent)} route{'s' if len(sent) != 1 else ''} changed")
    if new:
        parts.append(f"{new} not dispatched yet")
    parts += [
        f"{added} added" if added else "",
        f"{removed} taken off" if removed else "",
        f"{len(diff.unassigned)} now unassigned" if diff.unassigned else "",
        f"{moved} moved" if moved else "",
        f"{shifted} ETA{'s' if shifted != 1 else ''} moved > {diff.threshold:.0f} min"
        if shifted
        else "",
    ]
    # Each count wraps as a whole, never "1 now" / "unassigned".
    return " · ".join(p.replace(" ", "\u00a0") for p in parts if p)


def _add_changes(parent: QTreeWidgetItem, vehicle: VehicleDiff) -> None:
    """One row per change; a run of equal ETA moves is one row, its stops below."""
    if not vehicle.dispatched:
        (text,) = vehicle.lines()
        child = _child(parent, text, ChangeKind.NOT_SENT, None)
        child.setToolTip(0, ", ".join(a.reference for a in vehicle.added) or "No stops")
        return
    moves: tuple[StopRemoved | StopAdded | StopReordered, ...] = (
        *vehicle.removed,
        *vehicle.added,
        *vehicle.reordered,
    )
    for change in moves:
        _child(parent, change.text, _KINDS[type(change)], change.order_id)
    for run in shift_runs(vehicle.shifted):
        if len(run.shifts) == 1:
            _child(parent, run.text, ChangeKind.ETA, run.shifts[0].order_id)
            continue
        row = _child(parent, run.text, ChangeKind.ETA, None)
        for shift in run.shifts:
            _child(row, shift.text, ChangeKind.ETA, shift.order_id)


def _child(
    parent: QTreeWidgetItem, text: str, kind: ChangeKind, order_id: OrderId | None
) -> QTreeWidgetItem:
    item = QTreeWidgetItem(parent, [text])
    item.setIcon(0, kind_icon(kind))
    item.setData(0, OrderRole, order_id)
    item.setData(0, VehicleRole, parent.data(0, VehicleRole))
    item.setToolTip(0, text)
    return item
