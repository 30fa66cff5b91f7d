"""A small fake day to edit in the document and command tests.

Three vans; Van 1 drives ORD-1 and ORD-2 (ORD-2 locked), ORD-3..ORD-5 are new.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatcher.errors import StorageError
from dispatcher.model import (
    Location,
    OrderStatus,
    Plan,
    Route,
    RouteId,
    Stop,
    StopId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.fakes import FakeStore, FakeUnitOfWork, fake_uow_factory

if TYPE_CHECKING:
    from dispatcher.model import OrderId, VehicleId


def fake_day() -> Any:
    """A fake unit-of-work factory over the day described above."""
    factory = fake_uow_factory()
    with factory() as uow:
        depot = uow.fleet.add_depot(b.depot())
        for i in (1, 2, 3):
            uow.fleet.add_vehicle(b.vehicle(name=f"Van {i}", depot_id=depot.id))
        customers = uow.customers.add_many(
            [
                b.customer(
                    name=f"Customer {i}", location=Location(45.75 + i / 100, 4.84)
                )
                for i in range(5)
            ]
        )
        orders = uow.orders.add_many(
            [
                b.order(
                    reference=f"ORD-{i + 1}",
                    customer_id=c.id,
                    status=OrderStatus.PLANNED if i < 2 else OrderStatus.NEW,
                )
                for i, c in enumerate(customers)
            ]
        )
        stops = (
            Stop(StopId(NEW_ID), orders[0].id, 1),
            Stop(StopId(NEW_ID), orders[1].id, 2, locked=True),
        )
        van1 = uow.fleet.vehicles()[0].id
        uow.plans.save(Plan(b.DAY, (Route(RouteId(NEW_ID), b.DAY, van1, stops),)))
        uow.commit()
    return factory


def order_id(factory: Any, reference: str) -> OrderId:
    """The id of an order by reference."""
    store: FakeStore = factory.store
    return next(o.id for o in store.orders.values() if o.reference == reference)


def vehicle_id(factory: Any, name: str) -> VehicleId:
    """The id of a vehicle by name."""
    store: FakeStore = factory.store
    return next(v.id for v in store.vehicles.values() if v.name == name)


def lanes(factory: Any) -> dict[str, list[str]]:
    """Stored routes as vehicle name -> order references."""
    store: FakeStore = factory.store
    refs = {o.id: o.reference for o in store.orders.values()}
    names = {v.id: v.name for v in store.vehicles.values()}
    return {
        names[r.vehicle_id]: [refs[oid] for oid in r.order_ids]
        for r in store.plans[b.DAY].routes
    }


def statuses(factory: Any) -> dict[str, OrderStatus]:
    """Stored order statuses by reference."""
    store: FakeStore = factory.store
    return {o.reference: o.status for o in store.orders.values()}


class _BrokenCommit(FakeUnitOfWork):
    def commit(self) -> None:
        raise StorageError("The database is read-only; open a writable copy.")


def broken_commits(factory: Any) -> Any:
    """A factory over the same store whose commits fail like a read-only disk."""

    def broken() -> FakeUnitOfWork:
        return _BrokenCommit(factory.store)

    broken.store = factory.store  # type: ignore[attr-defined]
    return broken
