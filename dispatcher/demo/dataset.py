"""The generated demo data: plain domain values that refer to each other by
local ids (1, 2, ... per kind), ready to be written through the ports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from dispatcher.demo.config import DemoConfig
    from dispatcher.model import (
        Customer,
        Depot,
        Driver,
        Order,
        Outcome,
        Plan,
        User,
        Vehicle,
    )


@dataclass(frozen=True, slots=True)
class DemoDataset:
    """Everything one demo database holds, before storage gives it real ids.

    Ids are local: ``Vehicle.depot_id``, ``Order.customer_id``,
    ``Order.rebook_of``, a stop's ``order_id``, a route's ``vehicle_id`` and
    ``driver_id`` and an outcome's ``order_id`` and ``route_id`` name entities
    of this data set. A rebooked order always has a larger id than the order
    it rebooks. Plans have version 0 (never stored).
    """

    config: DemoConfig
    depots: tuple[Depot, ...]
    vehicles: tuple[Vehicle, ...]
    drivers: tuple[Driver, ...]
    customers: tuple[Customer, ...]
    orders: tuple[Order, ...]
    plans: tuple[Plan, ...]
    outcomes: tuple[Outcome, ...]
    users: tuple[User, ...]

    def orders_on(self, day: dt.date) -> list[Order]:
        """The orders dated ``day``, by id."""
        return [o for o in self.orders if o.date == day]

    def plan_of(self, day: dt.date) -> Plan | None:
        """The plan of ``day``, if the data set has one."""
        return next((p for p in self.plans if p.date == day), None)
