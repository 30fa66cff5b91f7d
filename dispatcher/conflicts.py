"""Conflicts that say what the other user did.

When an edit loses a race, the service that refused it asks here for the
change-log rows committed to the same thing since the version the caller read,
and raises a conflict naming them, with the rows in ``theirs``: "The plan of
2026-11-24 was changed by someone else since you loaded it: anna changed the
route of Van 2 at 10:42 (ORD-4 added); reload it and make your change again."

Every plan save moves the plan version on by one, and route and dispatch rows
carry the plan version they produced (``plan_version`` of ``after``, or of
``before`` plus one for a deleted route), and so do the order rows of a plan
edit. Every save of an order writes one order row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatcher.audit import conflict_message, describe, names_for
from dispatcher.errors import ConcurrencyConflict, DispatcherError, StalePlan
from dispatcher.model import ChangeQuery

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Sequence

    from dispatcher.model import Change, OrderId
    from dispatcher.ports import UnitOfWork, UnitOfWorkFactory

PLAN_ENTITIES = frozenset({"route", "dispatch"})
"""Rows that describe a saved plan version."""

SEARCHED = 500
"""Newest rows looked at for the other user's changes."""


def plan_version_of(change: Change) -> int | None:
    """The plan version a route or dispatch row produced, if it says."""
    if change.after is not None:
        version = change.after.get("plan_version")
    elif change.before is not None:
        before = change.before.get("plan_version")
        version = before + 1 if isinstance(before, int) else None
    else:
        version = None
    return version if isinstance(version, int) else None


def _explained(
    uow_factory: UnitOfWorkFactory,
    queries: Iterable[ChangeQuery],
    newer: Callable[[Change], bool],
    refusal: str,
) -> tuple[tuple[Change, ...], str]:
    """The rows ``newer`` picks among those the queries find (oldest first), and
    ``refusal`` told with them."""
    try:
        with uow_factory() as uow:
            found = [c for q in queries for c in uow.changes.search(q) if newer(c)]
            theirs = tuple(sorted(found, key=lambda c: c.id))
            return theirs, _told(uow, theirs, refusal)
    except DispatcherError:
        return (), refusal  # the conflict stands even if its story cannot be read


def _told(uow: UnitOfWork, theirs: Sequence[Change], refusal: str) -> str:
    """``refusal`` with the rows ``theirs`` in words (names read through ``uow``)."""
    names = names_for(uow, theirs)
    return conflict_message([describe(c, names) for c in theirs], refusal)


def overlapping_plan(
    uow: UnitOfWork, theirs: Sequence[Change], refusal: str
) -> StalePlan:
    """``refusal`` as a ``StalePlan`` naming ``theirs``, told inside ``uow``.

    For an edit that could not go on top of other users' saves because they
    changed the same routes or orders: only those rows are named.
    """
    return StalePlan(_told(uow, theirs, refusal), theirs=theirs)


def stale_plan(
    uow_factory: UnitOfWorkFactory, day: dt.date, read_version: int, refusal: str
) -> StalePlan:
    """``refusal`` as a ``StalePlan`` naming the saves after ``read_version``."""

    def newer(change: Change) -> bool:
        version = plan_version_of(change)
        return change.entity in PLAN_ENTITIES and (version or 0) > read_version

    # One query per kind: a dispatch writes an order row per order of the day,
    # which must not push the route rows out of the newest SEARCHED.
    queries = [
        ChangeQuery(entity=entity, plan_date=day, limit=SEARCHED)
        for entity in sorted(PLAN_ENTITIES)
    ]
    theirs, message = _explained(uow_factory, queries, newer, refusal)
    return StalePlan(message, theirs=theirs)


def order_conflict(
    uow_factory: UnitOfWorkFactory,
    order_id: OrderId,
    read_version: int,
    refusal: str,
) -> ConcurrencyConflict:
    """``refusal`` as a conflict naming the order's saves after ``read_version``.

    Every save of an order moves its version on by one and writes one order
    row, so the newest (stored version - read version) rows are theirs.
    """
    try:
        with uow_factory() as uow:
            missed = uow.orders.get(order_id).version - read_version
    except DispatcherError:
        missed = 0
    if missed <= 0:
        return ConcurrencyConflict(refusal)
    query = ChangeQuery(entity="order", entity_id=str(order_id), limit=missed)
    theirs, message = _explained(uow_factory, [query], lambda c: True, refusal)
    return ConcurrencyConflict(message, theirs=theirs)
