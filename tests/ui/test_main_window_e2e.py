"""The main window end to end on a demo database: edits land in the database.

Each step drives the window the way a dispatcher does (a drop on the route
board, undo from the Edit menu, a selection in the table) and then reads the
database through a fresh unit of work, so the test sees what is stored, not
what the window believes.
"""

from __future__ import annotations

import multiprocessing
import shutil
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from db.database import open_database, sqlite_path
from db.engine import make_engine, sqlite_url
from dispatcher.model import OrderStatus, VehicleId
from tests import builders as b
from tests.integration.test_plan_edits_db import snapshot
from ui.app import build_main_window
from ui.models.order_mime import encode_order_ids
from ui.views.optimize_dialog import OptimizeDialog, Page

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from PySide6.QtCore import QSettings

    from db.database import Database
    from ui.main_window import MainWindow


@pytest.fixture
def database(demo_url: str, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the session's demo database (this test writes to it)."""
    source = sqlite_path(make_engine(demo_url).url)
    assert source is not None
    copy = tmp_path / "demo.sqlite3"
    shutil.copyfile(source, copy)
    db = open_database(sqlite_url(copy), actor="tester")
    yield db
    db.dispose()


@pytest.fixture
def window(qtbot: Any, database: Database, settings: QSettings) -> MainWindow:
    """The main window (without the map) on the demo day."""
    main = build_main_window(database, settings=settings, with_map=False)
    qtbot.addWidget(main)
    main.resize(1400, 850)
    assert main.show_day(b.DAY)
    return main


def stored_routes(database: Database) -> dict[int, list[int]]:
    """Vehicle id -> its order ids in driving order, as stored."""
    with database.uow_factory() as uow:
        plan = uow.plans.get(b.DAY)
    return {r.vehicle_id: list(r.order_ids) for r in plan.routes if r.stops}


def drop(
    window: MainWindow, order_ids: list[int], vehicle_id: int | None, row: int
) -> None:
    """Drop order cards into a vehicle's lane at ``row`` through the board model."""
    model = window.board_model
    lane = model.lane_index(vehicle_id)
    data = encode_order_ids(order_ids)
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, row, 0, lane)


def test_drop_undo_redo_round_trip_through_the_database(
    window: MainWindow, database: Database
) -> None:
    """Move a stop to another van, reorder, undo both, redo: the database follows."""
    start = stored_routes(database)
    (first_van, first_stops), (second_van, second_stops) = list(start.items())[:2]
    moved = first_stops[0]

    drop(window, [moved], second_van, 0)
    after_move = stored_routes(database)
    assert after_move[second_van] == [moved, *second_stops]
    assert moved not in after_move.get(first_van, [])
    line = window.document.view.line_of(moved)
    assert line is not None
    assert line.vehicle_name == window.document.view.vehicles[second_van].name
    row = window.model.row_of(moved)
    assert row is not None
    assert window.model.line(row).sequence == 1

    drop(window, [moved], second_van, len(second_stops) + 1)  # to the end
    assert stored_routes(database)[second_van] == [*second_stops, moved]

    assert window.undo_action.isEnabled()
    assert window.undo_action.text().startswith("&Undo")
    window.undo_action.trigger()
    assert stored_routes(database) == after_move
    window.undo_action.trigger()
    assert stored_routes(database) == start
    assert window.model.line(row).vehicle_name == (
        window.document.view.vehicles[first_van].name
    )

    window.redo_action.trigger()
    assert stored_routes(database) == after_move


def test_unassign_from_the_board_makes_the_order_new(
    window: MainWindow, database: Database
) -> None:
    """Dropping a card on the Unassigned lane takes it off its route in the database."""
    routes = stored_routes(database)
    vehicle, stops = next(iter(routes.items()))
    model = window.board_model
    data = encode_order_ids([stops[-1]])
    assert model.dropMimeData(
        data, Qt.DropAction.MoveAction, 0, 0, model.lane_index(None)
    )
    assert stops[-1] not in stored_routes(database).get(vehicle, [])
    with database.uow_factory() as uow:
        assert uow.orders.get(stops[-1]).status == "new"
    assert window.totals.value_text("unassigned") != "0"


def test_a_locked_stop_refuses_to_move_and_nothing_changes(
    qtbot: Any, window: MainWindow, database: Database
) -> None:
    """Lock a stop, try to move it: an error is shown, the database is untouched."""
    routes = stored_routes(database)
    (_, stops), (other, _) = list(routes.items())[:2]
    window.document.request_lock([stops[0]], True)
    before = stored_routes(database)
    depth = window.document.undo_stack.count()
    with qtbot.waitSignal(window.document.sig_error) as blocker:
        window.document.request_move([stops[0]], other, 0)
    assert "locked" in blocker.args[0]
    assert stored_routes(database) == before
    assert window.document.undo_stack.count() == depth


def test_selection_follows_between_table_and_board(window: MainWindow) -> None:
    """Table rows select board cards; a board selection shows in the table."""
    view = window.document.view
    planned = [line.order.id for line in view.lines if line.vehicle_name][:2]
    table_model = window.table.selectionModel()
    for oid in planned:
        row = window.model.row_of(oid)
        assert row is not None
        index = window.proxy.mapFromSource(window.model.index(row, 0))
        table_model.select(
            index,
            QItemSelectionModel.SelectionFlag.Select
            | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert window.selection.ids == frozenset(planned)
    assert set(window.board.selected_order_ids()) == set(planned)

    other = next(line.order.id for line in view.lines if line.order.id not in planned)
    window.selection.set([other], source=window.board)
    selected_rows = {
        window.proxy.mapToSource(i).row() for i in table_model.selectedRows()
    }
    assert selected_rows == {window.model.row_of(other)}
    assert window.selection.ids == {other}  # the table did not echo a subset back


def unassigned_ids(database: Database) -> list[int]:
    """Open orders of the day on no route, as stored."""
    with database.uow_factory() as uow:
        plan = uow.plans.get(b.DAY)
        orders = uow.orders.for_date(b.DAY, [OrderStatus.NEW])
    placed = {oid for r in plan.routes for oid in r.order_ids}
    return sorted(o.id for o in orders if o.id not in placed)


def lane_ids(window: MainWindow, vehicle_id: int) -> list[int]:
    """The order ids the route board shows in a vehicle's lane, top to bottom."""
    model = window.board_model
    lane = model.lane(model.lane_index(VehicleId(vehicle_id)).row())
    return [card.order_id for card in lane.cards]


def test_assign_reorder_optimize_accept_undo_through_the_database(
    qtbot: Any, window: MainWindow, database: Database
) -> None:
    """A dispatcher's morning, each step checked in the database.

    Take an order off its route, assign it to another van, reorder that route,
    optimize the day with the real engine (one second), accept the preview,
    then undo each step back.
    """
    start = stored_routes(database)
    (first, first_stops), (van, stops) = list(start.items())[:2]
    order = first_stops[-1]
    # Everything stored about the day (routes, stops, times, statuses) by step.
    states = [snapshot(database.uow_factory, stop_ids=False)]
    name = window.document.vehicle_name(VehicleId(van))

    # Unassign: drop the first van's last stop on the Unassigned lane.
    drop(window, [order], None, 0)
    unassigned = stored_routes(database)
    assert unassigned[first] == first_stops[:-1]
    assert unassigned_ids(database) == [order]
    states.append(snapshot(database.uow_factory, stop_ids=False))

    # Assign: from the Unassigned lane to the front of another van.
    drop(window, [order], van, 0)
    assigned = stored_routes(database)
    assert assigned[van] == [order, *stops]
    assert unassigned_ids(database) == []
    assert window.undo_action.text().endswith(f"to {name}")
    states.append(snapshot(database.uow_factory, stop_ids=False))

    # Reorder: that order goes to the end of the same route.
    drop(window, [order], van, len(stops) + 1)
    reordered = stored_routes(database)
    assert reordered[van] == [*stops, order]
    assert lane_ids(window, van) == reordered[van]
    states.append(snapshot(database.uow_factory, stop_ids=False))

    # Optimize from the window's action, with the real engine, for a second.
    window.optimize_action.trigger()
    dialog = window.findChild(OptimizeDialog)
    assert dialog is not None
    assert dialog.isVisible()
    dialog.time_limit.setValue(1)
    with qtbot.waitSignal(dialog.runner.sig_finished, timeout=60_000):
        dialog.optimize_button.click()
        assert dialog.page is Page.RUNNING
    assert dialog.page is Page.PREVIEW
    diff = dialog.diff
    assert diff is not None
    assert diff.changed
    assert stored_routes(database) == reordered  # a preview saves nothing

    # Accept: the database holds exactly the previewed routes, as one undo step.
    depth = window.document.undo_stack.count()
    dialog.apply_button.click()
    assert not dialog.isVisible()
    optimized = stored_routes(database)
    assert optimized == {
        r.vehicle.id: list(r.route.order_ids)
        for r in diff.after_view.routes
        if r.route.stops
    }
    assert optimized != reordered
    assert window.document.undo_stack.count() == depth + 1
    assert window.undo_action.text() == "&Undo Optimize the day"
    assert lane_ids(window, van) == optimized.get(van, [])

    # Undo each step: the database goes back through every state, exactly.
    window.undo_action.trigger()
    assert snapshot(database.uow_factory, stop_ids=False) == states[-1]
    assert lane_ids(window, van) == reordered[van]
    for state in reversed(states[:-1]):
        window.undo_action.trigger()
        assert snapshot(database.uow_factory, stop_ids=False) == state
    assert stored_routes(database) == start
    assert unassigned_ids(database) == []
    assert multiprocessing.active_children() == []
