"""Loading a demo data set through the ports (in-memory fakes)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from dispatcher.demo import DatabaseNotEmpty, DemoConfig, generate, load_dataset
from dispatcher.model import Role
from tests import builders
from tests.fakes import fake_uow_factory

if TYPE_CHECKING:
    from dispatcher.demo import DemoDataset

TUESDAY = dt.date(2026, 3, 10)


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    """A small data set: 30 orders a weekday, a week of history."""
    return generate(
        DemoConfig(date=TUESDAY, seed=11, orders_per_day=30, history_days=7)
    )


def test_everything_is_stored_with_its_references_mapped(dataset: DemoDataset) -> None:
    """Counts match, and every reference points at the stored entity it meant."""
    factory = fake_uow_factory()
    summary = load_dataset(factory, dataset, login="jdoe")
    store = factory.store
    assert len(store.depots) == summary.depots == len(dataset.depots)
    assert len(store.vehicles) == summary.vehicles == len(dataset.vehicles)
    assert len(store.drivers) == len(dataset.drivers)
    assert len(store.customers) == summary.customers == len(dataset.customers)
    assert len(store.orders) == summary.orders == len(dataset.orders)
    assert sorted(store.plans) == sorted(p.date for p in dataset.plans)
    assert len(store.outcomes) == summary.outcomes == len(dataset.outcomes)

    # Same orders by reference, each still with its customer and its rebooking.
    local_customer = {c.id: c.name for c in dataset.customers}
    local_order = {o.id: o for o in dataset.orders}
    by_reference = {o.reference: o for o in store.orders.values()}
    for local in dataset.orders:
        stored = by_reference[local.reference]
        assert (
            store.customers[stored.customer_id].name
            == local_customer[local.customer_id]
        )
        if local.rebook_of is not None:
            first = store.orders[stored.rebook_of]  # type: ignore[index]
            assert first.reference == local_order[local.rebook_of].reference

    # Routes keep their vehicles, drivers and stop order; outcomes their route.
    vehicle_name = {v.id: v.name for v in store.vehicles.values()}
    local_vehicle = {v.id: v.name for v in dataset.vehicles}
    for local_plan in dataset.plans:
        stored_plan = store.plans[local_plan.date]
        assert len(stored_plan.routes) == len(local_plan.routes)
        stored_routes = {vehicle_name[r.vehicle_id]: r for r in stored_plan.routes}
        for route in local_plan.routes:
            stored_route = stored_routes[local_vehicle[route.vehicle_id]]
            assert [store.orders[s.order_id].reference for s in stored_route.stops] == [
                local_order[s.order_id].reference for s in route.stops
            ]
            assert stored_route.driver_id in store.drivers
    route_ids = {r.id for p in store.plans.values() for r in p.routes}
    assert all(o.route_id in route_ids for o in store.outcomes.values())
    assert all(o.order_id in store.orders for o in store.outcomes.values())


def test_the_running_user_becomes_a_dispatcher(dataset: DemoDataset) -> None:
    """The login given gets a dispatcher account next to the demo's users."""
    factory = fake_uow_factory()
    summary = load_dataset(factory, dataset, login="jdoe")
    roles = Counter(u.role for u in factory.store.users.values())
    logins = {u.login: u.role for u in factory.store.users.values()}
    assert logins["jdoe"] is Role.DISPATCHER
    assert summary.users == len(dataset.users) + 1
    assert roles[Role.MANAGER] == 1


def test_a_database_with_data_is_refused(dataset: DemoDataset) -> None:
    """Seeding over an existing fleet raises and writes nothing."""
    factory = fake_uow_factory()
    with factory() as uow:
        uow.fleet.add_depot(builders.depot())
        uow.commit()
    with pytest.raises(DatabaseNotEmpty, match="empty database"):
        load_dataset(factory, dataset, login="jdoe")
    assert not factory.store.customers
    assert not factory.store.orders
    assert len(factory.store.depots) == 1


def test_loading_twice_is_refused(dataset: DemoDataset) -> None:
    """A second load into the same store is refused."""
    factory = fake_uow_factory()
    load_dataset(factory, dataset, login="jdoe")
    orders = len(factory.store.orders)
    with pytest.raises(DatabaseNotEmpty):
        load_dataset(factory, dataset, login="jdoe")
    assert len(factory.store.orders) == orders
