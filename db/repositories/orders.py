"""Orders with their time windows; version-checked updates."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import bindparam, delete, select, update

from db import mapping as m
from db.errors import translating_methods
from db.repositories.base import SqlRepository, chunks, select_records
from db.schema import OrderRow, OrderWindowRow
from dispatcher.errors import ConcurrencyConflict, NotFound
from dispatcher.model import Order, OrderId

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence

    from sqlalchemy import Table

    from dispatcher.model import OrderStatus


@translating_methods
class SqlOrderRepository(SqlRepository):
    """Orders with their time windows; updates are version-checked."""

    def _load(
        self, where: Any, order_by: Sequence[Any] = (OrderRow.id,)
    ) -> list[Order]:
        """Orders matching a condition, with windows, in two queries."""
        rows = self._all(select_records(OrderRow).where(where).order_by(*order_by))
        if not rows:
            return []
        windows = m.windows_by_order(
            self._all(
                select_records(OrderWindowRow).where(
                    OrderWindowRow.order_id.in_(select(OrderRow.id).where(where))
                )
            )
        )
        return [m.order_from_row(r, windows.get(r.id, ())) for r in rows]

    def get(self, order_id: OrderId) -> Order:
        """One order; raises ``NotFound``."""
        found = self._load(OrderRow.id == order_id)
        if not found:
            raise NotFound(f"Order {order_id} does not exist; reload the list.")
        return found[0]

    def for_date(
        self, day: dt.date, statuses: Iterable[OrderStatus] | None = None
    ) -> list[Order]:
        """Orders of a date (optionally only some statuses), by id."""
        where = OrderRow.date == day
        if statuses is not None:
            where = where & OrderRow.status.in_([s.value for s in statuses])
        return self._load(where)

    def between(self, first: dt.date, last: dt.date) -> list[Order]:
        """Orders dated ``first`` to ``last`` inclusive, by date then id."""
        return self._load(
            OrderRow.date.between(first, last), (OrderRow.date, OrderRow.id)
        )

    def add_many(self, orders: Sequence[Order]) -> list[Order]:
        """Store new orders with their windows; returns them with ids, in order."""
        ids = self._insert(OrderRow, [m.order_values(o) for o in orders])
        self._insert_no_ids(
            OrderWindowRow,
            [
                v
                for o, i in zip(orders, ids, strict=True)
                for v in m.window_values(i, o.windows)
            ],
        )
        return [
            dataclasses.replace(o, id=OrderId(i))
            for o, i in zip(orders, ids, strict=True)
        ]

    def update(self, order: Order) -> Order:
        """Save an order read at ``order.version``; returns it at the next version.

        Raises
        ------
        ConcurrencyConflict
            If somebody else saved the order since it was read.
        NotFound
            If the order does not exist.
        """
        saved = dataclasses.replace(order, version=order.version + 1)
        if not self._update_where(
            OrderRow,
            [OrderRow.id == order.id, OrderRow.version == order.version],
            m.order_values(saved),
        ):
            exists = self._session.scalar(
                select(OrderRow.id).where(OrderRow.id == order.id)
            )
            if exists is None:
                raise NotFound(f"Order {order.id} does not exist; reload the list.")
            raise ConcurrencyConflict(
                f"Order {order.reference} was changed by someone else since you "
                "opened it; reload it and make your change again."
            )
        self._session.execute(
            delete(OrderWindowRow)
            .where(OrderWindowRow.order_id == order.id)
            .execution_options(synchronize_session=False)
        )
        self._insert_no_ids(OrderWindowRow, m.window_values(order.id, order.windows))
        return saved

    def update_many(self, orders: Sequence[Order]) -> list[Order]:
        """Save many orders, each read at its ``version``, in a few statements.

        One executemany UPDATE checks every version (a dispatch sets 2,000
        statuses in well under a second, where ``update`` one by one takes
        seconds); windows are rewritten for all of them at once.

        Returns
        -------
        list[Order]
            The orders at their next versions, in input order.

        Raises
        ------
        ConcurrencyConflict
            If somebody else saved one of the orders since it was read (nothing
            of the batch may be kept: the caller's unit of work rolls back).
        NotFound
            If one of the orders does not exist.
        """
        if not orders:
            return []
        saved = [dataclasses.replace(o, version=o.version + 1) for o in orders]
        table = cast("Table", OrderRow.__table__)
        # Keys named like columns become the SET clause; the WHERE clause needs
        # bind names of its own.
        stmt = update(table).where(
            table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")
        )
        params = [
            m.order_values(new) | {"b_id": new.id, "b_version": old.version}
            for old, new in zip(orders, saved, strict=True)
        ]
        # Read the versions first, to name the order at fault; the versioned
        # UPDATE still catches a save that slips in between.
        self._check_versions(orders)
        result = self._session.execute(stmt, params)
        if result.rowcount != len(orders):  # type: ignore[attr-defined]
            raise ConcurrencyConflict(
                "Some of the orders were changed by someone else just now; reload "
                "them and make your change again."
            )
        ids = [o.id for o in orders]
        for chunk in chunks(ids):
            self._session.execute(
                delete(OrderWindowRow)
                .where(OrderWindowRow.order_id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        self._insert_no_ids(
            OrderWindowRow,
            [v for o in orders for v in m.window_values(o.id, o.windows)],
        )
        return saved

    def _check_versions(self, orders: Sequence[Order]) -> None:
        """Refuse a batch naming its first order that is missing or was saved since."""
        stored: dict[int, int] = {}
        for chunk in chunks([o.id for o in orders]):
            rows = self._session.execute(
                select(OrderRow.id, OrderRow.version).where(OrderRow.id.in_(chunk))
            )
            stored.update((oid, version) for oid, version in rows)
        for order in orders:
            if order.id not in stored:
                raise NotFound(f"Order {order.id} does not exist; reload the list.")
            if stored[order.id] != order.version:
                raise ConcurrencyConflict(
                    f"Order {order.reference} was changed by someone else since you "
                    "opened it; reload it and make your change again."
                )
