"""Plan edits as use cases: move, lock, restore; one version-checked transaction each.

Each service opens one unit of work, checks that the signed-in user's role
allows the edit (else ``PermissionDenied``: see ``dispatcher.permissions``;
putting unplanned orders on routes is ``ASSIGN``, saving an optimizer result
``OPTIMIZE``, anything else ``EDIT_PLAN``) and that the stored plan is still at
the version the caller edited (else ``StalePlan`` naming what the others
changed in ``theirs``, and nothing is written), applies a
pure rule of ``dispatcher.planning``, saves the plan, moves the status of
orders that went on or off the plan (new <-> planned), appends change rows (one
per changed route, one per order whose status changed) and commits.

The returned ``PlanEdit`` says what changed and holds the routes as they were
before and after, so an undo is simply ``restore_routes`` with ``before``: a
new transaction that puts the routes back, not a rollback. Undo therefore
leaves routes, stops and order statuses as they were, while the plan's and the
orders' versions keep counting up.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatcher import planning
from dispatcher.change_log import record_change
from dispatcher.changes import PlanChanges
from dispatcher.conflicts import stale_plan
from dispatcher.errors import NotFound, StalePlan, ValidationError
from dispatcher.model import OPEN_ORDER_STATUSES, ChangeAction
from dispatcher.permissions import Action, acting_user, require
from dispatcher.planning import ABSENT, Names, RouteState

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from dispatcher.model import Order, OrderId, OrderStatus, Plan, VehicleId
    from dispatcher.ports import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "ABSENT",
    "PlanEdit",
    "RouteState",
    "move_orders",
    "replace_routes",
    "restore_routes",
    "set_route_locked",
    "set_stops_locked",
]

FEW_ORDERS = 20
"""Up to this many orders are read one by one; more read the whole day at once."""


@dataclass(frozen=True, slots=True)
class PlanEdit:
    """The outcome of one plan edit.

    Attributes
    ----------
    plan
        The plan as stored after the edit (the stored plan unchanged if the edit
        changed nothing; then nothing was written).
    changes
        What changed, for the screens.
    before, after
        The changed vehicles' routes before and after the edit: ``before``
        undoes it, ``after`` redoes it (both through ``restore_routes``).
    orders
        The orders whose status changed, as saved (with their new versions).
    before_statuses, after_statuses
        Their statuses before and after, for an exact undo and redo.
    """

    plan: Plan
    changes: PlanChanges
    before: Mapping[VehicleId, RouteState] = field(default_factory=dict)
    after: Mapping[VehicleId, RouteState] = field(default_factory=dict)
    orders: tuple[Order, ...] = ()
    before_statuses: Mapping[OrderId, OrderStatus] = field(default_factory=dict)
    after_statuses: Mapping[OrderId, OrderStatus] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True if the edit changed the plan."""
        return bool(self.changes.vehicles)


def _stale(day: dt.date) -> StalePlan:
    return StalePlan(
        f"The plan of {day:%Y-%m-%d} was changed by someone else since you loaded "
        "it; reload it and make your change again."
    )


def _only_assigns(plan: Plan, edited: Plan, vehicles: Iterable[VehicleId]) -> bool:
    """True if the edit only puts unplanned orders on routes or takes some off.

    The other stops keep their order and every lock stays as it was: what
    staff may do (``Action.ASSIGN``); anything else re-plans (``EDIT_PLAN``).
    """
    planned = plan.assigned_order_ids()
    for vid in vehicles:
        old = planning.route_state(plan, vid)
        new = planning.route_state(edited, vid)
        added = set(new.order_ids) - set(old.order_ids)
        removed = set(old.order_ids) - set(new.order_ids)
        if (
            added & planned
            or (old.exists and new.exists and old.locked != new.locked)
            or [o for o in old.order_ids if o not in removed]
            != [o for o in new.order_ids if o not in added]
            or old.locked_orders - removed != new.locked_orders
        ):
            return False
    return True


def _read_orders(
    uow: UnitOfWork, day: dt.date, order_ids: Iterable[OrderId]
) -> dict[OrderId, Order]:
    """The orders with these ids that exist.

    A few are read one by one; many at once with the whole day, which is one
    query pair instead of two per order (optimizer results move them all).
    """
    wanted = set(order_ids)
    if len(wanted) > FEW_ORDERS:
        found = {o.id: o for o in uow.orders.for_date(day) if o.id in wanted}
        wanted -= found.keys()  # orders of other dates, if any
    else:
        found = {}
    for oid in wanted:
        with contextlib.suppress(NotFound):
            found[oid] = uow.orders.get(oid)
    return found


def _names(uow: UnitOfWork, orders: Mapping[OrderId, Order]) -> Names:
    return Names(
        orders={oid: o.reference for oid, o in orders.items()},
        vehicles={v.id: v.name for v in uow.fleet.vehicles()},
    )


def _edit(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    rule: Callable[[Plan, Names], Plan],
    *,
    action: Action | None = None,
    named: Sequence[OrderId] = (),
    check: Callable[[Mapping[OrderId, Order], Names], None] | None = None,
    statuses: Mapping[OrderId, OrderStatus] | None = None,
) -> PlanEdit:
    """``_edit_once``; a lost race is told with the other users' changes."""
    try:
        return _edit_once(
            uow_factory,
            day,
            expected_version,
            rule,
            action=action,
            named=named,
            check=check,
            statuses=statuses,
        )
    except StalePlan as exc:
        if exc.theirs:
            raise
        raise stale_plan(uow_factory, day, expected_version, str(exc)) from exc


def _edit_once(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    rule: Callable[[Plan, Names], Plan],
    *,
    action: Action | None,
    named: Sequence[OrderId],
    check: Callable[[Mapping[OrderId, Order], Names], None] | None,
    statuses: Mapping[OrderId, OrderStatus] | None,
) -> PlanEdit:
    """Apply ``rule`` to the stored plan of ``day`` in one unit of work.

    Parameters
    ----------
    action
        What the signed-in user must be allowed to do; None tells ``ASSIGN``
        (only unplanned orders put on routes, or orders taken off) from
        ``EDIT_PLAN`` by what the rule changed.
    named
        Orders the rule works on; read first, so messages can name them.
    check
        Validates those orders before the rule runs.
    statuses
        Exact statuses to give orders that go on or off the plan (undo/redo);
        by default they follow ``planning.planned_status``.
    """
    with uow_factory() as uow:
        user = acting_user(uow)
        plan = uow.plans.get(day)
        if plan.version != expected_version:
            raise _stale(day)
        orders = _read_orders(uow, day, named)
        names = _names(uow, orders)
        if check is not None:
            check(orders, names)
        edited = rule(plan, names)
        vehicles = planning.changed_vehicles(plan, edited)
        if action is None:
            only_assigns = _only_assigns(plan, edited, vehicles)
            action = Action.ASSIGN if only_assigns else Action.EDIT_PLAN
        require(
            user,
            action,
            dispatched=plan.dispatched_version is not None,
            what=f"on {day:%Y-%m-%d}",
        )
        if not vehicles:
            return PlanEdit(plan, PlanChanges(day, plan.version))
        before = planning.route_states(plan, vehicles)
        saved = uow.plans.save(edited)
        after = planning.route_states(saved, vehicles)

        was_planned = plan.assigned_order_ids()
        now_planned = saved.assigned_order_ids()
        flipped = was_planned ^ now_planned
        missing = flipped - orders.keys()
        if missing:
            orders.update(_read_orders(uow, day, missing))
        updated, old_statuses, new_statuses = _update_statuses(
            uow,
            [orders[oid] for oid in sorted(flipped) if oid in orders],
            now_planned,
            statuses,
        )
        _record_routes(uow, day, plan, saved, before, after)
        for order in updated:
            record_change(
                uow,
                "order",
                order.id,
                ChangeAction.UPDATE,
                before={"status": old_statuses[order.id].value},
                after={"status": order.status.value},
                plan_date=day,
            )
        uow.commit()

    touched = {
        oid for state in (*before.values(), *after.values()) for oid in state.order_ids
    }
    changes = PlanChanges(
        day, saved.version, frozenset(vehicles), frozenset(touched | flipped)
    )
    return PlanEdit(
        saved, changes, before, after, tuple(updated), old_statuses, new_statuses
    )


def _update_statuses(
    uow: UnitOfWork,
    orders: Iterable[Order],
    planned: frozenset[OrderId],
    statuses: Mapping[OrderId, OrderStatus] | None,
) -> tuple[list[Order], dict[OrderId, OrderStatus], dict[OrderId, OrderStatus]]:
    """Save the new status of orders that went on or off the plan."""
    updated: list[Order] = []
    old: dict[OrderId, OrderStatus] = {}
    new: dict[OrderId, OrderStatus] = {}
    for order in orders:
        if statuses is not None and order.id in statuses:
            status = statuses[order.id]
        else:
            status = planning.planned_status(order.status, order.id in planned)
        if status == order.status:
            continue
        old[order.id], new[order.id] = order.status, status
        updated.append(uow.orders.update(dataclasses.replace(order, status=status)))
    return updated, old, new


def _record_routes(
    uow: UnitOfWork,
    day: dt.date,
    old_plan: Plan,
    new_plan: Plan,
    before: Mapping[VehicleId, RouteState],
    after: Mapping[VehicleId, RouteState],
) -> None:
    """One change row per changed route: its orders and locks before and after.

    Each side names the plan version it belongs to, so conflicts can tell
    which rows came after a version, and the log replays to the routes.
    """
    for vid in sorted(before):
        old, new = before[vid], after[vid]
        route = new_plan.route_of_vehicle(vid) or old_plan.route_of_vehicle(vid)
        assert route is not None  # it changed, so it exists on one side
        if not old.exists:
            action = ChangeAction.CREATE
        elif not new.exists:
            action = ChangeAction.DELETE
        else:
            action = ChangeAction.UPDATE
        record_change(
            uow,
            "route",
            route.id,
            action,
            before=(
                {"vehicle_id": vid, "plan_version": old_plan.version, **old.summary()}
                if old.exists
                else None
            ),
            after=(
                {"vehicle_id": vid, "plan_version": new_plan.version, **new.summary()}
                if new.exists
                else None
            ),
            plan_date=day,
        )


def _open_orders_of(
    day: dt.date, order_ids: Sequence[OrderId], *vehicle_ids: VehicleId | None
) -> Callable[[Mapping[OrderId, Order], Names], None]:
    """A check that the vehicles exist and the orders are open orders of ``day``."""

    def check(orders: Mapping[OrderId, Order], names: Names) -> None:
        for vid in vehicle_ids:
            if vid is not None and vid not in names.vehicles:
                raise ValidationError(
                    f"Vehicle {vid} does not exist any more; reload the day."
                )
        for oid in order_ids:
            order = orders.get(oid)
            if order is None:
                raise ValidationError(
                    f"Order {oid} does not exist any more; reload the day."
                )
            if order.date != day:
                raise ValidationError(
                    f"{order.reference} is an order of {order.date:%Y-%m-%d}, not of "
                    f"{day:%Y-%m-%d}; open its own day to plan it."
                )
            if order.status not in OPEN_ORDER_STATUSES:
                raise ValidationError(
                    f"{order.reference} is {order.status.value.replace('_', ' ')}; "
                    "only new, planned and dispatched orders can be moved."
                )

    return check


def move_orders(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    order_ids: Sequence[OrderId],
    vehicle_id: VehicleId | None,
    index: int | None,
) -> PlanEdit:
    """Move orders onto a vehicle's route at a drop row, or off every route.

    Parameters
    ----------
    uow_factory
        Opens the unit of work the edit is saved in.
    day
        The plan date; every order must be of this date.
    expected_version
        The plan version the caller shows; the edit is refused if it moved on.
    order_ids, vehicle_id, index
        As in ``dispatcher.planning.move_orders``: None vehicle unassigns, the
        index is a drop row of the target route (None appends).

    Returns
    -------
    PlanEdit
        New orders put on a route become planned; orders taken off become new.

    Raises
    ------
    StalePlan
        If the plan is no longer at ``expected_version``; nothing is written.
    LockedStop
        If a locked stop or route would change; nothing is written.
    ValidationError
        If an order or the vehicle does not exist, an order is of another date
        or is closed (delivered, cancelled, ...); nothing is written.
    """

    return _edit(
        uow_factory,
        day,
        expected_version,
        lambda plan, names: planning.move_orders(
            plan, order_ids, vehicle_id, index, names=names
        ),
        named=order_ids,
        check=_open_orders_of(day, order_ids, vehicle_id),
    )


def set_stops_locked(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    order_ids: Sequence[OrderId],
    locked: bool,
) -> PlanEdit:
    """Lock or unlock the stops of orders (see ``move_orders`` for the checks).

    Raises
    ------
    StalePlan
        If the plan is no longer at ``expected_version``.
    ValidationError
        If one of the orders is on no route.
    """
    return _edit(
        uow_factory,
        day,
        expected_version,
        lambda plan, names: planning.set_stops_locked(
            plan, order_ids, locked, names=names
        ),
        named=order_ids,
    )


def set_route_locked(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    vehicle_id: VehicleId,
    locked: bool,
) -> PlanEdit:
    """Lock or unlock a vehicle's whole route.

    Raises
    ------
    StalePlan
        If the plan is no longer at ``expected_version``.
    ValidationError
        If the vehicle does not exist.
    """

    return _edit(
        uow_factory,
        day,
        expected_version,
        lambda plan, names: planning.set_route_locked(plan, vehicle_id, locked),
        check=_open_orders_of(day, (), vehicle_id),
    )


def restore_routes(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    routes: Mapping[VehicleId, RouteState],
    statuses: Mapping[OrderId, OrderStatus] | None = None,
) -> PlanEdit:
    """Put vehicles' routes back exactly (order ids, stop values and locks).

    Undo calls it with ``PlanEdit.before`` and ``before_statuses``, redo with
    ``after`` and ``after_statuses``. Locks are not checked: the states are ones
    the plan had. The plan version still goes up: this is a new transaction.

    Raises
    ------
    StalePlan
        If the plan is no longer at ``expected_version``.
    """
    return _edit(
        uow_factory,
        day,
        expected_version,
        lambda plan, names: planning.restore_routes(plan, routes),
        statuses=statuses,
    )


def replace_routes(
    uow_factory: UnitOfWorkFactory,
    day: dt.date,
    expected_version: int,
    sequences: Mapping[VehicleId, Sequence[OrderId]],
) -> PlanEdit:
    """Give vehicles new stop sequences (e.g. an accepted optimizer result).

    Raises
    ------
    StalePlan
        If the plan is no longer at ``expected_version``.
    LockedStop
        If a locked route or stop would change.
    """
    listed = [oid for seq in sequences.values() for oid in seq]
    return _edit(
        uow_factory,
        day,
        expected_version,
        lambda plan, names: planning.replace_routes(plan, sequences, names=names),
        action=Action.OPTIMIZE,
        named=listed,
        check=_open_orders_of(day, listed, *sequences),
    )
