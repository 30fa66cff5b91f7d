"""Small stored data sets the persistence tests build on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests import builders as b

if TYPE_CHECKING:
    import datetime as dt

    from db.uow import SqlAlchemyUnitOfWork
    from dispatcher.model import Customer, Order, Vehicle


def fleet(uow: SqlAlchemyUnitOfWork, vehicles: int = 3) -> list[Vehicle]:
    """One stored depot and ``vehicles`` stored vans based there."""
    depot = uow.fleet.add_depot(b.depot())
    return [
        uow.fleet.add_vehicle(b.vehicle(name=f"Van {i + 1}", depot_id=depot.id))
        for i in range(vehicles)
    ]


def orders(
    uow: SqlAlchemyUnitOfWork, count: int, day: dt.date = b.DAY
) -> tuple[Customer, list[Order]]:
    """One stored customer with ``count`` stored orders on ``day``."""
    (customer,) = uow.customers.add_many([b.customer()])
    stored = uow.orders.add_many(
        [
            b.order(reference=f"ORD-{i}", customer_id=customer.id, date=day)
            for i in range(count)
        ]
    )
    return customer, stored
