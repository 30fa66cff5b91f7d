"""Undo commands of plan edits: one QUndoCommand per edit, one service call per step.

A command's first ``redo`` calls its service through the ``PlanDocument`` and
keeps the returned ``PlanEdit``: the changed routes as they were before and
after. ``undo`` then restores ``before`` and a later ``redo`` restores
``after``, each as a new version-checked transaction (not a rollback). A step
that fails marks the command obsolete, so ``QUndoStack`` drops it and the stack
never holds an edit that is not in the database; the document reports the
error and, when the stack can no longer be trusted, reloads the day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtGui import QUndoCommand

from dispatcher import plan_edits
from dispatcher.errors import ConcurrencyConflict
from ui.models.badges import PRIORITY_LABELS
from ui.models.order_edits import OrderField

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.model import OrderId, Priority, VehicleId
    from dispatcher.plan_edits import PlanEdit
    from ui.document import PlanDocument


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _orders_text(
    document: PlanDocument, order_ids: Sequence[OrderId], noun: str
) -> str:
    """``ORD-12`` for one order, ``3 stops`` for several."""
    if len(order_ids) == 1:
        return document.reference(order_ids[0])
    return _count(len(order_ids), noun)


class PlanEditCommand(QUndoCommand):
    """Base of every plan edit command: first call, then restore before/after."""

    def __init__(self, document: PlanDocument, text: str) -> None:
        super().__init__(text)
        self._document = document
        self._edit: PlanEdit | None = None

    @property
    def edit(self) -> PlanEdit | None:
        """What the first redo did (None until it succeeded)."""
        return self._edit

    def first(self, expected_version: int) -> PlanEdit:
        """Make the edit for the first time (calls a service); raises on failure."""
        raise NotImplementedError

    def redo(self) -> None:
        """First time: run the edit; after an undo: restore the after-state."""
        try:
            if self._edit is None:
                edit = self._document.run_edit(self.first, action=self.text())
                if edit is None or not edit.changed:
                    # Failed, or nothing to change: keep it off the stack.
                    self.setObsolete(True)
                    return
                self._edit = edit
            elif (
                self._document.restore(
                    self._edit.after,
                    self._edit.after_statuses,
                    expect=self._edit.before,
                    action=self.text(),
                )
                is None
            ):
                self.setObsolete(True)
        except Exception:
            self.setObsolete(True)
            raise

    def undo(self) -> None:
        """Put the changed routes back as they were before the edit."""
        if self._edit is None:
            return
        try:
            restored = self._document.restore(
                self._edit.before,
                self._edit.before_statuses,
                expect=self._edit.after,
                action=self.text(),
            )
            if restored is None:
                self.setObsolete(True)
        except Exception:
            self.setObsolete(True)
            raise


class MoveOrdersCommand(PlanEditCommand):
    """Move orders onto a vehicle's route at a drop row, or off every route."""

    def __init__(
        self,
        document: PlanDocument,
        order_ids: Sequence[OrderId],
        vehicle_id: VehicleId | None,
        index: int | None,
    ) -> None:
        self._order_ids = list(dict.fromkeys(order_ids))
        self._vehicle_id = vehicle_id
        self._index = index
        super().__init__(document, self._describe(document))

    def _describe(self, document: PlanDocument) -> str:
        ids = self._order_ids
        planned = document.vehicles_of(ids)
        noun = "stop" if None not in planned.values() else "order"
        what = _orders_text(document, ids, noun)
        if self._vehicle_id is None:
            return f"Unassign {what}"
        vehicle = document.vehicle_name(self._vehicle_id)
        if set(planned.values()) == {self._vehicle_id}:
            return f"Reorder {what} on {vehicle}"
        return f"Move {what} to {vehicle}"

    def first(self, expected_version: int) -> PlanEdit:
        """Call ``plan_edits.move_orders``."""
        return plan_edits.move_orders(
            self._document.uow_factory,
            self._document.date,
            expected_version,
            self._order_ids,
            self._vehicle_id,
            self._index,
        )


class LockCommand(PlanEditCommand):
    """Lock or unlock stops, or a vehicle's whole route."""

    def __init__(
        self,
        document: PlanDocument,
        locked: bool,
        *,
        order_ids: Sequence[OrderId] = (),
        vehicle_id: VehicleId | None = None,
    ) -> None:
        if (vehicle_id is None) == (not order_ids):
            raise ValueError("lock either stops or a route")
        self._locked = locked
        self._order_ids = list(dict.fromkeys(order_ids))
        self._vehicle_id = vehicle_id
        verb = "Lock" if locked else "Unlock"
        if vehicle_id is not None:
            text = f"{verb} route {document.vehicle_name(vehicle_id)}"
        else:
            text = f"{verb} {_orders_text(document, self._order_ids, 'stop')}"
        super().__init__(document, text)

    def first(self, expected_version: int) -> PlanEdit:
        """Call ``set_route_locked`` or ``set_stops_locked``."""
        document = self._document
        if self._vehicle_id is not None:
            return plan_edits.set_route_locked(
                document.uow_factory,
                document.date,
                expected_version,
                self._vehicle_id,
                self._locked,
            )
        return plan_edits.set_stops_locked(
            document.uow_factory,
            document.date,
            expected_version,
            self._order_ids,
            self._locked,
        )


class ApplyPlanCommand(PlanEditCommand):
    """Give vehicles new stop sequences in one step (an accepted optimizer result).

    ``base_version`` is the plan version the result was computed from: if the
    plan moved on since, the result is refused (run the optimizer again).
    """

    def __init__(
        self,
        document: PlanDocument,
        sequences: Mapping[VehicleId, Sequence[OrderId]],
        base_version: int,
        text: str = "Apply optimized routes",
    ) -> None:
        super().__init__(document, text)
        self._sequences = {vid: tuple(seq) for vid, seq in sequences.items()}
        self._base_version = base_version

    def first(self, expected_version: int) -> PlanEdit:
        """Call ``plan_edits.replace_routes`` if the plan is still the base."""
        if expected_version != self._base_version:
            raise ConcurrencyConflict(
                "The plan changed while the optimizer was running; run it again "
                "to get routes for the current plan."
            )
        return plan_edits.replace_routes(
            self._document.uow_factory,
            self._document.date,
            self._base_version,
            self._sequences,
        )


def _order_edit_text(reference: str, field: OrderField, value: object) -> str:
    """``Change window of ORD-12``, ``Set priority of ORD-12 to Must`` …"""
    if field is OrderField.PRIORITY:
        label = PRIORITY_LABELS[cast("Priority", value)]
        return f"Set priority of {reference} to {label}"
    if field is OrderField.WINDOWS:
        count = len(cast("tuple[object, ...]", value))
        if not count:
            return f"Clear windows of {reference}"
        return f"Change {'window' if count == 1 else 'windows'} of {reference}"
    return f"Edit notes of {reference}" if value else f"Clear notes of {reference}"


class UpdateOrderCommand(QUndoCommand):
    """Change one field of an order: its time windows, priority or notes.

    Every step (the first redo, undo, a later redo) saves the order as the
    document's view has it, with the field set, through ``services.update_order``:
    a new, version-checked transaction with a change row. Undo saves the value
    the field had when the command was made. A step that fails changes nothing
    and marks the command obsolete (the document says why).
    """

    def __init__(
        self,
        document: PlanDocument,
        order_id: OrderId,
        field: OrderField,
        value: object,
    ) -> None:
        line = document.view.line_of(order_id)
        if line is None:
            raise ValueError(f"order {order_id} is not on the open day")
        super().__init__(_order_edit_text(line.order.reference, field, value))
        self._document = document
        self._order_id = order_id
        self._field = field
        self._value = value
        self._previous = getattr(line.order, field.value)
        self._done = False

    @property
    def field(self) -> OrderField:
        """The field the command changes."""
        return self._field

    def redo(self) -> None:
        """Save the new value (again, after an undo)."""
        if self._save(self._value, replay=self._done):
            self._done = True

    def undo(self) -> None:
        """Save the value the field had before."""
        self._save(self._previous, replay=True)

    def _save(self, value: object, *, replay: bool) -> bool:
        try:
            saved = self._document.save_order_field(
                self._order_id, self._field, value, action=self.text(), replay=replay
            )
        except Exception:
            self.setObsolete(True)
            raise
        if saved is None:
            self.setObsolete(True)
            return False
        return True
