"""Customers with their weekly receiving hours."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import delete

from db import mapping as m
from db.errors import translating_methods
from db.repositories.base import SqlRepository, chunks, select_records
from db.schema import CustomerHoursRow, CustomerRow
from dispatcher.errors import NotFound
from dispatcher.model import Customer, CustomerId

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Sequence


@translating_methods
class SqlCustomerRepository(SqlRepository):
    """B2B customers with their weekly receiving hours."""

    def get(self, customer_id: CustomerId) -> Customer:
        """One customer; raises ``NotFound``."""
        found = self.list([customer_id])
        if not found:
            raise NotFound(f"Customer {customer_id} does not exist; reload the list.")
        return found[0]

    def list(self, ids: Iterable[CustomerId] | None = None) -> list[Customer]:
        """Customers by id (all when ``ids`` is None)."""
        if ids is None:
            rows = self._all(select_records(CustomerRow).order_by(CustomerRow.id))
            hours = self._all(select_records(CustomerHoursRow))
        else:
            rows, hours = [], []
            for chunk in chunks(set(ids)):
                rows += self._all(
                    select_records(CustomerRow).where(CustomerRow.id.in_(chunk))
                )
                hours += self._all(
                    select_records(CustomerHoursRow).where(
                        CustomerHoursRow.customer_id.in_(chunk)
                    )
                )
            rows.sort(key=lambda r: r.id)
        weeks = m.weekly_hours_by_customer(hours)
        return [m.customer_from_row(r, weeks.get(r.id, m.CLOSED_WEEK)) for r in rows]

    # ``list`` is a method name here, so annotations below spell the builtin out.
    def add_many(self, customers: Sequence[Customer]) -> builtins.list[Customer]:
        """Store new customers; returns them with their ids, in order."""
        ids = self._insert(CustomerRow, [m.customer_values(c) for c in customers])
        self._insert_no_ids(
            CustomerHoursRow,
            [
                v
                for c, i in zip(customers, ids, strict=True)
                for v in m.hours_values(i, c.receiving_hours)
            ],
        )
        return [
            dataclasses.replace(c, id=CustomerId(i))
            for c, i in zip(customers, ids, strict=True)
        ]

    def update(self, customer: Customer) -> Customer:
        """Overwrite a stored customer and its hours; raises ``NotFound``."""
        if not self._update_where(
            CustomerRow, [CustomerRow.id == customer.id], m.customer_values(customer)
        ):
            raise NotFound(f"Customer {customer.id} does not exist; reload the list.")
        self._session.execute(
            delete(CustomerHoursRow)
            .where(CustomerHoursRow.customer_id == customer.id)
            .execution_options(synchronize_session=False)
        )
        self._insert_no_ids(
            CustomerHoursRow, m.hours_values(customer.id, customer.receiving_hours)
        )
        return customer
