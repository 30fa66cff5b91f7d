"""What other users saved to a day's plan since a version: may an edit go on top?

Two dispatchers editing different vans of one day must both succeed. When the
stored plan moved on past the version a caller read, ``saves_since`` reads the
change rows of the saves in between, and ``Saves.overlapping`` tells which of
them touch what the caller's edit changes: a route of the same vehicle, or an
order the edit names or moves that the others moved or edited. None overlap:
the edit is applied to the stored plan as it is now.

What can be told from the log (``dispatcher.conflicts.plan_version_of``):

* every plan save after the read left route rows carrying the plan version it
  produced; a save without rows (a plan written by a loader) cannot be told,
  and neither can a dispatch, which changes every route: then ``None``;
* order rows of plan edits carry the plan version too; other order rows (an
  edited window, say) are taken as newer than the read if their id is above
  the last row of the version read (an edit made just before the read may be
  counted too: a needless conflict, never a missed one). Creating an order is
  not a change of an order somebody could have named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.conflicts import PLAN_ENTITIES, SEARCHED, plan_version_of
from dispatcher.model import ChangeAction, ChangeQuery, OrderId, VehicleId

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Collection, Iterable, Sequence

    from dispatcher.model import Change
    from dispatcher.ports import UnitOfWork

FIRST_WINDOW = 16
"""Newest rows of a kind read first; the window doubles up to ``SEARCHED``."""


@dataclass(frozen=True, slots=True)
class Saves:
    """The change rows of other users' saves of a day after a read version.

    Attributes
    ----------
    routes
        Route rows of the plan versions after the read, oldest first.
    orders
        Order rows of the day written after the read (as far as can be told),
        oldest first; creations left out.
    """

    routes: tuple[Change, ...] = ()
    orders: tuple[Change, ...] = ()

    @property
    def rows(self) -> tuple[Change, ...]:
        """Every row, oldest first."""
        return tuple(sorted((*self.routes, *self.orders), key=lambda c: c.id))

    @property
    def users(self) -> tuple[str, ...]:
        """Who saved, in order of first appearance."""
        return tuple(dict.fromkeys(c.user for c in self.rows))

    @property
    def vehicles(self) -> frozenset[VehicleId]:
        """The vehicles whose routes the saves changed."""
        return frozenset(v for c in self.routes if (v := _vehicle(c)) is not None)

    @property
    def order_ids(self) -> frozenset[OrderId]:
        """Orders the saves moved (on, off or between routes) or edited."""
        moved = {oid for c in self.routes for oid in _moved(c)}
        edited = {OrderId(int(c.entity_id)) for c in self.orders}
        return frozenset(moved | edited)

    @property
    def listed_order_ids(self) -> frozenset[OrderId]:
        """Every order the saves name: moved, edited, or on a route they changed."""
        listed = {oid for c in self.routes for oid in _listed(c)}
        return frozenset(listed) | self.order_ids

    def overlapping(
        self, vehicles: Collection[VehicleId], order_ids: Collection[OrderId]
    ) -> tuple[Change, ...]:
        """The rows about these vehicles' routes or these orders, oldest first.

        A status row of an order that a picked route row moved in the same
        save is left out: the route row tells it.
        """
        routes = [
            c
            for c in self.routes
            if _vehicle(c) in vehicles or not _moved(c).isdisjoint(order_ids)
        ]
        told = {(plan_version_of(c), oid) for c in routes for oid in _moved(c)}
        orders = [
            c
            for c in self.orders
            if (oid := OrderId(int(c.entity_id))) in order_ids
            and (plan_version_of(c), oid) not in told
        ]
        return _oldest_first((*routes, *orders))

    def naming(self, order_ids: Collection[OrderId]) -> tuple[Change, ...]:
        """The rows that name one of these orders (on a route they changed, or
        edited), oldest first."""
        return tuple(
            c
            for c in self.rows
            if (c.entity == "route" and not _listed(c).isdisjoint(order_ids))
            or (c.entity == "order" and OrderId(int(c.entity_id)) in order_ids)
        )


def saves_since(
    uow: UnitOfWork, day: dt.date, read_version: int, stored_version: int
) -> Saves | None:
    """What was saved to ``day``'s plan after ``read_version`` up to the stored one.

    Only the newest rows are read, in windows that grow until they reach back
    to the read (a few rows for the usual edit made a moment ago).

    Returns
    -------
    Saves | None
        None if the saves cannot all be told apart: a dispatch among them, a
        version without route rows, or more rows than ``SEARCHED`` to look at
        (or the read version is not an older one at all).
    """
    if read_version >= stored_version:
        return None

    def reaches_the_read(rows: Sequence[Change]) -> bool:
        return any((plan_version_of(c) or 0) <= read_version for c in rows)

    plan_rows: list[Change] = []
    for entity in sorted(PLAN_ENTITIES):
        rows = _newest(uow, entity, day, reaches_the_read)
        if rows is None:
            return None
        plan_rows += rows
    theirs = [
        c
        for c in plan_rows
        if read_version < (plan_version_of(c) or 0) <= stored_version
    ]
    if any(c.entity != "route" for c in theirs) or {
        plan_version_of(c) for c in theirs
    } != set(range(read_version + 1, stored_version + 1)):
        return None
    read_rows = max(
        (c.id for c in plan_rows if plan_version_of(c) == read_version), default=0
    )
    order_rows = _newest(
        uow, "order", day, lambda rows: min(c.id for c in rows) <= read_rows
    )
    if order_rows is None:
        return None  # rows newer than the read may lie beyond the searched ones
    last_read = max(
        (c.id for c in order_rows if plan_version_of(c) == read_version),
        default=read_rows,
    )
    newer_orders = [
        c
        for c in order_rows
        if c.action is not ChangeAction.CREATE
        and _order_row_is_newer(c, read_version, stored_version, last_read)
    ]
    return Saves(_oldest_first(theirs), _oldest_first(newer_orders))


def _newest(
    uow: UnitOfWork,
    entity: str,
    day: dt.date,
    enough: Callable[[Sequence[Change]], bool],
) -> list[Change] | None:
    """The newest rows of ``entity`` on ``day``, in a window doubled until
    ``enough`` holds or no rows are left; None if ``SEARCHED`` rows are not."""
    limit = FIRST_WINDOW
    while True:
        rows = uow.changes.search(
            ChangeQuery(entity=entity, plan_date=day, limit=limit)
        )
        if len(rows) < limit or enough(rows):
            return rows
        if limit >= SEARCHED:
            return None
        limit = min(2 * limit, SEARCHED)


def _order_row_is_newer(
    change: Change, read_version: int, stored_version: int, last_read: int
) -> bool:
    version = plan_version_of(change)
    if version is not None:
        return read_version < version <= stored_version
    return change.id > last_read


def _oldest_first(changes: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(sorted(changes, key=lambda c: c.id))


def _vehicle(change: Change) -> VehicleId | None:
    state = change.after or change.before or {}
    vehicle = state.get("vehicle_id")
    return VehicleId(vehicle) if isinstance(vehicle, int) else None


def _orders_of(state: dict[str, object] | None) -> frozenset[OrderId]:
    listed = (state or {}).get("order_ids")
    if not isinstance(listed, list):
        return frozenset()
    return frozenset(OrderId(i) for i in listed if isinstance(i, int))


def _moved(change: Change) -> frozenset[OrderId]:
    """Orders a route row put on or took off its route."""
    return _orders_of(change.before) ^ _orders_of(change.after)


def _listed(change: Change) -> frozenset[OrderId]:
    """Orders on a route row's route before or after."""
    return _orders_of(change.before) | _orders_of(change.after)
