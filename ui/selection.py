"""The shared order selection: one set of selected orders for every view.

The order table, the route board and the map each show the same orders. When a
user selects in one, the others follow: every view calls ``OrderSelection.set``
with itself as ``source`` and listens to ``sig_selection_changed``, ignoring the
echo of its own change (that is what ``source`` is for). The selection holds
only ids, never rows or widgets, so views stay independent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.model import OrderId


class OrderSelection(QObject):
    """The ids of the selected orders, shared by every view of one window."""

    sig_selection_changed = Signal(object, object)
    """The selection changed.

    Parameters
    ----------
    order_ids : frozenset[OrderId]
        The orders now selected (may be empty).
    source : object
        Whoever made the change (a view), or None; views skip their own echo.
    """

    sig_focus_requested = Signal(object)
    """Someone asked every view to bring one order into sight (pan, scroll).

    Parameters
    ----------
    order_id : OrderId
        The order to show.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: frozenset[OrderId] = frozenset()

    @property
    def ids(self) -> frozenset[OrderId]:
        """The orders selected now."""
        return self._ids

    def set(self, order_ids: Iterable[OrderId], *, source: object = None) -> None:
        """Replace the selection; emits only if it really changed."""
        new = frozenset(order_ids)
        if new == self._ids:
            return
        self._ids = new
        self.sig_selection_changed.emit(new, source)

    def clear(self, *, source: object = None) -> None:
        """Select nothing."""
        self.set((), source=source)

    def focus(self, order_id: OrderId) -> None:
        """Ask every view to bring ``order_id`` into sight."""
        self.sig_focus_requested.emit(order_id)

    def retain(self, existing: Iterable[OrderId]) -> None:
        """Drop ids that no longer exist (after a reload); source is None."""
        self.set(self._ids & frozenset(existing))
