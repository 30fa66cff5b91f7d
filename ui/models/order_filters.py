"""Named row filters of the order table (the status filter combo's choices).

Each filter is a pure predicate over an ``OrderLine``, so the proxy model stays
generic and a new choice is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.model import OPEN_ORDER_STATUSES, OrderStatus
from ui.models.badges import STATUS_LABELS

if TYPE_CHECKING:
    from collections.abc import Callable

    from dispatcher.day_view import OrderLine


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """A choice of the status filter: a stable key, a label and a predicate."""

    key: str
    label: str
    accepts: Callable[[OrderLine], bool]


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
