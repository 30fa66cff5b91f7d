"""Dispatched routes show it on the board: a pill in the lane head, a tooltip line."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from dispatcher.dispatching import dispatch
from dispatcher.model import OrderStatus, RouteStatus
from tests import builders as b
from tests.dispatch_data import DispatchDay, dispatch_day
from ui.models.badges import route_status_badge, status_badge
from ui.models.route_board_lanes import build_lanes
from ui.models.route_board_text import lane_tooltip
from ui.views.lane_header import LaneHeader

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def day() -> DispatchDay:
    """The fake day of ``tests.dispatch_data``, Van 1 dispatched."""
    day = dispatch_day()
    dispatch(day.factory, b.DAY, day.plan().version, [day.vans["Van 1"]])
    return day


@pytest.mark.parametrize(
    ("status", "text", "like"),
    [
        (RouteStatus.DISPATCHED, "Dispatched", OrderStatus.DISPATCHED),
        (RouteStatus.IN_PROGRESS, "On the road", OrderStatus.ARRIVED),
        (RouteStatus.DONE, "Done", OrderStatus.DELIVERED),
    ],
)
def test_routes_that_left_planning_get_a_pill(
    status: RouteStatus, text: str, like: OrderStatus
) -> None:
    """The pill names the status in the colours of the matching order status."""
    badge = route_status_badge(status)
    assert badge is not None
    order = status_badge(like)
    assert (badge.text, badge.background, badge.foreground) == (
        text,
        order.background,
        order.foreground,
    )


@pytest.mark.parametrize("status", [RouteStatus.DRAFT, RouteStatus.PLANNED])
def test_routes_in_planning_get_no_pill(status: RouteStatus) -> None:
    """Draft and planned routes are the normal case: no pill."""
    assert route_status_badge(status) is None


def test_the_lane_tooltip_says_the_route_was_dispatched(day: DispatchDay) -> None:
    """Van 1's head explains the dispatch; Van 2's does not."""
    lanes = {lane.title: lane for lane in build_lanes(day.view())}
    assert "Dispatched: the driver has this route" in lane_tooltip(lanes["Van 1"])
    assert "Dispatched" not in lane_tooltip(lanes["Van 2"])


def test_the_lane_head_paints_the_pill(qtbot: QtBot, day: DispatchDay) -> None:
    """The dispatched lane's head differs from the same lane painted as planned."""
    lanes = {lane.title: lane for lane in build_lanes(day.view())}
    header = LaneHeader()
    qtbot.addWidget(header)
    header.resize(320, header.header_height())
    header.set_lane(lanes["Van 1"])
    dispatched = header.grab().toImage()
    planned_route = lanes["Van 1"].route
    assert planned_route is not None
    planned = dataclasses.replace(
        lanes["Van 1"],
        route=dataclasses.replace(
            planned_route,
            route=dataclasses.replace(planned_route.route, status=RouteStatus.PLANNED),
        ),
    )
    header.set_lane(planned)
    assert header.grab().toImage() != dispatched
