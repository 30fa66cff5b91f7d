"""The route board model: lanes and cards, roles, mime data, drops and refresh."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from dispatcher.changes import PlanChanges
from dispatcher.model import Load, format_minutes
from dispatcher.scheduling import Violation
from tests import builders as b
from tests.ui.route_board_data import board_day, board_factory, ids, move, van
from ui.models.order_mime import ORDER_IDS_MIME, decode_order_ids, encode_order_ids
from ui.models.order_table_model import OrderTableModel
from ui.models.roles import IdRole, LineRole
from ui.models.route_board_lanes import LastChange
from ui.models.route_board_model import (
    CardRole,
    ColorRole,
    EtaRole,
    LaneRole,
    LastChangeRole,
    LoadRole,
    LockedRole,
    RouteBoardModel,
    SequenceRole,
    ViolationsRole,
    WindowsRole,
)
from ui.models.route_board_text import last_change_text
from ui.models.route_colors import UNASSIGNED_COLOR, vehicle_colors

if TYPE_CHECKING:
    from collections.abc import Iterator

    from dispatcher.day_view import DayView

MOVE = Qt.DropAction.MoveAction


@pytest.fixture
def factory() -> Any:
    """The stored test day (three vans, eight orders)."""
    return board_factory()


@pytest.fixture
def view(factory: Any) -> DayView:
    """The test day as loaded."""
    return board_day(factory)


@pytest.fixture
def model(view: DayView) -> RouteBoardModel:
    """A model showing the test day."""
    board = RouteBoardModel()
    board.set_day(view)
    return board


def lane_refs(model: RouteBoardModel) -> list[tuple[str, list[str]]]:
    """Every lane's title and its cards' references, in model order."""
    return [
        (
            model.index(row, 0).data(),
            [
                model.index(r, 0, model.index(row, 0)).data(LineRole).order.reference
                for r in range(model.rowCount(model.index(row, 0)))
            ],
        )
        for row in range(model.rowCount())
    ]


def card(model: RouteBoardModel, view: DayView, ref: str) -> QModelIndex:
    """The index of an order's card."""
    (oid,) = ids(view, ref)
    return model.card_index(oid)


def mime_of(*order_ids: int) -> QMimeData:
    """Mime data as a drag of these orders would carry."""
    return encode_order_ids(order_ids)  # type: ignore[arg-type]


def test_model_passes_qt_model_tester(qtmodeltester, model: RouteBoardModel) -> None:
    """The two-level model honours Qt's item-model contract."""
    qtmodeltester.check(model, force_py=True)


def test_empty_model_passes_qt_model_tester(qtmodeltester) -> None:
    """A model without a day is valid too."""
    qtmodeltester.check(RouteBoardModel(), force_py=True)


def test_order_table_model_with_drag_support_passes_qt_model_tester(
    qtmodeltester, view: DayView
) -> None:
    """The order table's new drag flags keep it a valid model."""
    table = OrderTableModel()
    table.set_lines(view.lines)
    qtmodeltester.check(table, force_py=True)


def test_lanes_are_unassigned_then_vehicles_by_name(model: RouteBoardModel) -> None:
    """Unassigned first (must before others), then every van, the idle one too."""
    assert lane_refs(model) == [
        ("Unassigned", ["ORD-6", "ORD-7", "ORD-8"]),
        ("Van 1", ["ORD-1", "ORD-2", "ORD-3"]),
        ("Van 2", ["ORD-4", "ORD-5"]),
        ("Van 3", []),
    ]


def test_card_roles_carry_timing_and_problems(
    model: RouteBoardModel, view: DayView
) -> None:
    """Card roles expose ETA, windows, load, sequence, lock and violations."""
    line = view.line_of(ids(view, "ORD-5")[0])
    assert line is not None
    assert line.eta is not None
    index = card(model, view, "ORD-5")
    assert index.data(IdRole) == line.order.id
    assert index.data(EtaRole) == pytest.approx(line.eta)
    assert index.data() == f"{format_minutes(line.eta)} Customer 5"
    assert index.data(WindowsRole) == line.order.windows
    assert index.data(LoadRole) == line.order.demand
    assert index.data(SequenceRole) == 2
    assert index.data(ViolationsRole) == frozenset({Violation.LATE})
    assert index.data(LockedRole) is False
    assert card(model, view, "ORD-2").data(LockedRole) is True
    assert card(model, view, "ORD-3").data(ViolationsRole) == {Violation.MISSING_SKILL}
    assert card(model, view, "ORD-4").data(ViolationsRole) == {Violation.OVER_CAPACITY}
    assert card(model, view, "ORD-1").data(ViolationsRole) == frozenset()
    assert index.data(CardRole).line == line


def test_unassigned_cards_have_no_timing(model: RouteBoardModel, view: DayView) -> None:
    """Open orders on no route show no ETA and no stop number."""
    index = card(model, view, "ORD-7")
    assert index.data(EtaRole) is None
    assert index.data(SequenceRole) is None
    assert index.data() == "Customer 7"
    assert index.data(ColorRole) == UNASSIGNED_COLOR


def test_tooltips_explain_the_problems(model: RouteBoardModel, view: DayView) -> None:
    """A card's tooltip names the broken rule with its numbers; data is escaped."""
    late = card(model, view, "ORD-5").data(Qt.ItemDataRole.ToolTipRole)
    assert "Late by" in late
    assert "08:05" in late
    skill = card(model, view, "ORD-3").data(Qt.ItemDataRole.ToolTipRole)
    assert "Needs cold_chain, which Van 1 does not have." in skill
    heavy = card(model, view, "ORD-4").data(Qt.ItemDataRole.ToolTipRole)
    assert "Over capacity: 5,050 kg" in heavy
    assert "Locked" in card(model, view, "ORD-2").data(Qt.ItemDataRole.ToolTipRole)
    lane = model.lane_index(van(view, "Van 2")).data(Qt.ItemDataRole.ToolTipRole)
    assert "2 stops" in lane
    assert "Over capacity" in lane


def test_lane_roles_and_colours_match_the_map(
    model: RouteBoardModel, view: DayView
) -> None:
    """Lanes carry vehicle id, route, load, problems and the shared route colour."""
    colors = vehicle_colors(view.vehicles)
    for name in ("Van 1", "Van 2", "Van 3"):
        vid = van(view, name)
        lane = model.lane_index(vid)
        assert lane.data(IdRole) == vid
        assert lane.data(ColorRole) == colors[vid]
    van2 = model.lane_index(van(view, "Van 2"))
    assert van2.data(LoadRole) == Load(5050, 2.5, 1)
    assert van2.data(ViolationsRole) == {Violation.LATE, Violation.OVER_CAPACITY}
    assert van2.data(LineRole).vehicle.name == "Van 2"
    assert van2.data(LaneRole).late_count == 1
    assert model.lane_index(None).data(IdRole) is None


def test_flags_let_cards_drag_and_lanes_take_drops(
    model: RouteBoardModel, view: DayView
) -> None:
    """Cards drag but take no drops (drops land between them); lanes take drops."""
    card_flags = model.flags(card(model, view, "ORD-1"))
    assert card_flags & Qt.ItemFlag.ItemIsDragEnabled
    assert not card_flags & Qt.ItemFlag.ItemIsDropEnabled
    assert model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsDropEnabled
    assert not model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.mimeTypes() == [ORDER_IDS_MIME]


def test_mime_data_lists_cards_in_lane_then_route_order(
    model: RouteBoardModel, view: DayView
) -> None:
    """Dragged cards keep the board's order whatever order Qt hands them in."""
    picked = [card(model, view, r) for r in ("ORD-4", "ORD-3", "ORD-6", "ORD-1")]
    data = model.mimeData(picked)
    raw = json.loads(bytes(data.data(ORDER_IDS_MIME).data()))
    assert raw == ids(view, "ORD-6", "ORD-1", "ORD-3", "ORD-4")


@pytest.mark.parametrize(
    ("refs", "lane", "row", "expected_vehicle", "expected_index"),
    [
        (["ORD-1"], "Van 2", 1, "Van 2", 1),  # between two cards of another lane
        (["ORD-1"], "Van 2", -1, "Van 2", None),  # below the last card: append
        (["ORD-1"], "Van 2", 2, "Van 2", None),  # after the last row: append
        (["ORD-3"], "Van 1", 0, "Van 1", 0),  # within a lane, to the top
        (["ORD-1"], "Van 1", 3, "Van 1", None),  # within a lane, to the end
        (["ORD-7", "ORD-6"], "Van 3", -1, "Van 3", None),  # onto an idle van
        (["ORD-4", "ORD-1"], "Van 1", 2, "Van 1", 2),  # several, one from the lane
        (["ORD-1", "ORD-4"], None, -1, None, None),  # onto Unassigned
    ],
)
def test_drop_emits_a_move_request(
    qtbot,
    model: RouteBoardModel,
    view: DayView,
    refs: list[str],
    lane: str | None,
    row: int,
    expected_vehicle: str | None,
    expected_index: int | None,
) -> None:
    """A drop asks to move the orders to the lane's vehicle at the drop row."""
    parent = model.lane_index(van(view, lane) if lane else None)
    data = mime_of(*ids(view, *refs))
    target = van(view, expected_vehicle) if expected_vehicle else None
    assert model.canDropMimeData(data, MOVE, row, 0, parent)

    def check(order_ids: list, vehicle_id: object, index: object) -> bool:
        return (order_ids, vehicle_id, index) == (
            ids(view, *refs),
            target,
            expected_index,
        )

    with qtbot.waitSignal(
        model.sig_move_requested, timeout=1000, check_params_cb=check
    ):
        assert model.dropMimeData(data, MOVE, row, 0, parent)
    assert lane_refs(model)[1][1] == ["ORD-1", "ORD-2", "ORD-3"]  # rows untouched


def test_drop_onto_a_card_goes_in_front_of_it(
    qtbot, model: RouteBoardModel, view: DayView
) -> None:
    """A drop with a card as parent (no row) lands in front of that card."""
    data = mime_of(*ids(view, "ORD-6"))
    target = card(model, view, "ORD-5")
    with qtbot.waitSignal(
        model.sig_move_requested,
        timeout=1000,
        check_params_cb=lambda o, v, i: (
            (o, v, i) == (ids(view, "ORD-6"), van(view, "Van 2"), 1)
        ),
    ):
        assert model.dropMimeData(data, MOVE, -1, 0, target)


def test_rows_from_the_order_table_drop_onto_a_lane(
    qtbot, model: RouteBoardModel, view: DayView
) -> None:
    """The order table's mime data (a copy drag) becomes the same request."""
    table = OrderTableModel()
    table.set_lines(view.lines)
    rows = [
        table.index(table.row_of(oid) or 0, 0) for oid in ids(view, "ORD-8", "ORD-6")
    ]
    data = table.mimeData(rows)
    assert decode_order_ids(data) == ids(view, "ORD-8", "ORD-6")
    assert table.flags(rows[0]) & Qt.ItemFlag.ItemIsDragEnabled
    parent = model.lane_index(van(view, "Van 1"))
    with qtbot.waitSignal(
        model.sig_move_requested,
        timeout=1000,
        check_params_cb=lambda o, v, i: (
            (o, v, i) == (ids(view, "ORD-8", "ORD-6"), van(view, "Van 1"), 1)
        ),
    ):
        assert model.dropMimeData(data, Qt.DropAction.CopyAction, 1, 0, parent)


@pytest.mark.parametrize(
    ("refs", "lane", "row"),
    [
        (["ORD-2"], "Van 1", 1),  # on its own row
        (["ORD-2"], "Van 1", 2),  # just below itself
        (["ORD-2", "ORD-3"], "Van 1", -1),  # the last two, to the end
        (["ORD-6"], None, 0),  # unassigned onto Unassigned
    ],
)
def test_drop_that_changes_nothing_emits_nothing(
    qtbot, model: RouteBoardModel, view: DayView, refs, lane, row
) -> None:
    """Dropping cards where they already are is refused without a request."""
    parent = model.lane_index(van(view, lane) if lane else None)
    with qtbot.assertNotEmitted(model.sig_move_requested):
        assert not model.dropMimeData(mime_of(*ids(view, *refs)), MOVE, row, 0, parent)


def test_foreign_or_broken_drops_are_refused(
    qtbot, model: RouteBoardModel, view: DayView
) -> None:
    """Other formats, garbage, unknown ids and drops outside a lane do nothing."""
    lane = model.lane_index(van(view, "Van 3"))
    text = QMimeData()
    text.setText("ORD-1")
    garbage = QMimeData()
    garbage.setData(ORDER_IDS_MIME, b"[1, true, 'x']")
    unknown = mime_of(999_999)
    good = mime_of(*ids(view, "ORD-1"))
    with qtbot.assertNotEmitted(model.sig_move_requested):
        for data in (text, garbage, unknown):
            assert not model.canDropMimeData(data, MOVE, 0, 0, lane)
            assert not model.dropMimeData(data, MOVE, 0, 0, lane)
        assert not model.canDropMimeData(good, MOVE, 0, 0, QModelIndex())
        assert not model.dropMimeData(good, MOVE, 0, 0, QModelIndex())
        assert not model.dropMimeData(good, Qt.DropAction.LinkAction, 0, 0, lane)


def test_decode_rejects_everything_but_a_list_of_positive_ids() -> None:
    """Only a non-empty JSON list of positive integers is a payload."""

    def raw(payload: bytes) -> QMimeData:
        data = QMimeData()
        data.setData(ORDER_IDS_MIME, payload)
        return data

    assert decode_order_ids(raw(b"[3, 1, 3]")) == [3, 1]
    for bad in (b"", b"{}", b"[]", b"[0]", b"[-2]", b"[1.5]", b"[true]", b"\xff"):
        assert decode_order_ids(raw(bad)) is None, bad
    assert decode_order_ids(QMimeData()) is None


def test_no_remove_rows(model: RouteBoardModel, view: DayView) -> None:
    """Qt's move bookkeeping can never delete cards: removeRows refuses."""
    assert not model.removeRows(0, 1, model.lane_index(van(view, "Van 1")))
    assert model.rowCount(model.lane_index(van(view, "Van 1"))) == 3


class Recorder:
    """Records the structural signals of a model as plain tuples."""

    def __init__(self, model: RouteBoardModel) -> None:
        self.events: list[tuple[Any, ...]] = []
        model.rowsRemoved.connect(
            lambda p, a, z: self.events.append(("removed", p.row(), a, z))
        )
        model.rowsInserted.connect(
            lambda p, a, z: self.events.append(("inserted", p.row(), a, z))
        )
        model.modelReset.connect(lambda: self.events.append(("reset",)))
        model.dataChanged.connect(self._on_data_changed)

    def _on_data_changed(self, first: QModelIndex, last: QModelIndex, *_: Any) -> None:
        lane = first.row() if first.internalId() == 0 else first.internalId() - 1
        self.events.append(("changed", lane, first.internalId() == 0))

    def structural(self) -> list[tuple[Any, ...]]:
        """Removals, insertions and resets, in order."""
        return [e for e in self.events if e[0] != "changed"]

    def changed_lanes(self) -> set[int]:
        """Lanes that had any data change announced."""
        return {e[1] for e in self.events if e[0] == "changed"}


def test_refresh_between_lanes_touches_only_those_lanes(
    qtmodeltester, factory: Any, view: DayView, model: RouteBoardModel
) -> None:
    """Moving ORD-1 to Van 2 removes one card and inserts one; Van 3 is untouched."""
    qtmodeltester.check(model, force_py=True)  # keeps checking during refresh
    van3_before = model.lane(3)
    recorder = Recorder(model)
    edited, changes = move(factory, view, ["ORD-1"], "Van 2", 1)
    model.refresh(edited, changes)
    assert lane_refs(model)[1:3] == [
        ("Van 1", ["ORD-2", "ORD-3"]),
        ("Van 2", ["ORD-4", "ORD-1", "ORD-5"]),
    ]
    assert recorder.structural() == [("removed", 1, 0, 0), ("inserted", 2, 1, 1)]
    assert recorder.changed_lanes() == {1, 2}
    assert model.lane(3) is van3_before
    assert_matches_a_fresh_model(model, edited)


def test_refresh_within_a_lane_reinserts_only_the_moved_run(
    factory: Any, view: DayView, model: RouteBoardModel
) -> None:
    """Moving ORD-3 to the top of Van 1 re-inserts rows 0..2, nothing elsewhere."""
    recorder = Recorder(model)
    edited, changes = move(factory, view, ["ORD-3"], "Van 1", 0)
    model.refresh(edited, changes)
    assert lane_refs(model)[1] == ("Van 1", ["ORD-3", "ORD-1", "ORD-2"])
    assert recorder.structural() == [("removed", 1, 0, 2), ("inserted", 1, 0, 2)]
    assert recorder.changed_lanes() == {1}
    assert_matches_a_fresh_model(model, edited)


def test_refresh_from_and_to_unassigned(
    qtmodeltester, factory: Any, view: DayView, model: RouteBoardModel
) -> None:
    """Planning two open orders on idle Van 3, then unassigning Van 2's stops."""
    qtmodeltester.check(model, force_py=True)
    edited, changes = move(factory, view, ["ORD-6", "ORD-8"], "Van 3", None)
    model.refresh(edited, changes)
    assert lane_refs(model)[0] == ("Unassigned", ["ORD-7"])
    assert lane_refs(model)[3] == ("Van 3", ["ORD-6", "ORD-8"])
    assert_matches_a_fresh_model(model, edited)
    again, changes = move(factory, edited, ["ORD-4", "ORD-5"], None, None)
    model.refresh(again, changes)
    # Most urgent, then earliest window: ORD-5's opens at 08:00, the others at 09:00.
    assert lane_refs(model)[0] == ("Unassigned", ["ORD-5", "ORD-4", "ORD-7"])
    assert lane_refs(model)[2] == ("Van 2", [])
    assert_matches_a_fresh_model(model, again)


def test_refresh_of_a_lock_updates_the_card(
    factory: Any, view: DayView, model: RouteBoardModel
) -> None:
    """Locking a stop announces a data change on its lane, no row moves."""
    from dispatcher import plan_edits

    recorder = Recorder(model)
    edit = plan_edits.set_stops_locked(
        factory, b.DAY, view.plan_version, ids(view, "ORD-4"), True
    )
    model.refresh(view.with_plan(edit.plan, edit.changes.vehicles), edit.changes)
    assert card(model, view, "ORD-4").data(LockedRole) is True
    assert recorder.structural() == []
    assert 2 in recorder.changed_lanes()


def test_reloaded_changes_reset_the_model(
    view: DayView, model: RouteBoardModel
) -> None:
    """A reload (or a different day) resets instead of patching lanes."""
    recorder = Recorder(model)
    model.refresh(view, PlanChanges(b.DAY, view.plan_version, reloaded=True))
    assert recorder.structural() == [("reset",)]


def test_refresh_signals_bracket_the_update(
    qtbot, factory: Any, view: DayView, model: RouteBoardModel
) -> None:
    """Views hear "about to refresh" first and the refreshed lane rows last."""
    edited, changes = move(factory, view, ["ORD-1"], "Van 2", None)
    with (
        qtbot.waitSignal(model.sig_lanes_about_to_refresh, timeout=1000),
        qtbot.waitSignal(
            model.sig_lanes_refreshed,
            timeout=1000,
            check_params_cb=lambda rows: rows == frozenset({1, 2}),
        ),
    ):
        model.refresh(edited, changes)


def assert_matches_a_fresh_model(model: RouteBoardModel, view: DayView) -> None:
    """The refreshed model shows exactly what a model built from scratch shows."""
    fresh = RouteBoardModel()
    fresh.set_day(view)
    assert model.lanes() == fresh.lanes()
    for lane in fresh.lanes():
        for row, c in enumerate(lane.cards):
            index = model.card_index(c.order_id)
            assert index.row() == row
            assert index.data(CardRole) == c


AT_10_42 = dt.datetime(2026, 11, 24, 10, 42, tzinfo=dt.UTC)


@pytest.fixture
def paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is Paris time (UTC+1 in November) for the test."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_last_changes_touch_only_their_lanes(
    qtbot, qtmodeltester, view: DayView, model: RouteBoardModel
) -> None:
    """Who changed Van 1 lands on its lane only; the same news again is silent."""
    qtmodeltester.check(model, force_py=True)  # keeps checking while it changes
    van1, van2 = van(view, "Van 1"), van(view, "Van 2")
    recorder = Recorder(model)
    # The first change gives every head its "changed by" row: all of them refresh.
    with qtbot.waitSignal(
        model.sig_lanes_refreshed, check_params_cb=lambda rows: rows is None
    ):
        model.set_last_changes({van1: ("anna", AT_10_42)})
    assert recorder.structural() == []
    assert recorder.changed_lanes() == {1}
    lane1 = model.lane_index(van1)
    assert lane1.data(LastChangeRole) == LastChange("anna", AT_10_42)
    assert model.lane(1).last_change == LastChange("anna", AT_10_42)
    assert model.lane_index(van2).data(LastChangeRole) is None
    assert model.lane_index(None).data(LastChangeRole) is None
    assert "Last changed by anna" in lane1.data(Qt.ItemDataRole.ToolTipRole)
    assert model.has_last_changes()

    with qtbot.assertNotEmitted(model.sig_lanes_refreshed):
        model.set_last_changes({van1: ("anna", AT_10_42)})
    later = AT_10_42 + dt.timedelta(minutes=5)
    with qtbot.waitSignal(
        model.sig_lanes_refreshed,
        check_params_cb=lambda rows: rows == frozenset({2}),
    ):
        model.set_last_changes({van1: ("anna", AT_10_42), van2: ("bob", later)})
    assert model.lane_index(van2).data(LastChangeRole) == LastChange("bob", later)


def test_last_changes_survive_an_edit_and_a_reload(
    factory: Any, view: DayView, model: RouteBoardModel
) -> None:
    """Lanes re-read after a move or a new day view keep who changed them."""
    van1 = van(view, "Van 1")
    model.set_last_changes({van1: ("anna", AT_10_42)})
    edited, changes = move(factory, view, ["ORD-1"], "Van 2", 1)
    model.refresh(edited, changes)
    assert model.lane(1).cards != ()
    assert model.lane_index(van1).data(LastChangeRole).actor == "anna"
    model.set_day(edited)
    assert model.lane_index(van1).data(LastChangeRole).actor == "anna"
    model.set_last_changes({})
    assert model.lane_index(van1).data(LastChangeRole) is None
    assert not model.has_last_changes()


def test_a_naive_time_is_taken_as_utc(view: DayView, model: RouteBoardModel) -> None:
    """A datetime without a zone means UTC, as the change log stores it."""
    van1 = van(view, "Van 1")
    model.set_last_changes({van1: ("anna", AT_10_42.replace(tzinfo=None))})
    assert model.lane_index(van1).data(LastChangeRole).at == AT_10_42


@pytest.mark.usefixtures("paris")
def test_last_change_text_shows_local_time() -> None:
    """10:42 UTC reads 11:42 in Paris; another day adds the date."""
    change = LastChange("anna", AT_10_42)
    assert last_change_text(change, dt.date(2026, 11, 24)) == "changed by anna 11:42"
    assert (
        last_change_text(change, dt.date(2026, 11, 25))
        == "changed by anna 24 Nov 11:42"
    )
