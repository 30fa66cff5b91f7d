"""Plan storage: versioning, minimal writes, stable stop ids, bulk reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event

from dispatcher.errors import StalePlan, ValidationError
from dispatcher.model import (
    Driver,
    Plan,
    Route,
    RouteStatus,
    Stop,
    StopId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.integration import seed

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from db.database import Database
    from dispatcher.model import Order, Vehicle

    Stored = tuple[list[Vehicle], list[Order]]


def route(
    vehicle: Vehicle, orders: Sequence[Order], day: dt.date = b.DAY, **changes: object
) -> Route:
    """A new route of ``vehicle`` serving ``orders`` in the given order."""
    stops = tuple(Stop(StopId(NEW_ID), o.id, 0) for o in orders)
    return dataclasses.replace(Route(NEW_ID, day, vehicle.id, stops), **changes)


@pytest.fixture
def stored(database: Database) -> Stored:
    """Three vans and six orders of one customer on ``builders.DAY``."""
    with database.uow_factory() as uow:
        vehicles = seed.fleet(uow, 3)
        _, orders = seed.orders(uow, 6)
        uow.commit()
    return vehicles, orders


def save(database: Database, plan: Plan) -> Plan:
    """Save a plan in its own committed unit of work."""
    with database.uow_factory() as uow:
        saved = uow.plans.save(plan)
        uow.commit()
    return saved


def load(database: Database, day: dt.date = b.DAY) -> Plan:
    """Read a plan in its own unit of work."""
    with database.uow_factory() as uow:
        return uow.plans.get(day)


def test_unknown_date_is_an_empty_version_zero_plan(database: Database) -> None:
    """A date nobody planned reads as an empty plan at version 0."""
    assert load(database) == Plan(b.DAY)


def test_first_save_creates_version_one_with_ids(
    database: Database, stored: Stored
) -> None:
    """The first save of a date stores version 1, gives ids, numbers stops 1..n."""
    vans, orders = stored
    saved = save(
        database, Plan(b.DAY, (route(vans[1], orders[3:]), route(vans[0], orders[:3])))
    )
    assert saved.version == 1
    assert [r.vehicle_id for r in saved.routes] == [vans[0].id, vans[1].id]
    assert all(r.id != NEW_ID and r.version == 1 for r in saved.routes)
    assert [s.sequence for s in saved.routes[0].stops] == [1, 2, 3]
    assert len({s.id for r in saved.routes for s in r.stops}) == 6
    assert load(database) == saved
    with database.uow_factory() as uow:
        assert uow.plans.dates() == [b.DAY]


def test_only_changed_routes_get_a_new_version(
    database: Database, stored: Stored
) -> None:
    """Moving a stop bumps its two routes; the untouched route and stop ids stay."""
    vans, orders = stored
    first = save(
        database,
        Plan(
            b.DAY,
            (
                route(vans[0], orders[:2]),
                route(vans[1], orders[2:4]),
                route(vans[2], orders[4:]),
            ),
        ),
    )
    r0, r1, r2 = first.routes
    moved = r0.stops[0]
    second = save(
        database,
        dataclasses.replace(
            first,
            routes=(
                dataclasses.replace(r0, stops=r0.stops[1:]),
                dataclasses.replace(r1, stops=(*r1.stops, moved)),
                r2,
            ),
        ),
    )
    assert second.version == 2
    assert [r.version for r in second.routes] == [2, 2, 1]
    assert [r.id for r in second.routes] == [r0.id, r1.id, r2.id]
    assert second.routes[1].stops[-1].id == moved.id
    assert second.routes[1].stops[-1].sequence == 3
    assert load(database) == second


def test_reorder_within_a_route_keeps_stop_ids(
    database: Database, stored: Stored
) -> None:
    """Reversing a route rewrites sequences without breaking unique(route, sequence)."""
    vans, orders = stored
    first = save(database, Plan(b.DAY, (route(vans[0], orders),)))
    (only,) = first.routes
    second = save(
        database,
        dataclasses.replace(
            first, routes=(dataclasses.replace(only, stops=only.stops[::-1]),)
        ),
    )
    assert [s.id for s in second.routes[0].stops] == [s.id for s in only.stops[::-1]]
    assert [s.sequence for s in second.routes[0].stops] == list(range(1, 7))
    assert second.routes[0].version == 2
    assert load(database) == second


def test_removed_routes_and_stops_are_deleted(
    database: Database, stored: Stored
) -> None:
    """Routes left out of the plan disappear; unassigned orders lose their stop."""
    vans, orders = stored
    first = save(
        database, Plan(b.DAY, (route(vans[0], orders[:3]), route(vans[1], orders[3:])))
    )
    r0, _ = first.routes
    second = save(
        database,
        dataclasses.replace(
            first, routes=(dataclasses.replace(r0, stops=r0.stops[:1]),)
        ),
    )
    assert load(database) == second
    assert second.assigned_order_ids() == {orders[0].id}
    # The unassigned orders can be planned again on a new route.
    third = save(
        database,
        dataclasses.replace(
            second, routes=(*second.routes, route(vans[2], orders[1:]))
        ),
    )
    assert third.routes[1].version == 1
    assert load(database) == third


def test_route_fields_are_saved(database: Database, stored: Stored) -> None:
    """Status, lock, driver and stop times and locks round-trip."""
    vans, orders = stored
    arrived = dt.datetime(2026, 11, 24, 8, 5, tzinfo=dt.UTC)
    with database.uow_factory() as uow:
        driver = uow.fleet.add_driver(Driver(NEW_ID, "Lena"))
        uow.commit()
    stops = (
        Stop(
            StopId(NEW_ID),
            orders[0].id,
            0,
            locked=True,
            planned_arrival=485.5,
            planned_departure=500.5,
            actual_arrival=arrived,
            actual_departure=arrived + dt.timedelta(minutes=12),
        ),
        Stop(StopId(NEW_ID), orders[1].id, 0, planned_arrival=530.0),
    )
    plan = Plan(
        b.DAY,
        (
            Route(
                NEW_ID,
                b.DAY,
                vans[0].id,
                stops,
                driver.id,
                RouteStatus.DISPATCHED,
                locked=True,
            ),
        ),
        dispatched_version=1,
    )
    saved = save(database, plan)
    assert load(database) == saved
    assert saved.dispatched_version == 1
    assert saved.routes[0].stops[0].actual_arrival == arrived


def test_stale_plan_is_refused(database: Database, stored: Stored) -> None:
    """Saving a plan read at an old version raises StalePlan and changes nothing."""
    vans, orders = stored
    first = save(database, Plan(b.DAY, (route(vans[0], orders[:2]),)))
    save(database, dataclasses.replace(first, routes=(route(vans[1], orders[:2]),)))
    latest = load(database)
    with pytest.raises(StalePlan):
        save(database, dataclasses.replace(first, routes=()))
    with pytest.raises(StalePlan):
        save(
            database, Plan(b.DAY, (route(vans[2], orders[:1]),))
        )  # a second "first" save
    assert load(database) == latest


def test_two_units_of_work_one_wins(database: Database, stored: Stored) -> None:
    """Two dispatchers read version 1 and save: the first wins, the second is stale."""
    vans, orders = stored
    save(database, Plan(b.DAY, (route(vans[0], orders[:2]),)))
    with database.uow_factory() as one, database.uow_factory() as two:
        plan_one = one.plans.get(b.DAY)
        plan_two = two.plans.get(b.DAY)
        one.plans.save(
            dataclasses.replace(plan_one, routes=(route(vans[1], orders[:3]),))
        )
        one.commit()
        with pytest.raises(StalePlan):
            two.plans.save(
                dataclasses.replace(plan_two, routes=(route(vans[2], orders[3:]),))
            )
    after = load(database)
    assert after.version == 2
    assert [r.vehicle_id for r in after.routes] == [vans[1].id]


@pytest.mark.parametrize(
    ("make_plan", "message"),
    [
        (
            lambda v, o: Plan(b.DAY, (route(v[0], o[:1]), route(v[0], o[1:2]))),
            "two routes",
        ),
        (lambda v, o: Plan(b.DAY, (route(v[0], o[:1]), route(v[1], o[:1]))), "twice"),
        (
            lambda v, o: Plan(
                b.DAY, (route(v[0], o[:1], day=b.DAY + dt.timedelta(days=1)),)
            ),
            "own date",
        ),
    ],
    ids=["vehicle-twice", "order-twice", "wrong-date"],
)
def test_inconsistent_plans_are_refused(
    database: Database, stored: Stored, make_plan: Callable[..., Plan], message: str
) -> None:
    """A plan with a doubled vehicle or order, or a foreign route, is not saved."""
    vans, orders = stored
    with pytest.raises(ValidationError, match=message):
        save(database, make_plan(vans, orders))
    assert load(database) == Plan(b.DAY)


def test_order_planned_on_another_date_is_refused(
    database: Database, stored: Stored
) -> None:
    """An order on a route of one date cannot get a second stop on another date."""
    vans, orders = stored
    save(database, Plan(b.DAY, (route(vans[0], orders[:2]),)))
    other_day = b.DAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="another date"):
        save(database, Plan(other_day, (route(vans[0], orders[1:3], day=other_day),)))
    assert load(database, other_day) == Plan(other_day)


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement the database's engine runs while the test is active."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    yield seen
    event.remove(database.engine, "before_cursor_execute", record)


def test_big_plan_loads_in_a_few_queries(
    database: Database, statements: list[str]
) -> None:
    """A 2,000-stop plan on 40 routes is read with a constant handful of SELECTs."""
    with database.uow_factory() as uow:
        vans = seed.fleet(uow, 40)
        _, orders = seed.orders(uow, 2000)
        plan = uow.plans.save(
            Plan(b.DAY, tuple(route(v, orders[i::40]) for i, v in enumerate(vans)))
        )
        uow.commit()
    statements.clear()
    assert load(database) == plan
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3
    assert sum(len(r.stops) for r in plan.routes) == 2000
