"""The route board's item model: lanes (Unassigned, then vehicles) of stop cards.

A two-level tree over the immutable lanes of ``ui.models.route_board_lanes``:
top-level rows are lanes, their children are cards in driving order. Each lane
view of the board is a list rooted at one lane index of this one model, so a
drop anywhere arrives here as ``dropMimeData``.

The model never edits the plan. A drop decodes the dragged order ids, works
out the target vehicle and position, and *emits* ``sig_move_requested``; the
plan document performs the edit and the model hears back through ``refresh``.
``removeRows`` is deliberately not implemented (see DESIGN §2.3), so Qt's
move-drag bookkeeping can never delete a row behind our back. Drags and drops
follow the signed-in role (``set_rights``): cards do not drag when no move is
allowed, and a drop the role may not make is refused before it is requested.

``refresh`` re-reads only the lanes a ``PlanChanges`` touched and, inside each,
removes and inserts only the run of cards that differs, so scroll positions and
selections elsewhere survive an edit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from dispatcher.model import format_minutes
from ui.models.edit_rights import EditRights, move_action
from ui.models.order_mime import ORDER_IDS_MIME, decode_order_ids, encode_order_ids
from ui.models.roles import IdRole, LineRole
from ui.models.route_board_lanes import (
    Lane,
    LastChange,
    build_lanes,
    lane_vehicles,
    line_lookup,
    route_colors_of,
    updated_unassigned_lane,
    vehicle_lane,
)
from ui.models.route_board_text import card_tooltip, lane_tooltip

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from dispatcher.changes import PlanChanges
    from dispatcher.day_view import DayView
    from dispatcher.model import OrderId, VehicleId
    from ui.models.route_board_lanes import Card

AnyIndex = QModelIndex | QPersistentModelIndex

_USER: Final = int(Qt.ItemDataRole.UserRole)

LaneRole: Final = _USER + 20
"""The ``Lane`` of a lane index, or the lane a card index belongs to."""

CardRole: Final = _USER + 21
"""The ``Card`` of a card index (None on lanes)."""

ColorRole: Final = _USER + 22
"""The route colour (``#rrggbb``) of a lane or of a card's lane."""

EtaRole: Final = _USER + 23
"""Planned arrival in minutes after midnight (None when unassigned)."""

WindowsRole: Final = _USER + 24
"""The card's effective time windows, a tuple of ``TimeWindow``."""

LoadRole: Final = _USER + 25
"""A card's demand, or a lane's peak load, as a ``Load``."""

ViolationsRole: Final = _USER + 26
"""A frozenset of ``Violation``: the stop's, or every one of the route's."""

LockedRole: Final = _USER + 27
"""True if the stop (card) or the whole route (lane) is locked."""

SequenceRole: Final = _USER + 28
"""1-based position of a stop on its route (None when unassigned)."""

LastChangeRole: Final = _USER + 29
"""Who last changed a lane's route and when (a ``LastChange``), or None."""

_LANE: Final = 0
"""``internalId`` of lane indexes; card indexes carry their lane row + 1."""


class RouteBoardModel(QAbstractItemModel):
    """Lanes of stop cards for one day; drops become move requests."""

    sig_move_requested = Signal(list, object, object)
    """Cards were dropped: move these orders.

    Parameters
    ----------
    order_ids : list[OrderId]
        The dragged orders, in the order they should keep.
    vehicle_id : VehicleId | None
        The target vehicle; None takes the orders off their routes.
    index : int | None
        The drop row in the target route as shown, counting the moved stops
        themselves: the orders go in front of the stop now at that row (see
        ``dispatcher.planning.move_orders``); None appends.
    """

    sig_lanes_about_to_refresh = Signal()
    """Lanes are about to be re-read (rows may go and come; selections with them)."""

    sig_lanes_refreshed = Signal(object)
    """Lanes were re-read from a new day view.

    Parameters
    ----------
    lane_rows : frozenset[int] | None
        The rows of the lanes whose cards or totals changed; None after a reset
        (everything, maybe a different set of lanes).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lanes: tuple[Lane, ...] = ()
        self._view: DayView | None = None
        self._where: dict[OrderId, tuple[int, int]] = {}
        self._lane_rows: dict[VehicleId | None, int] = {}
        self._last_changes: dict[VehicleId, LastChange] = {}
        self._rights = EditRights()
        self._movable = True  # rights.may_move_any, read on every flags() call

    # -- our API -----------------------------------------------------------------

    def rights(self) -> EditRights:
        """What the signed-in role may change on the day shown."""
        return self._rights

    def set_rights(self, rights: EditRights) -> None:
        """Drag and drop only what ``rights`` allow (views read flags per drag)."""
        self._rights = rights
        self._movable = rights.may_move_any

    def move_refusal(
        self, order_ids: Sequence[OrderId], vehicle_id: VehicleId | None
    ) -> str:
        """Why the role may not move these orders to ``vehicle_id``; "" if it may.

        ``vehicle_id`` None takes them off their routes.
        """
        unplanned = all(self._where.get(oid, (0, 0))[0] == 0 for oid in order_ids)
        needs = move_action(unplanned=unplanned, to_route=vehicle_id is not None)
        return self._rights.refusal(needs)

    def may_move(
        self, order_ids: Sequence[OrderId], vehicle_id: VehicleId | None
    ) -> bool:
        """True if the role may move these orders to ``vehicle_id`` (None: off)."""
        return not self.move_refusal(order_ids, vehicle_id)

    def set_day(self, view: DayView) -> None:
        """Show a whole day (a reset: every lane view re-roots)."""
        self.sig_lanes_about_to_refresh.emit()
        self.beginResetModel()
        self._view = view
        self._lanes = tuple(self._with_last_change(lane) for lane in build_lanes(view))
        self._reindex()
        self.endResetModel()
        self.sig_lanes_refreshed.emit(None)

    def refresh(self, view: DayView, changes: PlanChanges) -> None:
        """Re-read only the lanes ``changes`` touched from the new ``view``.

        Falls back to ``set_day`` when the changes say everything reloaded or
        the set of lanes itself changed (a vehicle appeared or left).
        """
        if (
            changes.reloaded
            or self._view is None
            or view.date != self._view.date
            or [v.id for v in lane_vehicles(view)]
            != [lane.vehicle_id for lane in self._lanes[1:]]
        ):
            self.set_day(view)
            return
        self.sig_lanes_about_to_refresh.emit()
        self._view = view
        touched = {self._lane_rows[vid] for vid in changes.vehicles}
        touched.update(
            self._where[oid][0] for oid in changes.orders if oid in self._where
        )
        touched.discard(0)
        routes = {r.vehicle.id: r for r in view.routes}
        line_of = line_lookup(view)
        colors = route_colors_of(view)
        refreshed = set()
        unassigned = updated_unassigned_lane(self._lanes[0], changes.orders, line_of)
        if self._sync_lane(0, unassigned, changes.orders):
            refreshed.add(0)
        for row in sorted(touched):
            old = self._lanes[row]
            vehicle = old.vehicle
            assert vehicle is not None  # rows > 0 are vehicle lanes
            new = vehicle_lane(
                vehicle, routes.get(vehicle.id), line_of, colors[vehicle.id]
            )
            self._sync_lane(row, self._with_last_change(new), None)
            refreshed.add(row)
        self.sig_lanes_refreshed.emit(frozenset(refreshed))

    def set_last_changes(
        self, last: Mapping[VehicleId, tuple[str, dt.datetime]]
    ) -> None:
        """Show who last changed each route and when.

        Parameters
        ----------
        last
            Vehicle id -> (actor, when) for the day shown, ``when`` in UTC (a
            naive datetime is taken as UTC). It replaces what the board knew:
            a vehicle left out shows no change. Only the lanes whose entry
            differs are announced (``dataChanged`` on the lane index and
            ``sig_lanes_refreshed``).
        """
        had_changes = self.has_last_changes()
        self._last_changes = {
            vid: LastChange(
                actor, at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
            )
            for vid, (actor, at) in last.items()
        }
        rows = set()
        for row, lane in enumerate(self._lanes):
            new = self._with_last_change(lane)
            if new is not lane:
                self._set_lane(row, new)
                index = self.createIndex(row, 0, _LANE)
                self.dataChanged.emit(index, index, [LastChangeRole])
                rows.add(row)
        if rows:
            # Lane heads grow a row for it when the first change arrives.
            every = had_changes != self.has_last_changes()
            self.sig_lanes_refreshed.emit(None if every else frozenset(rows))

    def has_last_changes(self) -> bool:
        """True if any lane shows who last changed its route."""
        return any(lane.last_change is not None for lane in self._lanes)

    def day(self) -> DayView | None:
        """The day shown."""
        return self._view

    def lanes(self) -> tuple[Lane, ...]:
        """Every lane, in row order."""
        return self._lanes

    def lane(self, row: int) -> Lane:
        """The lane at a top-level row."""
        return self._lanes[row]

    def lane_index(self, vehicle_id: VehicleId | None) -> QModelIndex:
        """The index of a vehicle's lane (None: Unassigned); invalid if unknown."""
        row = self._lane_rows.get(vehicle_id)
        return QModelIndex() if row is None else self.createIndex(row, 0, _LANE)

    def card_index(self, order_id: OrderId) -> QModelIndex:
        """The index of an order's card; invalid if the board does not show it."""
        where = self._where.get(order_id)
        if where is None:
            return QModelIndex()
        lane_row, row = where
        return self.createIndex(row, 0, lane_row + 1)

    def is_lane(self, index: AnyIndex) -> bool:
        """True for a lane index, False for cards and the root."""
        return index.isValid() and index.internalId() == _LANE

    def card(self, index: AnyIndex) -> Card | None:
        """The card behind an index, None for lanes and the root."""
        if not index.isValid() or index.internalId() == _LANE:
            return None
        return self._lanes[index.internalId() - 1].cards[index.row()]

    def lane_of(self, index: AnyIndex) -> Lane | None:
        """The lane of a lane or card index, None for the root."""
        row = self._lane_row(index)
        return None if row is None else self._lanes[row]

    # -- Qt overrides: structure ----------------------------------------------------

    def index(
        self,
        row: int,
        column: int,
        parent: AnyIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        """Lanes under the root, cards under their lane."""
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row < len(self._lanes):
                return self.createIndex(row, 0, _LANE)
            return QModelIndex()
        if parent.internalId() != _LANE or parent.column() != 0:
            return QModelIndex()
        lane_row = parent.row()
        if lane_row < len(self._lanes) and row < len(self._lanes[lane_row].cards):
            return self.createIndex(row, 0, lane_row + 1)
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """The lane of a card; lanes hang from the root."""
        if not index.isValid() or index.internalId() == _LANE:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _LANE)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Lanes under the root, cards under a lane, nothing under a card."""
        if not parent.isValid():
            return len(self._lanes)
        if parent.internalId() == _LANE and parent.column() == 0:
            return len(self._lanes[parent.row()].cards)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """One column everywhere."""
        return 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Cards drag and select; lanes take drops between their cards.

        Without any move the role may make, cards only select and lanes take
        nothing.
        """
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        movable = self._movable
        if index.internalId() == _LANE:
            if movable:
                return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled
            return Qt.ItemFlag.ItemIsEnabled
        # No ItemIsDropEnabled on cards: a drop onto a card lands above or below it.
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsDragEnabled if movable else flags

    # -- Qt overrides: data ---------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The value of a lane or card for a role (see the ``*Role`` constants)."""
        lane_row = self._lane_row(index)
        if lane_row is None:
            return None
        lane = self._lanes[lane_row]
        if index.internalId() == _LANE:
            lane_value = _LANE_ROLES.get(int(role))
            return None if lane_value is None else lane_value(lane)
        cards = lane.cards
        card_value = _CARD_ROLES.get(int(role))
        if card_value is None or not 0 <= index.row() < len(cards):
            return None
        return card_value(cards[index.row()], lane)

    # -- Qt overrides: drag and drop --------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        """Cards move; rows from the order table arrive as copies."""
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        """Cards leave as moves (the source never removes rows itself)."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        """Only order ids are understood."""
        return [ORDER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged cards' order ids, in lane then route order."""
        cards = sorted(
            (index.internalId(), index.row())
            for index in indexes
            if index.isValid() and index.internalId() != _LANE
        )
        ids = [self._lanes[lane - 1].cards[row].order_id for lane, row in cards]
        return encode_order_ids(ids)

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        """True for order ids dropped into a lane (between cards or at its end).

        False for a move the signed-in role may not make (see ``set_rights``).
        """
        return self._drop(data, action, parent) is not None

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        """Emit ``sig_move_requested`` for the dropped orders; rows stay as they are.

        Returns False (and emits nothing) for foreign data, for a drop outside
        every lane, for a move the signed-in role may not make and for a drop
        that would leave the plan as it is.
        """
        drop = self._drop(data, action, parent)
        if drop is None:
            return False
        lane_row, ids = drop
        if not self.is_lane(parent):  # dropped onto a card: insert before it
            row = parent.row()
        lane = self._lanes[lane_row]
        index = self._target_index(lane_row, row)
        if self._changes_nothing(lane_row, ids, index):
            return False
        self.sig_move_requested.emit(ids, lane.vehicle_id, index)
        return True

    # -- helpers ------------------------------------------------------------------

    def _lane_row(self, index: AnyIndex) -> int | None:
        if not index.isValid():
            return None
        lane_row = (
            index.row() if index.internalId() == _LANE else index.internalId() - 1
        )
        return lane_row if 0 <= lane_row < len(self._lanes) else None

    def _drop(
        self, data: QMimeData, action: Qt.DropAction, parent: AnyIndex
    ) -> tuple[int, list[OrderId]] | None:
        """The lane row and known order ids of a drop we take, or None."""
        if action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return None
        lane_row = self._lane_row(parent)
        ids = self._known_ids(data)
        if lane_row is None or not ids:
            return None
        if not self.may_move(ids, self._lanes[lane_row].vehicle_id):
            return None
        return lane_row, ids

    def _known_ids(self, data: QMimeData) -> list[OrderId]:
        """The dragged ids this day shows; foreign or stale ids are dropped."""
        ids = decode_order_ids(data)
        if ids is None:
            return []
        return [oid for oid in ids if oid in self._where]

    def _target_index(self, lane_row: int, row: int) -> int | None:
        """The drop row as the request's index: None for "at the end"."""
        lane = self._lanes[lane_row]
        if lane.vehicle is None or row < 0 or row >= len(lane.cards):
            return None
        return row

    def _changes_nothing(
        self, lane_row: int, ids: list[OrderId], index: int | None
    ) -> bool:
        """True if the orders already sit there, together, in driving order.

        The edit keeps moved stops in their driving order, so a block dropped
        anywhere from its own first row to just below its last stays put.
        """
        if any(self._where[oid][0] != lane_row for oid in ids):
            return False
        lane = self._lanes[lane_row]
        if lane.vehicle is None:
            return True  # the Unassigned lane has no order to change
        rows = sorted(self._where[oid][1] for oid in ids)
        first, after = rows[0], rows[-1] + 1
        if rows != list(range(first, after)):
            return False
        if index is None:
            return after == len(lane.cards)
        return first <= index <= after

    def _reindex(self) -> None:
        self._lane_rows = {lane.vehicle_id: row for row, lane in enumerate(self._lanes)}
        self._where = {
            card.order_id: (lane_row, row)
            for lane_row, lane in enumerate(self._lanes)
            for row, card in enumerate(lane.cards)
        }

    def _sync_lane(
        self, lane_row: int, new: Lane, changed_orders: frozenset[OrderId] | None
    ) -> bool:
        """Replace one lane, signalling only the run of cards that differs.

        ``changed_orders`` None means every card's data may have changed (a
        re-timed route); otherwise only those orders' cards are re-announced.
        Returns True if anything about the lane changed.
        """
        old = self._lanes[lane_row]
        old_ids = [card.order_id for card in old.cards]
        new_ids = [card.order_id for card in new.cards]
        limit = min(len(old_ids), len(new_ids))
        prefix = 0
        while prefix < limit and old_ids[prefix] == new_ids[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old_ids[-1 - suffix] == new_ids[-1 - suffix]:
            suffix += 1
        parent = self.createIndex(lane_row, 0, _LANE)
        old_end, new_end = len(old_ids) - suffix, len(new_ids) - suffix
        structural = old_end > prefix or new_end > prefix
        if old_end > prefix:
            self.beginRemoveRows(parent, prefix, old_end - 1)
            kept = old.cards[:prefix] + old.cards[old_end:]
            self._set_lane(lane_row, dataclasses.replace(old, cards=kept))
            self.endRemoveRows()
        if new_end > prefix:
            # The kept cards still show their old data until dataChanged below.
            self.beginInsertRows(parent, prefix, new_end - 1)
            cards = old.cards[:prefix] + new.cards[prefix:new_end] + old.cards[old_end:]
            self._set_lane(lane_row, dataclasses.replace(old, cards=cards))
            self.endInsertRows()
        self._set_lane(lane_row, new)
        if structural:  # else every card kept its row (a big Unassigned lane, say)
            for oid in old_ids:
                if self._where.get(oid, (-1, 0))[0] == lane_row:
                    del self._where[oid]
            self._where.update(
                (oid, (lane_row, row)) for row, oid in enumerate(new_ids)
            )
        if changed_orders is None:
            if new_ids:
                self.dataChanged.emit(
                    self.createIndex(0, 0, lane_row + 1),
                    self.createIndex(len(new_ids) - 1, 0, lane_row + 1),
                )
            changed = True
        else:
            here = (self._where.get(oid) for oid in changed_orders)
            rows = [w[1] for w in here if w is not None and w[0] == lane_row]
            for row in rows:
                card_index = self.createIndex(row, 0, lane_row + 1)
                self.dataChanged.emit(card_index, card_index)
            # The lane's own numbers derive from its cards.
            changed = structural or bool(rows)
        if changed:
            self.dataChanged.emit(parent, parent)
        return changed

    def _with_last_change(self, lane: Lane) -> Lane:
        """``lane`` with the last change the board knows of (itself if the same)."""
        vid = lane.vehicle_id
        change = self._last_changes.get(vid) if vid is not None else None
        if change == lane.last_change:
            return lane
        return dataclasses.replace(lane, last_change=change)

    def _set_lane(self, lane_row: int, lane: Lane) -> None:
        lanes = list(self._lanes)
        lanes[lane_row] = lane
        self._lanes = tuple(lanes)


def _card_title(card: Card) -> str:
    """A card's text: its ETA (when planned) and the customer."""
    eta = card.eta
    prefix = f"{format_minutes(eta)} " if eta is not None else ""
    return prefix + card.line.customer.name


def _of_card(get: Callable[[Card], Any]) -> Callable[[Card, Lane], Any]:
    return lambda card, _lane: get(card)


def _of_lane(get: Callable[[Lane], Any]) -> Callable[[Card, Lane], Any]:
    return lambda _card, lane: get(lane)


def _itself(value: Any) -> Any:
    return value


_ROLE = Qt.ItemDataRole

_LANE_ROLES: Final[dict[int, Callable[[Lane], Any]]] = {
    int(_ROLE.DisplayRole): attrgetter("title"),
    int(_ROLE.ToolTipRole): lane_tooltip,
    LaneRole: _itself,
    IdRole: attrgetter("vehicle_id"),
    LineRole: attrgetter("route"),
    ColorRole: attrgetter("color"),
    LoadRole: attrgetter("load"),
    ViolationsRole: attrgetter("violations"),
    LockedRole: attrgetter("locked"),
    LastChangeRole: attrgetter("last_change"),
}
"""What a lane index answers for each role."""

_CARD_ROLES: Final[dict[int, Callable[[Card, Lane], Any]]] = {
    int(_ROLE.DisplayRole): _of_card(_card_title),
    int(_ROLE.ToolTipRole): card_tooltip,
    CardRole: _of_card(_itself),
    LaneRole: _of_lane(_itself),
    IdRole: _of_card(attrgetter("order_id")),
    LineRole: _of_card(attrgetter("line")),
    ColorRole: _of_lane(attrgetter("color")),
    EtaRole: _of_card(attrgetter("eta")),
    WindowsRole: _of_card(attrgetter("windows")),
    LoadRole: _of_card(attrgetter("line.order.demand")),
    ViolationsRole: _of_card(attrgetter("violations")),
    LockedRole: _of_card(attrgetter("locked")),
    SequenceRole: _of_card(attrgetter("sequence")),
}
"""What a card index answers for each role (the card and its lane in)."""
