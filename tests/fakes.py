"""In-memory fakes of the storage ports, for unit tests of the pure core.

``FakeStore`` holds the committed state; each ``FakeUnitOfWork`` works on a deep
copy and writes it back only on ``commit``, so rollback semantics match the real
adapter. Version checks behave like the database's: a stale plan or order
raises the same domain errors.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dispatcher.errors import ConcurrencyConflict, NotFound, StalePlan
from dispatcher.model import Plan, Role, StopId
from dispatcher.ports import NEW_ID

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence
    from types import TracebackType

    from dispatcher.model import (
        Change,
        ChangeQuery,
        Customer,
        CustomerId,
        Depot,
        Driver,
        Order,
        OrderId,
        OrderStatus,
        Outcome,
        User,
        Vehicle,
    )


def _with_id(entity: Any, counter: itertools.count[int]) -> Any:
    """The entity with a fresh id if it has the placeholder id."""
    if entity.id == NEW_ID:
        return dataclasses.replace(entity, id=next(counter))
    return entity


@dataclass
class FakeStore:
    """Committed state shared by every unit of work of one fake database."""

    depots: dict[int, Depot] = field(default_factory=dict)
    vehicles: dict[int, Vehicle] = field(default_factory=dict)
    drivers: dict[int, Driver] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    plans: dict[dt.date, Plan] = field(default_factory=dict)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    changes: dict[int, Change] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    commits: int = 0


class _Fleet:
    def __init__(self, state: FakeStore) -> None:
        self._s = state

    def depots(self) -> list[Depot]:
        return [self._s.depots[k] for k in sorted(self._s.depots)]

    def vehicles(self, *, active_only: bool = False) -> list[Vehicle]:
        found = [self._s.vehicles[k] for k in sorted(self._s.vehicles)]
        return [v for v in found if v.active or not active_only]

    def drivers(self) -> list[Driver]:
        return [self._s.drivers[k] for k in sorted(self._s.drivers)]

    def add_depot(self, depot: Depot) -> Depot:
        stored = _with_id(depot, self._s.ids)
        self._s.depots[stored.id] = stored
        return stored  # type: ignore[no-any-return]

    def add_vehicle(self, vehicle: Vehicle) -> Vehicle:
        stored = _with_id(vehicle, self._s.ids)
        self._s.vehicles[stored.id] = stored
        return stored  # type: ignore[no-any-return]

    def add_driver(self, driver: Driver) -> Driver:
        stored = _with_id(driver, self._s.ids)
        self._s.drivers[stored.id] = stored
        return stored  # type: ignore[no-any-return]


class _Customers:
    def __init__(self, state: FakeStore) -> None:
        self._s = state

    def get(self, customer_id: CustomerId) -> Customer:
        try:
            return self._s.customers[customer_id]
        except KeyError:
            raise NotFound(f"customer {customer_id} does not exist") from None

    def list(self, ids: Iterable[CustomerId] | None = None) -> list[Customer]:
        keys = sorted(self._s.customers) if ids is None else sorted(set(ids))
        return [self._s.customers[k] for k in keys if k in self._s.customers]

    def add_many(self, customers: Sequence[Customer]) -> list[Customer]:
        stored = [_with_id(c, self._s.ids) for c in customers]
        self._s.customers.update((c.id, c) for c in stored)
        return stored

    def update(self, customer: Customer) -> Customer:
        self.get(customer.id)
        self._s.customers[customer.id] = customer
        return customer


class _Orders:
    def __init__(self, state: FakeStore) -> None:
        self._s = state

    def get(self, order_id: OrderId) -> Order:
        try:
            return self._s.orders[order_id]
        except KeyError:
            raise NotFound(f"order {order_id} does not exist") from None

    def for_date(
        self, day: dt.date, statuses: Iterable[OrderStatus] | None = None
    ) -> list[Order]:
        wanted = None if statuses is None else set(statuses)
        return [
            o
            for k, o in sorted(self._s.orders.items())
            if o.date == day and (wanted is None or o.status in wanted)
        ]

    def between(self, first: dt.date, last: dt.date) -> list[Order]:
        found = [o for o in self._s.orders.values() if first <= o.date <= last]
        return sorted(found, key=lambda o: (o.date, o.id))

    def add_many(self, orders: Sequence[Order]) -> list[Order]:
        stored = [_with_id(o, self._s.ids) for o in orders]
        self._s.orders.update((o.id, o) for o in stored)
        return stored

    def update(self, order: Order) -> Order:
        current = self.get(order.id)
        if current.version != order.version:
            raise ConcurrencyConflict(
                f"order {current.reference} was changed by someone else; reload it"
            )
        saved = dataclasses.replace(order, version=order.version + 1)
        self._s.orders[order.id] = saved
        return saved

    def update_many(self, orders: Sequence[Order]) -> list[Order]:
        return [self.update(o) for o in orders]


class _Plans:
    def __init__(self, state: FakeStore) -> None:
        self._s = state

    def get(self, day: dt.date) -> Plan:
        return self._s.plans.get(day, Plan(date=day))

    def save(self, plan: Plan) -> Plan:
        current = self.get(plan.date)
        if current.version != plan.version:
            raise StalePlan(f"the plan of {plan.date} was changed by someone else")
        old_routes = {r.id: r for r in current.routes}
        routes = []
        for route in plan.routes:
            route = _with_id(route, self._s.ids)
            stops = tuple(
                dataclasses.replace(s, id=StopId(next(self._s.ids)))
                if s.id == NEW_ID
                else s
                for s in route.stops
            )
            route = dataclasses.replace(route, stops=stops)
            previous = old_routes.get(route.id)
            if previous is not None and previous != route:
                route = dataclasses.replace(route, version=previous.version + 1)
            routes.append(route)
        saved = dataclasses.replace(
            plan, routes=tuple(routes), version=plan.version + 1
        )
        self._s.plans[plan.date] = saved
        return saved

    def dates(self) -> list[dt.date]:
        return sorted(self._s.plans)


class _Outcomes:
    def __init__(self, state: FakeStore) -> None:
        self._s = state

    def add_many(self, outcomes: Sequence[Outcome]) -> list[Outcome]:
        stored = [_with_id(o, self._s.ids) for o in outcomes]
        self._s.outcomes.update((o.id, o) for o in stored)
        return stored

    def for_orders(self, order_ids: Iterable[OrderId]) -> list[Outcome]:
        wanted = set(order_ids)
        found = [o for o in self._s.outcomes.values() if o.order_id in wanted]
        return sorted(found, key=lambda o: (o.at, o.id))


class _Changes:
    def __init__(self, state: FakeStore) -> None:
        self._s = state

    def add(self, change: Change) -> Change:
        stored = _with_id(change, self._s.ids)
        self._s.changes[stored.id] = stored
        return stored  # type: ignore[no-any-return]

    def add_many(self, changes: Sequence[Change]) -> list[Change]:
        return [self.add(c) for c in changes]

    def since(self, change_id: int, limit: int = 1000) -> list[Change]:
        return [self._s.changes[k] for k in sorted(self._s.changes) if k > change_id][
            :limit
        ]

    def for_entity(self, entity: str, entity_id: str) -> list[Change]:
        return [
            c
            for k, c in sorted(self._s.changes.items())
            if c.entity == entity and c.entity_id == entity_id
        ]

    def search(self, query: ChangeQuery) -> list[Change]:
        def matches(c: Change) -> bool:
            text = f"{c.user} {c.entity_id} {c.before} {c.after}".lower()
            return (
                query.entity in (None, c.entity)
                and query.entity_id in (None, c.entity_id)
                and query.plan_date in (None, c.plan_date)
                and query.user in (None, c.user)
                and (query.since is None or c.at >= query.since)
                and (query.until is None or c.at < query.until)
                and all(word in text for word in query.text.lower().split())
            )

        found = [c for _, c in sorted(self._s.changes.items()) if matches(c)]
        return found[::-1][: query.limit]


class _Users:
    def __init__(self, state: FakeStore) -> None:
        self._s = state

    def by_login(self, login: str) -> User | None:
        return next((u for u in self._s.users.values() if u.login == login), None)

    def add(self, user: User) -> User:
        stored = _with_id(user, self._s.ids)
        self._s.users[stored.id] = stored
        return stored  # type: ignore[no-any-return]

    def update(self, user: User) -> User:
        if user.id not in self._s.users:
            raise NotFound(f"User {user.login} does not exist")
        self._s.users[user.id] = user
        return user

    def list(self) -> list[User]:
        return sorted(self._s.users.values(), key=lambda u: u.login)


class FakeUnitOfWork:
    """A unit of work over a private copy of a ``FakeStore``."""

    def __init__(
        self,
        store: FakeStore,
        actor: str = "tester",
        newcomer_role: Role | None = Role.ADMIN,
    ) -> None:
        self._store = store
        self.actor = actor
        self.newcomer_role = newcomer_role
        self.committed = False

    def __enter__(self) -> FakeUnitOfWork:
        self._state = copy.deepcopy(self._store)
        self._state.ids = self._store.ids  # ids stay unique across units of work
        self.fleet = _Fleet(self._state)
        self.customers = _Customers(self._state)
        self.orders = _Orders(self._state)
        self.plans = _Plans(self._state)
        self.outcomes = _Outcomes(self._state)
        self.changes = _Changes(self._state)
        self.users = _Users(self._state)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Uncommitted work lived only in the private copy, so dropping it is enough."""
        del self._state

    def commit(self) -> None:
        """Write the private copy back to the store."""
        for f in dataclasses.fields(FakeStore):
            if f.name not in ("ids", "commits"):
                setattr(
                    self._store, f.name, copy.deepcopy(getattr(self._state, f.name))
                )
        self._store.commits += 1
        self.committed = True

    def rollback(self) -> None:
        """Forget uncommitted work by starting from the store again."""
        self.__enter__()


def fake_uow_factory(
    store: FakeStore | None = None,
    actor: str = "tester",
    newcomer_role: Role | None = Role.ADMIN,
) -> Any:
    """A ``UnitOfWorkFactory`` over one shared fake store (exposed as ``.store``).

    ``actor`` acts as ``newcomer_role`` unless the store's users say otherwise.
    """
    shared = store if store is not None else FakeStore()

    def factory() -> FakeUnitOfWork:
        return FakeUnitOfWork(shared, actor, newcomer_role)

    factory.store = shared  # type: ignore[attr-defined]
    return factory
