"""What the map draws and how its page is built: features, escaping, page, tiles.

The helpers at the top build a small real day (load_day over the fake storage)
that the other map tests share: one depot, Van 1 and Van 2 with two stops each,
one unassigned order, and a customer whose name is an HTML injection attempt.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QByteArray, QSettings, QUrl

from dispatcher.day_view import load_day
from dispatcher.model import (
    CustomerId,
    Location,
    OrderId,
    OrderStatus,
    Plan,
    Route,
    RouteId,
    Stop,
    StopId,
    VehicleId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.fakes import fake_uow_factory
from ui.map import features, tiles
from ui.map.features import Fleet
from ui.map.render import render_page
from ui.models.route_colors import (
    ROUTE_COLORS,
    UNASSIGNED_COLOR,
    route_color,
    text_color_on,
    vehicle_colors,
)

if TYPE_CHECKING:
    from pathlib import Path

    from dispatcher.day_view import DayView

HOSTILE = "<img src=x onerror=alert(1)>"
"""A customer name that would run script if it reached the page unescaped."""

VAN_1, VAN_2 = VehicleId(2), VehicleId(3)
UNASSIGNED = OrderId(14)
CDN_HOSTS = (
    "unpkg.com",
    "cdnjs",
    "jsdelivr",
    "googleapis",
    "cloudflare",
    "leafletjs.com",
)


def day_factory() -> Any:
    """A fake database of one day; ids: depot 1, vans 2-3, customers 4-7, orders 8-14.

    Van 1 serves orders 8, 9 (customers 4, 5); Van 2 serves 10, 11 (6, 7);
    orders 12, 13 are planned on nothing and 14 is a new, unassigned order.
    Orders 12 and 13 are delivered already, so the map must leave them out.
    """
    factory = fake_uow_factory()
    with factory() as uow:
        depot = uow.fleet.add_depot(b.depot(name="Depot <Est>"))
        van1 = uow.fleet.add_vehicle(b.vehicle(name="Van 1", depot_id=depot.id))
        van2 = uow.fleet.add_vehicle(b.vehicle(name="Van 2", depot_id=depot.id))
        customers = uow.customers.add_many(
            [
                b.customer(name=HOSTILE, location=Location(45.770, 4.830)),
                b.customer(name="Pharmacie", location=Location(45.760, 4.850)),
                b.customer(name="Atelier", location=Location(45.750, 4.820)),
                b.customer(name="Café & Co", location=Location(45.780, 4.860)),
            ]
        )
        c = [cu.id for cu in customers]
        planned, delivered = OrderStatus.PLANNED, OrderStatus.DELIVERED
        specs = [
            ("A-1", c[0], planned),
            ("A-2", c[1], planned),
            ("B-1", c[2], planned),
            ("B-2", c[3], planned),
            ("D-1", c[0], delivered),
            ("D-2", c[1], OrderStatus.CANCELLED),
            ("U-1", c[0], OrderStatus.NEW),
        ]
        orders = uow.orders.add_many(
            [
                b.order(reference=ref, customer_id=cid, status=status)
                for ref, cid, status in specs
            ]
        )
        assert (van1.id, van2.id, orders[-1].id) == (VAN_1, VAN_2, UNASSIGNED)
        uow.plans.save(
            Plan(
                b.DAY,
                (
                    _route(van1.id, [o.id for o in orders[:2]]),
                    _route(van2.id, [o.id for o in orders[2:4]]),
                ),
            )
        )
        uow.commit()
    return factory


def _route(vehicle_id: VehicleId, order_ids: list[OrderId]) -> Route:
    stops = tuple(
        Stop(StopId(NEW_ID), oid, seq) for seq, oid in enumerate(order_ids, 1)
    )
    return Route(RouteId(NEW_ID), b.DAY, vehicle_id, stops)


def move_order(factory: Any, order_id: OrderId, vehicle_id: VehicleId | None) -> None:
    """Move ``order_id`` to the end of ``vehicle_id``'s route (None: unassign)."""
    with factory() as uow:
        plan = uow.plans.get(b.DAY)
        routes = []
        for route in plan.routes:
            ids = [oid for oid in route.order_ids if oid != order_id]
            if route.vehicle_id == vehicle_id:
                ids.append(order_id)
            stops = tuple(
                Stop(StopId(NEW_ID), oid, seq) for seq, oid in enumerate(ids, 1)
            )
            routes.append(dataclasses.replace(route, stops=stops))
        uow.plans.save(dataclasses.replace(plan, routes=tuple(routes)))
        uow.commit()


def fleet_of_store(factory: Any) -> Fleet:
    """The depots and vehicles stored in the fake database."""
    with factory() as uow:
        return Fleet(
            {d.id: d for d in uow.fleet.depots()},
            {v.id: v for v in uow.fleet.vehicles()},
        )


def load(factory: Any) -> DayView:
    """The day view of ``b.DAY``."""
    return load_day(factory, b.DAY)


@pytest.fixture
def factory() -> Any:
    """The small day of ``day_factory``."""
    return day_factory()


# --- route colours --------------------------------------------------------
def test_route_colors_are_distinct_and_never_grey() -> None:
    """The palette has no repeats and keeps the unassigned grey for itself."""
    assert len(set(ROUTE_COLORS)) == len(ROUTE_COLORS) >= 10
    assert UNASSIGNED_COLOR not in ROUTE_COLORS
    assert route_color(len(ROUTE_COLORS) + 1) == ROUTE_COLORS[1]


def test_vehicle_colors_do_not_depend_on_which_routes_exist() -> None:
    """A vehicle keeps its colour whatever the order the ids come in."""
    ids = [VehicleId(7), VehicleId(3), VehicleId(5)]
    colors = vehicle_colors(ids)
    assert colors == vehicle_colors(reversed(ids))
    assert colors[VehicleId(3)] == ROUTE_COLORS[0]
    assert colors[VehicleId(7)] == ROUTE_COLORS[2]


@pytest.mark.parametrize(
    ("background", "expected"),
    [("#332288", "#ffffff"), ("#e69f00", "#1f2933"), ("#000000", "#ffffff")],
)
def test_stop_numbers_pick_the_readable_ink(background: str, expected: str) -> None:
    """Dark route colours get white numbers, light ones dark numbers."""
    assert text_color_on(background) == expected


# --- features ---------------------------------------------------------------
def test_day_state_draws_routes_in_sequence_from_and_to_the_depot(factory: Any) -> None:
    """Each route's path is depot, its stops in order, depot; legs are flagged."""
    view, fleet = load(factory), fleet_of_store(factory)
    state = features.day_state(view, fleet)
    depot = next(iter(fleet.depots.values())).location
    by_vehicle = {r["vehicle"]: r for r in state["routes"]}
    van1 = by_vehicle[VAN_1]
    assert van1["path"] == [
        [depot.lat, depot.lon],
        [45.770, 4.830],
        [45.760, 4.850],
        [depot.lat, depot.lon],
    ]
    assert van1["legs"] == [True, True]
    assert van1["color"] != by_vehicle[VAN_2]["color"]
    assert [d["id"] for d in state["depots"]] == [1]


def test_open_route_ends_at_its_last_stop(factory: Any) -> None:
    """A vehicle with an open route has no leg back to the depot."""
    view, fleet = load(factory), fleet_of_store(factory)
    van1 = dataclasses.replace(fleet.vehicles[VAN_1], open_route=True)
    line = next(r for r in view.routes if r.vehicle.id == VAN_1)
    line = dataclasses.replace(line, vehicle=van1)
    feature = features.route_feature(
        line, fleet.depots, features.locations(view), "#0072b2"
    )
    assert feature["path"][-1] == [45.760, 4.850]
    assert feature["legs"] == [True, False]


def test_orders_on_routes_are_numbered_and_unassigned_are_grey(factory: Any) -> None:
    """Stops carry their route colour and number; the open order is grey, unnumbered."""
    view, fleet = load(factory), fleet_of_store(factory)
    state = features.day_state(view, fleet)
    orders = {o["id"]: o for o in state["orders"]}
    colors = {r["vehicle"]: r["color"] for r in state["routes"]}
    assert sorted(orders) == [8, 9, 10, 11, UNASSIGNED]  # delivered/cancelled left out
    assert (orders[9]["vehicle"], orders[9]["seq"], orders[9]["color"]) == (
        VAN_1,
        2,
        colors[VAN_1],
    )
    assert orders[UNASSIGNED]["vehicle"] is None
    assert orders[UNASSIGNED]["seq"] is None
    assert orders[UNASSIGNED]["color"] == UNASSIGNED_COLOR
    assert state["legend"]["unassigned"] == 1
    assert [r["name"] for r in state["legend"]["routes"]] == ["Van 1", "Van 2"]


def test_every_text_from_data_is_escaped(factory: Any) -> None:
    """Customer and depot names reach the page as inert text, never as markup."""
    view, fleet = load(factory), fleet_of_store(factory)
    state = features.day_state(view, fleet)
    tips = [o["tip"] for o in state["orders"]] + [d["tip"] for d in state["depots"]]
    hostile = next(o["tip"] for o in state["orders"] if o["id"] == 8)
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile
    assert "Depot &lt;Est&gt;" in state["depots"][0]["tip"]
    assert all("<img" not in tip and "<Est>" not in tip for tip in tips)
    cafe = next(o["tip"] for o in state["orders"] if o["id"] == 11)
    assert "Café &amp; Co" in cafe


def test_tooltip_tells_eta_window_and_lateness(factory: Any) -> None:
    """A stop's tooltip names route, stop, ETA and window; lateness when late."""
    view = load(factory)
    line = next(ln for ln in view.lines if ln.order.id == 9)
    text = features.order_tooltip(line)
    assert 'Stop 2 · <span class="nowrap">Van 1</span>' in text
    assert "Order A-2" in text
    assert "window 09:00–12:00" in text
    assert f"ETA {line.eta // 60:02.0f}:" in text
    late = features.order_tooltip(dataclasses.replace(line, lateness=75))
    assert "Late by 1 h 15 min" in late
    assert "Not on a route" in features.order_tooltip(
        next(ln for ln in view.lines if ln.order.id == UNASSIGNED)
    )


def test_changed_state_holds_only_the_touched_routes_and_orders(factory: Any) -> None:
    """Moving order 10 from Van 2 to Van 1 sends those routes and their orders only."""
    fleet, old = fleet_of_store(factory), load(factory)
    move_order(factory, OrderId(10), VAN_1)
    new = load(factory)
    state = features.changed_state(old, new, {VAN_1, VAN_2}, {OrderId(10)}, fleet)
    assert sorted(r["vehicle"] for r in state["routes"]) == [VAN_1, VAN_2]
    assert sorted(o["id"] for o in state["orders"]) == [8, 9, 10, 11]
    moved = next(o for o in state["orders"] if o["id"] == 10)
    van1 = next(r for r in state["routes"] if r["vehicle"] == VAN_1)
    assert (moved["vehicle"], moved["seq"], moved["color"]) == (VAN_1, 3, van1["color"])
    assert state["removedOrders"] == []

    only_van2 = features.changed_state(new, new, {VAN_2}, set(), fleet)
    assert [r["vehicle"] for r in only_van2["routes"]] == [VAN_2]
    assert [o["id"] for o in only_van2["orders"]] == [11]


def test_emptied_route_is_sent_with_an_empty_path(factory: Any) -> None:
    """A route that lost its last stop is removed from the map and the legend."""
    fleet, old = fleet_of_store(factory), load(factory)
    move_order(factory, OrderId(10), None)
    move_order(factory, OrderId(11), None)
    new = load(factory)
    state = features.changed_state(old, new, {VAN_2}, {OrderId(10), OrderId(11)}, fleet)
    assert [(r["vehicle"], r["path"], r["stops"]) for r in state["routes"]] == [
        (VAN_2, [], 0)
    ]
    assert {o["id"]: o["vehicle"] for o in state["orders"]} == {10: None, 11: None}
    assert [r["name"] for r in state["legend"]["routes"]] == ["Van 1"]
    assert state["legend"]["unassigned"] == 3


# --- the page -----------------------------------------------------------------
def test_page_has_the_map_div_and_only_local_scripts() -> None:
    """The page loads Leaflet, the channel client and the bridge from its own origin."""
    page = render_page()
    assert '<div id="map"' in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources == [
        "leaflet/leaflet.css",
        "map.css",
        "leaflet/leaflet.js",
        "qwebchannel.js",
        "bridge.js",
    ]
    assert not re.search(r"https?://", page)
    assert "script-src 'self'" in page
    assert "unsafe-eval" not in page


def test_no_cdn_is_named_by_any_map_file() -> None:
    """Neither the page nor its script and style sheet reach out to a CDN."""
    from ui.map.scheme import map_assets

    assets = map_assets()
    for path in ("/index.html", "/bridge.js", "/map.css"):
        text = assets[path][1].decode("utf-8")
        assert not any(host in text for host in CDN_HOSTS), path
        assert not re.search(r"<script[^>]+src=\"https?:", text), path
    leaflet = assets["/leaflet/leaflet.js"][1]
    assert b"Leaflet 1.9" in leaflet[:300]
    assert b"var QWebChannel = function" in assets["/qwebchannel.js"][1]


# --- tiles ----------------------------------------------------------------------
def test_default_tiles_are_openstreetmap_with_attribution(tmp_path: Path) -> None:
    """Without a setting the OSM standard layer and its attribution are used."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    source = tiles.tile_source(settings)
    assert source.url_template == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert source.attribution == "© OpenStreetMap contributors"
    assert tiles.tile_source(None) == source


def test_tile_settings_are_read_and_empty_turns_tiles_off(tmp_path: Path) -> None:
    """A configured template, attribution and zoom win; an empty template disables."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue(tiles.TILE_URL_KEY, "https://tiles.example/{z}/{x}/{y}.png")
    settings.setValue(tiles.TILE_ATTRIBUTION_KEY, "© Example")
    settings.setValue(tiles.TILE_MAX_ZOOM_KEY, "17")
    assert tiles.tile_source(settings) == tiles.TileSource(
        "https://tiles.example/{z}/{x}/{y}.png", "© Example", 17
    )
    settings.setValue(tiles.TILE_URL_KEY, "")
    assert not tiles.tile_source(settings).enabled


class _RequestInfo:
    """Just enough of QWebEngineUrlRequestInfo for the interceptor to act on."""

    def __init__(self, url: str) -> None:
        self.url = QUrl(url)
        self.headers: dict[bytes, bytes] = {}

    def requestUrl(self) -> QUrl:
        return self.url

    def setHttpHeader(self, name: QByteArray, value: QByteArray) -> None:
        self.headers[bytes(name.data())] = bytes(value.data())


@pytest.mark.parametrize(
    ("url", "referer"),
    [
        ("https://tile.openstreetmap.org/12/2104/1459.png", True),
        ("https://a.tile.openstreetmap.org/12/2104/1459.png", True),
        ("https://tiles.example/12/2104/1459.png", False),
    ],
)
def test_tile_requests_get_our_user_agent_and_osm_a_referer(
    url: str, referer: bool
) -> None:
    """Every remote request names the app; OSM tile hosts also get a Referer."""
    info = _RequestInfo(url)
    tiles.TileRequestInterceptor().interceptRequest(info)  # type: ignore[arg-type]
    agent = info.headers[b"User-Agent"].decode()
    assert re.fullmatch(r"Dispatcher/\d+\.\d+\.\d+ \(\+https://[^)]+\)", agent)
    assert (b"Referer" in info.headers) is referer
    if referer:
        assert info.headers[b"Referer"].startswith(b"https://")


def test_local_requests_are_left_alone() -> None:
    """The app:// page and its files get no extra headers."""
    info = _RequestInfo("app://map/bridge.js")
    tiles.TileRequestInterceptor().interceptRequest(info)  # type: ignore[arg-type]
    assert info.headers == {}


def test_customer_ids_in_features_match_the_day(factory: Any) -> None:
    """Each order feature names its customer, which pin moves rely on."""
    view, fleet = load(factory), fleet_of_store(factory)
    state = features.day_state(view, fleet)
    customer_of = {ln.order.id: ln.customer.id for ln in view.lines}
    assert all(o["customer"] == customer_of[o["id"]] for o in state["orders"])
    assert customer_of[OrderId(8)] == CustomerId(4)
