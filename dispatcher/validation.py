"""Rules an order must satisfy before it is stored, with precise messages.

Each check raises ``ValidationError`` naming the field and saying why, so the
order table can refuse an inline edit and an import can point at the row.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from dispatcher.errors import ValidationError
from dispatcher.model import format_minutes

if TYPE_CHECKING:
    from dispatcher.model import Customer, Order, TimeWindow

MAX_SERVICE_MINUTES = 8 * 60
MAX_REFERENCE_LENGTH = 64


def validate_windows(windows: tuple[TimeWindow, ...]) -> None:
    """Windows must be sorted, non-empty spans that do not overlap.

    Raises
    ------
    ValidationError
        On an empty span or windows out of order or overlapping.
    """
    for window in windows:
        if window.end == window.start:
            raise ValidationError(f"window {window} is empty", field="windows")
    for earlier, later in itertools.pairwise(windows):
        if later.start < earlier.end:
            raise ValidationError(
                f"windows {earlier} and {later} overlap or are out of order",
                field="windows",
            )


def validate_order(order: Order, customer: Customer | None = None) -> None:
    """Check an order on its own and, if given, against its customer.

    Raises
    ------
    ValidationError
        On the first rule broken, naming the field.
    """
    if not order.reference.strip():
        raise ValidationError("the reference is empty", field="reference")
    if len(order.reference) > MAX_REFERENCE_LENGTH:
        raise ValidationError(
            f"the reference is longer than {MAX_REFERENCE_LENGTH} characters",
            field="reference",
        )
    if order.demand.is_negative():
        raise ValidationError("a demand cannot be negative", field="demand")
    if not 0 <= order.service_minutes <= MAX_SERVICE_MINUTES:
        raise ValidationError(
            f"service time must be between 0 and {MAX_SERVICE_MINUTES} minutes",
            field="service_minutes",
        )
    if order.attempt < 1:
        raise ValidationError("the attempt number starts at 1", field="attempt")
    validate_windows(order.windows)
    if customer is None or not order.windows:
        return
    hours = customer.hours_on(order.date)
    if not hours:
        raise ValidationError(
            f"{customer.name} does not receive deliveries on {order.date:%A}s",
            field="date",
        )
    if not any(w.overlaps(h) for w in order.windows for h in hours):
        opening = ", ".join(str(h) for h in hours)
        first = order.windows[0]
        raise ValidationError(
            f"window {format_minutes(first.start)}–{format_minutes(first.end)} lies "
            f"outside {customer.name}'s receiving hours ({opening})",
            field="windows",
        )
