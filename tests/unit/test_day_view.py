"""The day view read model over the fake storage."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dispatcher.day_view import load_day
from dispatcher.model import Location, OrderStatus, Plan, Route, RouteId, Stop, StopId
from dispatcher.ports import NEW_ID
from dispatcher.travel import haversine_km
from tests import builders as b
from tests.fakes import fake_uow_factory


@pytest.fixture
def day_factory() -> Any:
    """A depot, one van, three customers and orders; two orders on the van's route."""
    factory = fake_uow_factory()
    with factory() as uow:
        depot = uow.fleet.add_depot(b.depot())
        van = uow.fleet.add_vehicle(b.vehicle(depot_id=depot.id))
        customers = uow.customers.add_many(
            [
                b.customer(name="Near", location=Location(45.7700, 4.8400)),
                b.customer(name="Far", location=Location(45.7900, 4.8800)),
                b.customer(name="Waiting", location=Location(45.7500, 4.8500)),
            ]
        )
        orders = uow.orders.add_many(
            [
                b.order(reference=f"ORD-{i}", customer_id=c.id)
                for i, c in enumerate(customers, start=1)
            ]
        )
        stops = tuple(
            Stop(StopId(NEW_ID), o.id, seq) for seq, o in enumerate(orders[:2], 1)
        )
        uow.plans.save(Plan(b.DAY, (Route(RouteId(NEW_ID), b.DAY, van.id, stops),)))
        uow.commit()
    return factory


def test_orders_on_a_route_get_vehicle_sequence_and_eta(day_factory: Any) -> None:
    """Routed orders show the van, their position and an ETA from the scheduler."""
    view = load_day(day_factory, b.DAY)
    by_ref = {line.order.reference: line for line in view.lines}
    first, second, unplanned = by_ref["ORD-1"], by_ref["ORD-2"], by_ref["ORD-3"]
    assert (first.vehicle_name, first.sequence) == ("Van 1", 1)
    assert (second.vehicle_name, second.sequence) == ("Van 1", 2)
    assert unplanned.vehicle_name is None
    assert unplanned.eta is None
    # First stop: leave just in time for the 09:00 window.
    assert first.eta == pytest.approx(540)
    leg_km = haversine_km(first.customer.location, second.customer.location) * 1.3
    assert second.eta == pytest.approx(540 + 10 + leg_km / 30 * 60)


def test_totals_count_orders_and_sum_routes(day_factory: Any) -> None:
    """Totals: 3 orders, 2 planned, 1 unassigned, km and cost of the one route."""
    view = load_day(day_factory, b.DAY)
    assert (view.totals.orders, view.totals.planned, view.totals.unassigned) == (
        3,
        2,
        1,
    )
    (route,) = view.routes
    assert view.totals.km == pytest.approx(route.schedule.km)
    assert view.totals.cost == pytest.approx(route.schedule.cost)
    assert route.schedule.km > 0
    assert view.plan_version == 1


def test_closed_orders_are_not_counted_as_unassigned(day_factory: Any) -> None:
    """A cancelled order off every route is listed but not 'unassigned'."""
    with day_factory() as uow:
        third = next(o for o in uow.orders.for_date(b.DAY) if o.reference == "ORD-3")
        uow.orders.update(replace(third, status=OrderStatus.CANCELLED))
        uow.commit()
    view = load_day(day_factory, b.DAY)
    assert view.totals.unassigned == 0
    assert view.totals.orders == 3


def test_an_empty_day() -> None:
    """A date without orders or plan gives empty lines and zero totals."""
    view = load_day(fake_uow_factory(), b.DAY)
    assert view.lines == ()
    assert view.routes == ()
    assert view.totals.km == 0
    assert view.plan_version == 0
