"""Undo commands: user-language texts, one service call, undo and redo by restore."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from dispatcher import plan_edits
from tests import builders as b
from tests.ui.plan_day import fake_day, lanes, order_id, statuses, vehicle_id
from ui.commands import LockCommand, MoveOrdersCommand
from ui.document import PlanDocument

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def factory() -> Any:
    """The fake day of ``tests.ui.plan_day``."""
    return fake_day()


@pytest.fixture
def document(qtbot: QtBot, factory: Any) -> PlanDocument:
    """A document with the fake day open."""
    doc = PlanDocument(factory)
    doc.open(b.DAY)
    return doc


@pytest.mark.parametrize(
    ("refs", "van", "expected"),
    [
        (["ORD-3"], "Van 2", "Move ORD-3 to Van 2"),
        (["ORD-1"], "Van 2", "Move ORD-1 to Van 2"),
        (["ORD-1", "ORD-2"], "Van 2", "Move 2 stops to Van 2"),
        (["ORD-1", "ORD-3", "ORD-4"], "Van 2", "Move 3 orders to Van 2"),
        (["ORD-1"], "Van 1", "Reorder ORD-1 on Van 1"),
        (["ORD-1"], None, "Unassign ORD-1"),
        (["ORD-1", "ORD-2"], None, "Unassign 2 stops"),
    ],
)
def test_move_texts(
    document: PlanDocument,
    factory: Any,
    refs: list[str],
    van: str | None,
    expected: str,
) -> None:
    """Move commands say what moves where, in the user's words."""
    vehicle = vehicle_id(factory, van) if van is not None else None
    ids = [order_id(factory, r) for r in refs]
    assert MoveOrdersCommand(document, ids, vehicle, None).text() == expected


@pytest.mark.parametrize(
    ("refs", "van", "locked", "expected"),
    [
        (["ORD-1", "ORD-2"], None, True, "Lock 2 stops"),
        (["ORD-2"], None, False, "Unlock ORD-2"),
        ([], "Van 3", True, "Lock route Van 3"),
        ([], "Van 1", False, "Unlock route Van 1"),
    ],
)
def test_lock_texts(
    document: PlanDocument,
    factory: Any,
    refs: list[str],
    van: str | None,
    locked: bool,
    expected: str,
) -> None:
    """Lock commands name the stops or the route."""
    command = LockCommand(
        document,
        locked,
        order_ids=[order_id(factory, r) for r in refs],
        vehicle_id=vehicle_id(factory, van) if van is not None else None,
    )
    assert command.text() == expected


def test_a_lock_command_needs_stops_or_a_route(document: PlanDocument) -> None:
    """Neither or both targets is a programming error."""
    with pytest.raises(ValueError, match="either stops or a route"):
        LockCommand(document, True)


def test_the_service_runs_once_then_undo_redo_restore(
    document: PlanDocument, factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Push calls move_orders once; undo and redo restore states instead."""
    calls: list[str] = []
    real_move, real_restore = plan_edits.move_orders, plan_edits.restore_routes

    def move(*args: Any) -> plan_edits.PlanEdit:
        calls.append("move")
        return real_move(*args)

    def restore(*args: Any, **kwargs: Any) -> plan_edits.PlanEdit:
        calls.append("restore")
        return real_restore(*args, **kwargs)

    monkeypatch.setattr(plan_edits, "move_orders", move)
    monkeypatch.setattr(plan_edits, "restore_routes", restore)
    before = (lanes(factory), statuses(factory))
    command = MoveOrdersCommand(
        document, [order_id(factory, "ORD-4")], vehicle_id(factory, "Van 1"), 0
    )
    document.undo_stack.push(command)
    after = (lanes(factory), statuses(factory))
    assert after[0]["Van 1"] == ["ORD-4", "ORD-1", "ORD-2"]
    assert command.edit is not None
    document.undo_stack.undo()
    assert (lanes(factory), statuses(factory)) == before
    document.undo_stack.redo()
    assert (lanes(factory), statuses(factory)) == after
    assert calls == ["move", "restore", "restore"]


def test_apply_plan_is_one_undoable_step(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """An accepted result changes several routes at once and undoes in one step."""
    before = (lanes(factory), statuses(factory))
    sequences = {
        vehicle_id(factory, "Van 1"): [
            order_id(factory, r) for r in ("ORD-5", "ORD-2")
        ],
        vehicle_id(factory, "Van 2"): [
            order_id(factory, r) for r in ("ORD-3", "ORD-1")
        ],
    }
    with qtbot.waitSignal(document.sig_plan_changed) as blocker:
        document.request_apply(sequences, document.plan_version)
    assert len(blocker.args[0].vehicles) == 2
    assert lanes(factory) == {"Van 1": ["ORD-5", "ORD-2"], "Van 2": ["ORD-3", "ORD-1"]}
    assert document.undo_stack.undoText() == "Apply optimized routes"
    document.undo_stack.undo()
    assert (lanes(factory), statuses(factory)) == before


def test_apply_plan_refuses_a_result_for_an_older_plan(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """A result computed before the last edit is refused; nothing changes."""
    base = document.plan_version
    document.request_move([order_id(factory, "ORD-3")], vehicle_id(factory, "Van 2"))
    stored = lanes(factory)
    sequences = {vehicle_id(factory, "Van 3"): [order_id(factory, "ORD-4")]}
    with (
        qtbot.waitSignal(document.sig_error) as blocker,
        qtbot.assertNotEmitted(document.sig_reloaded, wait=50),
    ):
        document.request_apply(sequences, base)
    assert "run it again" in blocker.args[0]
    assert lanes(factory) == stored
    assert document.undo_stack.count() == 1
