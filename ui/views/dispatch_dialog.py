"""The dispatch confirmation: which routes go to the drivers, and what is wrong.

Dispatching is deliberate and is not undone, so it is confirmed here: one row
per route with stops (vehicle, driver, stops, km, start and end, status since
the last dispatch, problems), a check box per route, a warning about open
orders left on no route, and, when a chosen route breaks a rule (late stops,
over capacity, missing skill, ...), a box the user must tick to dispatch it
anyway. Accepting emits ``sig_dispatch_requested`` with the chosen vehicles
(None for every route) for ``PlanDocument.request_dispatch``.

After a dispatch only the routes that changed (or were never sent) are ticked,
so drivers whose route is unchanged are not bothered; a driver whose route has
since been emptied gets a "recall" row, so they are told too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dispatcher.dispatch_diff import changes_since_dispatch
from dispatcher.model import format_minutes
from ui.assets import icon, stylesheet
from ui.models.badges import LATE_COLOR, MUTED_COLOR
from ui.models.route_colors import vehicle_colors
from ui.views.dispatch_common import (
    color_icon,
    dispatched_text,
    problems,
    problems_tooltip,
    unassigned_counts,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from PySide6.QtGui import QShowEvent

    from dispatcher.day_view import DayView, RouteLine
    from dispatcher.dispatch_diff import (
        DispatchDiff,
        DispatchedRoute,
        DispatchSnapshot,
    )
    from dispatcher.model import VehicleId

COLUMNS = ("Vehicle", "Driver", "Stops", "km", "Start", "End", "Status", "Problems")
"""The columns of the route list."""

_VEHICLE, _DRIVER, _STOPS, _KM, _START, _END, _STATUS, _PROBLEMS = range(8)
_NUMERIC = (_STOPS, _KM, _START, _END)
_VehicleRole = int(Qt.ItemDataRole.UserRole) + 1


def day_text(day: dt.date) -> str:
    """A date as ``Tue 24 Nov 2026``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class DispatchDialog(QDialog):
    """Confirms which routes of a day to send to the drivers.

    Parameters
    ----------
    view
        The day as shown now.
    snapshot
        What the last dispatch sent, None if the day was never dispatched.
    """

    sig_dispatch_requested = Signal(object)
    """The user confirmed the dispatch.

    Parameters
    ----------
    vehicle_ids : tuple[VehicleId, ...] | None
        The vehicles whose routes to send (or, emptied, to recall); None for
        every route listed.
    """

    def __init__(
        self,
        view: DayView,
        snapshot: DispatchSnapshot | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dispatchDialog")
        self.setWindowTitle(f"Dispatch routes — {day_text(view.date)}")
        self.setStyleSheet(stylesheet("dispatch"))
        self._view = view
        self._snapshot = snapshot
        self._diff: DispatchDiff | None = (
            changes_since_dispatch(view, snapshot)
            if snapshot is not None and snapshot.date == view.date
            else None
        )
        self._routes = [line for line in view.routes if line.route.stops]
        sending = {line.vehicle.id for line in self._routes}
        # Drivers holding a route that is now empty must be told (recalled).
        self._recalls = (
            [r for r in snapshot.routes if r.vehicle_id not in sending]
            if self._diff is not None and snapshot is not None
            else []
        )

        self.intro = QLabel(self._intro_text(), self)
        self.intro.setObjectName("dispatchIntro")
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("dispatchRoutes")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)  # accents must not make rows uneven
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setIconSize(QSize(14, 14))
        self._fill()
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column in range(_STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Long statuses elide (their tooltip has the rest); problems get the room.
        header.setSectionResizeMode(_STATUS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_STATUS, 190)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.itemChanged.connect(self._on_item_changed)

        self.select_all_button = QPushButton("Select all", self)
        self.select_all_button.clicked.connect(lambda: self._check_all(True))
        self.select_none_button = QPushButton("Select none", self)
        self.select_none_button.clicked.connect(lambda: self._check_all(False))
        self.unassigned_label = QLabel(self)
        self.unassigned_label.setObjectName("dispatchNote")
        self.unassigned_label.setWordWrap(True)
        self.warning_label = QLabel(self)
        self.warning_label.setObjectName("dispatchWarning")
        self.warning_label.setWordWrap(True)
        self.confirm_box = QCheckBox("Dispatch routes with problems anyway", self)
        self.confirm_box.setObjectName("dispatchConfirmProblems")
        self.confirm_box.toggled.connect(self._update_buttons)

        self.buttons = QDialogButtonBox(self)
        self.dispatch_button = self.buttons.addButton(
            "Dispatch", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.dispatch_button.setObjectName("dispatchButton")
        self.dispatch_button.setIcon(icon("dispatch"))
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        picks = QHBoxLayout()
        picks.addWidget(self.select_all_button)
        picks.addWidget(self.select_none_button)
        picks.addSpacing(12)
        picks.addWidget(self.unassigned_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addLayout(picks)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.confirm_box)
        layout.addWidget(self.buttons)
        self._show_unassigned()
        self._update_buttons()
        self.dispatch_button.setDefault(True)
        self.resize(self._preferred_size())

    # -- our API -----------------------------------------------------------------

    def vehicle_ids(self) -> tuple[VehicleId, ...] | None:
        """The chosen vehicles; None when every route with stops is chosen."""
        chosen = tuple(self._checked())
        if len(chosen) == self._row_count():
            return None
        return chosen

    def chosen_names(self) -> list[str]:
        """Names of the vehicles ticked, in list order."""
        return [
            item.text(_VEHICLE)
            for item in self._items()
            if item.checkState(_VEHICLE) == Qt.CheckState.Checked
        ]

    def set_checked(self, vehicle_ids: Sequence[VehicleId]) -> None:
        """Tick exactly these vehicles' routes."""
        wanted = set(vehicle_ids)
        for item in self._items():
            item.setCheckState(
                _VEHICLE,
                Qt.CheckState.Checked
                if item.data(_VEHICLE, _VehicleRole) in wanted
                else Qt.CheckState.Unchecked,
            )

    def problem_vehicles(self) -> list[VehicleId]:
        """Vehicles whose routes break a rule."""
        return [line.vehicle.id for line in self._routes if problems(line)]

    # -- Qt overrides ----------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Start on the buttons, not on the first route as if it were picked."""
        super().showEvent(event)
        if self.dispatch_button.isEnabled():
            self.dispatch_button.setFocus()
        else:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setFocus()

    def accept(self) -> None:
        """Emit the chosen vehicles, then close (refused while nothing is allowed)."""
        if not self.dispatch_button.isEnabled():
            return
        self.sig_dispatch_requested.emit(self.vehicle_ids())
        super().accept()

    # -- internals ---------------------------------------------------------------

    def _intro_text(self) -> str:
        if not self._row_count():
            return "No route has stops on this day yet: plan some orders first."
        text = (
            "Send the ticked routes to their drivers. Their planned times are saved "
            "for the route sheets and for tracking. A dispatch cannot be undone: "
            "after later changes, dispatch the changed routes again."
        )
        if self._snapshot is not None:
            text += f"\nLast {dispatched_text(self._snapshot)}."
        return text

    def _row_count(self) -> int:
        return len(self._routes) + len(self._recalls)

    def _fill(self) -> None:
        colors = vehicle_colors(self._view.vehicles.keys())
        held = (
            {r.vehicle_id for r in self._snapshot.routes}
            if self._snapshot is not None
            else set()
        )
        for line in self._routes:
            status, tick = self._status(line, held)
            schedule = line.schedule
            found = problems(line)
            item = QTreeWidgetItem(
                [
                    line.vehicle.name,
                    line.driver.name if line.driver is not None else "no driver",
                    str(len(line.route.stops)),
                    f"{schedule.km:,.1f}",
                    format_minutes(schedule.departure),
                    format_minutes(schedule.end),
                    status,
                    " · ".join(found) if found else "none",
                ]
            )
            item.setData(_VEHICLE, _VehicleRole, line.vehicle.id)
            item.setToolTip(_STATUS, status)
            if not tick:
                item.setForeground(_STATUS, QColor(MUTED_COLOR))
            item.setIcon(_VEHICLE, color_icon(colors.get(line.vehicle.id, "#697386")))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                _VEHICLE, Qt.CheckState.Checked if tick else Qt.CheckState.Unchecked
            )
            for column in _NUMERIC:
                item.setTextAlignment(
                    column,
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                )
            if line.driver is None:
                item.setForeground(_DRIVER, QColor(MUTED_COLOR))
            if found:
                item.setIcon(_PROBLEMS, icon("warning"))
                item.setForeground(_PROBLEMS, QColor(LATE_COLOR))
                item.setToolTip(_PROBLEMS, problems_tooltip(line))
            else:
                item.setForeground(_PROBLEMS, QColor(MUTED_COLOR))
            self.tree.addTopLevelItem(item)
        for route in self._recalls:
            self._add_recall(route, colors)

    def _add_recall(self, route: DispatchedRoute, colors: dict[VehicleId, str]) -> None:
        """A row for a driver whose route is now empty: dispatching tells them."""
        vehicle = self._view.vehicles.get(route.vehicle_id)
        stops = len(route.stops)
        status = f"emptied: recall {stops} stop{'s' if stops != 1 else ''}"
        item = QTreeWidgetItem(
            [
                vehicle.name if vehicle is not None else route.vehicle_name,
                route.driver_name or "no driver",
                "0",
                "–",
                "–",
                "–",
                status,
                "none",
            ]
        )
        item.setData(_VEHICLE, _VehicleRole, route.vehicle_id)
        item.setToolTip(
            _STATUS,
            "The driver still holds "
            + ", ".join(s.reference for s in route.stops)
            + "; dispatching tells them the route is now empty.",
        )
        item.setIcon(_VEHICLE, color_icon(colors.get(route.vehicle_id, "#697386")))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(_VEHICLE, Qt.CheckState.Checked)
        for column in _NUMERIC:
            item.setTextAlignment(
                column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
        item.setForeground(_PROBLEMS, QColor(MUTED_COLOR))
        self.tree.addTopLevelItem(item)

    def _status(self, line: RouteLine, held: set[VehicleId]) -> tuple[str, bool]:
        """The route's status since the last dispatch, and whether to tick it."""
        if self._snapshot is None or self._diff is None:
            return "not dispatched yet", True
        vid = line.vehicle.id
        if vid not in held:
            return "not dispatched yet", True
        changed = self._diff.vehicle(vid)
        if changed is None:
            return "sent, unchanged", False
        return f"changed: {changed.summary}", True

    def _items(self) -> list[QTreeWidgetItem]:
        return [
            item
            for i in range(self.tree.topLevelItemCount())
            if (item := self.tree.topLevelItem(i)) is not None
        ]

    def _checked(self) -> list[VehicleId]:
        return [
            item.data(_VEHICLE, _VehicleRole)
            for item in self._items()
            if item.checkState(_VEHICLE) == Qt.CheckState.Checked
        ]

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for item in self._items():
            item.setCheckState(_VEHICLE, state)

    def _show_unassigned(self) -> None:
        total, must = unassigned_counts(self._view)
        if not total:
            self.unassigned_label.setText("Every open order is on a route.")
            return
        text = f"{total} open order{'s are' if total != 1 else ' is'} on no route"
        if must:
            text += f", {must} of them must be delivered today"
        self.unassigned_label.setText(
            f'<span style="color:{LATE_COLOR if must else MUTED_COLOR}">{text}.</span>'
        )

    def _on_item_changed(self, _item: QTreeWidgetItem, column: int) -> None:
        if column == _VEHICLE:
            self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = set(self._checked())
        at_risk = [
            line
            for line in self._routes
            if line.vehicle.id in chosen and problems(line)
        ]
        if at_risk:
            names = ", ".join(line.vehicle.name for line in at_risk[:4])
            if len(at_risk) > 4:
                names += f" and {len(at_risk) - 4} more"
            self.warning_label.setText(
                f"{len(at_risk)} of the chosen routes break a planning rule "
                f"({names}). They can be dispatched as they are, but their drivers "
                "will be late or unable to serve some stops."
            )
        self.warning_label.setVisible(bool(at_risk))
        self.confirm_box.setVisible(bool(at_risk))
        allowed = bool(chosen) and (not at_risk or self.confirm_box.isChecked())
        self.dispatch_button.setEnabled(allowed)
        count = len(chosen)
        self.dispatch_button.setText(
            f"Dispatch {count} route{'s' if count != 1 else ''}"
            if count
            else "Dispatch"
        )
        self.select_all_button.setEnabled(count < self._row_count())
        self.select_none_button.setEnabled(count > 0)

    def _preferred_size(self) -> QSize:
        rows = min(max(self._row_count(), 3), 16)
        # Rows are polished (padded) only once shown: estimate them generously.
        row = max(self.tree.sizeHintForRow(0) if self._row_count() else 0, 23)
        return QSize(1040, min(290 + rows * row, 760))
