"""``generate``: build a whole demo data set from a ``DemoConfig``.

The generator walks the calendar. Each history day gets its new orders plus the
ones carried over or rebooked from earlier days; they are routed with the demo's
constructive heuristic, executed with noise (``execution``), and what failed is
rebooked onto a later day (or left in the staff's queue if it failed just
before "today"). "Today" is routed the same way but not executed: its routes are
planned, the orders no route could take stay new. "Tomorrow" stays unplanned.
Same config, same data: every random draw comes from a stream named after the
seed and what it is for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from typing import TYPE_CHECKING

from dispatcher.demo.construct import build_routes
from dispatcher.demo.customers import build_customers
from dispatcher.demo.dataset import DemoDataset
from dispatcher.demo.execution import execute_route
from dispatcher.demo.fleet import build_fleet
from dispatcher.demo.names import ascii_slug, person_name
from dispatcher.demo.orders import WEEKDAY_VOLUME, OrderFactory
from dispatcher.demo.sampling import bounded_gauss, stream
from dispatcher.model import (
    DriverId,
    FailureReason,
    Order,
    OrderId,
    OrderStatus,
    Outcome,
    Plan,
    Priority,
    Role,
    Route,
    RouteId,
    RouteStatus,
    Stop,
    StopId,
    User,
    UserId,
    VehicleId,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from dispatcher.demo.config import DemoConfig
    from dispatcher.demo.construct import BuiltRoute, Construction
    from dispatcher.demo.execution import StopResult
    from dispatcher.demo.fleet import Fleet

ABSENCE = 0.05
"""Chance that a driver is off (holiday, sick) on a given day."""
MAX_ATTEMPTS = 3
"""After this many failed attempts the goods go back to the shipper."""
MAX_CARRY_OVERS = 3
"""An order no route could take this often is cancelled."""
QUEUE_KEPT = 0.5
"""Share of the last working day's failures still waiting in the rebooking queue."""

GIVE_UP = {FailureReason.REFUSED: 0.5, FailureReason.DAMAGED: 0.7}
"""Failures that often end the order (cancelled, goods returned) instead of a rebook."""


def _volume(config: DemoConfig, day: dt.date, *, noisy: bool) -> int:
    """New orders on ``day``: the weekday's share, with day-to-day noise in history."""
    share = WEEKDAY_VOLUME[day.weekday()]
    if noisy:
        share *= bounded_gauss(
            stream(config.seed, "volume", day), 1.0, 0.05, 0.85, 1.15
        )
    return round(config.orders_per_day * share)


class _Generator:
    """The state of one run: ids handed out, orders so far, pending work."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self.fleet: Fleet = build_fleet(config)
        self.customers, traits = build_customers(config, self.fleet)
        self.customer_by_id = {c.id: c for c in self.customers}
        self.depot_by_id = {d.id: d for d in self.fleet.depots}
        self.pedestrian = frozenset(
            c.id
            for c, t in zip(self.customers, traits, strict=True)
            if t.district.pedestrian
        )
        self._order_ids = itertools.count(1)
        self._route_ids = itertools.count(1)
        self._stop_ids = itertools.count(1)
        self._outcome_ids = itertools.count(1)
        self.factory = OrderFactory(
            config.seed,
            self.customers,
            traits,
            self.fleet.vehicles,
            lambda: next(self._order_ids),
        )
        self.orders: dict[OrderId, Order] = {}
        self.pending: dict[dt.date, list[Order]] = defaultdict(list)
        self.carried: dict[OrderId, int] = defaultdict(int)
        self.plans: list[Plan] = []
        self.outcomes: list[Outcome] = []

    # -- one day -----------------------------------------------------------

    def orders_of(self, day: dt.date, *, history: bool) -> list[Order]:
        """New orders of ``day`` plus those moved to it from earlier days."""
        fresh = self.factory.fresh(day, _volume(self.config, day, noisy=history))
        moved = self.pending.pop(day, [])
        for order in [*fresh, *moved]:
            self.orders[order.id] = order
        return fresh + sorted(moved, key=lambda o: o.id)

    def route(self, orders: Sequence[Order]) -> Construction:
        """Routes for one day's orders."""
        return build_routes(
            orders, self.customer_by_id, self.fleet.vehicles, self.depot_by_id
        )

    def carry_over(self, day: dt.date, orders: Sequence[Order]) -> None:
        """Move orders no route could take to the next day they can be served."""
        rng = stream(self.config.seed, "carry", day)
        for order in orders:
            self.carried[order.id] += 1
            moved = None
            if self.carried[order.id] <= MAX_CARRY_OVERS:
                moved = self.factory.next_open_move(order, day, rng)
            if moved is None:
                self.orders[order.id] = dataclasses.replace(
                    order, status=OrderStatus.CANCELLED
                )
                continue
            if moved.priority in (Priority.NORMAL, Priority.OPTIONAL):
                moved = dataclasses.replace(moved, priority=Priority.HIGH)
            self.orders[order.id] = moved
            self.pending[moved.date].append(moved)

    def drivers_of(self, day: dt.date) -> dict[VehicleId, DriverId]:
        """Who drives which vehicle on ``day``: regulars, spares for absentees."""
        rng = stream(self.config.seed, "drivers", day)
        spares = [d.id for d in self.fleet.spare_drivers]
        crew: dict[VehicleId, DriverId] = {}
        for vehicle_id, driver in sorted(self.fleet.regular_drivers.items()):
            absent = rng.random() < ABSENCE
            crew[vehicle_id] = spares.pop(0) if absent and spares else driver.id
        return crew

    def plan(
        self, day: dt.date, built: Sequence[BuiltRoute], status: RouteStatus
    ) -> Plan:
        """The plan of ``day`` for built routes (planned times filled in)."""
        crew = self.drivers_of(day)
        routes = tuple(
            Route(
                id=RouteId(next(self._route_ids)),
                date=day,
                vehicle_id=b.vehicle.id,
                stops=tuple(
                    Stop(
                        id=StopId(next(self._stop_ids)),
                        order_id=order.id,
                        sequence=position,
                        planned_arrival=round(timing.arrival, 2),
                        planned_departure=round(timing.departure, 2),
                    )
                    for position, (order, timing) in enumerate(
                        zip(b.orders, b.schedule.stops, strict=True), start=1
                    )
                ),
                driver_id=crew.get(b.vehicle.id),
                status=status,
            )
            for b in built
        )
        return Plan(date=day, routes=routes)

    def execute(self, day: dt.date, built: Sequence[BuiltRoute], plan: Plan) -> Plan:
        """Drive the day's routes; returns the plan with actual times filled in."""
        routes = []
        for b, route in zip(built, plan.routes, strict=True):
            rng = stream(self.config.seed, "execution", day, b.vehicle.id)
            results = execute_route(b, day, self.customer_by_id, self.pedestrian, rng)
            for result in results:
                self._record(day, route.id, result)
            stops = tuple(
                dataclasses.replace(
                    stop,
                    actual_arrival=result.actual_arrival,
                    actual_departure=result.actual_departure,
                )
                for stop, result in zip(route.stops, results, strict=True)
            )
            routes.append(dataclasses.replace(route, stops=stops))
        return dataclasses.replace(plan, routes=tuple(routes))

    def _record(self, day: dt.date, route_id: RouteId, result: StopResult) -> None:
        """Store the outcome of a stop and settle its order."""
        order = result.order
        self.outcomes.append(
            Outcome(
                id=next(self._outcome_ids),
                order_id=order.id,
                attempt=order.attempt,
                result=result.result,
                at=result.at,
                route_id=route_id,
                reason=result.reason,
                note=result.note,
                recipient=result.recipient,
                location=result.location,
            )
        )
        if result.reason is None:
            self.orders[order.id] = dataclasses.replace(
                order, status=OrderStatus.DELIVERED
            )
            return
        self.orders[order.id] = self._after_failure(day, order, result.reason)

    def _after_failure(
        self, day: dt.date, order: Order, reason: FailureReason
    ) -> Order:
        """The failed order's final status; queues its rebooking if there is one."""
        rng = stream(self.config.seed, "rebook", order.id)
        if order.attempt >= MAX_ATTEMPTS or rng.random() < GIVE_UP.get(reason, 0.0):
            status = (
                OrderStatus.CANCELLED
                if reason is FailureReason.REFUSED
                else OrderStatus.RETURNED
            )
            return dataclasses.replace(order, status=status)
        recent = all(
            d.weekday() >= 5
            for d in _days(day + dt.timedelta(days=1), self.config.date)
        )
        if recent and rng.random() < QUEUE_KEPT:
            return dataclasses.replace(order, status=OrderStatus.TO_REBOOK)
        skip = 1 if rng.random() < 0.3 else 0
        moved = self.factory.next_open_move(order, day, rng, skip=skip)
        if moved is None:
            return dataclasses.replace(order, status=OrderStatus.TO_REBOOK)
        base = order.reference.split("-R")[0]
        follow_up = dataclasses.replace(
            moved,
            id=OrderId(next(self._order_ids)),
            reference=f"{base}-R{order.attempt + 1}",
            attempt=order.attempt + 1,
            rebook_of=order.id,
            priority=Priority.HIGH
            if order.priority is not Priority.MUST
            else order.priority,
            status=OrderStatus.NEW,
        )
        self.pending[follow_up.date].append(follow_up)
        return dataclasses.replace(order, status=OrderStatus.REBOOKED)

    # -- the whole run -----------------------------------------------------

    def run(self) -> DemoDataset:
        """Generate history, today and tomorrow."""
        today = self.config.date
        for day in _days(today - dt.timedelta(days=self.config.history_days), today):
            orders = self.orders_of(day, history=True)
            if not orders:
                continue
            construction = self.route(orders)
            self.carry_over(day, construction.unassigned)
            if construction.routes:
                plan = self.plan(day, construction.routes, RouteStatus.DONE)
                self.plans.append(self.execute(day, construction.routes, plan))

        construction = self.route(self.orders_of(today, history=False))
        if construction.routes:
            self.plans.append(
                self.plan(today, construction.routes, RouteStatus.PLANNED)
            )
            for built in construction.routes:
                for order in built.orders:
                    self.orders[order.id] = dataclasses.replace(
                        order, status=OrderStatus.PLANNED
                    )
        self.orders_of(today + dt.timedelta(days=1), history=False)
        # Rebookings beyond tomorrow wait as new orders on their own dates.
        for later in sorted(self.pending):
            for order in self.pending.pop(later):
                self.orders[order.id] = order

        return DemoDataset(
            config=self.config,
            depots=self.fleet.depots,
            vehicles=self.fleet.vehicles,
            drivers=self.fleet.drivers,
            customers=self.customers,
            orders=tuple(self.orders[k] for k in sorted(self.orders)),
            plans=tuple(self.plans),
            outcomes=tuple(self.outcomes),
            users=_users(self.config),
        )


def _days(first: dt.date, stop: dt.date) -> Iterator[dt.date]:
    """Every date from ``first`` up to but not including ``stop``."""
    day = first
    while day < stop:
        yield day
        day += dt.timedelta(days=1)


def _users(config: DemoConfig) -> tuple[User, ...]:
    """A manager and a member of staff to sign in as."""
    rng = stream(config.seed, "users")
    users = []
    for i, role in enumerate((Role.MANAGER, Role.STAFF), start=1):
        name = person_name(rng)
        first, _, last = name.partition(" ")
        login = f"{ascii_slug(first)[:1]}.{ascii_slug(last, '-')}"
        users.append(User(id=UserId(i), login=login, name=name, role=role))
    return tuple(users)


def generate(config: DemoConfig) -> DemoDataset:
    """Build a complete, realistic demo data set.

    Parameters
    ----------
    config
        Date, seed and sizes; equal configs give equal data sets.

    Returns
    -------
    DemoDataset
        Fleet, customers, users, ``history_days`` of executed history before
        ``config.date``, the planned orders of that date and the open orders of
        the next, all with local ids.
    """
    return _Generator(config).run()
