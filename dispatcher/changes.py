"""What one plan edit changed, so each screen refreshes only that.

Every plan edit returns a ``PlanChanges`` (Anki's ``OpChanges`` idea): the
vehicles whose routes changed and the orders whose lines changed. The route
board resets those lanes, the order table repaints those rows and the map
pushes those features; ``reloaded`` says the whole day was read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from dispatcher.model import OrderId, VehicleId


@dataclass(frozen=True, slots=True)
class PlanChanges:
    """The parts of one day's plan that an edit changed.

    Attributes
    ----------
    date
        The plan date.
    plan_version
        The plan's version after the edit.
    vehicles
        Vehicles whose route changed (stops, order of stops or locks), including
        routes that appeared or disappeared.
    orders
        Orders whose line changed: every order on those routes before or after
        the edit (their positions and ETAs move), plus orders whose status changed.
    reloaded
        True if the whole day was read again: treat everything as changed.
    """

    date: dt.date
    plan_version: int
    vehicles: frozenset[VehicleId] = frozenset()
    orders: frozenset[OrderId] = frozenset()
    reloaded: bool = False

    @property
    def empty(self) -> bool:
        """True if nothing changed (and nothing was reloaded)."""
        return not (self.vehicles or self.orders or self.reloaded)
