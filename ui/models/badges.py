"""Labels and colours for order statuses and priorities.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common kinds of colour blindness; every badge also carries its text, so colour
is never the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.model import OrderStatus, Priority, RouteStatus


@dataclass(frozen=True, slots=True)
class Badge:
    """A short label painted as a coloured pill; colours are ``#rrggbb``."""

    text: str
    background: str
    foreground: str


LATE_COLOR = "#b3470b"
"""Text colour of lateness (a dark vermillion that reads on white)."""

MUTED_COLOR = "#7a8494"
"""Text colour of secondary or absent values."""

_WHITE, _INK = "#ffffff", "#1f2933"

STATUS_LABELS: dict[OrderStatus, str] = {
    OrderStatus.NEW: "New",
    OrderStatus.PLANNED: "Planned",
    OrderStatus.DISPATCHED: "Dispatched",
    OrderStatus.ARRIVED: "Arrived",
    OrderStatus.DELIVERED: "Delivered",
    OrderStatus.FAILED: "Failed",
    OrderStatus.TO_REBOOK: "To rebook",
    OrderStatus.REBOOKED: "Rebooked",
    OrderStatus.CANCELLED: "Cancelled",
    OrderStatus.RETURNED: "Returned",
}

STATUS_DESCRIPTIONS: dict[OrderStatus, str] = {
    OrderStatus.NEW: "Not on a route yet.",
    OrderStatus.PLANNED: "On a route of the plan, not yet sent to the driver.",
    OrderStatus.DISPATCHED: "Sent to the driver; the vehicle is on its way.",
    OrderStatus.ARRIVED: "The driver is at the customer.",
    OrderStatus.DELIVERED: "Delivered.",
    OrderStatus.FAILED: "The attempt failed; see the reason in its history.",
    OrderStatus.TO_REBOOK: "Failed or missed; waiting to be rebooked.",
    OrderStatus.REBOOKED: "Moved to another day as a new order.",
    OrderStatus.CANCELLED: "Cancelled; it will not be delivered.",
    OrderStatus.RETURNED: "Taken back to the depot.",
}

_STATUS_COLORS: dict[OrderStatus, tuple[str, str]] = {
    OrderStatus.NEW: ("#e3e7ed", _INK),
    OrderStatus.PLANNED: ("#0072b2", _WHITE),
    OrderStatus.DISPATCHED: ("#56b4e9", _INK),
    OrderStatus.ARRIVED: ("#cc79a7", _INK),
    OrderStatus.DELIVERED: ("#009e73", _WHITE),
    OrderStatus.FAILED: ("#d55e00", _WHITE),
    OrderStatus.TO_REBOOK: ("#e69f00", _INK),
    OrderStatus.REBOOKED: ("#c9d3df", _INK),
    OrderStatus.CANCELLED: ("#f1f3f5", MUTED_COLOR),
    OrderStatus.RETURNED: ("#5f6b7a", _WHITE),
}

STATUS_RANK: dict[OrderStatus, int] = {s: i for i, s in enumerate(OrderStatus)}
"""Lifecycle order of the statuses, for sorting."""

PRIORITY_LABELS: dict[Priority, str] = {
    Priority.MUST: "Must",
    Priority.HIGH: "High",
    Priority.NORMAL: "Normal",
    Priority.OPTIONAL: "Optional",
}

PRIORITY_RANK: dict[Priority, int] = {p: i for i, p in enumerate(Priority)}
"""Most urgent first, for sorting."""


def status_badge(status: OrderStatus) -> Badge:
    """The pill shown in the status column."""
    background, foreground = _STATUS_COLORS[status]
    return Badge(STATUS_LABELS[status], background, foreground)


_ROUTE_STATUS_LOOK: dict[RouteStatus, tuple[str, OrderStatus]] = {
    # Same colours as the matching order statuses (dispatched, arrived, delivered).
    RouteStatus.DISPATCHED: ("Dispatched", OrderStatus.DISPATCHED),
    RouteStatus.IN_PROGRESS: ("On the road", OrderStatus.ARRIVED),
    RouteStatus.DONE: ("Done", OrderStatus.DELIVERED),
}

ROUTE_STATUS_DESCRIPTIONS: dict[RouteStatus, str] = {
    RouteStatus.DISPATCHED: (
        "Dispatched: the driver has this route; dispatch again after changing it."
    ),
    RouteStatus.IN_PROGRESS: "On the road: the driver has started this route.",
    RouteStatus.DONE: "Done: every stop of this route has been served.",
}


def route_status_badge(status: RouteStatus) -> Badge | None:
    """The pill of a route that has left planning; None for draft and planned."""
    look = _ROUTE_STATUS_LOOK.get(status)
    if look is None:
        return None
    text, like = look
    background, foreground = _STATUS_COLORS[like]
    return Badge(text, background, foreground)
