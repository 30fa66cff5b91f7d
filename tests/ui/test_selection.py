"""The shared order selection emits once per real change, with its source."""

from __future__ import annotations

from typing import Any

from dispatcher.model import OrderId
from ui.selection import OrderSelection


def test_set_emits_ids_and_source(qtbot: Any) -> None:
    """Selecting two orders tells everyone which and who did it."""
    selection = OrderSelection()
    source = object()
    with qtbot.waitSignal(selection.sig_selection_changed) as blocker:
        selection.set([OrderId(1), OrderId(2)], source=source)
    assert blocker.args == [frozenset({1, 2}), source]
    assert selection.ids == {1, 2}


def test_setting_the_same_selection_is_silent(qtbot: Any) -> None:
    """Re-selecting what is selected does not echo through every view."""
    selection = OrderSelection()
    selection.set([OrderId(1)])
    with qtbot.assertNotEmitted(selection.sig_selection_changed):
        selection.set([OrderId(1)], source="table")


def test_retain_drops_vanished_orders(qtbot: Any) -> None:
    """After a reload only orders that still exist stay selected."""
    selection = OrderSelection()
    selection.set([OrderId(1), OrderId(2)])
    selection.retain([OrderId(2), OrderId(3)])
    assert selection.ids == {2}
    selection.clear()
    assert selection.ids == frozenset()


def test_focus_is_a_separate_request(qtbot: Any) -> None:
    """Focusing an order does not change the selection."""
    selection = OrderSelection()
    with qtbot.waitSignal(selection.sig_focus_requested) as blocker:
        selection.focus(OrderId(7))
    assert blocker.args == [7]
    assert selection.ids == frozenset()
