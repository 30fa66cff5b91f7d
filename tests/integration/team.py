"""A stored day and a team of users with every role, for shared-mode tests."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.model import (
    Role,
    User,
    UserId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.integration import seed

if TYPE_CHECKING:
    from db.database import Database
    from dispatcher.model import CustomerId, OrderId, VehicleId
    from dispatcher.ports import UnitOfWorkFactory

TEAM: dict[str, Role] = {
    "ada": Role.ADMIN,
    "anna": Role.DISPATCHER,
    "ben": Role.DISPATCHER,
    "mia": Role.MANAGER,
    "sam": Role.STAFF,
}
"""Logins of the team and their roles."""


@dataclass(frozen=True)
class TeamDay:
    """``b.DAY`` stored: Van 1 drives ORD-0..2, Van 2 ORD-3; ORD-4, ORD-5 are new."""

    database: Database
    vans: list[VehicleId]
    orders: list[OrderId]
    customer: CustomerId

    def as_user(self, login: str) -> UnitOfWorkFactory:
        """Units of work acting as ``login``."""
        return dataclasses.replace(self.database, actor=login).uow_factory


def add_team(database: Database) -> None:
    """Store the users of ``TEAM``."""
    with database.uow_factory() as uow:
        for login, role in TEAM.items():
            uow.users.add(User(UserId(NEW_ID), login, login.title(), role))
        uow.commit()


def team_day(database: Database) -> TeamDay:
    """Store the day of ``TeamDay`` and the users of ``TEAM``."""
    add_team(database)
    with database.uow_factory() as uow:
        vans, customer, orders = seed.two_routes(uow)
        uow.commit()
    return TeamDay(database, [v.id for v in vans], [o.id for o in orders], customer.id)


def stored_state(factory: UnitOfWorkFactory) -> tuple[object, ...]:
    """Everything an edit could write: plan, orders, customers, change rows."""
    with factory() as uow:
        plan = uow.plans.get(b.DAY)
        orders = uow.orders.for_date(b.DAY)
        customers = uow.customers.list()
        changes = uow.changes.since(0, limit=100_000)
        users = uow.users.list()
    return (plan, orders, customers, [c.id for c in changes], users)
