"""MapBridge as the page would call it: valid input re-emitted, bad input ignored."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint

from dispatcher.model import Location, OrderId, VehicleId
from ui.map.bridge import MapBridge

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def bridge() -> MapBridge:
    """A bridge that knows orders 8, 9, 10 and vehicles 2, 3."""
    bridge = MapBridge()
    bridge.set_known(
        [OrderId(8), OrderId(9), OrderId(10)], [VehicleId(2), VehicleId(3)]
    )
    return bridge


def test_ready_marks_the_page_ready_and_says_so(
    bridge: MapBridge, qtbot: QtBot
) -> None:
    """The page's ready() call is re-emitted once and remembered."""
    assert not bridge.is_ready
    with qtbot.waitSignal(bridge.sig_ready, timeout=100):
        bridge.ready()
    assert bridge.is_ready


@pytest.mark.parametrize(
    ("slot", "additive"), [("order_clicked", False), ("order_toggled", True)]
)
def test_click_on_known_order_is_emitted_as_an_id(
    bridge: MapBridge, qtbot: QtBot, slot: str, additive: bool
) -> None:
    """A click names the order as text; the signal carries the typed id."""
    with qtbot.waitSignal(bridge.sig_order_clicked, timeout=100) as blocker:
        getattr(bridge, slot)("9")
    assert blocker.args == [OrderId(9), additive]


@pytest.mark.parametrize("payload", ["99", "abc", "", "9.5", "1e3", "-8", "[8]"])
def test_click_on_unknown_or_malformed_id_is_ignored_and_logged(
    bridge: MapBridge,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    payload: str,
) -> None:
    """Anything but a known order id emits nothing and leaves a log line."""
    with (
        caplog.at_level(logging.WARNING, logger="ui.map.bridge"),
        qtbot.assertNotEmitted(bridge.sig_order_clicked),
    ):
        bridge.order_clicked(payload)
    assert "ignored" in caplog.text


def test_route_click_names_a_known_vehicle(bridge: MapBridge, qtbot: QtBot) -> None:
    """A route click emits the vehicle id; an unknown vehicle emits nothing."""
    with qtbot.waitSignal(bridge.sig_route_clicked, timeout=100) as blocker:
        bridge.route_clicked("3")
    assert blocker.args == [VehicleId(3)]
    with qtbot.assertNotEmitted(bridge.sig_route_clicked):
        bridge.route_clicked("7")


def test_box_selection_keeps_known_orders_once_with_the_position(
    bridge: MapBridge, qtbot: QtBot
) -> None:
    """Known ids come through once each, in order; unknown ones are dropped."""
    payload = json.dumps({"ids": [10, 8, 77, 10.0, "9", None], "x": 120.4, "y": 33})
    with qtbot.waitSignal(bridge.sig_orders_lassoed, timeout=100) as blocker:
        bridge.orders_lassoed(payload)
    assert blocker.args == [[OrderId(10), OrderId(8), OrderId(9)], QPoint(120, 33)]


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "[8, 9]",
        json.dumps({"ids": "8,9", "x": 1, "y": 1}),
        json.dumps({"ids": [8], "x": "left", "y": 1}),
        json.dumps({"ids": [8], "x": 1}),
        json.dumps({"ids": [77, 78], "x": 1, "y": 1}),
        json.dumps({"ids": [8], "x": float("nan"), "y": 1}),
        "x" * 1_000_001,
    ],
)
def test_bad_box_selection_is_ignored(
    bridge: MapBridge, qtbot: QtBot, payload: str
) -> None:
    """Malformed JSON, wrong types, no known id or a huge payload emit nothing."""
    with qtbot.assertNotEmitted(bridge.sig_orders_lassoed):
        bridge.orders_lassoed(payload)


def test_pin_move_emits_the_order_and_its_new_place(
    bridge: MapBridge, qtbot: QtBot
) -> None:
    """A valid drop becomes (order id, Location)."""
    payload = json.dumps({"id": 8, "lat": 45.781, "lon": 4.872})
    with qtbot.waitSignal(bridge.sig_pin_moved, timeout=100) as blocker:
        bridge.pin_moved(payload)
    assert blocker.args == [OrderId(8), Location(45.781, 4.872)]


@pytest.mark.parametrize(
    "payload",
    [
        json.dumps({"id": 8, "lat": 95.0, "lon": 4.8}),
        json.dumps({"id": 8, "lat": "45.7", "lon": 4.8}),
        json.dumps({"id": 8, "lat": True, "lon": 4.8}),
        json.dumps({"id": 8, "lon": 4.8}),
    ],
)
def test_pin_move_to_an_impossible_place_puts_the_pin_back(
    bridge: MapBridge, qtbot: QtBot, payload: str
) -> None:
    """Bad coordinates emit no move, and the page is told to revert the pin."""
    with (
        qtbot.assertNotEmitted(bridge.sig_pin_moved),
        qtbot.waitSignal(bridge.sig_pin_reverted, timeout=100) as blocker,
    ):
        bridge.pin_moved(payload)
    assert json.loads(blocker.args[0]) == {"id": 8}


@pytest.mark.parametrize(
    "payload", ["{", json.dumps({"id": 99, "lat": 45.0, "lon": 4.0}), "null"]
)
def test_pin_move_of_unknown_order_or_bad_json_is_ignored(
    bridge: MapBridge, qtbot: QtBot, payload: str
) -> None:
    """No signal at all for unknown orders or payloads that are not objects."""
    with (
        qtbot.assertNotEmitted(bridge.sig_pin_moved),
        qtbot.assertNotEmitted(bridge.sig_pin_reverted),
    ):
        bridge.pin_moved(payload)


def test_painted_reports_the_sequence_number(bridge: MapBridge, qtbot: QtBot) -> None:
    """The page's paint notice is re-emitted as an int; junk is ignored."""
    with qtbot.waitSignal(bridge.sig_painted, timeout=100) as blocker:
        bridge.painted("12")
    assert blocker.args == [12]
    with qtbot.assertNotEmitted(bridge.sig_painted):
        bridge.painted("soon")


def test_known_orders_can_change(bridge: MapBridge, qtbot: QtBot) -> None:
    """After a new day is set, the old ids are unknown."""
    bridge.set_known([OrderId(50)], [])
    with qtbot.assertNotEmitted(bridge.sig_order_clicked):
        bridge.order_clicked("8")
    with qtbot.waitSignal(bridge.sig_order_clicked, timeout=100):
        bridge.order_clicked("50")
