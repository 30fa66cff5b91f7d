"""Snapshotting a domain day into a RoutingProblem and reading the plan back."""

from __future__ import annotations

import datetime as dt

from dispatcher.model import (
    ALWAYS_OPEN,
    Customer,
    CustomerId,
    Depot,
    DepotId,
    Load,
    Location,
    Order,
    OrderId,
    OrderKind,
    Plan,
    Priority,
    Route,
    RouteId,
    Stop,
    StopId,
    TimeWindow,
    Vehicle,
    VehicleId,
)
from dispatcher.optimize.build import (
    LiveStart,
    build_problem,
    planned_routes,
    summary_lines,
)
from dispatcher.optimize.checker import check
from dispatcher.optimize.engine import solve
from dispatcher.optimize.problem import Lock
from tests.unit.optimize.builders import FAST

DAY = dt.date(2026, 3, 10)  # a Tuesday
LYON = Location(45.76, 4.84)


def _customer(n: int, lat: float, hours: tuple[TimeWindow, ...] = ()) -> Customer:
    weekly = ALWAYS_OPEN if not hours else tuple(hours for _ in range(7))
    return Customer(
        CustomerId(n),
        f"C{n}",
        "street",
        Location(lat, 4.84),
        receiving_hours=weekly,
        skills=frozenset({"dock"}) if n == 3 else frozenset(),
    )


def _order(n: int, customer: int, **extra: object) -> Order:
    fields: dict[str, object] = {"windows": (), "service_minutes": 5, **extra}
    return Order(
        OrderId(n),
        f"R{n}",
        CustomerId(customer),
        DAY,
        Load(kg=10),
        **fields,  # type: ignore[arg-type]
    )


def _day() -> dict[str, object]:
    depot = Depot(DepotId(1), "Depot", "yard", LYON)
    vans = [
        Vehicle(
            VehicleId(10),
            "Van A",
            DepotId(1),
            Load(kg=100),
            TimeWindow(420, 960),
            frozenset({"dock"}),
        ),
        Vehicle(
            VehicleId(11),
            "Van B",
            DepotId(1),
            Load(kg=100),
            TimeWindow(420, 960),
            open_route=True,
        ),
        Vehicle(
            VehicleId(12),
            "Parked",
            DepotId(1),
            Load(kg=100),
            TimeWindow(420, 960),
            active=False,
        ),
    ]
    customers = {
        CustomerId(1): _customer(
            1, 45.77, (TimeWindow(480, 600), TimeWindow(840, 900))
        ),
        CustomerId(2): _customer(2, 45.78),
        CustomerId(3): _customer(3, 45.79),
    }
    orders = [
        _order(101, 1, priority=Priority.MUST),
        _order(102, 2, windows=(TimeWindow(600, 660),)),
        _order(103, 3, kind=OrderKind.PICKUP),
        _order(104, 2),
    ]
    plan = Plan(
        DAY,
        (
            Route(
                RouteId(1),
                DAY,
                VehicleId(10),
                (
                    Stop(StopId(1), OrderId(102), 0, locked=True),
                    Stop(StopId(2), OrderId(101), 1),
                ),
            ),
            Route(
                RouteId(2),
                DAY,
                VehicleId(11),
                (Stop(StopId(3), OrderId(104), 0),),
                locked=True,
            ),
        ),
    )
    return {
        "orders": orders,
        "customers": customers,
        "depots": {depot.id: depot},
        "vehicles": vans,
        "plan": plan,
    }


def test_snapshot_carries_orders_fleet_and_plan() -> None:
    """Windows, skills, pickups, priorities, locks, locked routes and the warm start."""
    p = build_problem(**_day())  # type: ignore[arg-type]
    assert [v.key for v in p.vehicles] == [10, 11]
    assert p.vehicles[1].spec.end_node is None
    first, second, third, fourth = p.jobs
    assert first.stop.windows == (TimeWindow(480, 600), TimeWindow(840, 900))
    assert first.priority is Priority.MUST
    assert second.stop.windows == (TimeWindow(600, 660),)
    assert second.lock == Lock(0, 0)
    assert third.stop.pickup
    assert third.stop.skills == frozenset({"dock"})
    assert second.node == fourth.node
    assert p.vehicles[0].current == (1, 0)
    assert p.vehicles[1].locked
    assert p.vehicles[1].current == (3,)


def test_plan_comes_back_as_order_ids_with_a_summary() -> None:
    """Solving the snapshot gives order ids per vehicle id and a printable summary."""
    p = build_problem(**_day())  # type: ignore[arg-type]
    solution = solve(p, FAST)
    assert check(p, solution) == []
    routes = planned_routes(p, solution)
    assert routes[11] == [104]
    assert routes[10][0] == 102
    assert sorted(o for seq in routes.values() for o in seq) == [101, 102, 103, 104]
    lines = summary_lines(p, solution)
    assert lines[-1].startswith("total: 2 routes, 4 stops")


def test_live_vehicle_starts_where_it_is() -> None:
    """A vehicle under way starts at its reported position and time."""
    day = _day()
    day["live"] = {VehicleId(10): LiveStart(Location(45.80, 4.84), 700.0)}
    p = build_problem(**day)  # type: ignore[arg-type]
    assert p.vehicles[0].start_time == 700.0
    assert (
        p.matrix.km(p.vehicles[0].spec.start_node, p.vehicles[0].spec.end_node or 0) > 4
    )
