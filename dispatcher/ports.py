"""Ports: the small Protocols through which the core talks to storage.

The ``db`` package implements them with SQLAlchemy; unit tests implement them
with in-memory fakes. Conventions every adapter follows:

* Repositories return domain values (``dispatcher.model``), never ORM objects.
* ``add`` takes an entity whose ``id`` is ``NEW_ID`` and returns it with the id
  the store gave it; ``add_many`` does the same for a batch, in order.
* Nothing is durable until ``UnitOfWork.commit``; leaving the ``with`` block
  without committing rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    import builtins
    import datetime as dt
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
        Plan,
        Role,
        User,
        Vehicle,
    )

NEW_ID = 0
"""Placeholder id of an entity that has not been stored yet."""


class FleetRepository(Protocol):
    """Depots, vehicles and drivers."""

    def depots(self) -> list[Depot]:
        """All depots, by id."""
        ...

    def vehicles(self, *, active_only: bool = False) -> list[Vehicle]:
        """All vehicles, by id."""
        ...

    def drivers(self) -> list[Driver]:
        """All drivers, by id."""
        ...

    def add_depot(self, depot: Depot) -> Depot:
        """Store a new depot."""
        ...

    def add_vehicle(self, vehicle: Vehicle) -> Vehicle:
        """Store a new vehicle."""
        ...

    def add_driver(self, driver: Driver) -> Driver:
        """Store a new driver."""
        ...


class CustomerRepository(Protocol):
    """B2B customers."""

    def get(self, customer_id: CustomerId) -> Customer:
        """One customer; raises ``NotFound``."""
        ...

    def list(self, ids: Iterable[CustomerId] | None = None) -> builtins.list[Customer]:
        """Customers by id (all when ``ids`` is None)."""
        ...

    def add_many(self, customers: Sequence[Customer]) -> builtins.list[Customer]:
        """Store new customers."""
        ...

    def update(self, customer: Customer) -> Customer:
        """Overwrite a stored customer."""
        ...


class OrderRepository(Protocol):
    """Orders, with optimistic version checks on update."""

    def get(self, order_id: OrderId) -> Order:
        """One order; raises ``NotFound``."""
        ...

    def for_date(
        self, day: dt.date, statuses: Iterable[OrderStatus] | None = None
    ) -> list[Order]:
        """Orders of a date (optionally only some statuses), by id."""
        ...

    def between(self, first: dt.date, last: dt.date) -> list[Order]:
        """Orders dated ``first`` to ``last`` inclusive, by date then id."""
        ...

    def add_many(self, orders: Sequence[Order]) -> list[Order]:
        """Store new orders."""
        ...

    def update(self, order: Order) -> Order:
        """Save an edited order whose ``version`` is the one it was read at.

        Returns the order with its new version; raises ``ConcurrencyConflict``
        if the stored version moved on.
        """
        ...

    def update_many(self, orders: Sequence[Order]) -> list[Order]:
        """``update`` for many orders in one go (in input order); all or nothing."""
        ...


class PlanRepository(Protocol):
    """Plans: the routes and stops of one date, versioned as a whole."""

    def get(self, day: dt.date) -> Plan:
        """The plan of a date (an empty version-0 plan if none is stored)."""
        ...

    def save(self, plan: Plan) -> Plan:
        """Replace the stored routes of ``plan.date``.

        ``plan.version`` must equal the stored version; the returned plan has the
        next version and the ids the store gave to new routes and stops. Raises
        ``StalePlan`` if somebody else saved the date in between.
        """
        ...

    def dates(self) -> list[dt.date]:
        """Every date that has a stored plan, ascending."""
        ...


class OutcomeRepository(Protocol):
    """Attempt outcomes (delivered, failed with reason, ...)."""

    def add_many(self, outcomes: Sequence[Outcome]) -> list[Outcome]:
        """Store new outcomes."""
        ...

    def for_orders(self, order_ids: Iterable[OrderId]) -> list[Outcome]:
        """Outcomes of the given orders, oldest first."""
        ...


class ChangeRepository(Protocol):
    """The append-only change log."""

    def add(self, change: Change) -> Change:
        """Append a change row."""
        ...

    def add_many(self, changes: Sequence[Change]) -> list[Change]:
        """Append many change rows, in order."""
        ...

    def since(self, change_id: int, limit: int = 1000) -> list[Change]:
        """Changes with an id above ``change_id``, oldest first."""
        ...

    def for_entity(self, entity: str, entity_id: str) -> list[Change]:
        """The history of one entity, oldest first."""
        ...

    def search(self, query: ChangeQuery) -> list[Change]:
        """The rows matching ``query``, newest first, at most ``query.limit``."""
        ...


class UserRepository(Protocol):
    """Users and their roles."""

    def by_login(self, login: str) -> User | None:
        """The user with this login, if any."""
        ...

    def add(self, user: User) -> User:
        """Store a new user."""
        ...

    def update(self, user: User) -> User:
        """Overwrite a stored user (name, role, active); raises ``NotFound``."""
        ...

    def list(self) -> builtins.list[User]:
        """All users, by login."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository.

    ``actor`` is the login of whoever acts; services stamp it on change rows
    and check its role (``dispatcher.permissions``). ``newcomer_role`` is the
    role a login unknown to the users table gets on first use (it is added
    then); None refuses unknown logins once the table has any user.
    """

    actor: str
    newcomer_role: Role | None
    fleet: FleetRepository
    customers: CustomerRepository
    orders: OrderRepository
    plans: PlanRepository
    outcomes: OutcomeRepository
    changes: ChangeRepository
    users: UserRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make everything done in this unit durable."""
        ...

    def rollback(self) -> None:
        """Discard everything done since the last commit."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work; services open one per use case."""
