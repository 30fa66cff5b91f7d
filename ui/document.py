"""The open plan of one day: its DayView, its undo stack, every edit goes through it.

Views never change the plan themselves. They emit ``sig_…_requested`` signals
that the main window connects to ``request_move``, ``request_lock`` and
``request_route_lock``; the document wraps each request in an undo command
(``ui.commands``) and pushes it. The command calls the service, the document
brings its ``DayView`` up to date with ``DayView.with_plan`` (only the changed
routes are re-timed) and emits ``sig_plan_changed`` with what changed, so each
view refreshes only that.

A failed edit changes nothing and leaves nothing on the undo stack: the
document emits ``sig_error`` with one sentence. If someone else changed the
same routes or orders (``StalePlan``), or an undo or redo could not be
applied, the document reloads the day and clears the undo stack, because
replaying undo steps against a state they did not create would be wrong.

An edit of routes nobody else touched is saved on top of other users' saves
of other routes (``PlanEdit.merged``): the document then shows the returned
plan with their changes too, says whose they were (``sig_remote_applied``),
and keeps the undo stack, since undo and redo go through the same route-level
check and are refused if their routes changed since.

Other windows' edits arrive through ``apply_remote`` (fed by ``ui.live``): the
document reads only what they touched and shows it like an edit of its own,
and keeps the undo stack for the same reason: undo and redo also compare the
routes they put back with how their step left them, so a step whose routes
someone changed is refused (the day is then reloaded and the stack cleared),
never replayed over their change. While the database cannot be
reached (``set_connection_lost``) every edit is refused at once, so nothing
ever looks saved that is not.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QUndoStack

from dispatcher import dispatching, plan_edits, services
from dispatcher.changes import PlanChanges
from dispatcher.day_view import load_day
from dispatcher.errors import (
    ConcurrencyConflict,
    DispatcherError,
    StalePlan,
    ValidationError,
)
from dispatcher.model import Plan
from dispatcher.planning import changed_vehicles
from ui.commands import (
    ApplyPlanCommand,
    LockCommand,
    MoveOrdersCommand,
    UpdateOrderCommand,
)
from ui.live.conflicts import conflict_message
from ui.live.day_refresh import refresh_day
from ui.models.order_edits import EditRefused, OrderField, prepare_edit, with_value

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from dispatcher.day_view import DayView
    from dispatcher.dispatching import DispatchResult, DispatchSnapshot
    from dispatcher.model import Change, Order, OrderId, OrderStatus, VehicleId
    from dispatcher.plan_edits import PlanEdit, RouteState
    from dispatcher.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)


class PlanDocument(QObject):
    """One day's plan as the window edits it, with undo and redo.

    Parameters
    ----------
    uow_factory
        Opens the units of work the services read and write in.
    load
        Reads a whole day; ``dispatcher.day_view.load_day`` over ``uow_factory``
        by default.
    """

    sig_plan_changed = Signal(object)
    """An edit, its undo or its redo changed the plan (``view`` is already new).

    Parameters
    ----------
    changes : PlanChanges
        The vehicles and orders whose routes or lines changed.
    """

    sig_reloaded = Signal(object)
    """A day was (re)loaded: everything may have changed; the undo stack is empty.

    Parameters
    ----------
    view : DayView
        The day now shown.
    """

    sig_error = Signal(str)
    """An edit failed and changed nothing.

    Parameters
    ----------
    message : str
        One sentence for the user: what is wrong and what to do.
    """

    sig_dispatched = Signal(object)
    """Routes were dispatched; ``view`` already shows it and the undo history is empty.

    Parameters
    ----------
    snapshot : DispatchSnapshot
        What the drivers hold now.
    """

    sig_remote_applied = Signal(object, bool)
    """Other people's committed changes are now shown.

    Emitted after ``apply_remote`` and after an edit of this window that went
    on top of their saves; the undo stack stays in both cases.

    Parameters
    ----------
    users : tuple[str, ...]
        Who made them.
    with_own_edit : bool
        True if they came with an edit of this window (saved on top of theirs).
    """

    _sig_recovery_requested = Signal()
    """Reload after the current undo-stack call returns (queued to itself)."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        load: Callable[[dt.date], DayView] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.uow_factory = uow_factory
        self._load = load or functools.partial(load_day, uow_factory)
        self._view: DayView | None = None
        self.undo_stack = QUndoStack(self)
        # Reloading clears the stack, which must not happen inside one of its
        # own push/undo/redo calls: queue it until that call has returned.
        self._sig_recovery_requested.connect(
            self._on_recovery_requested, Qt.ConnectionType.QueuedConnection
        )
        self._recovery_pending = False
        self._connection_lost: str | None = None
        self._missed_remote = False

    # -- state --------------------------------------------------------------------

    @property
    def view(self) -> DayView:
        """The day as it is now; raises if no day is open."""
        if self._view is None:
            raise RuntimeError("no day is open in this document")
        return self._view

    @property
    def is_open(self) -> bool:
        """True once a day is loaded."""
        return self._view is not None

    @property
    def date(self) -> dt.date:
        """The open day."""
        return self.view.date

    @property
    def plan_version(self) -> int:
        """The plan version the view shows; edits are checked against it."""
        return self.view.plan_version

    def reference(self, order_id: OrderId) -> str:
        """The reference of an order of the day (for command texts)."""
        line = self.view.line_of(order_id)
        return line.order.reference if line is not None else f"order {order_id}"

    def vehicle_name(self, vehicle_id: VehicleId) -> str:
        """The name of a vehicle of the fleet (for command texts)."""
        vehicle = self.view.vehicles.get(vehicle_id)
        return vehicle.name if vehicle is not None else f"vehicle {vehicle_id}"

    def vehicles_of(
        self, order_ids: Iterable[OrderId]
    ) -> dict[OrderId, VehicleId | None]:
        """The vehicle whose route each order is on (None if on no route)."""
        wanted = set(order_ids)
        found: dict[OrderId, VehicleId | None] = dict.fromkeys(wanted)
        for line in self.view.routes:
            for oid in line.route.order_ids:
                if oid in wanted:
                    found[oid] = line.vehicle.id
        return found

    # -- loading ------------------------------------------------------------------

    def open(self, day: dt.date) -> DayView:
        """Load ``day``, clear the undo stack and emit ``sig_reloaded``.

        Raises
        ------
        DispatcherError
            If the day cannot be read; the document keeps what it showed.
        """
        view = self._load(day)
        self.set_view(view)
        return view

    def set_view(self, view: DayView) -> None:
        """Show a day loaded elsewhere (by ``load_day``); clears the undo stack."""
        self._view = view
        self.undo_stack.clear()
        self.sig_reloaded.emit(view)

    @Slot()
    def reload(self) -> None:
        """Read the open day again; reports a failure through ``sig_error``."""
        if self._view is None:
            return
        try:
            self.open(self._view.date)
        except DispatcherError as exc:
            self.sig_error.emit(str(exc))

    # -- other windows and the connection ----------------------------------------------

    @Slot(object)
    def apply_remote(self, changes: Sequence[Change]) -> bool:
        """Show what other windows committed to the open day.

        Only the routes and orders the change rows name are read again (the
        whole day when they touch customers, vehicles or a dispatch). Rows this
        window wrote itself find nothing new. The undo stack stays: a step
        whose routes the other user changed is refused when undone or redone.

        Returns
        -------
        bool
            True if the day changed.
        """
        if self._view is None:
            return False
        if self._missed_remote:
            changes = ()  # a batch was lost to an error: read the whole day
        try:
            if self._missed_remote:
                view = self._load(self.date)
                refresh_users: tuple[str, ...] = ()
                plan_changes = PlanChanges(self.date, view.plan_version, reloaded=True)
            else:
                refresh = refresh_day(self.uow_factory, self._view, changes, self._load)
                if refresh is None:
                    return False
                view, plan_changes = refresh.view, refresh.changes
                refresh_users = refresh.users
        except DispatcherError as exc:
            log.info("other windows' changes cannot be read now: %s", exc)
            self._missed_remote = True  # caught up on the next batch or reconnect
            return False
        self._missed_remote = False
        self._view = view
        self.sig_plan_changed.emit(plan_changes)
        self.sig_remote_applied.emit(refresh_users, False)
        return True

    @property
    def connection_lost(self) -> str | None:
        """Why the database cannot be reached, or None while it can."""
        return self._connection_lost

    def set_connection_lost(self, reason: str | None) -> None:
        """Refuse edits while the database cannot be reached (None: allow again).

        When the connection comes back, changes missed meanwhile are read.
        """
        was_lost = self._connection_lost is not None
        self._connection_lost = reason
        if was_lost and reason is None and self._missed_remote:
            self.apply_remote(())

    def _refuse_offline(self, action: str) -> bool:
        """Say an edit cannot be saved now; True if it must not be tried."""
        if self._connection_lost is None:
            return False
        what = f"“{action}”" if action else "The change"
        self.sig_error.emit(
            f"{what} was not saved: there is no connection to the database "
            "(retrying in the background). Make the change again once the "
            "banner says the connection is back."
        )
        return True

    def _refused(self, error: DispatcherError, action: str, *, replay: bool) -> None:
        """Report an edit the rules refused; a failed undo or redo reloads."""
        log.info("plan edit %r refused: %s", action, error)
        message = str(error)
        if replay:
            message += " The day has been reloaded and the undo history cleared."
            self._request_recovery()
        self.sig_error.emit(message)

    def _conflict(
        self, error: ConcurrencyConflict, outcome: str, subject: str = ""
    ) -> None:
        """Report a lost race with what the other person changed, then reload."""
        subject = subject or f"The plan of {self.date:%a %d %b}"
        self.sig_error.emit(conflict_message(error, self.view, subject, outcome))
        self._request_recovery()

    # -- requests from the views ------------------------------------------------------

    @Slot(object, object, object)
    def request_move(
        self,
        order_ids: Sequence[OrderId],
        vehicle_id: VehicleId | None,
        index: int | None = None,
    ) -> None:
        """Move orders to a vehicle at a drop row; no vehicle unassigns them."""
        if self._view is None or not order_ids:
            return
        self.undo_stack.push(MoveOrdersCommand(self, order_ids, vehicle_id, index))

    @Slot(object, bool)
    def request_lock(self, order_ids: Sequence[OrderId], locked: bool) -> None:
        """Lock or unlock the stops of orders."""
        if self._view is None or not order_ids:
            return
        self.undo_stack.push(LockCommand(self, locked, order_ids=order_ids))

    @Slot(object, bool)
    def request_route_lock(self, vehicle_id: VehicleId, locked: bool) -> None:
        """Lock or unlock a vehicle's whole route."""
        if self._view is None:
            return
        self.undo_stack.push(LockCommand(self, locked, vehicle_id=vehicle_id))

    def request_apply(
        self,
        sequences: Mapping[VehicleId, Sequence[OrderId]],
        base_version: int,
        text: str = "Apply optimized routes",
    ) -> None:
        """Apply an optimizer result computed from ``base_version`` as one step."""
        if self._view is None:
            return
        self.undo_stack.push(ApplyPlanCommand(self, sequences, base_version, text))

    @Slot(object, str, object)
    def request_order_edit(self, order_id: OrderId, field: str, value: object) -> None:
        """Change one field of an order (``"windows"``, ``"priority"``, ``"notes"``).

        ``value`` is checked again here (closed orders, unreadable values, the
        customer's hours): a refusal is reported through ``sig_error`` and
        pushes nothing, and so does a value the order already has.
        """
        if self._view is None:
            return
        line = self._view.line_of(order_id)
        if line is None:
            return
        order_field = OrderField(field)
        try:
            parsed = prepare_edit(line.order, line.customer, order_field, value)
        except EditRefused as exc:
            self.sig_error.emit(str(exc))
            return
        if parsed is not None:
            self.undo_stack.push(
                UpdateOrderCommand(self, order_id, order_field, parsed)
            )

    def show_saved_orders(self, orders: Sequence[Order]) -> None:
        """Show orders saved outside the plan edits (e.g. a window edited inline).

        Their routes are re-timed and ``sig_plan_changed`` names them; this is
        not an undo step (order edits are saved by ``services.update_order``).
        """
        if self._view is None or not orders:
            return
        try:
            self._view, vehicles = self._view.with_orders(orders)
        except ValueError:
            self._refresh_all()
            return
        changes = PlanChanges(
            self.date,
            self._view.plan_version,
            vehicles,
            frozenset(o.id for o in orders)
            | {
                oid
                for line in self._view.routes
                if line.vehicle.id in vehicles
                for oid in line.route.order_ids
            },
        )
        self.sig_plan_changed.emit(changes)

    # -- dispatch -----------------------------------------------------------------

    @Slot(object)
    def request_dispatch(
        self, vehicle_ids: Sequence[VehicleId] | None = None
    ) -> DispatchResult | None:
        """Send routes to their drivers: every route with stops when None.

        Dispatch is not an undo step: the drivers may already have their route
        sheets, so taking it back silently would be wrong (dispatch the changed
        routes again instead). The undo history is cleared, so no later undo
        can reach behind what was sent; edits made after it undo as usual.

        Returns
        -------
        DispatchResult | None
            The result, or None if nothing was dispatched (``sig_error`` said why).
        """
        if self._view is None or self._refuse_offline("Dispatch"):
            return None
        context = self._view.context
        # About a second for 2,000 orders on PostgreSQL: a deliberate, rare step
        # run in place, so the busy cursor says the window is working.
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = dispatching.dispatch(
                self.uow_factory,
                self.date,
                self.plan_version,
                vehicle_ids,
                provider=context.provider if context is not None else None,
            )
        except ConcurrencyConflict as exc:
            self._conflict(
                exc, "nothing was dispatched (check the routes and dispatch again)"
            )
            return None
        except DispatcherError as exc:
            log.info("dispatch refused: %s", exc)
            self.sig_error.emit(str(exc))
            return None
        except Exception:
            self._request_recovery()  # a bug: read what the database holds
            raise
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.undo_stack.clear()
        self._show(
            plan_edits.PlanEdit(result.plan, result.changes, orders=result.orders)
        )
        self.sig_dispatched.emit(result.snapshot)
        return result

    def last_dispatch(self) -> DispatchSnapshot | None:
        """What the drivers of the open day hold (read from storage).

        Returns None if the day was never dispatched, or if it cannot be read
        (``sig_error`` then says why).
        """
        if self._view is None:
            return None
        try:
            return dispatching.last_dispatch(self.uow_factory, self.date)
        except (DispatcherError, ValueError) as exc:
            log.warning("reading the last dispatch of %s failed: %s", self.date, exc)
            self.sig_error.emit(
                f"What was dispatched on {self.date:%a %d %b} cannot be read: {exc}"
            )
            return None

    # -- what commands call -------------------------------------------------------

    def run_edit(
        self,
        call: Callable[[int], PlanEdit],
        *,
        action: str = "",
        replay: bool = False,
    ) -> PlanEdit | None:
        """Run one service call against the shown version and show its result.

        Parameters
        ----------
        call
            Takes the expected plan version and returns the ``PlanEdit``.
        action
            The command text, for messages.
        replay
            True for an undo or redo: if it fails the stack is out of step with
            the database, so the day is reloaded and the stack cleared.

        Returns
        -------
        PlanEdit | None
            The edit, or None if it failed (``sig_error`` was emitted).
        """
        if self._refuse_offline(action):
            if replay:
                self._request_recovery()  # the stack no longer matches the database
            return None
        try:
            edit = call(self.plan_version)
        except ConcurrencyConflict as exc:
            if _lost_to_someone(exc):
                self._conflict(exc, f"“{action}” was not applied")
            else:  # e.g. an optimizer result made for an older plan
                self._refused(exc, action, replay=replay)
            return None
        except DispatcherError as exc:
            self._refused(exc, action, replay=replay)
            return None
        except Exception:
            # A bug: the database may or may not hold the edit, so read it again.
            self._request_recovery()
            raise
        if edit.changed or edit.merged:
            self._show(edit)
        return edit

    def save_order_field(
        self,
        order_id: OrderId,
        field: OrderField,
        value: object,
        *,
        action: str = "",
        replay: bool = False,
    ) -> Order | None:
        """Save one field of an order at the version the view shows, and show it.

        Parameters
        ----------
        order_id, field, value
            Which order, which field, the value to save.
        action
            The command text, for messages.
        replay
            True for an undo or redo: if it fails the stack is out of step with
            the database, so the day is reloaded and the stack cleared.

        Returns
        -------
        Order | None
            The saved order, or None if nothing was saved (``sig_error`` said why).
        """
        line = self.view.line_of(order_id)
        if line is None:
            self.sig_error.emit(
                f"Order {order_id} is no longer on {self.date:%a %d %b}, so "
                f"“{action}” was not saved; the day has been reloaded."
            )
            self._request_recovery()
            return None
        if self._refuse_offline(action):
            if replay:
                self._request_recovery()
            return None
        try:
            saved = services.update_order(
                self.uow_factory, with_value(line.order, field, value)
            )
        except ConcurrencyConflict as exc:
            self._conflict(exc, f"“{action}” was not saved", line.order.reference)
            return None
        except DispatcherError as exc:
            log.info("order edit %r refused: %s", action, exc)
            why = exc.message if isinstance(exc, ValidationError) else str(exc)
            message = f"“{action}” was not saved: {why.rstrip('.')}."
            if replay:
                message += " The day has been reloaded and the undo history cleared."
                self._request_recovery()
            self.sig_error.emit(message)
            return None
        except Exception:
            self._request_recovery()  # a bug: read what the database holds
            raise
        self.show_saved_orders([saved])
        return saved

    def restore(
        self,
        routes: Mapping[VehicleId, RouteState],
        statuses: Mapping[OrderId, OrderStatus],
        *,
        expect: Mapping[VehicleId, RouteState],
        action: str = "",
    ) -> PlanEdit | None:
        """Put routes back as an undo or redo step (a new transaction).

        ``expect`` is how the step left the routes: if they are not so now
        (someone changed them since, shown here or not), the step is refused.
        """
        return self.run_edit(
            lambda version: plan_edits.restore_routes(
                self.uow_factory, self.date, version, routes, statuses, expect=expect
            ),
            action=action,
            replay=True,
        )

    def _show(self, edit: PlanEdit) -> None:
        """Show the plan an edit returned (with what others saved under it)."""
        if edit.merged:
            self._show_merged(edit)
            return
        try:
            self._view = self.view.with_plan(
                edit.plan, edit.changes.vehicles, edit.orders
            )
        except ValueError:
            self._refresh_all()
            return
        self.sig_plan_changed.emit(edit.changes)

    def _show_merged(self, edit: PlanEdit) -> None:
        """Show an edit that went on top of other users' saves, theirs included.

        Every route that differs between the shown plan and the returned one is
        re-timed, not only the edited ones. The undo stack stays: undo and redo
        are route-level checked like the edit, so they never put back a route
        or an order somebody else changed since. The status bar names who.
        """
        shown = self.view
        vehicles = edit.changes.vehicles | changed_vehicles(
            Plan(self.date, tuple(line.route for line in shown.routes)), edit.plan
        )
        try:
            view = shown.with_plan(
                edit.plan, vehicles, (*edit.merged_orders, *edit.orders)
            )
        except ValueError:
            self._refresh_all()
        else:
            self._view = view
            on_routes = {
                oid
                for line in (*shown.routes, *view.routes)
                if line.vehicle.id in vehicles
                for oid in line.route.order_ids
            }
            self.sig_plan_changed.emit(
                dataclasses.replace(
                    edit.changes,
                    vehicles=vehicles,
                    orders=edit.changes.orders | on_routes,
                )
            )
        users = tuple(dict.fromkeys(c.user for c in edit.merged))
        self.sig_remote_applied.emit(users, True)

    def _refresh_all(self) -> None:
        """Read the whole day when the view cannot be updated in place.

        That happens for a view made by hand, or when a vehicle joined the fleet
        since the day was read. The undo stack stays: the database matches it.
        """
        self._view = self._load(self.date)
        self.sig_plan_changed.emit(
            PlanChanges(self.date, self._view.plan_version, reloaded=True)
        )

    def _request_recovery(self) -> None:
        if not self._recovery_pending:
            self._recovery_pending = True
            self._sig_recovery_requested.emit()

    @Slot()
    def _on_recovery_requested(self) -> None:
        self._recovery_pending = False
        if self._connection_lost is not None:
            # Reading would fail too: drop the stack now, read when reconnected.
            self.undo_stack.clear()
            self._missed_remote = True
            return
        self.reload()


def _lost_to_someone(error: ConcurrencyConflict) -> bool:
    """True if the database holds someone else's newer change (reload to see it)."""
    return isinstance(error, StalePlan) or bool(getattr(error, "theirs", ()))
