"""The map in a real QWebEngineView: load offline, bridge round trips, in-place edits.

Each test loads the page from app://, waits for the page's ready() call, pushes
the small day of ``test_map_features`` and then drives the page through its
JavaScript (as a user's click or drag would) or Python through the bridge.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QSettings, QUrl
from PySide6.QtGui import QColor
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QApplication

from dispatcher.changes import PlanChanges
from dispatcher.day_view import load_day
from dispatcher.model import CustomerId, Location, OrderId
from tests import builders as b
from tests.ui.test_map_features import (
    HOSTILE,
    UNASSIGNED,
    VAN_1,
    VAN_2,
    day_factory,
    move_order,
)
from ui.map import tiles
from ui.map.map_view import MapView
from ui.map.tiles import NO_TILES
from ui.models.route_colors import UNASSIGNED_COLOR
from ui.selection import OrderSelection

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dispatcher.day_view import DayView

pytestmark = pytest.mark.webengine

LOAD_TIMEOUT = 20_000


class Confirmations:
    """Answers the pin-move question like a user would, and remembers it."""

    def __init__(self) -> None:
        self.answer = True
        self.asked: list[str] = []

    def __call__(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.answer


@pytest.fixture
def factory() -> Any:
    """The small day of ``test_map_features.day_factory``."""
    return day_factory()


@pytest.fixture
def confirm() -> Confirmations:
    """The stand-in for the user answering "Move customer?"."""
    return Confirmations()


def make_map(
    qtbot: QtBot, confirm: Confirmations, settings: QSettings | None = None
) -> MapView:
    """A shown map view whose page has loaded and said ready()."""
    selection = OrderSelection()
    view = MapView(
        selection,
        settings=settings,
        tiles=None if settings is not None else NO_TILES,
        confirm=confirm,
    )
    qtbot.addWidget(view)
    view.resize(900, 640)
    view.show()
    qtbot.waitUntil(lambda: view.bridge.is_ready, timeout=LOAD_TIMEOUT)
    return view


def dispose(view: MapView) -> None:
    """Delete page then view now, as QtWebEngine wants at teardown."""
    view.dispose()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def map_view(qtbot: QtBot, confirm: Confirmations) -> Iterator[MapView]:
    """A ready map without tiles."""
    view = make_map(qtbot, confirm)
    yield view
    dispose(view)


def selection_of(view: MapView) -> OrderSelection:
    """The shared selection the map joined."""
    return view._selection


def js(qtbot: QtBot, view: MapView, expression: str) -> Any:
    """Evaluate ``expression`` in the page and return it, through JSON."""
    results: list[str] = []
    view.web_view.page().runJavaScript(
        f"JSON.stringify({expression})", 0, results.append
    )
    qtbot.waitUntil(lambda: bool(results), timeout=5_000)
    return json.loads(results[0])


def show_day(qtbot: QtBot, view: MapView, day: DayView) -> None:
    """Push the whole day and wait until the page painted it."""
    expected = view.last_push + 1
    with qtbot.waitSignal(
        view.bridge.sig_painted,
        timeout=LOAD_TIMEOUT,
        check_params_cb=lambda seq: seq == expected,
    ):
        view.set_day(day)


def order_state(qtbot: QtBot, view: MapView, order_id: int) -> dict[str, Any]:
    """What the page shows for one order marker (read from the DOM)."""
    state = js(qtbot, view, f"dispatcherMap.describeOrder({order_id})")
    assert state is not None, f"order {order_id} has no marker"
    return state


def rgb(color: str) -> str:
    """A ``#rrggbb`` colour as the browser reports computed colours."""
    c = QColor(color)
    return f"rgb({c.red()}, {c.green()}, {c.blue()})"


def test_page_loads_offline_and_draws_the_day(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Local Leaflet runs; depots, markers, routes and legend are all drawn."""
    day = load_day(factory, b.DAY)
    show_day(qtbot, map_view, day)
    assert js(qtbot, map_view, "L.version") == "1.9.4"
    summary = js(qtbot, map_view, "dispatcherMap.describe()")
    assert summary["orders"] == 5
    assert summary["depots"] == 1
    assert summary["routes"] == {str(VAN_1): 4, str(VAN_2): 4}
    assert summary["legend"] == ["Van 1", "Van 2"]
    van1 = order_state(qtbot, map_view, 9)
    assert (van1["text"], van1["vehicle"]) == ("2", VAN_1)
    unassigned = order_state(qtbot, map_view, UNASSIGNED)
    assert unassigned["text"] == ""
    assert unassigned["background"] == "rgb(255, 255, 255)"
    assert unassigned["border"] == rgb(UNASSIGNED_COLOR)


def test_hostile_names_show_as_text_and_run_nothing(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """A customer named like an <img onerror> tag is shown literally, no element."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    tip = js(qtbot, map_view, "dispatcherMap.showTooltip(8)")
    assert HOSTILE in tip["text"]
    assert "IMG" not in tip["elements"]
    assert (
        js(qtbot, map_view, "document.querySelectorAll('img[src=\"x\"]').length") == 0
    )


def test_click_on_marker_selects_the_order_everywhere(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """marker.fire('click') reaches Python; the selection holds it; it is ringed."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    selection = selection_of(map_view)
    with qtbot.waitSignal(selection.sig_selection_changed, timeout=5_000) as blocker:
        js(qtbot, map_view, "dispatcherMap.marker(10).fire('click') && true")
    assert blocker.args == [frozenset({OrderId(10)}), map_view]
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 10)["selected"], timeout=5_000)
    assert not order_state(qtbot, map_view, 9)["selected"]


def test_click_on_a_route_line_selects_its_stops(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """A route click selects every order of that route."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    with qtbot.waitSignal(selection_of(map_view).sig_selection_changed, timeout=5_000):
        map_view.bridge.route_clicked(str(VAN_2))
    assert selection_of(map_view).ids == {OrderId(10), OrderId(11)}


def test_selection_elsewhere_highlights_and_pans_to_it(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Selecting in another view rings the marker and brings it into sight."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    js(
        qtbot,
        map_view,
        "dispatcherMap.map.setView([45.0, 3.0], 14, {animate: false}) && 1",
    )
    selection_of(map_view).set({OrderId(11)}, source="the order table")
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 11)["selected"], timeout=5_000)
    target = order_state(qtbot, map_view, 11)

    def in_sight() -> bool:
        bounds = js(qtbot, map_view, "dispatcherMap.map.getBounds()")
        ne, sw = bounds["_northEast"], bounds["_southWest"]
        return (
            sw["lat"] < target["lat"] < ne["lat"]
            and sw["lng"] < target["lon"] < ne["lng"]
        )

    qtbot.waitUntil(in_sight, timeout=5_000)
    assert js(qtbot, map_view, "dispatcherMap.map.getZoom()") == 14  # zoom kept


def test_edit_recolours_the_moved_marker_in_place(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Order 10 moved to Van 1: its marker turns Van 1's colour, the view stays put."""
    day = load_day(factory, b.DAY)
    show_day(qtbot, map_view, day)
    van1_color = order_state(qtbot, map_view, 8)["background"]
    before = order_state(qtbot, map_view, 10)
    assert before["background"] != van1_color
    js(
        qtbot,
        map_view,
        "dispatcherMap.map.setView([45.765, 4.84], 15, {animate: false}) && 1",
    )

    move_order(factory, OrderId(10), VAN_1)
    after_day = load_day(factory, b.DAY)
    changes = PlanChanges(
        b.DAY,
        after_day.plan_version,
        frozenset({VAN_1, VAN_2}),
        frozenset({OrderId(10)}),
    )
    with qtbot.waitSignal(view_painted(map_view), timeout=5_000):
        map_view.apply_changes(after_day, changes)

    after = order_state(qtbot, map_view, 10)
    assert after["background"] == van1_color
    assert (after["vehicle"], after["text"]) == (VAN_1, "3")
    summary = js(qtbot, map_view, "dispatcherMap.describe()")
    assert summary["zoom"] == 15
    assert summary["center"] == pytest.approx({"lat": 45.765, "lng": 4.84}, abs=1e-6)
    assert summary["routes"] == {str(VAN_1): 5, str(VAN_2): 3}


def view_painted(view: MapView) -> Any:
    """The bridge's painted signal (wait on it around a push)."""
    return view.bridge.sig_painted


def test_edit_pushes_only_the_changed_route_and_its_orders(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Reordering Van 2 sends Van 2 and its two orders, nothing of Van 1."""
    day = load_day(factory, b.DAY)
    show_day(qtbot, map_view, day)
    move_order(factory, OrderId(10), VAN_2)  # to the end: 11, 10
    after_day = load_day(factory, b.DAY)
    changes = PlanChanges(b.DAY, after_day.plan_version, frozenset({VAN_2}))
    with qtbot.waitSignal(map_view.bridge.sig_changes_pushed, timeout=1_000) as sent:
        map_view.apply_changes(after_day, changes)
    payload = json.loads(sent.args[0])
    assert [r["vehicle"] for r in payload["routes"]] == [VAN_2]
    assert {o["id"]: o["seq"] for o in payload["orders"]} == {10: 2, 11: 1}
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 10)["text"] == "2")


def test_edit_leaves_out_stops_the_page_already_shows_as_they_are(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Appending order 14 to Van 1 sends 14 only: stops 8 and 9 keep number and ETA."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    move_order(factory, UNASSIGNED, VAN_1)
    after_day = load_day(factory, b.DAY)
    changes = PlanChanges(
        b.DAY, after_day.plan_version, frozenset({VAN_1}), frozenset({UNASSIGNED})
    )
    with qtbot.waitSignal(map_view.bridge.sig_changes_pushed, timeout=1_000) as sent:
        map_view.apply_changes(after_day, changes)
    payload = json.loads(sent.args[0])
    assert [r["vehicle"] for r in payload["routes"]] == [VAN_1]
    assert [(o["id"], o["seq"]) for o in payload["orders"]] == [(UNASSIGNED, 3)]
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, UNASSIGNED)["text"] == "3")
    assert order_state(qtbot, map_view, 9)["text"] == "2"


def test_reload_pushes_the_whole_day(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """A reloaded change set is answered with the full state, not a diff."""
    day = load_day(factory, b.DAY)
    show_day(qtbot, map_view, day)
    changes = PlanChanges(b.DAY, day.plan_version, reloaded=True)
    with (
        qtbot.assertNotEmitted(map_view.bridge.sig_changes_pushed),
        qtbot.waitSignal(map_view.bridge.sig_state_pushed, timeout=1_000) as sent,
    ):
        map_view.apply_changes(day, changes)
    payload = json.loads(sent.args[0])
    assert len(payload["orders"]) == 5
    assert payload["fit"] is False  # same day: keep the user's pan and zoom


def test_whole_day_again_updates_markers_in_place(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Re-sending the day keeps every marker's element; only the moved one redraws."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    element = "dispatcherMap.marker(id).getElement()"
    js(qtbot, map_view, f"[8, 10].forEach((id) => {element}.tagged = 1) || 1")
    move_order(factory, OrderId(10), VAN_1)
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    kept = f"[8, 10].map((id) => {element}.tagged === 1)"
    assert js(qtbot, map_view, kept) == [True, True]
    assert order_state(qtbot, map_view, 8)["restyled"] == 0
    assert order_state(qtbot, map_view, 10)["restyled"] == 1
    assert order_state(qtbot, map_view, 10)["text"] == "3"


def test_box_drag_selects_and_offers_vehicles(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Shift+drag around one customer selects its two orders; a vehicle is chosen."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    point = order_state(qtbot, map_view, 8)["point"]
    x0, y0, x1, y1 = point["x"] - 8, point["y"] - 8, point["x"] + 8, point["y"] + 8
    drag = f"""(function () {{
        const c = dispatcherMap.map.getContainer(), r = c.getBoundingClientRect();
        const ev = (type, x, y) => new MouseEvent(type, {{
            bubbles: true, cancelable: true, shiftKey: true, button: 0,
            clientX: r.left + x, clientY: r.top + y}});
        c.dispatchEvent(ev('mousedown', {x0}, {y0}));
        document.dispatchEvent(ev('mousemove', {x1}, {y1}));
        document.dispatchEvent(ev('mouseup', {x1}, {y1}));
        return true; }})()"""
    with qtbot.waitSignal(map_view.bridge.sig_orders_lassoed, timeout=5_000) as box:
        js(qtbot, map_view, drag)
    assert sorted(box.args[0]) == [OrderId(8), UNASSIGNED]
    assert selection_of(map_view).ids == {OrderId(8), UNASSIGNED}
    menu = map_view.assign_menu
    assert menu is not None
    assert menu.isVisible()
    van2 = next(a for a in menu.actions() if a.data() == VAN_2)
    assert van2.text().startswith("Van 2")
    with qtbot.waitSignal(map_view.sig_assign_requested, timeout=1_000) as asked:
        van2.trigger()
    assert sorted(asked.args[0]) == [OrderId(8), UNASSIGNED]
    assert asked.args[1] == VAN_2


def test_unassign_from_the_box_menu(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """The menu's last entry asks to unassign (vehicle None)."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    menu = map_view.show_assign_menu([OrderId(9)], QPoint(10, 10))
    with qtbot.waitSignal(map_view.sig_assign_requested, timeout=1_000) as asked:
        menu.actions()[-1].trigger()
    assert asked.args == [[OrderId(9)], None]


def test_pin_drag_asks_and_requests_the_customer_move(
    qtbot: QtBot, map_view: MapView, factory: Any, confirm: Confirmations
) -> None:
    """In pin mode a drag asks first; yes emits the customer's new place."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    map_view.set_pin_mode(True)
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 8)["draggable"])
    original = order_state(qtbot, map_view, 8)
    drag = "dispatcherMap.marker(8).setLatLng([45.7801, 4.8702]).fire('dragend') && 1"
    with qtbot.waitSignal(
        map_view.sig_location_change_requested, timeout=5_000
    ) as asked:
        js(qtbot, map_view, drag)
    assert asked.args == [CustomerId(4), Location(45.7801, 4.8702)]
    assert HOSTILE in confirm.asked[0]
    assert "2 orders of the day all move with it" in confirm.asked[0]
    # The pin shows saved data until the saved customer comes back.
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 8)["lat"] == original["lat"])


def drawn_at(qtbot: QtBot, view: MapView, order_id: int) -> dict[str, float]:
    """Where the page draws an order's pin: its element's centre, map pixels."""
    return js(
        qtbot,
        view,
        f"""(function () {{
            const c = dispatcherMap.map.getContainer().getBoundingClientRect();
            const r = dispatcherMap.marker({order_id}).getElement()
                .getBoundingClientRect();
            const x = r.left + r.width / 2 - c.left, y = r.top + r.height / 2 - c.top;
            return {{x, y}};
        }})()""",
    )


@pytest.mark.parametrize("zoom", [15, 11.5, 10])
def test_stops_are_drawn_at_their_places_at_every_zoom(
    qtbot: QtBot, map_view: MapView, factory: Any, zoom: float
) -> None:
    """Near or far (dots shrink), plain or selected, each dot sits on its place."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    selection_of(map_view).set([OrderId(10)], source=None)
    js(qtbot, map_view, f"dispatcherMap.map.setZoom({zoom}, {{animate: false}}) && 1")
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 10)["selected"])
    for order_id in (8, 10, UNASSIGNED):
        place = order_state(qtbot, map_view, order_id)["point"]
        assert drawn_at(qtbot, map_view, order_id) == pytest.approx(place, abs=1.5)


def test_a_pin_dragged_with_the_mouse_is_drawn_under_it(
    qtbot: QtBot, map_view: MapView, factory: Any, confirm: Confirmations
) -> None:
    """A real press, move and release drags the pin; once it goes back it sits right."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    map_view.set_pin_mode(True)
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 9)["draggable"])
    start = order_state(qtbot, map_view, 9)["point"]
    assert drawn_at(qtbot, map_view, 9) == pytest.approx(start, abs=1.5)
    drag = f"""(function () {{
        const el = dispatcherMap.marker(9).getElement();
        const c = dispatcherMap.map.getContainer().getBoundingClientRect();
        const ev = (type, x, y) => new MouseEvent(type, {{
            bubbles: true, cancelable: true, button: 0, buttons: 1,
            clientX: c.left + x, clientY: c.top + y}});
        // The pin stays under the mouse, so it is the target of every event.
        el.dispatchEvent(ev('mousedown', {start["x"]}, {start["y"]}));
        el.dispatchEvent(ev('mousemove', {start["x"] + 20}, {start["y"] + 10}));
        el.dispatchEvent(ev('mousemove', {start["x"] + 60}, {start["y"] + 30}));
        const mid = dispatcherMap.map.latLngToContainerPoint(
            dispatcherMap.marker(9).getLatLng());
        const r = el.getBoundingClientRect();
        const at = {{
            x: r.left + r.width / 2 - c.left, y: r.top + r.height / 2 - c.top}};
        el.dispatchEvent(ev('mouseup', {start["x"] + 60}, {start["y"] + 30}));
        return {{marker: mid, drawn: at}};
    }})()"""
    with qtbot.waitSignal(map_view.sig_location_change_requested, timeout=5_000):
        during = js(qtbot, map_view, drag)
    # Mid-drag the pin is drawn where the marker says it is, 60 px right.
    assert during["drawn"] == pytest.approx(during["marker"], abs=1.5)
    assert during["drawn"]["x"] == pytest.approx(start["x"] + 60, abs=1.5)
    # Back at its saved place (the test's "yes" asks Python to move the customer).
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 9)["point"] == start)
    assert drawn_at(qtbot, map_view, 9) == pytest.approx(start, abs=1.5)


def test_pin_drag_declined_changes_nothing(
    qtbot: QtBot, map_view: MapView, factory: Any, confirm: Confirmations
) -> None:
    """No to the question: no request, the pin goes back."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    map_view.set_pin_mode(True)
    confirm.answer = False
    original = order_state(qtbot, map_view, 9)
    with qtbot.assertNotEmitted(map_view.sig_location_change_requested, wait=200):
        map_view.bridge.pin_moved(json.dumps({"id": 9, "lat": 45.7, "lon": 4.9}))
    assert len(confirm.asked) == 1
    qtbot.waitUntil(lambda: order_state(qtbot, map_view, 9)["lon"] == original["lon"])


def test_pins_are_fixed_outside_pin_mode(
    qtbot: QtBot, map_view: MapView, factory: Any, confirm: Confirmations
) -> None:
    """Without pin mode markers cannot be dragged, and a stray move asks nothing."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    assert not order_state(qtbot, map_view, 8)["draggable"]
    with qtbot.assertNotEmitted(map_view.sig_location_change_requested):
        map_view.bridge.pin_moved(json.dumps({"id": 8, "lat": 45.7, "lon": 4.9}))
    assert confirm.asked == []


def test_page_refuses_to_navigate_away(
    qtbot: QtBot, map_view: MapView, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only app://map/ loads in the page; links go to the desktop browser."""
    opened: list[str] = []
    monkeypatch.setattr(
        "ui.map.map_view.QDesktopServices.openUrl",
        lambda url: opened.append(url.toString()),
    )
    page = map_view.web_view.page()
    nav = QWebEnginePage.NavigationType
    assert page.acceptNavigationRequest(
        QUrl("app://map/index.html"), nav.NavigationTypeTyped, True
    )
    assert not page.acceptNavigationRequest(
        QUrl("https://evil.example/"), nav.NavigationTypeTyped, True
    )
    assert not page.acceptNavigationRequest(
        QUrl("https://www.openstreetmap.org/copyright"),
        nav.NavigationTypeLinkClicked,
        True,
    )
    assert opened == ["https://www.openstreetmap.org/copyright"]
    js(qtbot, map_view, "(location.href = 'file:///etc/passwd') && 1")
    qtbot.wait(200)  # a refused navigation leaves nothing to wait for
    assert map_view.web_view.url().toString() == "app://map/index.html"


class _TileServer(BaseHTTPRequestHandler):
    """Answers every tile request with a 1x1 PNG and records the User-Agent."""

    agents: list[str]
    PNG = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc000000301010018dd8db4"
        "0000000049454e44ae426082"
    )

    def do_GET(self) -> None:
        self.agents.append(self.headers.get("User-Agent", ""))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.PNG)))
        self.end_headers()
        self.wfile.write(self.PNG)

    def log_message(self, *args: object) -> None:
        """Quiet."""


def test_tiles_from_the_settings_load_with_our_user_agent(
    qtbot: QtBot, factory: Any, confirm: Confirmations, tmp_path: Path
) -> None:
    """A configured tile server gets requests naming Dispatcher and its version."""
    agents: list[str] = []
    handler = type("Handler", (_TileServer,), {"agents": agents})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    url = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    settings.setValue(tiles.TILE_URL_KEY, url)
    view = make_map(qtbot, confirm, settings)
    try:
        show_day(qtbot, view, load_day(factory, b.DAY))
        qtbot.waitUntil(lambda: len(agents) > 0, timeout=10_000)
        assert all(agent == tiles.USER_AGENT for agent in agents)
    finally:
        dispose(view)
        server.shutdown()
        server.server_close()


def test_hovering_a_legend_row_fades_the_other_routes(
    qtbot: QtBot, map_view: MapView, factory: Any
) -> None:
    """Pointing at Van 2 in the legend dims Van 1's stops, and leaving restores them."""
    show_day(qtbot, map_view, load_day(factory, b.DAY))
    opacity = (
        "[8, 10].map((id) => getComputedStyle("
        "dispatcherMap.marker(id).getElement()).opacity)"
    )
    hover = (
        f"document.querySelector('.legend-row.v{VAN_2}')"
        ".dispatchEvent(new MouseEvent('{event}')) || 1"
    )
    js(qtbot, map_view, hover.replace("{event}", "mouseenter"))
    assert js(qtbot, map_view, opacity) == ["0.3", "1"]
    js(qtbot, map_view, hover.replace("{event}", "mouseleave"))
    assert js(qtbot, map_view, opacity) == ["1", "1"]
