"""The dispatch confirmation dialog, offscreen: rows, ticks, warnings, the request."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from dispatcher.model import Priority, format_minutes
from tests import builders as b
from tests.dispatch_data import DispatchDay, dispatch_day, held
from ui.views.dispatch_dialog import COLUMNS, DispatchDialog

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dispatcher.day_view import DayView
    from dispatcher.dispatch_diff import DispatchSnapshot


@pytest.fixture
def day() -> DispatchDay:
    """The fake day of ``tests.dispatch_data``."""
    return dispatch_day()


def make_dialog(
    qtbot: QtBot, view: DayView, snapshot: DispatchSnapshot | None = None
) -> DispatchDialog:
    """A shown dialog over ``view``."""
    dialog = DispatchDialog(view, snapshot)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cells(dialog: DispatchDialog) -> list[list[str]]:
    """The text of every row, column by column."""
    rows = []
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        assert item is not None
        rows.append([item.text(c) for c in range(len(COLUMNS))])
    return rows


def require_skill(day: DispatchDay, reference: str, skill: str) -> None:
    """Store a skill requirement on an order (the vans have no skills)."""
    with day.factory() as uow:
        order = uow.orders.get(day.orders[reference])
        uow.orders.update(dataclasses.replace(order, skills=frozenset({skill})))
        uow.commit()


def test_a_first_dispatch_lists_and_ticks_every_route(
    qtbot: QtBot, day: DispatchDay
) -> None:
    """Both routes with stops, ticked; accepting asks for every route (None)."""
    view = day.view()
    dialog = make_dialog(qtbot, view)
    van1 = view.routes[0].schedule
    assert cells(dialog)[0] == [
        "Van 1",
        "Alice",
        "4",
        f"{van1.km:,.1f}",
        format_minutes(van1.departure),
        format_minutes(van1.end),
        "not dispatched yet",
        "none",
    ]
    assert [row[1] for row in cells(dialog)] == ["Alice", "no driver"]
    assert dialog.chosen_names() == ["Van 1", "Van 2"]
    assert dialog.dispatch_button.text() == "Dispatch 2 routes"
    assert dialog.dispatch_button.isEnabled()
    assert not dialog.warning_label.isVisible()
    assert "2 open orders are on no route" in dialog.unassigned_label.text()
    with qtbot.waitSignal(dialog.sig_dispatch_requested) as request:
        qtbot.mouseClick(dialog.dispatch_button, Qt.MouseButton.LeftButton)
    assert request.args == [None]
    assert dialog.result() == DispatchDialog.DialogCode.Accepted


def test_unticking_a_route_asks_for_the_others(qtbot: QtBot, day: DispatchDay) -> None:
    """Van 2 unticked: the request names Van 1 only."""
    dialog = make_dialog(qtbot, day.view())
    item = dialog.tree.topLevelItem(1)
    assert item is not None
    item.setCheckState(0, Qt.CheckState.Unchecked)
    assert dialog.dispatch_button.text() == "Dispatch 1 route"
    with qtbot.waitSignal(dialog.sig_dispatch_requested) as request:
        dialog.accept()
    assert request.args == [(day.vans["Van 1"],)]


def test_nothing_ticked_cannot_be_dispatched(qtbot: QtBot, day: DispatchDay) -> None:
    """Select none: the button is off and accept does nothing."""
    dialog = make_dialog(qtbot, day.view())
    qtbot.mouseClick(dialog.select_none_button, Qt.MouseButton.LeftButton)
    assert not dialog.dispatch_button.isEnabled()
    assert dialog.dispatch_button.text() == "Dispatch"
    with qtbot.assertNotEmitted(dialog.sig_dispatch_requested):
        dialog.accept()
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.select_all_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen_names() == ["Van 1", "Van 2"]


def test_a_route_with_problems_needs_a_confirmation(
    qtbot: QtBot, day: DispatchDay
) -> None:
    """ORD-3 needs a tail-lift Van 1 lacks: warned, dispatchable once confirmed."""
    require_skill(day, "ORD-3", "tail_lift")
    dialog = make_dialog(qtbot, day.view())
    assert cells(dialog)[0][-1] == "missing skill"
    assert dialog.problem_vehicles() == [day.vans["Van 1"]]
    assert dialog.warning_label.isVisible()
    assert "1 of the chosen routes break a planning rule (Van 1)" in (
        dialog.warning_label.text()
    )
    assert not dialog.dispatch_button.isEnabled()
    dialog.confirm_box.setChecked(True)
    assert dialog.dispatch_button.isEnabled()
    dialog.confirm_box.setChecked(False)
    dialog.set_checked([day.vans["Van 2"]])
    assert not dialog.warning_label.isVisible()
    assert not dialog.confirm_box.isVisible()
    assert dialog.dispatch_button.isEnabled()


def test_after_a_dispatch_only_changed_and_new_routes_are_ticked(
    qtbot: QtBot, day: DispatchDay
) -> None:
    """Van 1 changed, Van 2 unchanged, Van 3 new: ticks and statuses say so."""
    snapshot = held(day.view())
    day.set_routes({"Van 1": ["ORD-1", "ORD-2", "ORD-3"], "Van 3": ["ORD-4"]})
    dialog = make_dialog(qtbot, day.view(), snapshot)
    statuses = {row[0]: row[6] for row in cells(dialog)}
    assert statuses == {
        "Van 1": "changed: 1 taken off",
        "Van 2": "sent, unchanged",
        "Van 3": "not dispatched yet",
    }
    assert dialog.chosen_names() == ["Van 1", "Van 3"]
    assert dialog.vehicle_ids() == (day.vans["Van 1"], day.vans["Van 3"])
    assert "Last dispatch at " in dialog.intro.text()


def test_an_emptied_route_is_offered_as_a_recall(
    qtbot: QtBot, day: DispatchDay
) -> None:
    """Van 2 emptied after dispatch: a ticked recall row; Van 1 unchanged, unticked."""
    snapshot = held(day.view())
    day.set_routes({"Van 2": []})
    dialog = make_dialog(qtbot, day.view(), snapshot)
    assert cells(dialog) == [
        cells(dialog)[0],
        ["Van 2", "no driver", "0", "–", "–", "–", "emptied: recall 2 stops", "none"],
    ]
    assert cells(dialog)[0][6] == "sent, unchanged"
    assert dialog.chosen_names() == ["Van 2"]
    assert dialog.vehicle_ids() == (day.vans["Van 2"],)
    qtbot.mouseClick(dialog.select_all_button, Qt.MouseButton.LeftButton)
    assert dialog.vehicle_ids() is None


def test_a_day_without_stops_offers_nothing(qtbot: QtBot, day: DispatchDay) -> None:
    """No route has stops: the dialog says so and cannot dispatch."""
    day.set_routes({"Van 1": [], "Van 2": []})
    dialog = make_dialog(qtbot, day.view())
    assert dialog.tree.topLevelItemCount() == 0
    assert dialog.intro.text().startswith("No route has stops")
    assert not dialog.dispatch_button.isEnabled()


def test_must_orders_left_unassigned_are_pointed_out(
    qtbot: QtBot, day: DispatchDay
) -> None:
    """ORD-7 must be delivered today and is on no route: the note says it."""
    with day.factory() as uow:
        order = uow.orders.get(day.orders["ORD-7"])
        uow.orders.update(dataclasses.replace(order, priority=Priority.MUST))
        uow.commit()
    dialog = make_dialog(qtbot, day.view())
    assert "2 open orders are on no route, 1 of them must be delivered today" in (
        dialog.unassigned_label.text()
    )


def test_the_dialog_renders(qtbot: QtBot, day: DispatchDay, tmp_path: Path) -> None:
    """It paints offscreen at a readable size with the day in the title."""
    require_skill(day, "ORD-3", "tail_lift")
    dialog = make_dialog(qtbot, day.view())
    assert dialog.windowTitle() == f"Dispatch routes — Tue 24 Nov {b.DAY.year}"
    image = dialog.grab()
    assert image.width() >= 900
    assert image.save(str(tmp_path / "dispatch.png"))
