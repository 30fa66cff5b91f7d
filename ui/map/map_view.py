"""The live map of one day: a QWebEngineView kept in step with the plan.

``MapView`` loads the static page from ``app://map/`` once, then feeds it over
the QWebChannel bridge: the whole day after the page says it is ready
(``set_day``), and after each edit only the routes and orders that changed
(``apply_changes``), so pan and zoom survive. It joins the window's shared
``OrderSelection`` (a click selects everywhere; a selection elsewhere is
highlighted and brought into sight) and turns map gestures into requests for
the plan document: ``sig_assign_requested`` after a box selection and a
vehicle choice, ``sig_location_change_requested`` after a confirmed pin drag.
Both follow the signed-in role (``set_rights``): a role that may not move a
customer cannot switch pins to dragging, and the vehicle menu after a box
selection offers only the moves the role may make (none: the box only selects).
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QCoreApplication, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices, QIcon, QPixmap
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineUrlScheme,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QVBoxLayout, QWidget

from dispatcher.permissions import Action
from dispatcher.travel import haversine_km
from ui.map.bridge import MapBridge
from ui.map.features import (
    Feature,
    Fleet,
    changed_state,
    day_state,
    placements,
    shown_lines,
)
from ui.map.scheme import MAP_HOST, MAP_PAGE_URL, SCHEME, MapSchemeHandler
from ui.map.tiles import USER_AGENT, TileRequestInterceptor, TileSource, tile_source
from ui.models.edit_rights import EditRights, move_action
from ui.models.route_colors import UNASSIGNED_COLOR

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from PySide6.QtCore import QSettings

    from dispatcher.changes import PlanChanges
    from dispatcher.day_view import DayView, OrderLine
    from dispatcher.model import Location, OrderId, VehicleId
    from ui.selection import OrderSelection

log = logging.getLogger(__name__)

_profile: QWebEngineProfile | None = None
_keep_alive: list[Any] = []  # Qt does not own handler/interceptor: Python must

_PIN_TIP = "Drag a stop to correct its customer's location (asks before saving)"


def map_profile() -> QWebEngineProfile:
    """The browser profile of every map view: ``app://`` handler, tile headers.

    Off the record (tiles are cached in memory only; nothing is written to the
    user's disk) and created once, owned by the application, so it outlives
    every page (pages must go first; see ``MapView.dispose``).

    Raises
    ------
    RuntimeError
        If ``register_schemes()`` was not called before the QApplication.
    """
    global _profile
    if _profile is not None:
        return _profile
    if not QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME)).name():
        raise RuntimeError(
            "ui.map.scheme.register_schemes() must run before the QApplication exists"
        )
    profile = QWebEngineProfile(QCoreApplication.instance())
    profile.setHttpUserAgent(USER_AGENT)
    handler = MapSchemeHandler(profile)
    profile.installUrlSchemeHandler(QByteArray(SCHEME), handler)
    interceptor = TileRequestInterceptor()
    profile.setUrlRequestInterceptor(interceptor)
    _keep_alive.extend((handler, interceptor))
    _profile = profile
    return profile


class MapPage(QWebEnginePage):
    """The map page: stays on ``app://map/``; links open in the desktop browser."""

    def acceptNavigationRequest(
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, main: bool
    ) -> bool:
        """Allow loading the map page itself and nothing else."""
        url = QUrl(url)
        link = nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked
        if url.scheme() == SCHEME.decode() and url.host() == MAP_HOST and not link:
            return True
        if link and url.scheme() in ("http", "https"):
            # Attribution links: show them in the user's browser, not in the map.
            QDesktopServices.openUrl(url)
        else:
            log.warning("Map refused to navigate to %s", url.toString())
        return False

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        """Send the page's console to our log."""
        error = QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel
        log.log(
            logging.WARNING if level == error else logging.DEBUG,
            "map page: %s (%s:%d)",
            message,
            source,
            line,
        )


def fleet_of(view: DayView) -> Fleet:
    """The depots and vehicles of a day view (the whole fleet when it has it)."""
    depots = dict(view.context.depots) if view.context is not None else {}
    vehicles = dict(view.vehicles)
    vehicles.update((r.vehicle.id, r.vehicle) for r in view.routes)
    return Fleet(depots, vehicles)


def _natural_key(text: str) -> list[Any]:
    """Sort key that puts "Van 2" before "Van 10"."""
    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text)]


def _swatch(color: str) -> QIcon:
    """A small filled circle of a route colour, for menus."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def ask_question(parent: QWidget, title: str, text: str) -> bool:
    """Ask yes/no in a message box; True for yes."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class MapView(QWidget):
    """The day on a map, updated in place; one of the window's synchronised views."""

    sig_assign_requested = Signal(list, object)
    """The user chose a vehicle for orders selected with the box.

    Parameters
    ----------
    order_ids : list[OrderId]
        The orders to move.
    vehicle_id : VehicleId | None
        The vehicle to append them to, or None to unassign them.
    """

    sig_location_change_requested = Signal(object, object)
    """The user confirmed a customer's new place after dragging its pin.

    Parameters
    ----------
    customer_id : CustomerId
        The customer to move.
    location : Location
        The new place.
    """

    def __init__(
        self,
        selection: OrderSelection,
        *,
        settings: QSettings | None = None,
        tiles: TileSource | None = None,
        confirm: Callable[[str, str], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._selection = selection
        self._tiles = tiles if tiles is not None else tile_source(settings)
        self._confirm = confirm or (lambda title, text: ask_question(self, title, text))
        self._view: DayView | None = None
        self._fleet = Fleet({}, {})
        self._lines: dict[OrderId, OrderLine] = {}
        self._fit_pending = True
        self._seq = 0
        self._menu: QMenu | None = None
        # What the page holds, by feature key, so an edit sends only features
        # that differ (stops before a drop point keep their number and ETA).
        self._sent: dict[tuple[str, int], Feature] = {}
        self._rights = EditRights()

        self._web = QWebEngineView(self)
        self._web.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._page: MapPage | None = MapPage(map_profile(), self._web)
        self._web.setPage(self._page)
        self._bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self._bridge)
        self._page.setWebChannel(self._channel)

        self.fit_action = QAction("Show all", self)
        self.fit_action.setToolTip("Zoom to every depot and stop of the day")
        self.pin_action = QAction("Move pins", self)
        self.pin_action.setCheckable(True)
        self.pin_action.setToolTip(_PIN_TIP)
        toolbar = QToolBar("Map", self)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.fit_action)
        toolbar.addAction(self.pin_action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(toolbar)
        layout.addWidget(self._web, 1)

        self._connect_signals()
        self._page.load(MAP_PAGE_URL)

    def _connect_signals(self) -> None:
        bridge = self._bridge
        bridge.sig_ready.connect(self._on_bridge_ready)
        bridge.sig_order_clicked.connect(self._on_bridge_order_clicked)
        bridge.sig_route_clicked.connect(self._on_bridge_route_clicked)
        bridge.sig_background_clicked.connect(self._on_bridge_background_clicked)
        bridge.sig_orders_lassoed.connect(self._on_bridge_orders_lassoed)
        bridge.sig_pin_moved.connect(self._on_bridge_pin_moved)
        self._selection.sig_selection_changed.connect(self._on_selection_changed)
        self._selection.sig_focus_requested.connect(self._on_selection_focus)
        self.fit_action.triggered.connect(self.fit_all)
        self.pin_action.toggled.connect(self._on_pin_action_toggled)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.dispose)

    # --- public API -------------------------------------------------------
    @property
    def bridge(self) -> MapBridge:
        """The channel object (tests drive its slots)."""
        return self._bridge

    @property
    def web_view(self) -> QWebEngineView:
        """The browser widget (for screenshots and tests)."""
        return self._web

    @property
    def assign_menu(self) -> QMenu | None:
        """The vehicle menu of the latest box selection, if one was shown."""
        return self._menu

    @property
    def last_push(self) -> int:
        """Sequence number of the latest state or changes sent to the page."""
        return self._seq

    def set_day(self, view: DayView) -> None:
        """Show a whole day; zooms to it when the date differs from the last one."""
        if self._view is None or self._view.date != view.date:
            self._fit_pending = True
        self._set_view(view)
        if self._bridge.is_ready:
            self._push_state()

    def apply_changes(self, view: DayView, changes: PlanChanges) -> None:
        """Update the map after an edit: only the changed routes and orders move.

        A reload, another date or a map that is not ready yet gets the whole day.
        """
        old = self._view
        if old is None or changes.reloaded or old.date != view.date:
            self.set_day(view)
            return
        self._set_view(view)
        if not self._bridge.is_ready:
            return  # the full state goes out when the page is ready
        payload = changed_state(
            old, view, changes.vehicles, changes.orders, self._fleet
        )
        payload["routes"] = self._unsent("vehicle", payload["routes"])
        payload["orders"] = self._unsent("id", payload["orders"])
        for oid in payload["removedOrders"]:
            self._sent.pop(("id", oid), None)
        self._emit(self._bridge.sig_changes_pushed, payload)

    def fit_all(self) -> None:
        """Zoom to every depot and stop of the day."""
        if self._bridge.is_ready and self._view is not None:
            self._fit_pending = True
            self._push_state()

    def set_pin_mode(self, on: bool) -> None:
        """Let the user drag pins (True) or lock them (False)."""
        self.pin_action.setChecked(on and self.pin_action.isEnabled())

    def rights(self) -> EditRights:
        """What the signed-in role may change on the day shown."""
        return self._rights

    def set_rights(self, rights: EditRights) -> None:
        """Offer pin moves and box assignments only as ``rights`` allow.

        A role that may not move customers gets the pins switched off and the
        "Move pins" toggle disabled, saying why (hidden for a role that changes
        nothing).
        """
        self._rights = rights
        refusal = rights.refusal(Action.MOVE_CUSTOMER)
        if refusal:
            self.pin_action.setChecked(False)
        self.pin_action.setEnabled(not refusal)
        self.pin_action.setVisible(not rights.read_only)
        self.pin_action.setToolTip(refusal or _PIN_TIP)

    def show_assign_menu(self, order_ids: list[OrderId], position: QPoint) -> QMenu:
        """Offer the vehicles for ``order_ids`` at ``position`` (in web view pixels)."""
        if self._menu is not None:
            self._menu.deleteLater()
        menu = self._menu = QMenu(self)
        count = len(order_ids)
        menu.addSection(f"Assign {count} order{'s' if count != 1 else ''} to")
        colors = self._fleet.colors(self._view) if self._view is not None else {}
        stops = {r.vehicle.id: len(r.route.stops) for r in self._view_routes()}
        vehicles = sorted(
            (v for v in self._fleet.vehicles.values() if v.active),
            key=lambda v: _natural_key(v.name),
        )
        menu.setToolTipsVisible(True)
        to_route = self._move_refusal(order_ids, to_route=True)
        for vehicle in vehicles:
            text = f"{vehicle.name}  ({stops.get(vehicle.id, 0)} stops)"
            action = menu.addAction(
                _swatch(colors.get(vehicle.id, UNASSIGNED_COLOR)), text
            )
            action.setData(int(vehicle.id))
            action.setEnabled(not to_route)
            action.setToolTip(to_route)
            action.triggered.connect(
                lambda _=False, v=vehicle.id: self._request_assign(order_ids, v)
            )
        menu.addSeparator()
        unassign = menu.addAction("Unassign")
        off_route = self._move_refusal(order_ids, to_route=False)
        unassign.setEnabled(not off_route)
        unassign.setToolTip(off_route)
        unassign.triggered.connect(
            lambda _=False: self._request_assign(order_ids, None)
        )
        menu.popup(self._web.mapToGlobal(position))
        return menu

    def dispose(self) -> None:
        """Delete the page before the view (QtWebEngine needs this order)."""
        if self._page is None:
            return
        page, self._page = self._page, None
        page.deleteLater()
        self._web.deleteLater()

    # --- pushing to the page ---------------------------------------------
    def _set_view(self, view: DayView) -> None:
        self._view = view
        self._fleet = fleet_of(view)
        self._lines = shown_lines(view)
        self._bridge.set_known(self._lines, self._fleet.vehicles)

    def _view_routes(self) -> tuple[Any, ...]:
        return self._view.routes if self._view is not None else ()

    def _emit(self, signal: Any, payload: dict[str, Any]) -> None:
        self._seq += 1
        payload["seq"] = self._seq
        signal.emit(json.dumps(payload, separators=(",", ":")))

    def _unsent(self, key: str, features: list[Feature]) -> list[Feature]:
        """The features the page does not hold yet as they are; remembers them."""
        fresh = [f for f in features if self._sent.get((key, f[key])) != f]
        self._sent.update(((key, f[key]), f) for f in fresh)
        return fresh

    def _push_state(self) -> None:
        assert self._view is not None
        payload = day_state(self._view, self._fleet)
        self._sent = {("vehicle", r["vehicle"]): r for r in payload["routes"]}
        self._sent.update((("id", o["id"]), o) for o in payload["orders"])
        payload["fit"] = self._fit_pending
        self._fit_pending = False
        self._emit(self._bridge.sig_state_pushed, payload)
        self._push_selection(pan=False)

    def _push_selection(self, *, pan: bool) -> None:
        ids = sorted(int(i) for i in self._selection.ids if i in self._lines)
        self._bridge.sig_selection_pushed.emit(json.dumps({"ids": ids, "pan": pan}))

    # --- page events --------------------------------------------------------
    def _on_bridge_ready(self) -> None:
        tiles = self._tiles
        config = {
            "tiles": {
                "url": tiles.url_template if tiles.enabled else "",
                "attribution": html.escape(tiles.attribution),
                "maxZoom": tiles.max_zoom,
            }
        }
        self._bridge.sig_config_pushed.emit(json.dumps(config))
        self._bridge.sig_pin_mode_pushed.emit(
            json.dumps({"on": self.pin_action.isChecked()})
        )
        if self._view is not None:
            self._push_state()

    def _on_bridge_order_clicked(self, order_id: OrderId, additive: bool) -> None:
        if additive:
            self._selection.set(self._selection.ids ^ {order_id}, source=self)
        else:
            self._selection.set({order_id}, source=self)

    def _on_bridge_route_clicked(self, vehicle_id: VehicleId) -> None:
        if self._view is None:
            return
        placed = placements(self._view)
        self._selection.set(
            [oid for oid, vid in placed.items() if vid == vehicle_id], source=self
        )

    def _on_bridge_background_clicked(self) -> None:
        self._selection.clear(source=self)

    def _on_bridge_orders_lassoed(
        self, order_ids: list[OrderId], position: QPoint
    ) -> None:
        self._selection.set(order_ids, source=self)
        if self._rights.may_move_any:
            self.show_assign_menu(order_ids, position)

    def _on_bridge_pin_moved(self, order_id: OrderId, location: Location) -> None:
        line = self._lines.get(order_id)
        # The page shows saved data only: the pin goes back now, and moves for
        # good when the saved customer comes back with the next day view.
        self._bridge.sig_pin_reverted.emit(json.dumps({"id": int(order_id)}))
        if (
            line is None
            or not self.pin_action.isChecked()
            or not self._rights.may(Action.MOVE_CUSTOMER)
        ):
            return
        customer = line.customer
        distance = haversine_km(customer.location, location)
        others = (
            sum(1 for ln in self._lines.values() if ln.customer.id == customer.id) - 1
        )
        text = (
            f"Move {customer.name} to {location.lat:.5f}, {location.lon:.5f}, "
            f"{_distance_text(distance)} from its saved place?"
        )
        if others:
            text += f"\n\nIts {others + 1} orders of the day all move with it."
        text += "\n\nRoutes through it are re-timed from the new place."
        if self._confirm("Move customer", text):
            self.sig_location_change_requested.emit(customer.id, location)

    def _on_pin_action_toggled(self, on: bool) -> None:
        self._bridge.sig_pin_mode_pushed.emit(json.dumps({"on": on}))

    def _move_refusal(self, order_ids: Iterable[OrderId], *, to_route: bool) -> str:
        """Why the role may not move these orders so; "" if it may."""
        placed = placements(self._view) if self._view is not None else {}
        unplanned = not any(oid in placed for oid in order_ids)
        return self._rights.refusal(move_action(unplanned=unplanned, to_route=to_route))

    def _request_assign(
        self, order_ids: Iterable[OrderId], vehicle_id: VehicleId | None
    ) -> None:
        ids = list(order_ids)
        if not self._move_refusal(ids, to_route=vehicle_id is not None):
            self.sig_assign_requested.emit(ids, vehicle_id)

    # --- the shared selection ---------------------------------------------
    def _on_selection_changed(
        self, order_ids: frozenset[OrderId], source: object
    ) -> None:
        if self._bridge.is_ready:
            # Our own clicks need the highlight too; only others' changes pan.
            self._push_selection(pan=source is not self)

    def _on_selection_focus(self, order_id: OrderId) -> None:
        if self._bridge.is_ready and order_id in self._lines:
            self._bridge.sig_focus_pushed.emit(json.dumps({"id": int(order_id)}))


def _distance_text(km: float) -> str:
    return f"{km * 1000:.0f} m" if km < 1 else f"{km:.1f} km"
