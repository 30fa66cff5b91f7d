"""The one object the map page talks to over QWebChannel.

JavaScript calls the typed slots below; whatever it sends is untrusted (the
page shows data typed by other people), so every slot parses and checks its
payload, logs and ignores anything malformed or naming unknown orders, and
never lets an exception escape into Qt. Valid input is re-emitted as plain Qt
signals; the bridge holds no business logic. Python talks to the page through
the ``sig_*_pushed`` signals, each carrying one JSON string the page applies.
"""

from __future__ import annotations

import json
import logging
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Signal, Slot

from dispatcher.model import Location, OrderId, VehicleId

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)

MAX_PAYLOAD_CHARS = 1_000_000
"""Longest message accepted from the page (a lasso of every order fits easily)."""


def _parse(payload: object, what: str) -> dict[str, Any] | None:
    """The JSON object in ``payload``, or None (logged) if it is not one."""
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD_CHARS:
        log.warning("Map sent a %s that is not a string of sane size; ignored", what)
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        log.warning("Map sent a %s that is not JSON; ignored: %.80r", what, payload)
        return None
    if not isinstance(data, dict):
        log.warning("Map sent a %s that is not an object; ignored", what)
        return None
    return data


def _as_int(value: object) -> int | None:
    """A whole number from JSON (ints may arrive as floats), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _as_float(value: object) -> float | None:
    """A finite number from JSON, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class MapBridge(QObject):
    """Typed slots in from the page, validated; JSON-string signals out to it."""

    # --- page -> Python (validated) -------------------------------------
    sig_ready = Signal()
    """The page has connected to the channel and waits for its state."""

    sig_order_clicked = Signal(object, bool)
    """An order marker was clicked.

    Parameters
    ----------
    order_id : OrderId
        The order.
    additive : bool
        True with Ctrl/Cmd held: toggle it in the selection instead of replacing.
    """

    sig_route_clicked = Signal(object)
    """A route line or legend row was clicked.

    Parameters
    ----------
    vehicle_id : VehicleId
        The vehicle of the route.
    """

    sig_background_clicked = Signal()
    """The map itself (no marker) was clicked."""

    sig_orders_lassoed = Signal(list, QPoint)
    """Orders were selected with the box.

    Parameters
    ----------
    order_ids : list[OrderId]
        The known orders inside the box, without repeats.
    position : QPoint
        Where the mouse was released, in the web view's coordinates.
    """

    sig_pin_moved = Signal(object, object)
    """An order's pin was dragged to a new place (not saved yet).

    Parameters
    ----------
    order_id : OrderId
        The order whose pin moved (its customer is what moves).
    location : Location
        Where it was dropped.
    """

    sig_painted = Signal(int)
    """The page drew the state or changes numbered ``sequence``.

    Parameters
    ----------
    sequence : int
        The ``seq`` of the pushed message.
    """

    # --- Python -> page (JSON strings) ----------------------------------
    sig_config_pushed = Signal(str)
    """Tile layer and texts: ``{"tiles": {"url", "attribution", "maxZoom"}}``."""

    sig_state_pushed = Signal(str)
    """The whole day: ``{"seq", "fit", "depots", "routes", "orders", "legend"}``."""

    sig_changes_pushed = Signal(str)
    """Part of the day: ``{"seq", "routes", "orders", "removedOrders", "legend"}``."""

    sig_selection_pushed = Signal(str)
    """Selected orders: ``{"ids": [...], "pan": bool}``."""

    sig_focus_pushed = Signal(str)
    """Pan to one order: ``{"id": n}``."""

    sig_pin_mode_pushed = Signal(str)
    """Whether pins can be dragged: ``{"on": bool}``."""

    sig_pin_reverted = Signal(str)
    """Put a dragged pin back where the data says: ``{"id": n}``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._known: frozenset[int] = frozenset()
        self._vehicles: frozenset[int] = frozenset()
        self.is_ready = False

    def set_known(
        self, order_ids: Iterable[OrderId], vehicle_ids: Iterable[VehicleId]
    ) -> None:
        """The orders and vehicles on the map now; anything else from JS is ignored."""
        self._known = frozenset(order_ids)
        self._vehicles = frozenset(vehicle_ids)

    def _known_order(self, value: object, what: str) -> OrderId | None:
        number = _as_int(value)
        if number is None or number not in self._known:
            log.warning("Map sent %s for an unknown order %.40r; ignored", what, value)
            return None
        return OrderId(number)

    # Slots are called by QtWebChannel from JavaScript; names are the page's API.
    @Slot()
    def ready(self) -> None:
        """The page is listening: time to push config and state."""
        self.is_ready = True
        self.sig_ready.emit()

    @Slot(str)
    def order_clicked(self, order_id: str) -> None:
        """A marker was clicked (``order_id`` as text)."""
        found = self._known_order(order_id, "a click")
        if found is not None:
            self.sig_order_clicked.emit(found, False)

    @Slot(str)
    def order_toggled(self, order_id: str) -> None:
        """A marker was Ctrl/Cmd-clicked (``order_id`` as text)."""
        found = self._known_order(order_id, "a toggle")
        if found is not None:
            self.sig_order_clicked.emit(found, True)

    @Slot(str)
    def route_clicked(self, vehicle_id: str) -> None:
        """A route line or a legend row was clicked (``vehicle_id`` as text)."""
        number = _as_int(vehicle_id)
        if number is None or number not in self._vehicles:
            log.warning("Map sent a click on unknown route %.40r; ignored", vehicle_id)
            return
        self.sig_route_clicked.emit(VehicleId(number))

    @Slot()
    def background_clicked(self) -> None:
        """The map was clicked away from every marker."""
        self.sig_background_clicked.emit()

    @Slot(str)
    def orders_lassoed(self, payload: str) -> None:
        """A box selection: ``{"ids": [order ids], "x": px, "y": px}``."""
        data = _parse(payload, "box selection")
        if data is None:
            return
        ids = data.get("ids")
        x, y = _as_float(data.get("x")), _as_float(data.get("y"))
        if not isinstance(ids, list) or x is None or y is None:
            log.warning("Map sent a box selection without ids and position; ignored")
            return
        found: list[OrderId] = []
        for value in ids:
            order_id = self._known_order(value, "a box selection")
            if order_id is not None and order_id not in found:
                found.append(order_id)
        if found:
            self.sig_orders_lassoed.emit(found, QPoint(round(x), round(y)))

    @Slot(str)
    def pin_moved(self, payload: str) -> None:
        """A dragged pin: ``{"id": order id, "lat": deg, "lon": deg}``."""
        data = _parse(payload, "pin move")
        if data is None:
            return
        order_id = self._known_order(data.get("id"), "a pin move")
        lat, lon = _as_float(data.get("lat")), _as_float(data.get("lon"))
        if order_id is None:
            return
        try:
            if lat is None or lon is None:
                raise ValueError("missing coordinates")
            location = Location(lat, lon)
        except ValueError:
            log.warning("Map sent a pin move to an impossible place; ignored")
            self.sig_pin_reverted.emit(json.dumps({"id": int(order_id)}))
            return
        self.sig_pin_moved.emit(order_id, location)

    @Slot(str)
    def painted(self, sequence: str) -> None:
        """The page drew message ``sequence`` (after two animation frames)."""
        number = _as_int(sequence)
        if number is None:
            log.warning("Map sent a paint notice without a number; ignored")
            return
        self.sig_painted.emit(number)
