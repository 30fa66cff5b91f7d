"""The "Changes since dispatch" panel, offscreen: states, plain lines, selection."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from tests.dispatch_data import DispatchDay, dispatch_day, held, with_arrival
from ui.selection import OrderSelection
from ui.views.dispatch_panel import DispatchPanel, OrderRole

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Local time is UTC, so dispatch times read the same on every machine."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def day() -> DispatchDay:
    """The fake day of ``tests.dispatch_data``."""
    return dispatch_day()


@pytest.fixture
def selection(qtbot: QtBot) -> OrderSelection:
    """The shared selection the panel joins."""
    return OrderSelection()


@pytest.fixture
def panel(qtbot: QtBot, selection: OrderSelection) -> DispatchPanel:
    """A shown panel."""
    widget = DispatchPanel(selection)
    qtbot.addWidget(widget)
    widget.resize(480, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_day_never_dispatched_says_so(panel: DispatchPanel, day: DispatchDay) -> None:
    """No snapshot: "Not dispatched yet", two routes waiting, a Dispatch button."""
    panel.set_day(day.view(), None)
    assert "Not dispatched yet" in panel.status_label.text()
    assert (
        panel.summary_label.text()
        == "2 routes with stops wait to be sent to the drivers."
    )
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.dispatch_button.isVisible()
    assert panel.dispatch_button.text() == "Dispatch…"
    assert panel.diff() is None


def test_nothing_changed_names_time_and_user(
    panel: DispatchPanel, day: DispatchDay
) -> None:
    """Same routes as sent: "Nothing changed since dispatch at 06:12 by alice"."""
    view = day.view()
    panel.set_day(view, held(view))
    assert panel.empty_label.text().startswith(
        "Nothing changed since dispatch at 06:12 by alice."
    )
    assert "Dispatched" in panel.status_label.text()
    assert "2 routes, 6 stops" in panel.status_label.text()
    assert not panel.dispatch_button.isVisible()
    assert panel.lines() == []


def test_changes_are_listed_per_vehicle_in_plain_words(
    panel: DispatchPanel, day: DispatchDay
) -> None:
    """ORD-2 moved to Van 2 and ORD-3 unassigned after dispatch: said per van."""
    snapshot = held(day.view())
    day.set_routes({"Van 1": ["ORD-1", "ORD-4"], "Van 2": ["ORD-6", "ORD-2", "ORD-5"]})
    panel.set_day(day.view(), snapshot)
    lines = panel.lines()
    van1 = lines.index(next(text for text in lines if text.startswith("Van 1")))
    assert "2 taken off" in lines[van1]
    assert "  ORD-2 taken off stop 2 (now on Van 2)" in lines
    assert "  ORD-3 taken off stop 3 (now unassigned)" in lines
    assert any(text.startswith("  ORD-2 added at stop 2, ETA ") for text in lines)
    assert (
        lines[lines.index("  ORD-2 taken off stop 2 (now on Van 2)") - 1] == lines[van1]
    )
    summary = panel.summary_label.text().replace("\u00a0", " ")
    assert summary.startswith("2 routes changed · 1 added · 2 taken off")
    assert "1 now unassigned" in summary
    assert panel.dispatch_button.isVisible()


def test_an_edit_updates_the_list(panel: DispatchPanel, day: DispatchDay) -> None:
    """update_view after an edit: the new difference shows, the old one is gone."""
    view = day.view()
    panel.set_day(view, held(view))
    day.set_routes({"Van 3": ["ORD-7"]})
    panel.update_view(day.view())
    assert panel.lines()[0] == "Van 3  —  not dispatched yet · 1 stop"
    assert panel.lines()[1].startswith("  Not dispatched yet: 1 stop, first at ")
    day.set_routes({"Van 3": []})
    panel.update_view(day.view())
    assert panel.lines() == []


def test_eta_runs_are_one_line_with_the_stops_below(
    panel: DispatchPanel, day: DispatchDay
) -> None:
    """Three neighbouring stops 25 min late: one row, expandable to three."""
    view = day.view()
    snapshot = held(view)
    for ref in ("ORD-2", "ORD-3", "ORD-4"):
        snapshot = with_arrival(snapshot, day.orders[ref], -25)
    panel.set_day(view, snapshot)
    van1 = panel.tree.topLevelItem(0)
    assert van1 is not None
    assert van1.childCount() == 1
    run = van1.child(0)
    assert run.text(0) == "ETAs of stops 2–4 now +25 min (ORD-2 … ORD-4)"
    assert run.childCount() == 3
    assert run.child(0).data(0, OrderRole) == day.orders["ORD-2"]


def test_clicking_a_line_selects_its_order(
    qtbot: QtBot, panel: DispatchPanel, selection: OrderSelection, day: DispatchDay
) -> None:
    """A click on a change selects and focuses its order for every view."""
    snapshot = held(day.view())
    day.set_routes({"Van 1": ["ORD-1", "ORD-2", "ORD-4"]})
    panel.set_day(day.view(), snapshot)
    item = panel.tree.topLevelItem(0).child(0)  # type: ignore[union-attr]
    rect = panel.tree.visualItemRect(item)
    with qtbot.waitSignal(selection.sig_focus_requested) as focus:
        qtbot.mouseClick(
            panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert selection.ids == {day.orders["ORD-3"]}
    assert focus.args == [day.orders["ORD-3"]]


def test_a_hidden_panel_catches_up_when_shown(
    qtbot: QtBot, panel: DispatchPanel, day: DispatchDay
) -> None:
    """Edits while hidden are not computed; showing the panel shows the latest."""
    view = day.view()
    panel.set_day(view, held(view))
    panel.hide()
    day.set_routes({"Van 1": ["ORD-1", "ORD-2", "ORD-3"]})
    panel.update_view(day.view())
    assert panel.lines() == []  # not recomputed while hidden
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.lines()[1] == "  ORD-4 taken off stop 4 (now unassigned)"


def test_the_dispatch_button_asks_for_a_dispatch(
    qtbot: QtBot, panel: DispatchPanel, day: DispatchDay
) -> None:
    """The button only asks: the window opens the dialog."""
    panel.set_day(day.view(), None)
    with qtbot.waitSignal(panel.sig_dispatch_requested):
        qtbot.mouseClick(panel.dispatch_button, Qt.MouseButton.LeftButton)


def test_a_snapshot_of_another_day_is_ignored(
    panel: DispatchPanel, day: DispatchDay
) -> None:
    """A late snapshot of the previous day never compares with this day."""
    view = day.view()
    other = dataclasses.replace(held(view), date=view.date - dt.timedelta(days=1))
    panel.set_day(view, other)
    assert panel.diff() is None
    assert "Not dispatched yet" in panel.status_label.text()
