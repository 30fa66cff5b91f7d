"""Named row filters of the order table: the status, route and priority choices.

Each filter is a pure predicate over an ``OrderLine``, so the proxy model stays
generic and a new choice is one line here. Filters compare by key and label,
so a filter rebuilt from a remembered key equals the one the user chose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatcher.model import OPEN_ORDER_STATUSES, OrderStatus, Priority
from ui.models.badges import PRIORITY_LABELS, STATUS_LABELS

if TYPE_CHECKING:
    from collections.abc import Callable

    from dispatcher.day_view import OrderLine


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """A choice of a filter combo: a stable key, a label and a predicate."""

    key: str
    label: str
    accepts: Callable[[OrderLine], bool] = field(compare=False)


def _status_filter(status: OrderStatus) -> OrderFilter:
    return OrderFilter(
        status.value, STATUS_LABELS[status], lambda line: line.order.status == status
    )


ALL_ORDERS = OrderFilter("all", "All orders", lambda _line: True)

QUICK_FILTERS: tuple[OrderFilter, ...] = (
    ALL_ORDERS,
    OrderFilter("open", "Open", lambda line: line.order.status in OPEN_ORDER_STATUSES),
    OrderFilter(
        "unassigned",
        "Unassigned",
        lambda line: (
            line.vehicle_name is None and line.order.status in OPEN_ORDER_STATUSES
        ),
    ),
    OrderFilter("late", "Late", lambda line: line.lateness > 0),
)
"""Filters across statuses, listed first."""

STATUS_FILTERS: tuple[OrderFilter, ...] = tuple(
    _status_filter(status) for status in OrderStatus
)
"""One filter per order status, in lifecycle order."""

ORDER_FILTERS: tuple[OrderFilter, ...] = QUICK_FILTERS + STATUS_FILTERS
"""Every choice, in the order the combo lists them."""


def filter_by_key(key: str) -> OrderFilter:
    """The filter with this key, or ``ALL_ORDERS`` if there is none (old settings)."""
    return next((f for f in ORDER_FILTERS if f.key == key), ALL_ORDERS)


ALL_ROUTES = OrderFilter("all", "All routes", lambda _line: True)
"""The route filter that shows every order."""

NO_ROUTE = OrderFilter(
    "unassigned", "Unassigned", lambda line: line.vehicle_name is None
)
"""Orders on no route of the day (any status)."""

_VEHICLE_PREFIX = "vehicle:"


def vehicle_filter(name: str) -> OrderFilter:
    """Orders on the route of the vehicle called ``name``.

    Keyed by the vehicle's name, not its id: the rows carry the name, and a
    remembered choice still means the same van on another day.
    """
    return OrderFilter(
        _VEHICLE_PREFIX + name, name, lambda line: line.vehicle_name == name
    )


def vehicle_name_of(order_filter: OrderFilter) -> str | None:
    """The vehicle name of a ``vehicle_filter``, else None."""
    key = order_filter.key
    return (
        key.removeprefix(_VEHICLE_PREFIX) if key.startswith(_VEHICLE_PREFIX) else None
    )


def route_filter_by_key(key: str) -> OrderFilter:
    """The route filter with this key; ``ALL_ROUTES`` if unknown (old settings)."""
    if key.startswith(_VEHICLE_PREFIX) and len(key) > len(_VEHICLE_PREFIX):
        return vehicle_filter(key.removeprefix(_VEHICLE_PREFIX))
    return NO_ROUTE if key == NO_ROUTE.key else ALL_ROUTES


def _priority_filter(priority: Priority) -> OrderFilter:
    return OrderFilter(
        priority.value,
        PRIORITY_LABELS[priority],
        lambda line: line.order.priority == priority,
    )


ALL_PRIORITIES = OrderFilter("all", "Any priority", lambda _line: True)
"""The priority filter that shows every order."""

PRIORITY_FILTERS: tuple[OrderFilter, ...] = (
    ALL_PRIORITIES,
    OrderFilter(
        "urgent",
        "Urgent",
        lambda line: line.order.priority in (Priority.MUST, Priority.HIGH),
    ),
    *(_priority_filter(priority) for priority in Priority),
)
"""Every choice of the priority combo, in the order it lists them.

"Urgent" means must or high, as in the route board's Unassigned lane.
"""


def priority_filter_by_key(key: str) -> OrderFilter:
    """The priority filter with this key, or ``ALL_PRIORITIES`` if there is none."""
    return next((f for f in PRIORITY_FILTERS if f.key == key), ALL_PRIORITIES)
