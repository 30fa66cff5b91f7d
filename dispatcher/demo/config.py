"""What to generate: the knobs of the demo data set (seed, date, sizes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

DEFAULT_ORDERS_PER_DAY = 250
DEFAULT_HISTORY_DAYS = 60
MIN_FLEET = 14
"""Smallest default fleet: a realistic mid-size B2B carrier in one metro area."""
ORDERS_PER_VEHICLE = 25
"""Stops a vehicle does on a typical day; sizes the default fleet for big runs."""


def default_vehicle_count(orders_per_day: int) -> int:
    """The fleet size that fits ``orders_per_day`` (14 for 250, 40 for 1,000).

    Parameters
    ----------
    orders_per_day
        Orders of a normal weekday.

    Returns
    -------
    int
        Number of vehicles.
    """
    return max(MIN_FLEET, round(orders_per_day / ORDERS_PER_VEHICLE))


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """Parameters of one demo data set; equal configs give identical data.

    Parameters
    ----------
    date
        "Today" of the data set: its orders get planned, the next day's stay
        open, and the ``history_days`` before it are executed history.
    seed
        Seed of every random choice.
    orders_per_day
        Orders of a normal weekday (Saturdays get about 30 %, Sundays 10 %,
        because most B2B receivers are closed at weekends).
    history_days
        Calendar days of executed history before ``date``.
    vehicles
        Fleet size; None picks ``default_vehicle_count(orders_per_day)``.
    """

    date: dt.date
    seed: int = 1
    orders_per_day: int = DEFAULT_ORDERS_PER_DAY
    history_days: int = DEFAULT_HISTORY_DAYS
    vehicles: int | None = None

    def __post_init__(self) -> None:
        if self.orders_per_day < 1:
            raise ValueError("the demo needs at least 1 order per day")
        if self.history_days < 0:
            raise ValueError("history days cannot be negative")
        if self.vehicles is not None and self.vehicles < 1:
            raise ValueError("the demo needs at least 1 vehicle")

    @property
    def fleet_size(self) -> int:
        """The number of vehicles to generate."""
        if self.vehicles is not None:
            return self.vehicles
        return default_vehicle_count(self.orders_per_day)

    @property
    def customer_count(self) -> int:
        """Customers to generate: enough that most order only every few days."""
        return max(80, round(self.orders_per_day * 2.6))
