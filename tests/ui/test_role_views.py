"""The views follow the signed-in role: what the services would refuse is not offered.

Per role, the route board, the order table and the window are driven the way
a user drives them (synthetic drag, drop and mouse events, actions, menus) and
must send nothing the role may not do; a dispatcher keeps every gesture. The
board's drops are also checked against the plan edit service itself: a drop is
taken exactly when the service would let that role make the move.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from dispatcher import dispatching, plan_edits
from dispatcher.day_view import load_day
from dispatcher.errors import DispatcherError, PermissionDenied
from dispatcher.model import Location, OrderId, Role
from dispatcher.permissions import Action
from tests import builders as b
from tests.fakes import fake_uow_factory
from tests.ui.route_board_data import board_day, board_factory, ids, van
from tests.ui.test_route_board_view import (
    BOTH,
    RecordingDrag,
    _drag_event,
    below_cards,
    send_drop,
    upper,
)
from ui.models.edit_rights import EditRights, move_action
from ui.models.order_mime import encode_order_ids
from ui.models.order_table_model import Column, OrderTableModel
from ui.models.route_board_model import RouteBoardModel
from ui.selection import OrderSelection
from ui.views import lane_view
from ui.views.route_board import RouteBoard

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

    from db.database import Database
    from dispatcher.day_view import DayView
    from tests.ui.test_map_view import Confirmations
    from ui.main_window import MainWindow
    from ui.map.map_view import MapView
    from ui.views.lane_view import LaneView

MANAGER = EditRights(Role.MANAGER)
STAFF = EditRights(Role.STAFF)
STAFF_DISPATCHED = EditRights(Role.STAFF, dispatched=True)
DISPATCHER = EditRights(Role.DISPATCHER)


@pytest.fixture
def view() -> DayView:
    """The route-board test day: three vans, ORD-6..8 on no route, ORD-2 locked."""
    return board_day(board_factory())


def make_board(qtbot: QtBot, view: DayView, rights: EditRights) -> RouteBoard:
    """A shown board over ``view`` for a role."""
    model = RouteBoardModel()
    model.set_day(view)
    board = RouteBoard(model, OrderSelection())
    board.set_rights(rights)
    qtbot.addWidget(board)
    board.resize(1300, 700)
    board.show()
    qtbot.waitExposed(board)
    return board


def lane(board: RouteBoard, view: DayView, name: str | None) -> LaneView:
    """A lane's list by vehicle name (None: Unassigned)."""
    found = board.lane_view(van(view, name) if name else None)
    assert found is not None
    return found


def refused_drop(target: LaneView, pos: QPoint, mime: QMimeData) -> None:
    """Drag over ``pos`` (must be refused) and let go there all the same.

    Entering may be accepted (Qt looks at the data's type only); moving over
    the lane says whether the drop would be taken.
    """
    viewport = target.viewport()
    enter = _drag_event(QDragEnterEvent, pos, BOTH, mime)
    QApplication.sendEvent(viewport, enter)
    move = _drag_event(QDragMoveEvent, pos, BOTH, mime)
    QApplication.sendEvent(viewport, move)
    assert not move.isAccepted()
    drop = _drag_event(QDropEvent, pos, BOTH, mime)
    drop.setDropAction(Qt.DropAction.MoveAction)
    QApplication.sendEvent(viewport, drop)


def select(board: RouteBoard, view: DayView, *refs: str) -> None:
    """Select these cards (and only these)."""
    model = board.selection_model()
    model.clearSelection()
    for ref in refs:
        model.select(
            board.model.card_index(ids(view, ref)[0]),
            QItemSelectionModel.SelectionFlag.Select,
        )


# -- the rule ---------------------------------------------------------------------


def test_moves_need_assign_only_to_plan_unplanned_orders_or_take_orders_off() -> None:
    """The split the services make: anything else re-plans."""
    assert move_action(unplanned=True, to_route=True) is Action.ASSIGN
    assert move_action(unplanned=False, to_route=False) is Action.ASSIGN
    assert move_action(unplanned=True, to_route=False) is Action.ASSIGN
    assert move_action(unplanned=False, to_route=True) is Action.EDIT_PLAN


def test_refusals_name_the_role_and_the_dispatched_day() -> None:
    """Tooltips say who is signed in, what is refused and when."""
    assert DISPATCHER.refusal(Action.EDIT_PLAN) == ""
    assert STAFF.refusal(Action.EDIT_PLAN) == (
        "Signed in as staff: you may not change routes."
    )
    assert STAFF.refusal(Action.ASSIGN) == ""
    assert STAFF_DISPATCHED.refusal(Action.ASSIGN) == (
        "Signed in as staff: you may not assign orders to routes on a dispatched day."
    )
    assert MANAGER.refusal(Action.EDIT_ORDER).startswith("Signed in as manager")


def test_hints_say_what_the_role_may_change() -> None:
    """A manager reads only; staff assign and edit orders; dispatchers get none."""
    assert MANAGER.hint() == "Read-only: manager"
    assert MANAGER.read_only
    assert not STAFF.read_only
    assert STAFF.hint() == "Staff: assign and edit orders only"
    assert STAFF_DISPATCHED.hint() == "Staff: edit orders only (day dispatched)"
    assert DISPATCHER.hint() == ""
    assert EditRights(Role.ADMIN).hint() == ""


DROPS = [
    (["ORD-6"], "Van 3", None),  # plan an unassigned order
    (["ORD-6", "ORD-7"], "Van 1", 1),  # plan two between stops
    (["ORD-1"], None, None),  # take a stop off its route
    (["ORD-5", "ORD-1"], None, None),  # stops of two routes off
    (["ORD-1"], "Van 2", 0),  # move a stop to another route
    (["ORD-3"], "Van 1", 0),  # reorder within a route
    (["ORD-6", "ORD-4"], "Van 3", None),  # a mix of planned and unplanned
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("dispatched", [False, True])
@pytest.mark.parametrize(("refs", "target", "row"), DROPS)
def test_the_board_takes_a_drop_exactly_when_the_service_allows_the_move(
    role: Role,
    dispatched: bool,
    refs: list[str],
    target: str | None,
    row: int | None,
) -> None:
    """The drop's answer and the plan edit service's answer for that role agree."""
    factory = board_factory()
    if dispatched:
        day = board_day(factory)
        dispatching.dispatch(factory, b.DAY, day.plan_version)
    view = board_day(factory)
    model = RouteBoardModel()
    model.set_day(view)
    model.set_rights(EditRights(role, dispatched))
    parent = model.lane_index(van(view, target) if target else None)
    mime = encode_order_ids(ids(view, *refs))
    takes = model.canDropMimeData(
        mime, Qt.DropAction.MoveAction, -1 if row is None else row, 0, parent
    )

    as_role = fake_uow_factory(factory.store, actor="someone", newcomer_role=role)
    try:
        plan_edits.move_orders(
            as_role,
            b.DAY,
            view.plan_version,
            ids(view, *refs),
            van(view, target) if target else None,
            row,
        )
        denied = False
    except PermissionDenied:
        denied = True
    except DispatcherError:
        denied = False  # refused for another reason (a lock, say): not the role's
    assert takes is not denied


# -- the route board ------------------------------------------------------------


def test_manager_board_drags_and_drops_nothing(qtbot: QtBot, view: DayView) -> None:
    """No drag starts, every drop is refused, nothing is requested."""
    board = make_board(qtbot, view, MANAGER)
    model = board.model
    card = model.card_index(ids(view, "ORD-6")[0])
    assert not model.flags(card) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(card) & Qt.ItemFlag.ItemIsSelectable  # still selects
    assert not model.flags(model.lane_index(None)) & Qt.ItemFlag.ItemIsDropEnabled
    for widget in board.lane_widgets():
        assert not widget.view.dragEnabled()
        assert not widget.view.acceptDrops()
    with qtbot.assertNotEmitted(board.sig_move_requested):
        target = lane(board, view, "Van 3")
        refused_drop(target, below_cards(target), encode_order_ids(ids(view, "ORD-6")))
        target = lane(board, view, None)
        refused_drop(target, upper(target, 0), encode_order_ids(ids(view, "ORD-1")))
        assert not model.dropMimeData(
            encode_order_ids(ids(view, "ORD-6")),
            Qt.DropAction.MoveAction,
            -1,
            0,
            model.lane_index(van(view, "Van 3")),
        )


def test_manager_board_starts_no_drag(
    qtbot: QtBot, view: DayView, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a drag started by hand carries nothing."""
    monkeypatch.setattr(lane_view, "QDrag", RecordingDrag)
    RecordingDrag.carried = []
    board = make_board(qtbot, view, MANAGER)
    select(board, view, "ORD-1", "ORD-6")
    lane(board, view, "Van 1").startDrag(Qt.DropAction.MoveAction)
    assert RecordingDrag.carried == []


def test_manager_board_has_no_edit_buttons_and_says_read_only(
    qtbot: QtBot, view: DayView
) -> None:
    """Lock, unlock and unassign are gone; lanes show locks, never take clicks."""
    board = make_board(qtbot, view, MANAGER)
    select(board, view, "ORD-1")
    for action in (
        board.lock_action,
        board.unlock_action,
        board.toggle_lock_action,
        board.unassign_action,
        board.move_up_action,
        board.move_down_action,
    ):
        assert not action.isEnabled(), action.text()
    assert board.role_hint.isVisible()
    assert board.role_hint.text() == "Read-only: manager"
    headers = [w.header for w in board.lane_widgets()[1:]]
    assert not any(h.lock_button.isVisibleTo(board) for h in headers)  # none locked
    with (
        qtbot.assertNotEmitted(board.sig_lock_requested),
        qtbot.assertNotEmitted(board.sig_route_lock_requested),
        qtbot.assertNotEmitted(board.sig_move_requested),
    ):
        board.card_delegate().sig_lock_clicked.emit(
            board.model.card_index(ids(view, "ORD-1")[0])
        )
        headers[0].lock_button.click()
        board.request_lock_selected(True)
        board.request_unassign_selected()
        board.request_move_selected(van(view, "Van 2"))
        board.request_shift_selected(1)
    menu = board.card_menu()
    assert [a.text() for a in menu.actions()] == ["Show everywhere"]


def test_staff_board_assigns_and_unassigns_but_does_not_replan(
    qtbot: QtBot, view: DayView
) -> None:
    """Unassigned cards go onto routes and stops come off; moves between refused."""
    board = make_board(qtbot, view, STAFF)
    target = lane(board, view, "Van 3")
    with qtbot.waitSignal(board.sig_move_requested, timeout=1000) as asked:
        send_drop(target, below_cards(target), encode_order_ids(ids(view, "ORD-6")))
    assert asked.args == [ids(view, "ORD-6"), van(view, "Van 3"), None]
    target = lane(board, view, None)
    with qtbot.waitSignal(board.sig_move_requested, timeout=1000) as asked:
        send_drop(target, upper(target, 0), encode_order_ids(ids(view, "ORD-4")))
    assert asked.args == [ids(view, "ORD-4"), None, None]
    with qtbot.assertNotEmitted(board.sig_move_requested):
        target = lane(board, view, "Van 2")
        refused_drop(target, upper(target, 0), encode_order_ids(ids(view, "ORD-1")))
        target = lane(board, view, "Van 1")
        refused_drop(target, upper(target, 0), encode_order_ids(ids(view, "ORD-3")))


def test_staff_board_disables_locks_and_reordering_saying_why(
    qtbot: QtBot, view: DayView
) -> None:
    """Lock buttons stay, disabled, with the reason; unassign works."""
    board = make_board(qtbot, view, STAFF)
    select(board, view, "ORD-1")
    why = "Signed in as staff: you may not change routes."
    for action in (board.lock_action, board.move_up_action, board.move_down_action):
        assert not action.isEnabled()
        assert action.toolTip() == why
    assert board.unassign_action.isEnabled()
    header = board.lane_widgets()[1].header
    assert header.lock_button.isVisibleTo(board)
    assert not header.lock_button.isEnabled()
    assert why in header.lock_button.toolTip()
    assert board.role_hint.text() == "Staff: assign and edit orders only"
    with qtbot.assertNotEmitted(board.sig_lock_requested):
        board.card_delegate().sig_lock_clicked.emit(
            board.model.card_index(ids(view, "ORD-1")[0])
        )
    with qtbot.waitSignal(board.sig_move_requested, timeout=1000) as asked:
        board.unassign_action.trigger()
    assert asked.args == [ids(view, "ORD-1"), None, None]


def test_staff_card_menu_offers_routes_for_unassigned_cards_only(
    qtbot: QtBot, view: DayView
) -> None:
    """Moving to a van: offered for unassigned cards, not for stops (saying why)."""
    board = make_board(qtbot, view, STAFF)

    def move_to() -> Any:
        menu = board.card_menu()
        return next(a for a in menu.actions() if a.text() == "Move to")

    select(board, view, "ORD-7")
    assert move_to().isEnabled()
    assert all(a.isEnabled() for a in move_to().menu().actions())
    select(board, view, "ORD-4")
    entry = move_to()
    why = "Signed in as staff: you may not change routes."
    assert not entry.isEnabled()
    assert entry.toolTip() == why
    assert not any(a.isEnabled() for a in entry.menu().actions())
    assert entry.menu().actions()[0].toolTip() == why


def test_staff_on_a_dispatched_day_assigns_nothing(qtbot: QtBot, view: DayView) -> None:
    """Re-planning a dispatched day is for dispatchers: no drag, unassign says why."""
    board = make_board(qtbot, view, STAFF_DISPATCHED)
    select(board, view, "ORD-1")
    assert not board.unassign_action.isEnabled()
    assert "on a dispatched day" in board.unassign_action.toolTip()
    assert not lane(board, view, "Van 3").acceptDrops()
    with qtbot.assertNotEmitted(board.sig_move_requested):
        target = lane(board, view, "Van 3")
        refused_drop(target, below_cards(target), encode_order_ids(ids(view, "ORD-6")))
        board.request_unassign_selected()


def test_rights_can_be_given_back(qtbot: QtBot, view: DayView) -> None:
    """Another day (not dispatched) gives staff their drags back; empty lanes say so."""
    board = make_board(qtbot, view, STAFF_DISPATCHED)
    empty = lane(board, view, "Van 3")
    assert "Drag" not in empty._empty_text()
    board.set_rights(STAFF)
    assert "Drag cards here" in empty._empty_text()
    with qtbot.waitSignal(board.sig_move_requested, timeout=1000):
        send_drop(empty, below_cards(empty), encode_order_ids(ids(view, "ORD-6")))


def test_dispatcher_board_is_unchanged(qtbot: QtBot, view: DayView) -> None:
    """Moves between routes, locks and reordering as before; no hint."""
    board = make_board(qtbot, view, DISPATCHER)
    assert not board.role_hint.isVisible()
    target = lane(board, view, "Van 2")
    with qtbot.waitSignal(board.sig_move_requested, timeout=1000) as asked:
        send_drop(target, upper(target, 0), encode_order_ids(ids(view, "ORD-1")))
    assert asked.args == [ids(view, "ORD-1"), van(view, "Van 2"), 0]
    select(board, view, "ORD-1")
    assert board.lock_action.isEnabled()
    assert board.lock_action.toolTip().startswith("Keep the selected stops")
    with qtbot.waitSignal(board.sig_lock_requested, timeout=1000) as locked:
        board.lock_action.trigger()
    assert locked.args == [ids(view, "ORD-1"), True]
    header = board.lane_widgets()[1].header
    assert header.lock_button.isEnabled()
    with qtbot.waitSignal(board.sig_route_lock_requested, timeout=1000):
        header.lock_button.click()


# -- the order table ---------------------------------------------------------------


def table_for(view: DayView, rights: EditRights) -> OrderTableModel:
    """The order table model of ``view`` for a role."""
    model = OrderTableModel()
    model.set_lines(view.lines)
    model.set_rights(rights)
    return model


def test_manager_table_edits_and_drags_nothing(qtbot: QtBot, view: DayView) -> None:
    """No editable cell, no draggable row; a forced edit is refused with the reason."""
    model = table_for(view, MANAGER)
    row = model.row_of(ids(view, "ORD-6")[0])
    assert row is not None
    for column in Column:
        flags = model.flags(model.index(row, column))
        assert not flags & Qt.ItemFlag.ItemIsEditable
        assert not flags & Qt.ItemFlag.ItemIsDragEnabled
        assert flags & Qt.ItemFlag.ItemIsSelectable
    with (
        qtbot.assertNotEmitted(model.sig_edit_requested),
        qtbot.waitSignal(model.sig_edit_rejected) as rejected,
    ):
        assert not model.setData(model.index(row, Column.NOTES), "Ring twice")
    assert rejected.args == ["Signed in as manager: you may not edit orders."]
    tip = model.headerData(
        Column.NOTES, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "double-click" not in tip
    assert tip.endswith("you may not edit orders.")


def test_staff_table_edits_orders_and_drags_rows(qtbot: QtBot, view: DayView) -> None:
    """Staff edit windows, priority and notes, and drag rows onto the board."""
    model = table_for(view, STAFF)
    row = model.row_of(ids(view, "ORD-6")[0])
    assert row is not None
    for column in (Column.WINDOWS, Column.PRIORITY, Column.NOTES):
        assert model.flags(model.index(row, column)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(row, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    with qtbot.waitSignal(model.sig_edit_requested) as asked:
        assert model.setData(model.index(row, Column.NOTES), "Ring twice")
    assert asked.args[1:] == ["notes", "Ring twice"]
    tip = model.headerData(
        Column.NOTES, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "double-click" in tip


# -- the window ------------------------------------------------------------------


def window_as(
    qtbot: QtBot,
    database: Database,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
    role: Role,
) -> MainWindow:
    """The window over ``database`` for a role, showing ``b.DAY``.

    Only the window is told the role: the database lets "tester" do anything,
    so whatever a view let through would reach it and change the plan.
    """
    import ui.app

    monkeypatch.setattr(ui.app, "signed_in_role", lambda _database: role)
    window = ui.app.build_main_window(database, settings=settings, with_map=False)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    assert window.show_day(b.DAY)
    return window


def window_ids(window: MainWindow) -> tuple[list[Any], list[Any]]:
    """Order ids of the day (planned first) and vehicle ids, from the view."""
    day = window.document.view
    planned = [oid for r in day.routes for oid in r.route.order_ids]
    unplanned = [
        line.order.id for line in day.lines if line.order.id not in set(planned)
    ]
    return planned + unplanned, sorted(day.vehicles)


def test_manager_window_sends_nothing_to_the_document(
    qtbot: QtBot,
    database: Database,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Drops, Delete, lock clicks and table edits of a manager change nothing."""
    window = window_as(qtbot, database, settings, monkeypatch, Role.MANAGER)
    assert window.rights() == MANAGER
    version = window.document.plan_version
    orders, vehicles = window_ids(window)
    board = window.board
    with (
        qtbot.assertNotEmitted(window.document.sig_plan_changed),
        qtbot.assertNotEmitted(window.document.sig_error),
        qtbot.assertNotEmitted(window.model.sig_edit_requested),
    ):
        target = board.lane_view(vehicles[1])
        assert target is not None
        refused_drop(target, below_cards(target), encode_order_ids(orders[-1:]))
        window.selection.set(orders[:1])
        board.unassign_action.trigger()
        board.toggle_lock_action.trigger()
        board.lane_widgets()[1].header.lock_button.click()
        row = window.model.row_of(orders[0])
        window.model.setData(window.model.index(row or 0, Column.NOTES), "x")
    QApplication.processEvents()
    assert window.document.plan_version == version
    assert window.document.undo_stack.count() == 0
    assert not window.optimize_action.isEnabled()
    assert "may not save an optimized plan" in window.optimize_action.toolTip()
    assert window.board.role_hint.text() == "Read-only: manager"


def test_staff_window_follows_the_dispatch_of_the_day_shown(
    qtbot: QtBot,
    database: Database,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Staff assign until the day is dispatched; another day gives it back."""
    window = window_as(qtbot, database, settings, monkeypatch, Role.STAFF)
    assert window.rights() == STAFF
    orders, vehicles = window_ids(window)
    target = window.board.lane_view(vehicles[1])
    assert target is not None
    with qtbot.waitSignal(window.document.sig_plan_changed, timeout=5000):
        send_drop(target, below_cards(target), encode_order_ids(orders[-1:]))
    assert window.document.vehicles_of(orders[-1:]) == {orders[-1]: vehicles[1]}

    assert window.document.request_dispatch() is not None
    assert window.rights() == STAFF_DISPATCHED
    assert window.board.role_hint.text() == "Staff: edit orders only (day dispatched)"
    assert not window.dispatch_panel.dispatch_button.isEnabled()
    target = window.board.lane_view(vehicles[1])
    assert target is not None
    with qtbot.assertNotEmitted(window.document.sig_plan_changed):
        refused_drop(target, below_cards(target), encode_order_ids(orders[-2:-1]))

    assert window.show_day(b.DAY + dt.timedelta(days=1))
    assert window.rights() == STAFF
    assert window.show_day(b.DAY)
    assert window.rights() == STAFF_DISPATCHED


def test_dispatcher_window_is_unchanged(
    qtbot: QtBot,
    database: Database,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A dispatcher moves stops between routes; nothing says read-only."""
    window = window_as(qtbot, database, settings, monkeypatch, Role.DISPATCHER)
    orders, vehicles = window_ids(window)
    target = window.board.lane_view(vehicles[1])
    assert target is not None
    with qtbot.waitSignal(window.document.sig_plan_changed, timeout=5000):
        send_drop(target, below_cards(target), encode_order_ids(orders[:1]))
    assert window.document.vehicles_of(orders[:1]) == {orders[0]: vehicles[1]}
    assert window.optimize_action.isEnabled()
    assert not window.board.role_hint.isVisible()
    assert window.dispatch_panel.dispatch_button.isEnabled()


# -- the map ---------------------------------------------------------------------


@pytest.fixture
def role_map(qtbot: QtBot) -> Iterator[tuple[MapView, Confirmations]]:
    """A ready map (no tiles) showing the map tests' day, and its confirmations."""
    from tests.ui.test_map_features import day_factory
    from tests.ui.test_map_view import Confirmations, dispose, make_map, show_day

    confirm = Confirmations()
    view = make_map(qtbot, confirm)
    show_day(qtbot, view, load_day(day_factory(), b.DAY))
    yield view, confirm
    dispose(view)


@pytest.mark.webengine
def test_manager_map_selects_but_moves_nothing(
    qtbot: QtBot, role_map: tuple[MapView, Confirmations]
) -> None:
    """Box selection only selects; pins stay fixed; the pin toggle is gone."""
    from tests.ui.test_map_features import UNASSIGNED

    map_view, confirm = role_map
    map_view.set_rights(MANAGER)
    assert not map_view.pin_action.isEnabled()
    assert not map_view.pin_action.isVisible()
    map_view.set_pin_mode(True)
    assert not map_view.pin_action.isChecked()
    with (
        qtbot.assertNotEmitted(map_view.sig_assign_requested),
        qtbot.assertNotEmitted(map_view.sig_location_change_requested),
    ):
        map_view.bridge.sig_orders_lassoed.emit([OrderId(8), UNASSIGNED], QPoint(5, 5))
        map_view.bridge.sig_pin_moved.emit(OrderId(8), Location(45.78, 4.87))
    assert map_view._selection.ids == {OrderId(8), UNASSIGNED}
    assert map_view.assign_menu is None
    assert confirm.asked == []


@pytest.mark.webengine
def test_staff_map_assigns_unplanned_orders_and_unassigns_stops(
    qtbot: QtBot, role_map: tuple[MapView, Confirmations]
) -> None:
    """The box menu offers vans for unassigned orders only; pins say why not."""
    from tests.ui.test_map_features import UNASSIGNED, VAN_2

    map_view, confirm = role_map
    map_view.set_pin_mode(True)
    map_view.set_rights(STAFF)
    assert not map_view.pin_action.isChecked()
    assert not map_view.pin_action.isEnabled()
    assert map_view.pin_action.isVisible()
    assert map_view.pin_action.toolTip() == (
        "Signed in as staff: you may not move customers."
    )
    qtbot.waitUntil(lambda: not order_draggable(qtbot, map_view, 8))
    with qtbot.assertNotEmitted(map_view.sig_location_change_requested):
        map_view.bridge.sig_pin_moved.emit(OrderId(8), Location(45.78, 4.87))
    assert confirm.asked == []

    menu = map_view.show_assign_menu([UNASSIGNED], QPoint(5, 5))
    van2 = next(a for a in menu.actions() if a.data() == VAN_2)
    assert van2.isEnabled()
    with qtbot.waitSignal(map_view.sig_assign_requested, timeout=1000) as asked:
        van2.trigger()
    assert asked.args == [[UNASSIGNED], VAN_2]

    menu = map_view.show_assign_menu([OrderId(8)], QPoint(5, 5))
    van2 = next(a for a in menu.actions() if a.data() == VAN_2)
    assert not van2.isEnabled()
    assert van2.toolTip() == "Signed in as staff: you may not change routes."
    with qtbot.assertNotEmitted(map_view.sig_assign_requested):
        van2.trigger()
    with qtbot.waitSignal(map_view.sig_assign_requested, timeout=1000) as asked:
        menu.actions()[-1].trigger()  # Unassign
    assert asked.args == [[OrderId(8)], None]


def order_draggable(qtbot: QtBot, map_view: MapView, order_id: int) -> bool:
    """True if the page lets the user drag this order's pin."""
    from tests.ui.test_map_view import order_state

    return bool(order_state(qtbot, map_view, order_id)["draggable"])


def test_staff_window_follows_a_dispatch_made_elsewhere(
    qtbot: QtBot,
    database: Database,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another window dispatches the day shown: this one stops offering assigns."""
    window = window_as(qtbot, database, settings, monkeypatch, Role.STAFF)
    with database.uow_factory() as uow:
        before = uow.changes.since(0, limit=10**6)
    start = before[-1].id if before else 0
    dispatching.dispatch(database.uow_factory, b.DAY, window.document.plan_version)
    with database.uow_factory() as uow:
        rows = uow.changes.since(start)
    assert window.rights() == STAFF
    assert window.document.apply_remote(rows)
    assert window.rights() == STAFF_DISPATCHED
    orders, vehicles = window_ids(window)
    target = window.board.lane_view(vehicles[1])
    assert target is not None
    with qtbot.assertNotEmitted(window.document.sig_plan_changed):
        refused_drop(target, below_cards(target), encode_order_ids(orders[-1:]))
