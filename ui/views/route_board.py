"""The route board: one lane per vehicle, plus Unassigned, with drag-and-drop.

Layout: a small tool row (lock, unlock, unassign, compact, timeline and the
board's totals), then the Unassigned lane pinned on the left and the vehicle
lanes side by side in a horizontally scrolling strip. Each lane is a
``LaneHeader`` over a ``LaneView``; every lane view shows the one
``RouteBoardModel`` rooted at its lane and shares one selection model, so a
selection can span lanes and joins the window's ``OrderSelection``.

The board never edits anything. Drops, menu commands and shortcuts emit
``sig_move_requested``, ``sig_lock_requested`` and
``sig_route_lock_requested``; the plan document does the work, and the model's
``refresh`` brings the result back.

The board offers only what the signed-in role may do (``set_rights``): cards
drag and lanes take drops only for moves the role may make, actions it may not
take are disabled with a tooltip saying why, and a role that changes nothing
(a manager) sees no editing buttons, with a "Read-only" hint in the tool row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatcher.permissions import Action
from ui.assets import icon, stylesheet
from ui.models.roles import IdRole
from ui.views.lane_header import LaneHeader
from ui.views.lane_view import LaneView
from ui.views.route_card_delegate import RouteCardDelegate
from ui.views.timeline import TimelineView

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.model import OrderId, VehicleId
    from ui.models.edit_rights import EditRights
    from ui.models.route_board_lanes import Card
    from ui.models.route_board_model import RouteBoardModel
    from ui.selection import OrderSelection

LANE_WIDTH = 252
"""Width of a lane with comfortable cards: a customer name and 3 bars fit."""
COMPACT_LANE_WIDTH = 200
"""Width of a lane with one-line cards."""
EDGE = 48
"""Pixels from the strip's edge where a drag scrolls the lanes sideways."""
_EDGE_STEP = 22

_COMPACT_KEY = "route_board/compact"
_TIMELINE_KEY = "route_board/timeline"


class LaneWidget(QFrame):
    """A lane: its header over its list of cards."""

    def __init__(
        self,
        model: RouteBoardModel,
        lane_row: int,
        delegate: RouteCardDelegate,
        selection_model: QItemSelectionModel,
        *,
        compact: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unassignedLane" if lane_row == 0 else "lane")
        self._model = model
        self.header = LaneHeader(self, compact=compact)
        self.view = LaneView(model, lane_row, delegate, selection_model, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        self.set_lane_row(lane_row)

    def lane_row(self) -> int:
        """The model row of the lane shown."""
        return self.view.lane_row()

    def set_lane_row(self, lane_row: int) -> None:
        """Show another lane (after a model reset)."""
        self.view.set_lane_row(lane_row)
        self.refresh_header()

    def refresh_header(self) -> None:
        """Re-read the header's numbers from the model."""
        self.header.set_lane(
            self._model.lane(self.view.lane_row()),
            change_row=self._model.has_last_changes(),
        )

    def set_compact(self, compact: bool) -> None:
        """Switch the header and re-lay the cards for the new card height."""
        self.header.set_compact(compact)
        self.view.doItemsLayout()  # measures the (uniform) card height again


class RouteBoard(QWidget):
    """Lanes of stop cards with drag-and-drop; emits edit requests only."""

    sig_move_requested = Signal(list, object, object)
    """Move orders: to a vehicle at a position, or off their routes.

    Parameters
    ----------
    order_ids : list[OrderId]
        The orders to move, in the order they keep.
    vehicle_id : VehicleId | None
        The target vehicle; None unassigns.
    index : int | None
        Drop row in the target route as shown (moved stops counted): the
        orders go in front of the stop now there; None appends.
    """

    sig_lock_requested = Signal(list, bool)
    """Lock or unlock stops.

    Parameters
    ----------
    order_ids : list[OrderId]
        The stops' orders (all on routes).
    locked : bool
        True to lock them in place, False to free them.
    """

    sig_route_lock_requested = Signal(object, bool)
    """Lock or unlock a whole route.

    Parameters
    ----------
    vehicle_id : VehicleId
        The route's vehicle.
    locked : bool
        True to lock, False to unlock.
    """

    def __init__(
        self,
        model: RouteBoardModel,
        selection: OrderSelection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("routeBoard")
        self.setStyleSheet(stylesheet("route_board"))
        self._model = model
        self._selection = selection
        self._compact = False
        self._syncing = False
        self._model_updating = False
        self._lanes: list[LaneWidget] = []
        self._delegate = RouteCardDelegate(self)
        self._selection_model = QItemSelectionModel(model, self)
        self._edge_scroller = _EdgeScroller(self)
        self._tips: dict[QAction, str] = {}
        self._edit_buttons: list[QToolButton] = []

        self._build_actions()
        self._build_layout()
        self._connect_signals()
        self._on_model_reset()
        self._on_lanes_refreshed(None)

    # -- our API -----------------------------------------------------------------

    @property
    def model(self) -> RouteBoardModel:
        """The model shown."""
        return self._model

    def selection_model(self) -> QItemSelectionModel:
        """The selection model every lane view shares."""
        return self._selection_model

    def card_delegate(self) -> RouteCardDelegate:
        """The painter of the cards."""
        return self._delegate

    def lane_widgets(self) -> list[LaneWidget]:
        """Every lane widget in model order (Unassigned first)."""
        return list(self._lanes)

    def lane_view(self, vehicle_id: VehicleId | None) -> LaneView | None:
        """The list of a vehicle's lane (None: Unassigned), if shown."""
        index = self._model.lane_index(vehicle_id)
        return self._lanes[index.row()].view if index.isValid() else None

    def selected_order_ids(self) -> list[OrderId]:
        """The selected cards' orders, in lane then route order."""
        indexes = sorted(
            self._selection_model.selectedIndexes(),
            key=lambda i: (i.internalId(), i.row()),
        )
        return [i.data(IdRole) for i in indexes if not self._model.is_lane(i)]

    def rights(self) -> EditRights:
        """What the signed-in role may change on the day shown."""
        return self._model.rights()

    def set_rights(self, rights: EditRights) -> None:
        """Offer only the drags, drops, locks and moves ``rights`` allow."""
        self._model.set_rights(rights)
        self._delegate.set_locks_clickable(rights.may(Action.EDIT_PLAN))
        for button in self._edit_buttons:
            button.setVisible(not rights.read_only)
        self.role_hint.setText(rights.hint())
        self.role_hint.setToolTip(rights.hint_tooltip())
        self.role_hint.setVisible(bool(rights.hint()))
        for lane in self._lanes:
            self._apply_rights(lane)
        self._update_actions()

    def is_compact(self) -> bool:
        """True when cards show on one line."""
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """One-line cards and narrower lanes (for many vehicles), or full cards."""
        if compact == self._compact:
            return
        self._compact = compact
        self.compact_action.setChecked(compact)
        self._delegate.set_compact(compact)
        for lane in self._lanes:
            lane.set_compact(compact)
        self._apply_lane_widths()
        self._select_ids(self._selection.ids)

    def is_timeline_shown(self) -> bool:
        """True when the timeline (Gantt) replaces the lanes."""
        return self._stack.currentWidget() is self.timeline

    def show_timeline(self, shown: bool) -> None:
        """Show the timeline of the routes instead of the lanes, or back."""
        self.timeline_action.setChecked(shown)
        self._stack.setCurrentWidget(self.timeline if shown else self._lanes_page)

    def save_settings(self, settings: QSettings) -> None:
        """Remember the density and the timeline toggle."""
        settings.setValue(_COMPACT_KEY, self._compact)
        settings.setValue(_TIMELINE_KEY, self.is_timeline_shown())

    def restore_settings(self, settings: QSettings) -> None:
        """Restore what ``save_settings`` remembered."""
        self.set_compact(_as_bool(settings.value(_COMPACT_KEY, False)))
        self.show_timeline(_as_bool(settings.value(_TIMELINE_KEY, False)))

    def request_lock_selected(self, locked: bool) -> None:
        """Ask to lock (or unlock) the selected stops that are on routes."""
        if not self.rights().may(Action.EDIT_PLAN):
            return
        cards = self._selected_route_cards()
        ids = [card.order_id for card in cards if card.locked != locked]
        if ids:
            self.sig_lock_requested.emit(ids, locked)

    def toggle_lock_selected(self) -> None:
        """Lock the selected stops, or unlock them if all are locked already."""
        cards = self._selected_route_cards()
        if cards:
            self.request_lock_selected(not all(card.locked for card in cards))

    def request_unassign_selected(self) -> None:
        """Ask to take the selected stops off their routes."""
        ids = [card.order_id for card in self._selected_route_cards()]
        if ids and self._model.may_move(ids, None):
            self.sig_move_requested.emit(ids, None, None)

    def request_move_selected(self, vehicle_id: VehicleId | None) -> None:
        """Ask to append the selected cards to a vehicle's route (None: unassign)."""
        ids = self.selected_order_ids()
        if ids and self._model.may_move(ids, vehicle_id):
            self.sig_move_requested.emit(ids, vehicle_id, None)

    def request_shift_selected(self, step: int) -> None:
        """Move the selected stops of one route up (-1) or down (+1) by one place."""
        if not self.rights().may(Action.EDIT_PLAN):
            return
        cards = self._selected_route_cards()
        lanes = {self._model.card_index(c.order_id).internalId() for c in cards}
        if not cards or len(lanes) != 1:
            return
        lane = self._model.lane(lanes.pop() - 1)
        rows = [(card.sequence or 1) - 1 for card in cards]
        # Drop rows count the moved stops: in front of the stop above the first,
        # or in front of the stop two below the last (None: at the end).
        target = min(rows) - 1 if step < 0 else max(rows) + 2
        if target < 0 or target > len(lane.cards):
            return
        index = None if target == len(lane.cards) else target
        self.sig_move_requested.emit(
            [c.order_id for c in cards], lane.vehicle_id, index
        )

    # -- construction -------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(
            text: str, icon_name: str, tip: str, shortcut: Any = None
        ) -> QAction:
            act = QAction(icon(icon_name), text, self)
            act.setToolTip(tip)
            self._tips[act] = tip
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(act)
            return act

        self.lock_action = action(
            "Lock", "lock", "Keep the selected stops on their route and position"
        )
        self.lock_action.triggered.connect(lambda: self.request_lock_selected(True))
        self.toggle_lock_action = action(
            "Lock or unlock",
            "lock",
            "Lock the selected stops, or unlock them if all are locked",
            "Ctrl+L",
        )
        self.toggle_lock_action.triggered.connect(self.toggle_lock_selected)
        self.unlock_action = action(
            "Unlock", "unlock", "Free the selected stops for the optimizer"
        )
        self.unlock_action.triggered.connect(lambda: self.request_lock_selected(False))
        self.unassign_action = action(
            "Unassign",
            "unassign",
            "Take the selected stops off their routes (Delete)",
            Qt.Key.Key_Delete,
        )
        self.unassign_action.triggered.connect(self.request_unassign_selected)
        self.move_up_action = action(
            "Move up", "previous", "Move the selected stops one place earlier", "Alt+Up"
        )
        self.move_up_action.triggered.connect(lambda: self.request_shift_selected(-1))
        self.move_down_action = action(
            "Move down", "next", "Move the selected stops one place later", "Alt+Down"
        )
        self.move_down_action.triggered.connect(lambda: self.request_shift_selected(1))
        self.compact_action = action(
            "Compact", "density", "One-line cards and narrower lanes"
        )
        self.compact_action.setCheckable(True)
        self.compact_action.toggled.connect(self.set_compact)
        self.timeline_action = action(
            "Timeline", "timeline", "Show the routes on a timeline (Gantt)"
        )
        self.timeline_action.setCheckable(True)
        self.timeline_action.toggled.connect(self.show_timeline)

    def _build_layout(self) -> None:
        tools = QWidget(self)
        tools.setObjectName("boardToolBar")
        row = QHBoxLayout(tools)
        row.setContentsMargins(8, 4, 10, 4)
        row.setSpacing(2)
        for act in (self.lock_action, self.unlock_action, self.unassign_action):
            button = self._tool_button(act, tools)
            self._edit_buttons.append(button)
            row.addWidget(button)
        row.addSpacing(10)
        for act in (self.compact_action, self.timeline_action):
            row.addWidget(self._tool_button(act, tools))
        row.addStretch(1)
        self.role_hint = QLabel(tools)
        self.role_hint.setObjectName("roleHint")
        # Own style: a quiet pill, whatever the board's style sheet says.
        self.role_hint.setStyleSheet(
            "QLabel#roleHint { color: #5b3a00; background: #fdf0d5; "
            "border: 1px solid #f0d49b; border-radius: 9px; padding: 1px 8px; }"
        )
        self.role_hint.hide()
        row.addWidget(self.role_hint)
        row.addSpacing(10)
        self.summary = QLabel(tools)
        self.summary.setObjectName("boardSummary")
        row.addWidget(self.summary)

        self._lanes_page = QWidget(self)
        page = QHBoxLayout(self._lanes_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        self._unassigned_slot = QVBoxLayout()
        self._unassigned_slot.setContentsMargins(0, 0, 0, 0)
        page.addLayout(self._unassigned_slot)
        self.lane_scroll = QScrollArea(self._lanes_page)
        self.lane_scroll.setObjectName("laneScroll")
        self.lane_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.lane_scroll.setWidgetResizable(True)
        self.lane_scroll.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.lane_scroll.horizontalScrollBar().setSingleStep(40)
        strip = QWidget(self.lane_scroll)
        strip.setObjectName("laneStrip")
        self._strip = QHBoxLayout(strip)
        self._strip.setContentsMargins(0, 0, 0, 0)
        self._strip.setSpacing(0)
        self._strip.addStretch(1)
        self.lane_scroll.setWidget(strip)
        page.addWidget(self.lane_scroll, 1)
        self._edge_scroller.set_scroll_area(self.lane_scroll)

        self.timeline = TimelineView(self._model, self._selection, self)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._lanes_page)
        self._stack.addWidget(self.timeline)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(tools)
        layout.addWidget(self._stack, 1)

    def _tool_button(self, act: QAction, parent: QWidget) -> QToolButton:
        button = QToolButton(parent)
        button.setDefaultAction(act)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        # The lanes keep the keyboard focus; the shortcuts reach these actions.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _connect_signals(self) -> None:
        model = self._model
        model.sig_move_requested.connect(self.sig_move_requested)
        model.sig_lanes_about_to_refresh.connect(self._on_model_about_to_refresh)
        model.modelReset.connect(self._on_model_reset)
        model.sig_lanes_refreshed.connect(self._on_lanes_refreshed)
        self._selection_model.selectionChanged.connect(self._on_view_selection_changed)
        self._selection.sig_selection_changed.connect(self._on_shared_selection_changed)
        self._selection.sig_focus_requested.connect(self._on_focus_requested)
        self._delegate.sig_lock_clicked.connect(self._on_card_lock_clicked)

    # -- lanes ----------------------------------------------------------------------

    def _make_lane(self, lane_row: int) -> LaneWidget:
        lane = LaneWidget(
            self._model,
            lane_row,
            self._delegate,
            self._selection_model,
            compact=self._compact,
            parent=self,
        )
        lane.header.sig_route_lock_requested.connect(self._on_route_lock_requested)
        self._apply_rights(lane)
        view = lane.view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda pos, v=view: self._on_lane_menu_requested(v, pos)
        )
        view.sig_lane_step_requested.connect(
            lambda step, v=view: self._on_lane_step_requested(v, step)
        )
        self._edge_scroller.watch(view.viewport())
        return lane

    def _apply_rights(self, lane: LaneWidget) -> None:
        rights = self.rights()
        lane.view.set_movable(rights.may_move_any)
        lane.header.set_takes_drops(rights.may_move_any)
        lane.header.set_lock_refusal(
            rights.refusal(Action.EDIT_PLAN), hide_unlocked=rights.read_only
        )

    def _apply_lane_widths(self) -> None:
        width = COMPACT_LANE_WIDTH if self._compact else LANE_WIDTH
        for lane in self._lanes:
            lane.setFixedWidth(width + (16 if lane.lane_row() == 0 else 0))

    def _on_model_reset(self) -> None:
        count = self._model.rowCount()
        while len(self._lanes) > count:
            self._lanes.pop().deleteLater()
        for row, lane in enumerate(self._lanes):
            lane.set_lane_row(row)
        while len(self._lanes) < count:
            row = len(self._lanes)
            lane = self._make_lane(row)
            if row == 0:
                self._unassigned_slot.addWidget(lane)
            else:
                self._strip.insertWidget(self._strip.count() - 1, lane)
            self._lanes.append(lane)
        self._apply_lane_widths()

    def _on_model_about_to_refresh(self) -> None:
        self._model_updating = True

    def _on_lanes_refreshed(self, lane_rows: frozenset[int] | None) -> None:
        self._model_updating = False
        rows: Iterable[int] = (
            range(len(self._lanes)) if lane_rows is None else lane_rows
        )
        for row in rows:
            if row < len(self._lanes):
                self._lanes[row].refresh_header()
        self._select_ids(self._selection.ids)
        self._update_summary()
        self._update_actions()

    # -- selection ------------------------------------------------------------------

    def _select_ids(self, ids: Iterable[OrderId]) -> None:
        """Select the cards of ``ids`` (contiguous rows become one range)."""
        by_lane: dict[int, list[int]] = {}
        for oid in ids:
            index = self._model.card_index(oid)
            if index.isValid():
                by_lane.setdefault(index.internalId() - 1, []).append(index.row())
        selection = QItemSelection()
        for lane_row, rows in by_lane.items():
            parent = self._model.index(lane_row, 0)
            rows.sort()
            start = prev = rows[0]
            for row in [*rows[1:], None]:
                if row is not None and row == prev + 1:
                    prev = row
                    continue
                selection.select(
                    self._model.index(start, 0, parent),
                    self._model.index(prev, 0, parent),
                )
                if row is not None:
                    start = prev = row
        self._syncing = True
        try:
            self._selection_model.select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self._syncing = False
        self._update_actions()

    def _selected_cards(self) -> list[Card]:
        cards = (
            self._model.card(index)
            for index in sorted(
                self._selection_model.selectedIndexes(),
                key=lambda i: (i.internalId(), i.row()),
            )
        )
        return [card for card in cards if card is not None]

    def _selected_route_cards(self) -> list[Card]:
        return [card for card in self._selected_cards() if card.sequence is not None]

    def _on_view_selection_changed(self, *_args: object) -> None:
        if self._syncing or self._model_updating:
            return
        self._selection.set(self.selected_order_ids(), source=self)
        self._update_actions()

    def _on_shared_selection_changed(
        self, ids: frozenset[OrderId], source: object
    ) -> None:
        if source is self:
            return
        self._select_ids(ids)
        first = min(
            (self._model.card_index(oid) for oid in ids),
            key=lambda i: (not i.isValid(), i.internalId(), i.row()),
            default=QModelIndex(),
        )
        if first.isValid():
            self._show_index(first)

    def _on_focus_requested(self, order_id: OrderId) -> None:
        index = self._model.card_index(order_id)
        if index.isValid():
            self._show_index(index)

    def _show_index(self, index: QModelIndex) -> None:
        """Scroll the card's lane into the strip and the card into its lane."""
        lane = self._lanes[index.internalId() - 1]
        if lane.lane_row() != 0:
            self.lane_scroll.ensureWidgetVisible(lane, 0, 0)
        lane.view.scrollTo(index)

    # -- user commands ----------------------------------------------------------------

    def _update_actions(self) -> None:
        """Enable what the selection allows; what the role refuses says why."""
        cards = self._selected_route_cards()
        rights = self.rights()
        replan = rights.refusal(Action.EDIT_PLAN)
        assign = rights.refusal(Action.ASSIGN)
        for act, possible, refusal in (
            (self.lock_action, any(not card.locked for card in cards), replan),
            (self.unlock_action, any(card.locked for card in cards), replan),
            (self.toggle_lock_action, bool(cards), replan),
            (self.unassign_action, bool(cards), assign),
            (self.move_up_action, bool(cards), replan),
            (self.move_down_action, bool(cards), replan),
        ):
            act.setEnabled(possible and not refusal)
            act.setToolTip(refusal or self._tips[act])

    def _update_summary(self) -> None:
        lanes = self._model.lanes()
        if not lanes:
            self.summary.setText("")
            return
        routes = [lane for lane in lanes[1:] if lane.cards]
        stops = sum(len(lane.cards) for lane in routes)
        late = sum(lane.late_count for lane in routes)
        self.summary.setText(
            f"{len(routes)} routes · {stops:,} stops · "
            f"<span style='color:{'#b3470b' if late else 'inherit'}'>"
            f"{late} late</span> · {len(lanes[0].cards):,} unassigned"
        )

    def _on_route_lock_requested(self, vehicle_id: VehicleId, locked: bool) -> None:
        if self.rights().may(Action.EDIT_PLAN):
            self.sig_route_lock_requested.emit(vehicle_id, locked)

    def _on_card_lock_clicked(self, index: QModelIndex) -> None:
        if not self.rights().may(Action.EDIT_PLAN):
            return
        card = self._model.card(index)
        if card is not None and card.sequence is not None:
            self.sig_lock_requested.emit([card.order_id], not card.locked)

    def _on_lane_step_requested(self, view: LaneView, step: int) -> None:
        row = view.lane_row() + step
        if not 0 <= row < len(self._lanes):
            return
        target = self._lanes[row]
        current = view.currentIndex()
        count = self._model.rowCount(target.view.rootIndex())
        target.view.setFocus()
        if count:
            wanted = min(current.row() if current.isValid() else 0, count - 1)
            index = self._model.index(wanted, 0, target.view.rootIndex())
            target.view.setCurrentIndex(index)
        self._show_index_lane(target)

    def _show_index_lane(self, lane: LaneWidget) -> None:
        if lane.lane_row() != 0:
            self.lane_scroll.ensureWidgetVisible(lane, 0, 0)

    def _on_lane_menu_requested(self, view: LaneView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if index.isValid() and not self._selection_model.isSelected(index):
            self._selection_model.select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        menu = self.card_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if menu.isEmpty():  # read-only and nothing to show
            menu.deleteLater()
            return
        menu.popup(view.viewport().mapToGlobal(pos))

    def card_menu(self) -> QMenu:
        """The context menu for the selected cards."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        cards = self._selected_cards()
        if not self.rights().read_only:
            self._add_edit_entries(menu, [card.order_id for card in cards])
        if len(cards) == 1:
            if not menu.isEmpty():
                menu.addSeparator()
            oid = cards[0].order_id
            menu.addAction("Show everywhere", lambda: self._selection.focus(oid))
        return menu

    def _add_edit_entries(self, menu: QMenu, ids: list[OrderId]) -> None:
        """Lock, move and unassign entries; moves the role may not make say why."""
        menu.addAction(self.lock_action)
        menu.addAction(self.unlock_action)
        menu.addSeparator()
        move = menu.addMenu("Move to")
        move.setToolTipsVisible(True)
        refusals = set()
        for lane in self._model.lanes()[1:]:
            act = move.addAction(lane.title)
            refusal = self._model.move_refusal(ids, lane.vehicle_id)
            refusals.add(refusal)
            act.setEnabled(not refusal)
            act.setToolTip(refusal)
            act.triggered.connect(
                lambda _=False, vid=lane.vehicle_id: self.request_move_selected(vid)
            )
        # No route takes them: say why on the entry itself.
        refused = bool(refusals) and "" not in refusals
        move.setEnabled(bool(ids) and not refused)
        move.menuAction().setToolTip(next(iter(refusals)) if refused else "")
        menu.addAction(self.unassign_action)
        menu.addAction(self.move_up_action)
        menu.addAction(self.move_down_action)


class _EdgeScroller(QObject):
    """Scrolls the lane strip sideways while a drag hovers near its edges."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._scroll: QScrollArea | None = None
        self._direction = 0
        self._timer = QTimer(self)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._on_timer_timeout)

    def set_scroll_area(self, scroll: QScrollArea) -> None:
        """The strip to scroll."""
        self._scroll = scroll
        self.watch(scroll.viewport())

    def watch(self, widget: QWidget) -> None:
        """Watch drags over ``widget`` (a lane's viewport)."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Start or stop scrolling as a drag moves; never eats the event."""
        kind = event.type()
        if kind == QEvent.Type.DragMove and self._scroll is not None:
            widget: QWidget = watched  # type: ignore[assignment]
            pos = event.position().toPoint()  # type: ignore[attr-defined]
            viewport = self._scroll.viewport()
            x = viewport.mapFromGlobal(widget.mapToGlobal(pos)).x()
            if 0 <= x < EDGE:
                self._direction = -1
            elif viewport.width() - EDGE < x <= viewport.width():
                self._direction = 1
            else:
                self._direction = 0
            if self._direction and not self._timer.isActive():
                self._timer.start()
        elif kind in (QEvent.Type.Drop, QEvent.Type.DragLeave):
            self._direction = 0
            self._timer.stop()
        return False

    def _on_timer_timeout(self) -> None:
        if not self._direction or self._scroll is None:
            self._timer.stop()
            return
        bar = self._scroll.horizontalScrollBar()
        bar.setValue(bar.value() + self._direction * _EDGE_STEP)


def _as_bool(value: object) -> bool:
    """A QSettings value as a bool (INI files give back strings)."""
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
