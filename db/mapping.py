"""Conversion between table rows and the frozen values of ``dispatcher.model``.

``*_values`` functions turn a domain value into the column values of its row
(a plain dict, the form bulk INSERT/UPDATE statements take; ids are left out
so the database assigns them). ``*_from_row`` functions build domain values
from rows read inside a unit of work. Nothing else in ``db`` knows how a field
is spread over columns.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from dispatcher.model import (
    BreakRule,
    Change,
    ChangeAction,
    Customer,
    CustomerId,
    Depot,
    DepotId,
    Driver,
    DriverId,
    FailureReason,
    Load,
    Location,
    Order,
    OrderId,
    OrderKind,
    OrderStatus,
    Outcome,
    OutcomeResult,
    Priority,
    Role,
    Route,
    RouteId,
    RouteStatus,
    Stop,
    StopId,
    TimeWindow,
    User,
    UserId,
    Vehicle,
    VehicleId,
    WeeklyHours,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from db.schema import (
        ChangeRow,
        CustomerHoursRow,
        CustomerRow,
        DepotRow,
        DriverRow,
        OrderRow,
        OrderWindowRow,
        OutcomeRow,
        RouteRow,
        StopRow,
        UserRow,
        VehicleRow,
    )

Values = dict[str, Any]
"""Column values of one row, keyed by attribute name."""

DAYS_PER_WEEK = 7


def skills_value(skills: frozenset[str]) -> list[str]:
    """A skill set as a sorted JSON list (stable, so equal sets compare equal)."""
    return sorted(skills)


def depot_values(depot: Depot) -> Values:
    """Column values of a depot."""
    return {
        "name": depot.name,
        "address": depot.address,
        "lat": depot.location.lat,
        "lon": depot.location.lon,
        "open_from": depot.hours.start,
        "open_until": depot.hours.end,
    }


def depot_from_row(row: DepotRow) -> Depot:
    """The depot stored in a row."""
    return Depot(
        id=DepotId(row.id),
        name=row.name,
        address=row.address,
        location=Location(row.lat, row.lon),
        hours=TimeWindow(row.open_from, row.open_until),
    )


def vehicle_values(vehicle: Vehicle) -> Values:
    """Column values of a vehicle."""
    rule = vehicle.break_rule
    return {
        "name": vehicle.name,
        "depot_id": vehicle.depot_id,
        "end_depot_id": vehicle.end_depot_id,
        "open_route": vehicle.open_route,
        "capacity_kg": vehicle.capacity.kg,
        "capacity_m3": vehicle.capacity.m3,
        "capacity_pallets": vehicle.capacity.pallets,
        "shift_start": vehicle.shift.start,
        "shift_end": vehicle.shift.end,
        "skills": skills_value(vehicle.skills),
        "fixed_cost": vehicle.fixed_cost,
        "cost_per_km": vehicle.cost_per_km,
        "cost_per_hour": vehicle.cost_per_hour,
        "max_duration": vehicle.max_duration,
        "max_distance_km": vehicle.max_distance_km,
        "max_stops": vehicle.max_stops,
        "break_after_driving": rule.after_driving if rule else None,
        "break_duration": rule.duration if rule else None,
        "active": vehicle.active,
    }


def vehicle_from_row(row: VehicleRow) -> Vehicle:
    """The vehicle stored in a row."""
    has_break = row.break_after_driving is not None and row.break_duration is not None
    return Vehicle(
        id=VehicleId(row.id),
        name=row.name,
        depot_id=DepotId(row.depot_id),
        capacity=Load(row.capacity_kg, row.capacity_m3, row.capacity_pallets),
        shift=TimeWindow(row.shift_start, row.shift_end),
        skills=frozenset(row.skills),
        end_depot_id=DepotId(row.end_depot_id)
        if row.end_depot_id is not None
        else None,
        open_route=row.open_route,
        fixed_cost=row.fixed_cost,
        cost_per_km=row.cost_per_km,
        cost_per_hour=row.cost_per_hour,
        max_duration=row.max_duration,
        max_distance_km=row.max_distance_km,
        max_stops=row.max_stops,
        break_rule=(
            BreakRule(row.break_after_driving, row.break_duration)  # type: ignore[arg-type]
            if has_break
            else None
        ),
        active=row.active,
    )


def driver_values(driver: Driver) -> Values:
    """Column values of a driver."""
    return {
        "name": driver.name,
        "phone": driver.phone,
        "device_id": driver.device_id,
        "vehicle_id": driver.vehicle_id,
    }


def driver_from_row(row: DriverRow) -> Driver:
    """The driver stored in a row."""
    return Driver(
        id=DriverId(row.id),
        name=row.name,
        phone=row.phone,
        device_id=row.device_id,
        vehicle_id=VehicleId(row.vehicle_id) if row.vehicle_id is not None else None,
    )


def customer_values(customer: Customer) -> Values:
    """Column values of a customer (receiving hours go to ``hours_values``)."""
    return {
        "name": customer.name,
        "address": customer.address,
        "lat": customer.location.lat,
        "lon": customer.location.lon,
        "service_minutes": customer.service_minutes,
        "skills": skills_value(customer.skills),
        "contact_name": customer.contact_name,
        "email": customer.email,
        "phone": customer.phone,
        "notes": customer.notes,
    }


def hours_values(customer_id: int, hours: WeeklyHours) -> list[Values]:
    """Rows of ``customer_hours`` for one customer's week."""
    if len(hours) != DAYS_PER_WEEK:
        raise ValueError(f"receiving hours need 7 weekdays, got {len(hours)}")
    return [
        {"customer_id": customer_id, "weekday": day, "start": w.start, "end": w.end}
        for day, windows in enumerate(hours)
        for w in windows
    ]


def weekly_hours_by_customer(
    rows: Iterable[CustomerHoursRow],
) -> dict[int, WeeklyHours]:
    """Group hour rows into each customer's week, windows sorted by start."""
    days: dict[int, list[list[TimeWindow]]] = defaultdict(
        lambda: [[] for _ in range(DAYS_PER_WEEK)]
    )
    for row in rows:
        days[row.customer_id][row.weekday].append(TimeWindow(row.start, row.end))
    return {
        cid: tuple(tuple(sorted(day)) for day in week) for cid, week in days.items()
    }


CLOSED_WEEK: WeeklyHours = ((),) * DAYS_PER_WEEK
"""A week with no receiving hours (a customer stored without hour rows)."""


def customer_from_row(row: CustomerRow, hours: WeeklyHours) -> Customer:
    """The customer stored in a row, with its week of receiving hours."""
    return Customer(
        id=CustomerId(row.id),
        name=row.name,
        address=row.address,
        location=Location(row.lat, row.lon),
        receiving_hours=hours,
        service_minutes=row.service_minutes,
        skills=frozenset(row.skills),
        contact_name=row.contact_name,
        email=row.email,
        phone=row.phone,
        notes=row.notes,
    )


def order_values(order: Order) -> Values:
    """Column values of an order (windows go to ``window_values``)."""
    return {
        "reference": order.reference,
        "customer_id": order.customer_id,
        "date": order.date,
        "demand_kg": order.demand.kg,
        "demand_m3": order.demand.m3,
        "demand_pallets": order.demand.pallets,
        "service_minutes": order.service_minutes,
        "kind": order.kind.value,
        "priority": order.priority.value,
        "skills": skills_value(order.skills),
        "status": order.status.value,
        "attempt": order.attempt,
        "rebook_of": order.rebook_of,
        "notes": order.notes,
        "version": order.version,
    }


def window_values(order_id: int, windows: Iterable[TimeWindow]) -> list[Values]:
    """Rows of ``order_windows`` for one order."""
    return [{"order_id": order_id, "start": w.start, "end": w.end} for w in windows]


def windows_by_order(
    rows: Iterable[OrderWindowRow],
) -> dict[int, tuple[TimeWindow, ...]]:
    """Group window rows by order, each order's windows sorted."""
    grouped: dict[int, list[TimeWindow]] = defaultdict(list)
    for row in rows:
        grouped[row.order_id].append(TimeWindow(row.start, row.end))
    return {oid: tuple(sorted(ws)) for oid, ws in grouped.items()}


def order_from_row(row: OrderRow, windows: tuple[TimeWindow, ...]) -> Order:
    """The order stored in a row, with its time windows."""
    return Order(
        id=OrderId(row.id),
        reference=row.reference,
        customer_id=CustomerId(row.customer_id),
        date=row.date,
        demand=Load(row.demand_kg, row.demand_m3, row.demand_pallets),
        windows=windows,
        service_minutes=row.service_minutes,
        kind=OrderKind(row.kind),
        priority=Priority(row.priority),
        skills=frozenset(row.skills),
        status=OrderStatus(row.status),
        attempt=row.attempt,
        rebook_of=OrderId(row.rebook_of) if row.rebook_of is not None else None,
        notes=row.notes,
        version=row.version,
    )


def route_content(route: Route) -> tuple[object, ...]:
    """Everything saved for a route except ids and version: equal means unchanged.

    Stops are compared by order and position, since stop ids are assigned by
    the store and a caller may not have them yet.
    """
    return (
        route.vehicle_id,
        route.driver_id,
        route.status,
        route.locked,
        tuple(stop_content(s) for s in route.stops),
    )


def stop_content(stop: Stop | StopRow) -> tuple[object, ...]:
    """What ``route_content`` compares of one stop (a ``Stop`` or a stop record).

    Stop records have the attribute names of ``Stop``, so stored content is read
    straight from them without building a ``Stop`` per row.
    """
    return (
        stop.order_id,
        stop.locked,
        stop.planned_arrival,
        stop.planned_departure,
        stop.actual_arrival,
        stop.actual_departure,
    )


def route_values(route: Route) -> Values:
    """Column values of a route (its version is set by the repository)."""
    return {
        "date": route.date,
        "vehicle_id": route.vehicle_id,
        "driver_id": route.driver_id,
        "status": route.status.value,
        "locked": route.locked,
    }


STOP_COLUMNS = (
    "route_id",
    "order_id",
    "sequence",
    "locked",
    "planned_arrival",
    "planned_departure",
    "actual_arrival",
    "actual_departure",
)
"""The columns ``stop_values`` fills."""


def stop_values(route_id: int, sequence: int, stop: Stop) -> Values:
    """Column values of a stop at position ``sequence`` of a route."""
    return {
        "route_id": route_id,
        "order_id": stop.order_id,
        "sequence": sequence,
        "locked": stop.locked,
        "planned_arrival": stop.planned_arrival,
        "planned_departure": stop.planned_departure,
        "actual_arrival": stop.actual_arrival,
        "actual_departure": stop.actual_departure,
    }


def stop_from_row(row: StopRow) -> Stop:
    """The stop stored in a row."""
    return Stop(
        id=StopId(row.id),
        order_id=OrderId(row.order_id),
        sequence=row.sequence,
        locked=row.locked,
        planned_arrival=row.planned_arrival,
        planned_departure=row.planned_departure,
        actual_arrival=row.actual_arrival,
        actual_departure=row.actual_departure,
    )


def route_from_row(row: RouteRow, stops: tuple[Stop, ...]) -> Route:
    """The route stored in a row, with its stops in driving order."""
    return Route(
        id=RouteId(row.id),
        date=row.date,
        vehicle_id=VehicleId(row.vehicle_id),
        stops=stops,
        driver_id=DriverId(row.driver_id) if row.driver_id is not None else None,
        status=RouteStatus(row.status),
        locked=row.locked,
        version=row.version,
    )


def outcome_values(outcome: Outcome) -> Values:
    """Column values of an outcome."""
    where = outcome.location
    return {
        "order_id": outcome.order_id,
        "attempt": outcome.attempt,
        "result": outcome.result.value,
        "at": outcome.at,
        "route_id": outcome.route_id,
        "reason": outcome.reason.value if outcome.reason is not None else None,
        "note": outcome.note,
        "recipient": outcome.recipient,
        "lat": where.lat if where else None,
        "lon": where.lon if where else None,
    }


def outcome_from_row(row: OutcomeRow) -> Outcome:
    """The outcome stored in a row."""
    has_place = row.lat is not None and row.lon is not None
    return Outcome(
        id=row.id,
        order_id=OrderId(row.order_id),
        attempt=row.attempt,
        result=OutcomeResult(row.result),
        at=row.at,
        route_id=RouteId(row.route_id) if row.route_id is not None else None,
        reason=FailureReason(row.reason) if row.reason is not None else None,
        note=row.note,
        recipient=row.recipient,
        location=Location(row.lat, row.lon) if has_place else None,  # type: ignore[arg-type]
    )


def change_values(change: Change) -> Values:
    """Column values of a change-log row."""
    return {
        "at": change.at,
        "user": change.user,
        "entity": change.entity,
        "entity_id": change.entity_id,
        "action": change.action.value,
        "plan_date": change.plan_date,
        "before": change.before,
        "after": change.after,
    }


def change_from_row(row: ChangeRow) -> Change:
    """The change stored in a row."""
    return Change(
        id=row.id,
        at=row.at,
        user=row.user,
        entity=row.entity,
        entity_id=row.entity_id,
        action=ChangeAction(row.action),
        plan_date=row.plan_date,
        before=row.before,
        after=row.after,
    )


def user_values(user: User) -> Values:
    """Column values of a user."""
    return {
        "login": user.login,
        "name": user.name,
        "role": user.role.value,
        "active": user.active,
    }


def user_from_row(row: UserRow) -> User:
    """The user stored in a row."""
    return User(
        id=UserId(row.id),
        login=row.login,
        name=row.name,
        role=Role(row.role),
        active=row.active,
    )
