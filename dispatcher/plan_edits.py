"""Plan edits as use cases: move, lock, restore; one version-checked transaction each.

Each service opens one unit of work, checks that the signed-in user's role
allows the edit (else ``PermissionDenied``: see ``dispatcher.permissions``;
putting unplanned orders on routes is ``ASSIGN``, saving an optimizer result
``OPTIMIZE``, anything else ``EDIT_PLAN``), applies a pure rule of
``dispatcher.planning`` to the stored plan, saves it, moves the status of
orders that went on or off the plan (new <-> planned), appends change rows (one
per changed route, one per order whose status changed, each naming the plan
version it produced) and commits.

Conflicts are told route by route: if others saved the plan after the version
the caller edited, the edit still goes on top of their saves when they changed
none of the routes it changes and none of the orders it names or moves
(``dispatcher.plan_merge``); the returned ``PlanEdit`` then carries their rows
in ``merged``. Otherwise it is refused with ``StalePlan`` naming the
overlapping changes in ``theirs``, and nothing is written. An optimizer result
(``replace_routes``) re-plans the whole day, so any later save refuses it.

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
from dispatcher.conflicts import overlapping_plan, stale_plan
from dispatcher.errors import LockedStop, NotFound, StalePlan, ValidationError
from dispatcher.model import OPEN_ORDER_STATUSES, ChangeAction
from dispatcher.permissions import Action, acting_user, require
from dispatcher.plan_merge import Saves, saves_since
from dispatcher.planning import ABSENT, Names, RouteState

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from dispatcher.model import (
        Change,
        Order,
        OrderId,
        OrderStatus,
        Plan,
        VehicleId,
    )
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

SAVE_ATTEMPTS = 5
"""Tries of an edit whose save keeps losing the race to other users' saves."""


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
    merged
        Other users' change rows saved after the version the caller read, that
        the edit was applied on top of (empty if the plan was still at it);
        ``changes`` then names their vehicles and orders too.
    merged_orders
        The orders those rows moved or edited, as stored (the edit's own
        ``orders`` left out).
    """

    plan: Plan
    changes: PlanChanges
    before: Mapping[VehicleId, RouteState] = field(default_factory=dict)
    after: Mapping[VehicleId, RouteState] = field(default_factory=dict)
    orders: tuple[Order, ...] = ()
    before_statuses: Mapping[OrderId, OrderStatus] = field(default_factory=dict)
    after_statuses: Mapping[OrderId, OrderStatus] = field(default_factory=dict)
    merged: tuple[Change, ...] = ()
    merged_orders: tuple[Order, ...] = ()

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
    merge: bool = True,
) -> PlanEdit:
    """``_edit_once``, tried again while saves of others slip in between its read
    and its write; a refusal is told with the other users' changes."""
    lost: StalePlan | None = None
    for _ in range(SAVE_ATTEMPTS if merge else 1):
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
                merge=merge,
            )
        except _SavedMeanwhile as exc:
            lost = exc  # again: what they saved may not touch this edit
        except StalePlan as exc:
            if exc.theirs:
                raise
            lost = exc
            break
    assert lost is not None
    raise stale_plan(uow_factory, day, expected_version, str(lost)) from lost


class _SavedMeanwhile(StalePlan):
    """Somebody saved the plan between this edit's read and its write."""


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
    merge: bool,
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
    merge
        If the plan moved on past ``expected_version``, apply the rule to the
        stored plan all the same when the saves in between changed none of the
        routes it changes and none of the orders it names or moves
        (``dispatcher.plan_merge``); False refuses any later save.
    """
    with uow_factory() as uow:
        user = acting_user(uow)
        plan = uow.plans.get(day)
        saves: Saves | None = None
        if plan.version != expected_version:
            saves = saves_since(uow, day, expected_version, plan.version)
            if not merge or saves is None:
                raise _stale(day)
        orders = _read_orders(uow, day, named)
        names = _names(uow, orders)
        try:
            if check is not None:
                check(orders, names)
            edited = rule(plan, names)
        except (ValidationError, LockedStop) as exc:
            # Refused because of what the others did to these orders: say so.
            told = saves.naming(named) if saves is not None else ()
            if told:
                raise overlapping_plan(uow, told, str(_stale(day))) from exc
            raise
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
        before = planning.route_states(plan, vehicles)
        edited_after = planning.route_states(edited, vehicles)
        if saves is not None:
            moved = _moved_orders(before, edited_after) | set(named)
            overlap = saves.overlapping(vehicles, moved)
            if overlap:
                raise overlapping_plan(uow, overlap, str(_stale(day)))
        merged = _Merged.read(uow, day, saves)
        if not vehicles:
            return PlanEdit(
                plan,
                merged.changes(plan, vehicles, set()),
                merged=merged.rows,
                merged_orders=merged.orders,
            )
        try:
            saved = uow.plans.save(edited)
        except StalePlan as exc:
            raise _SavedMeanwhile(str(exc)) from exc
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
                after={"status": order.status.value, "plan_version": saved.version},
                plan_date=day,
            )
        uow.commit()

    touched = {
        oid for state in (*before.values(), *after.values()) for oid in state.order_ids
    }
    own = {o.id for o in updated}
    return PlanEdit(
        saved,
        merged.changes(saved, vehicles, touched | flipped),
        before,
        after,
        tuple(updated),
        old_statuses,
        new_statuses,
        merged=merged.rows,
        merged_orders=tuple(o for o in merged.orders if o.id not in own),
    )


def _moved_orders(
    before: Mapping[VehicleId, RouteState], after: Mapping[VehicleId, RouteState]
) -> set[OrderId]:
    """Orders an edit puts on, takes off or moves between these routes."""
    moved: set[OrderId] = set()
    for vid, old in before.items():
        moved.update(set(old.order_ids) ^ set(after[vid].order_ids))
    return moved


@dataclass(frozen=True, slots=True)
class _Merged:
    """Other users' saves an edit goes on top of, and the orders they touched."""

    saves: Saves = field(default_factory=Saves)
    orders: tuple[Order, ...] = ()

    @classmethod
    def read(cls, uow: UnitOfWork, day: dt.date, saves: Saves | None) -> _Merged:
        """The saves and their orders as stored now (nothing if no saves)."""
        if saves is None:
            return cls()
        orders = _read_orders(uow, day, saves.order_ids)
        return cls(saves, tuple(orders[oid] for oid in sorted(orders)))

    @property
    def rows(self) -> tuple[Change, ...]:
        """Their change rows, oldest first."""
        return self.saves.rows

    def changes(
        self, plan: Plan, vehicles: Iterable[VehicleId], orders: Iterable[OrderId]
    ) -> PlanChanges:
        """What changed for a screen that showed the read version: this edit's
        vehicles and orders, and theirs."""
        theirs = self.saves.vehicles
        on_theirs = {
            oid
            for route in plan.routes
            if route.vehicle_id in theirs
            for oid in route.order_ids
        }
        return PlanChanges(
            plan.date,
            plan.version,
            frozenset(vehicles) | theirs,
            frozenset(orders) | self.saves.listed_order_ids | on_theirs,
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
        The plan version the caller shows; if it moved on, the edit goes on top
        of the saves in between unless they touched the same routes or orders.
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
        If others changed the same routes or orders (or dispatched) since
        ``expected_version``; nothing is written.
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
        If others changed the same routes or orders since ``expected_version``.
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
        If others changed the same route since ``expected_version``.
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
    *,
    expect: Mapping[VehicleId, RouteState] | None = None,
) -> PlanEdit:
    """Put vehicles' routes back exactly (order ids, stop values and locks).

    Undo calls it with ``PlanEdit.before`` and ``before_statuses``, redo with
    ``after`` and ``after_statuses``. Locks are not checked: the states are ones
    the plan had. The plan version still goes up: this is a new transaction.
    Like every edit it goes on top of others' saves of other routes, so an
    undo never puts back a route (or an order) somebody changed since.

    Parameters
    ----------
    expect
        The states the routes must have now (``after`` for an undo, ``before``
        for a redo): their orders and locks are compared with the stored
        plan, so a step is never replayed over a change it did not make, even
        one the caller's window already shows.

    Raises
    ------
    StalePlan
        If others changed these routes or their orders since
        ``expected_version``, or the routes are not as ``expect`` says.
    """

    def rule(plan: Plan, names: Names) -> Plan:
        if expect is not None:
            _require_states(plan, day, expect)
        return planning.restore_routes(plan, routes)

    return _edit(uow_factory, day, expected_version, rule, statuses=statuses)


def _require_states(
    plan: Plan, day: dt.date, expect: Mapping[VehicleId, RouteState]
) -> None:
    """Refuse unless each route has the orders and locks ``expect`` gives it."""

    def key(state: RouteState) -> tuple[object, ...]:
        return (state.exists, state.order_ids, state.locked, state.locked_orders)

    if any(
        key(planning.route_state(plan, vid)) != key(state)
        for vid, state in expect.items()
    ):
        raise _stale(day)


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
        If the plan is no longer at ``expected_version`` (the result was made
        for the whole day as it was then).
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
        merge=False,
    )
