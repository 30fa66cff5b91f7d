"""The route board widget: real drop events, selection sync, locks and commands."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.route_board_data import board_day, board_factory, ids, move, van
from ui.models.order_mime import decode_order_ids, encode_order_ids
from ui.models.order_table_model import OrderTableModel
from ui.models.route_board_model import RouteBoardModel
from ui.selection import OrderSelection
from ui.views import lane_view
from ui.views.route_board import COMPACT_LANE_WIDTH, LANE_WIDTH, RouteBoard

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QAbstractItemView

    from dispatcher.day_view import DayView
    from dispatcher.model import OrderId
    from ui.views.lane_view import LaneView

BOTH = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction


@pytest.fixture
def factory() -> Any:
    """The stored test day (three vans, eight orders)."""
    return board_factory()


@pytest.fixture
def view(factory: Any) -> DayView:
    """The test day as loaded."""
    return board_day(factory)


@pytest.fixture
def selection() -> OrderSelection:
    """The window's shared selection."""
    return OrderSelection()


@pytest.fixture
def board(qtbot, view: DayView, selection: OrderSelection) -> RouteBoard:
    """A shown board over the test day, wide enough for every lane."""
    model = RouteBoardModel()
    model.set_day(view)
    widget = RouteBoard(model, selection)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def lane(board: RouteBoard, view: DayView, name: str | None) -> LaneView:
    """A lane's list by vehicle name (None: Unassigned)."""
    found = board.lane_view(van(view, name) if name else None)
    assert found is not None
    return found


def _drag_event(cls: type, pos: QPoint, actions: Any, mime: QMimeData) -> Any:
    """Build a drag event: PySide6 6.12 takes a QPointF, 6.11 only a QPoint."""
    args = (actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        return cls(QPointF(pos), *args)
    except TypeError:
        return cls(pos, *args)


def send_drop(
    view: QAbstractItemView,
    pos: QPoint,
    mime: QMimeData,
    actions: Any = BOTH,
    action: Qt.DropAction = Qt.DropAction.MoveAction,
) -> QDropEvent:
    """Enter, move and drop at ``pos`` of the view's viewport, as a real drag does."""
    viewport = view.viewport()
    for cls in (QDragEnterEvent, QDragMoveEvent):
        event = _drag_event(cls, pos, actions, mime)
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted(), cls.__name__
    drop = _drag_event(QDropEvent, pos, actions, mime)
    drop.setDropAction(action)
    QApplication.sendEvent(viewport, drop)
    return drop


def upper(target: LaneView, row: int) -> QPoint:
    """A point in the upper part of a card (drops go in front of it)."""
    rect = target.card_rect(row)
    return QPoint(rect.center().x(), rect.top() + 4)


def lower(target: LaneView, row: int) -> QPoint:
    """A point in the lower part of a card (drops go after it)."""
    rect = target.card_rect(row)
    return QPoint(rect.center().x(), rect.bottom() - 4)


def below_cards(target: LaneView) -> QPoint:
    """A point in the empty space under a lane's cards."""
    return QPoint(target.viewport().width() // 2, target.viewport().height() - 10)


def expect_move(qtbot, board: RouteBoard, order_ids: list, vehicle: Any, index: Any):
    """Wait for exactly this move request from the board."""
    return qtbot.waitSignal(
        board.sig_move_requested,
        timeout=1000,
        check_params_cb=lambda o, v, i: (o, v, i) == (order_ids, vehicle, index),
    )


def test_board_has_a_lane_per_model_lane(board: RouteBoard, view: DayView) -> None:
    """Unassigned plus three vans; headers show their lanes; widths as designed."""
    lanes = board.lane_widgets()
    assert [w.header.lane().title for w in lanes] == [  # type: ignore[union-attr]
        "Unassigned",
        "Van 1",
        "Van 2",
        "Van 3",
    ]
    assert [w.view.model().rowCount(w.view.rootIndex()) for w in lanes] == [3, 3, 2, 0]
    assert lanes[1].width() == LANE_WIDTH
    assert "3 routes" not in board.summary.text()  # Van 3 has no stops
    assert "2 routes · 5 stops" in board.summary.text()


def test_drop_event_below_a_card_of_another_lane(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """Dropping ORD-1 on the lower half of Van 2's first card asks for row 1."""
    target = lane(board, view, "Van 2")
    mime = encode_order_ids(ids(view, "ORD-1"))
    with expect_move(qtbot, board, ids(view, "ORD-1"), van(view, "Van 2"), 1):
        send_drop(target, lower(target, 0), mime)


def test_drop_event_above_a_card_within_its_lane(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """Dropping ORD-3 on the upper half of Van 1's first card asks for row 0."""
    target = lane(board, view, "Van 1")
    mime = encode_order_ids(ids(view, "ORD-3"))
    with expect_move(qtbot, board, ids(view, "ORD-3"), van(view, "Van 1"), 0):
        send_drop(target, upper(target, 0), mime)


def test_drop_event_in_empty_space_appends(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """Below the last card (or in an empty lane) the orders are appended."""
    target = lane(board, view, "Van 3")
    mime = encode_order_ids(ids(view, "ORD-6", "ORD-7"))
    with expect_move(
        qtbot, board, ids(view, "ORD-6", "ORD-7"), van(view, "Van 3"), None
    ):
        send_drop(target, below_cards(target), mime)
    target = lane(board, view, "Van 1")
    with expect_move(qtbot, board, ids(view, "ORD-4"), van(view, "Van 1"), None):
        send_drop(target, below_cards(target), encode_order_ids(ids(view, "ORD-4")))


def test_drop_event_on_unassigned_unassigns(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """Anything dropped on the Unassigned lane asks to take it off its route."""
    target = lane(board, view, None)
    mime = encode_order_ids(ids(view, "ORD-1", "ORD-5"))
    with expect_move(qtbot, board, ids(view, "ORD-1", "ORD-5"), None, None):
        send_drop(target, upper(target, 1), mime)


def test_drop_event_from_the_order_table(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """Table rows (a copy drag) dropped between Van 1's cards become a move request."""
    table = OrderTableModel()
    table.set_lines(view.lines)
    rows = [table.index(table.row_of(oid) or 0, 0) for oid in ids(view, "ORD-8")]
    target = lane(board, view, "Van 1")
    with expect_move(qtbot, board, ids(view, "ORD-8"), van(view, "Van 1"), 2):
        drop = send_drop(
            target,
            upper(target, 2),
            table.mimeData(rows),
            actions=Qt.DropAction.CopyAction,
            action=Qt.DropAction.CopyAction,
        )
    assert drop.isAccepted()


def test_drop_event_of_a_card_onto_its_own_place_does_nothing(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """A card let go just below itself is no edit: no request, rows unchanged."""
    target = lane(board, view, "Van 1")
    with qtbot.assertNotEmitted(board.sig_move_requested):
        send_drop(target, lower(target, 1), encode_order_ids(ids(view, "ORD-2")))


def test_a_foreign_drag_is_not_accepted(board: RouteBoard, view: DayView) -> None:
    """A drag of plain text is refused on entering a lane."""
    mime = QMimeData()
    mime.setText("ORD-1")
    target = lane(board, view, "Van 1")
    event = _drag_event(QDragEnterEvent, upper(target, 0), BOTH, mime)
    QApplication.sendEvent(target.viewport(), event)
    assert not event.isAccepted()


class RecordingDrag(QDrag):
    """A QDrag that records what it would carry instead of starting a drag."""

    carried: list[list[OrderId] | None] = []  # noqa: RUF012

    def exec(self, *args: Any) -> Qt.DropAction:
        """Record the payload; report a move, as a real drop would."""
        RecordingDrag.carried.append(decode_order_ids(self.mimeData()))
        return Qt.DropAction.MoveAction


def test_dragging_carries_every_selected_card_in_board_order(
    monkeypatch, board: RouteBoard, view: DayView
) -> None:
    """A drag from one lane carries the selection of every lane, in board order."""
    monkeypatch.setattr(lane_view, "QDrag", RecordingDrag)
    RecordingDrag.carried = []
    select = board.selection_model()
    for ref in ("ORD-5", "ORD-3", "ORD-1"):
        select.select(
            board.model.card_index(ids(view, ref)[0]),
            QItemSelectionModel.SelectionFlag.Select,
        )
    source = lane(board, view, "Van 2")
    source.startDrag(Qt.DropAction.MoveAction)
    assert RecordingDrag.carried == [ids(view, "ORD-1", "ORD-3", "ORD-5")]
    # The source removes nothing after the "move": rows change only on refresh.
    assert board.model.rowCount(source.rootIndex()) == 2


def test_multi_card_drop_keeps_board_order(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """Two cards picked bottom-up still travel in route order."""
    model = board.model
    picked = [model.card_index(oid) for oid in ids(view, "ORD-3", "ORD-1")]
    target = lane(board, view, "Van 2")
    with expect_move(qtbot, board, ids(view, "ORD-1", "ORD-3"), van(view, "Van 2"), 1):
        send_drop(target, upper(target, 1), model.mimeData(picked))


def test_clicking_cards_selects_them_everywhere(
    qtbot, board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """A click and a Ctrl+click on cards of two lanes set the shared selection."""
    van1, van2 = lane(board, view, "Van 1"), lane(board, view, "Van 2")
    with qtbot.waitSignal(
        selection.sig_selection_changed,
        timeout=1000,
        check_params_cb=lambda o, source: (
            o == set(ids(view, "ORD-2")) and source is board
        ),
    ):
        QTest.mouseClick(
            van1.viewport(), Qt.MouseButton.LeftButton, pos=van1.card_rect(1).center()
        )
    QTest.mouseClick(
        van2.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        van2.card_rect(0).center(),
    )
    assert selection.ids == set(ids(view, "ORD-2", "ORD-4"))
    assert board.selected_order_ids() == ids(view, "ORD-2", "ORD-4")


def test_selection_from_elsewhere_selects_cards_without_echo(
    qtbot, board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """The table selecting orders selects their cards; the board does not echo."""
    table = object()
    seen: list[object] = []
    selection.sig_selection_changed.connect(lambda _ids, source: seen.append(source))
    selection.set(ids(view, "ORD-5", "ORD-7", "ORD-1"), source=table)
    assert board.selected_order_ids() == ids(view, "ORD-7", "ORD-1", "ORD-5")
    assert seen == [table]
    selection.clear(source=table)
    assert board.selected_order_ids() == []


def test_selection_follows_a_moved_card_after_refresh(
    factory: Any, board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """After ORD-1 moves to Van 2, its card there is selected and nothing is lost."""
    selection.set(ids(view, "ORD-1", "ORD-4"), source=None)
    edited, changes = move(factory, view, ["ORD-1"], "Van 2", 1)
    board.model.refresh(edited, changes)
    assert selection.ids == set(ids(view, "ORD-1", "ORD-4"))
    assert board.selected_order_ids() == ids(view, "ORD-4", "ORD-1")
    assert board.model.card_index(ids(view, "ORD-1")[0]).parent().row() == 2


def test_clicking_the_lock_corner_requests_a_lock(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """The lock corner of a card toggles: lock ORD-1, unlock ORD-2."""
    van1 = lane(board, view, "Van 1")
    delegate = board.card_delegate()
    for row, ref, locked in ((0, "ORD-1", True), (1, "ORD-2", False)):
        corner = delegate.lock_rect(van1.card_rect(row), van1.fontMetrics()).center()
        with qtbot.waitSignal(
            board.sig_lock_requested,
            timeout=1000,
            check_params_cb=lambda o, flag, r=ref, w=locked: (
                (o, flag) == (ids(view, r), w)
            ),
        ):
            QTest.mouseClick(van1.viewport(), Qt.MouseButton.LeftButton, pos=corner)


def test_lane_lock_button_requests_and_snaps_back(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """The route lock asks for the change but shows the plan's state until then."""
    header = board.lane_widgets()[2].header
    with qtbot.waitSignal(
        board.sig_route_lock_requested,
        timeout=1000,
        check_params_cb=lambda v, flag: (v, flag) == (van(view, "Van 2"), True),
    ):
        header.lock_button.click()
    assert not header.lock_button.isChecked()
    assert not board.lane_widgets()[0].header.lock_button.isVisibleTo(board)


def test_commands_on_the_selection(
    qtbot, board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """Lock toggle, unassign and move up/down emit the matching requests."""
    selection.set(ids(view, "ORD-1", "ORD-2"), source=None)
    with qtbot.waitSignal(
        board.sig_lock_requested,
        timeout=1000,
        check_params_cb=lambda o, f: (o, f) == (ids(view, "ORD-1"), True),
    ):
        board.toggle_lock_action.trigger()  # one of two is unlocked: lock it
    with qtbot.waitSignal(
        board.sig_lock_requested,
        timeout=1000,
        check_params_cb=lambda o, f: (o, f) == (ids(view, "ORD-2"), False),
    ):
        board.unlock_action.trigger()
    with expect_move(qtbot, board, ids(view, "ORD-1", "ORD-2"), None, None):
        board.unassign_action.trigger()
    selection.set(ids(view, "ORD-1"), source=None)
    with expect_move(qtbot, board, ids(view, "ORD-1"), van(view, "Van 1"), 2):
        board.move_down_action.trigger()
    selection.set(ids(view, "ORD-3"), source=None)
    with expect_move(qtbot, board, ids(view, "ORD-3"), van(view, "Van 1"), 1):
        board.move_up_action.trigger()
    with expect_move(qtbot, board, ids(view, "ORD-3"), van(view, "Van 3"), None):
        board.request_move_selected(van(view, "Van 3"))
    with qtbot.assertNotEmitted(board.sig_move_requested):
        board.move_down_action.trigger()  # ORD-3 is last already


def test_keyboard_shortcuts_reach_the_commands(
    qtbot, board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """Delete in a lane unassigns the selected stops."""
    selection.set(ids(view, "ORD-4"), source=None)
    van2 = lane(board, view, "Van 2")
    van2.setFocus()
    with expect_move(qtbot, board, ids(view, "ORD-4"), None, None):
        QTest.keyClick(van2, Qt.Key.Key_Delete)


def test_compact_mode_shrinks_cards_and_lanes(
    board: RouteBoard, view: DayView, settings
) -> None:
    """Compact cards are one line tall; the choice survives a restart."""
    van1 = lane(board, view, "Van 1")
    tall = van1.card_rect(0).height()
    board.set_compact(True)
    assert van1.card_rect(0).height() < tall * 0.6
    assert board.lane_widgets()[1].width() == COMPACT_LANE_WIDTH
    board.save_settings(settings)
    board.set_compact(False)
    assert van1.card_rect(0).height() == tall
    board.restore_settings(settings)
    assert board.is_compact()
    assert board.compact_action.isChecked()


def test_timeline_click_selects_a_stop(
    board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """In the timeline, clicking a stop's block selects its order everywhere."""
    board.timeline_action.trigger()
    assert board.is_timeline_shown()
    timeline = board.timeline
    block = timeline.stop_rect(1, 1).center().toPoint()  # Van 2, stop 2
    QTest.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=block)
    assert selection.ids == set(ids(view, "ORD-5"))
    assert board.selected_order_ids() == ids(view, "ORD-5")


def test_focus_request_scrolls_the_card_into_sight(
    qtbot, board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """On a narrow board, focusing an order on Van 3 scrolls the lanes sideways."""
    board.resize(LANE_WIDTH * 2, 500)
    QApplication.processEvents()
    bar = board.lane_scroll.horizontalScrollBar()
    assert bar.value() == 0
    selection.focus(ids(view, "ORD-5")[0])
    assert bar.value() > 0


def test_header_paints_the_route_colour(board: RouteBoard) -> None:
    """The band atop a lane's head is its route colour; Unassigned has no lock."""
    header = board.lane_widgets()[1].header
    lane_value = header.lane()
    assert lane_value is not None
    image = header.grab().toImage()
    assert image.pixelColor(20, 1) == QColor(lane_value.color)
    assert header.toolTip().startswith("<b>Van 1</b>")


def test_left_and_right_step_between_lanes(board: RouteBoard, view: DayView) -> None:
    """Right moves the keyboard focus to the next lane, at the same card row."""
    van1, van2 = lane(board, view, "Van 1"), lane(board, view, "Van 2")
    van1.setFocus()
    van1.setCurrentIndex(board.model.card_index(ids(view, "ORD-2")[0]))
    QTest.keyClick(van1, Qt.Key.Key_Right)
    assert van2.hasFocus()
    assert van2.currentIndex() == board.model.card_index(ids(view, "ORD-5")[0])
    QTest.keyClick(van2, Qt.Key.Key_Left)
    assert van1.hasFocus()


def test_a_day_with_other_vehicles_rebuilds_the_lanes(
    board: RouteBoard, selection: OrderSelection
) -> None:
    """A hand-made day without vehicles leaves only the Unassigned lane."""
    from tests.ui.conftest import make_day

    day = make_day()
    board.model.set_day(day)
    assert [w.lane_row() for w in board.lane_widgets()] == [0]
    unassigned = board.lane_widgets()[0].view
    assert board.model.rowCount(unassigned.rootIndex()) == 1  # ORD-0001 is open
    assert "0 routes" in board.summary.text()


def test_dragging_near_the_edge_scrolls_the_lanes(
    qtbot, board: RouteBoard, view: DayView
) -> None:
    """Hovering a drag at the strip's right edge scrolls the lanes sideways."""
    board.resize(LANE_WIDTH * 2, 500)
    QApplication.processEvents()
    bar = board.lane_scroll.horizontalScrollBar()
    assert bar.maximum() > 0
    target = lane(board, view, "Van 1")
    viewport = board.lane_scroll.viewport()
    edge = target.viewport().mapFrom(
        viewport, QPoint(viewport.width() - 10, viewport.height() // 2)
    )
    mime = encode_order_ids(ids(view, "ORD-6"))
    for cls in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(target.viewport(), _drag_event(cls, edge, BOTH, mime))
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=2000)
    QApplication.sendEvent(target.viewport(), QDragLeaveEvent())


def test_a_drop_moves_the_order_for_real_and_undo_brings_it_back(
    factory: Any, board: RouteBoard, view: DayView, selection: OrderSelection
) -> None:
    """Board -> plan document -> service -> refresh: the card lands, undo returns it."""
    from ui.document import PlanDocument

    document = PlanDocument(factory)
    document.set_view(view)
    model = board.model
    board.sig_move_requested.connect(document.request_move)
    board.sig_lock_requested.connect(document.request_lock)
    document.sig_plan_changed.connect(lambda ch: model.refresh(document.view, ch))
    document.sig_reloaded.connect(model.set_day)
    selection.set(ids(view, "ORD-1"), source=None)

    target = lane(board, view, "Van 2")
    send_drop(target, lower(target, 0), encode_order_ids(ids(view, "ORD-1")))
    (oid,) = ids(view, "ORD-1")
    assert model.card_index(oid).parent().data() == "Van 2"
    assert model.card_index(oid).row() == 1
    assert board.selected_order_ids() == [oid]  # the selection follows the card
    assert document.view.line_of(oid).vehicle_name == "Van 2"  # type: ignore[union-attr]

    document.undo_stack.undo()
    assert model.card_index(oid).parent().data() == "Van 1"
    assert model.card_index(oid).row() == 0
    assert model.lanes() == fresh_model(document.view).lanes()


def fresh_model(day: DayView) -> RouteBoardModel:
    """A model built from scratch, to compare a refreshed one with."""
    fresh = RouteBoardModel()
    fresh.set_day(day)
    return fresh


def test_lane_heads_say_who_changed_the_route(
    board: RouteBoard, view: DayView, tmp_path: Path
) -> None:
    """A "changed by" row appears on every head; only Van 1's has words in it."""
    van1, van2 = board.lane_widgets()[1].header, board.lane_widgets()[2].header
    before = van1.height()
    board.model.set_last_changes(
        {van(view, "Van 1"): ("anna", dt.datetime(2026, 11, 24, 9, 42, tzinfo=dt.UTC))}
    )
    QApplication.processEvents()
    line = van1.fontMetrics().height()
    assert van1.height() == van2.height() == before + line + 4
    assert board.lane_widgets()[0].header.height() == van1.height()
    png = tmp_path / "lane-heads.png"
    assert board.grab().save(str(png))

    def ink_in_last_row(header: Any) -> int:
        """Pixels darker than the background in the head's bottom text row."""
        image = header.grab().toImage()
        rows = range(header.height() - 8 - line, header.height() - 8)
        return sum(
            1
            for y in rows
            for x in range(10, header.width() - 10)
            if image.pixelColor(x, y).lightness() < 200
        )

    assert ink_in_last_row(van1) > 30
    assert ink_in_last_row(van2) == 0
    assert "Last changed by anna" in van1.toolTip()
