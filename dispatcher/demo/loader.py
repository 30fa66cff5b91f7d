"""``load_dataset``: write a generated demo data set through the storage ports.

Master data (depots, fleet, customers, users) goes in one transaction, then the
dated data (orders, plans, outcomes) in transactions of a few weeks each, oldest
first, so a large data set never holds the whole history in one session. Local
ids of the data set are mapped to the ids the store hands out as it goes.
"""

from __future__ import annotations

import dataclasses
import getpass
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.errors import DispatcherError
from dispatcher.model import (
    CustomerId,
    DepotId,
    DriverId,
    OrderId,
    Role,
    RouteId,
    StopId,
    User,
    UserId,
    VehicleId,
)
from dispatcher.ports import NEW_ID

if TYPE_CHECKING:
    import datetime as dt

    from dispatcher.demo.dataset import DemoDataset
    from dispatcher.model import Order, Outcome, Plan
    from dispatcher.ports import UnitOfWork, UnitOfWorkFactory

DAYS_PER_TRANSACTION = 21
"""Dates written per transaction (about 5,000 orders at the default size)."""


class DatabaseNotEmpty(DispatcherError):
    """The target database already holds data; demo data goes into a new one."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What ``load_dataset`` wrote."""

    depots: int
    vehicles: int
    drivers: int
    customers: int
    users: int
    orders: int
    plans: int
    routes: int
    stops: int
    outcomes: int


def current_login() -> str:
    """The operating-system login of whoever runs the program."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or passwd
        return "dispatcher"


@dataclass
class _IdMap:
    """Local ids of the data set to the ids the store gave."""

    depots: dict[int, DepotId] = dataclasses.field(default_factory=dict)
    vehicles: dict[int, VehicleId] = dataclasses.field(default_factory=dict)
    drivers: dict[int, DriverId] = dataclasses.field(default_factory=dict)
    customers: dict[int, CustomerId] = dataclasses.field(default_factory=dict)
    orders: dict[int, OrderId] = dataclasses.field(default_factory=dict)


def _refuse_if_not_empty(uow: UnitOfWork, dataset: DemoDataset) -> None:
    """Raise ``DatabaseNotEmpty`` if the database already holds a fleet or plans."""
    dates = [o.date for o in dataset.orders]
    clash = (
        uow.fleet.depots()
        or uow.fleet.vehicles()
        or uow.plans.dates()
        or (dates and uow.orders.between(min(dates), max(dates)))
    )
    if clash:
        raise DatabaseNotEmpty(
            "The database already holds depots, vehicles, plans or orders; demo "
            "data only goes into an empty database, so give a new file "
            "(for example --db demo.sqlite3)."
        )


def _write_master_data(uow: UnitOfWork, dataset: DemoDataset, ids: _IdMap) -> None:
    """Depots, vehicles, drivers and customers, recording their new ids."""
    for depot in dataset.depots:
        ids.depots[depot.id] = uow.fleet.add_depot(
            dataclasses.replace(depot, id=DepotId(NEW_ID))
        ).id
    for vehicle in dataset.vehicles:
        end = vehicle.end_depot_id
        ids.vehicles[vehicle.id] = uow.fleet.add_vehicle(
            dataclasses.replace(
                vehicle,
                id=VehicleId(NEW_ID),
                depot_id=ids.depots[vehicle.depot_id],
                end_depot_id=None if end is None else ids.depots[end],
            )
        ).id
    for driver in dataset.drivers:
        vehicle_id = driver.vehicle_id
        ids.drivers[driver.id] = uow.fleet.add_driver(
            dataclasses.replace(
                driver,
                id=DriverId(NEW_ID),
                vehicle_id=None if vehicle_id is None else ids.vehicles[vehicle_id],
            )
        ).id
    stored = uow.customers.add_many(
        [dataclasses.replace(c, id=CustomerId(NEW_ID)) for c in dataset.customers]
    )
    ids.customers.update(
        (c.id, s.id) for c, s in zip(dataset.customers, stored, strict=True)
    )


def _write_users(uow: UnitOfWork, dataset: DemoDataset, login: str) -> int:
    """Add the data set's users and ``login`` as a dispatcher; returns how many."""
    wanted = [
        *dataset.users,
        User(UserId(NEW_ID), login=login, name=login, role=Role.DISPATCHER),
    ]
    added = 0
    for user in wanted:
        if uow.users.by_login(user.login) is None:
            uow.users.add(dataclasses.replace(user, id=UserId(NEW_ID)))
            added += 1
    return added


def _write_orders(uow: UnitOfWork, orders: list[Order], ids: _IdMap) -> None:
    """Store orders; a rebooking goes in after the order it rebooks."""
    for attempt in sorted({o.attempt for o in orders}):
        batch = [o for o in orders if o.attempt == attempt]
        stored = uow.orders.add_many(
            [
                dataclasses.replace(
                    o,
                    id=OrderId(NEW_ID),
                    customer_id=ids.customers[o.customer_id],
                    rebook_of=None if o.rebook_of is None else ids.orders[o.rebook_of],
                )
                for o in batch
            ]
        )
        ids.orders.update((o.id, s.id) for o, s in zip(batch, stored, strict=True))


def _write_plan(uow: UnitOfWork, plan: Plan, ids: _IdMap) -> dict[int, RouteId]:
    """Save a new plan; returns the stored route id of each local route id."""
    routes = tuple(
        dataclasses.replace(
            route,
            id=RouteId(NEW_ID),
            vehicle_id=ids.vehicles[route.vehicle_id],
            driver_id=None if route.driver_id is None else ids.drivers[route.driver_id],
            stops=tuple(
                dataclasses.replace(
                    stop, id=StopId(NEW_ID), order_id=ids.orders[stop.order_id]
                )
                for stop in route.stops
            ),
        )
        for route in plan.routes
    )
    saved = uow.plans.save(dataclasses.replace(plan, routes=routes, version=0))
    stored_by_vehicle = {r.vehicle_id: r.id for r in saved.routes}
    return {
        local.id: stored_by_vehicle[ids.vehicles[local.vehicle_id]]
        for local in plan.routes
    }


def _write_outcomes(
    uow: UnitOfWork, outcomes: list[Outcome], ids: _IdMap, routes: dict[int, RouteId]
) -> None:
    """Store the outcomes of stored orders and routes."""
    uow.outcomes.add_many(
        [
            dataclasses.replace(
                o,
                id=NEW_ID,
                order_id=ids.orders[o.order_id],
                route_id=None if o.route_id is None else routes[o.route_id],
            )
            for o in outcomes
        ]
    )


def _date_chunks(dates: list[dt.date], size: int) -> list[list[dt.date]]:
    """Consecutive runs of ``size`` dates."""
    return [dates[i : i + size] for i in range(0, len(dates), size)]


def load_dataset(
    uow_factory: UnitOfWorkFactory,
    dataset: DemoDataset,
    *,
    login: str | None = None,
) -> DemoSummary:
    """Write a demo data set into an empty database.

    Parameters
    ----------
    uow_factory
        Opens the units of work to write in.
    dataset
        What ``generate`` built.
    login
        Who gets a dispatcher account besides the data set's users; by default
        the operating-system user running the program.

    Returns
    -------
    DemoSummary
        How many of each entity were written.

    Raises
    ------
    DatabaseNotEmpty
        If the database already has depots, vehicles, plans or orders of the
        data set's dates; nothing is written then.
    """
    ids = _IdMap()
    with uow_factory() as uow:
        _refuse_if_not_empty(uow, dataset)
        _write_master_data(uow, dataset, ids)
        users = _write_users(uow, dataset, login or current_login())
        uow.commit()

    orders_by_date: dict[dt.date, list[Order]] = {}
    for order in dataset.orders:
        orders_by_date.setdefault(order.date, []).append(order)
    plans_by_date = {p.date: p for p in dataset.plans}
    outcomes_by_order: dict[int, list[Outcome]] = {}
    for outcome in dataset.outcomes:
        outcomes_by_order.setdefault(outcome.order_id, []).append(outcome)

    for dates in _date_chunks(sorted(orders_by_date), DAYS_PER_TRANSACTION):
        with uow_factory() as uow:
            for day in dates:
                orders = orders_by_date[day]
                _write_orders(uow, orders, ids)
                plan = plans_by_date.get(day)
                if plan is None:
                    continue
                routes = _write_plan(uow, plan, ids)
                outcomes = [x for o in orders for x in outcomes_by_order.get(o.id, ())]
                _write_outcomes(uow, outcomes, ids, routes)
            uow.commit()

    return DemoSummary(
        depots=len(dataset.depots),
        vehicles=len(dataset.vehicles),
        drivers=len(dataset.drivers),
        customers=len(dataset.customers),
        users=users,
        orders=len(dataset.orders),
        plans=len(dataset.plans),
        routes=sum(len(p.routes) for p in dataset.plans),
        stops=sum(len(r.stops) for p in dataset.plans for r in p.routes),
        outcomes=len(dataset.outcomes),
    )
