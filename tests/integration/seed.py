"""Small stored data sets the persistence tests build on."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from dispatcher.model import OrderStatus, Plan, Route, RouteId, Stop, StopId
from dispatcher.ports import NEW_ID
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


def two_routes(
    uow: SqlAlchemyUnitOfWork,
) -> tuple[list[Vehicle], Customer, list[Order]]:
    """Three vans and six orders on ``b.DAY``: Van 1 drives ORD-0..ORD-2 and Van 2
    drives ORD-3 (those four planned); ORD-4 and ORD-5 are new. Not committed."""
    vans = fleet(uow, vehicles=3)
    customer, stored = orders(uow, 6)
    for order in stored[:4]:
        uow.orders.update(dataclasses.replace(order, status=OrderStatus.PLANNED))

    def route(van: int, picked: list[int]) -> Route:
        stops = tuple(
            Stop(StopId(NEW_ID), stored[i].id, seq) for seq, i in enumerate(picked, 1)
        )
        return Route(RouteId(NEW_ID), b.DAY, vans[van].id, stops)

    uow.plans.save(Plan(b.DAY, (route(0, [0, 1, 2]), route(1, [3]))))
    return vans, customer, stored
