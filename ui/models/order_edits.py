"""Inline edits of an order in the table: which fields, how typed values parse.

These are the rules both ends of an inline edit share, over plain domain values
(no Qt): the table model turns an editor's value into a checked request with
``prepare_edit`` (or refuses it with one sentence), the plan document refuses
edits of closed orders with ``edit_refusal``, and the editors check typed time
windows as the user types with ``parse_windows``.
"""

from __future__ import annotations

import dataclasses
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from dispatcher.errors import ValidationError
from dispatcher.model import (
    MINUTES_PER_DAY,
    OPEN_ORDER_STATUSES,
    Priority,
    TimeWindow,
    parse_minutes,
)
from dispatcher.timing import effective_windows
from dispatcher.validation import validate_order, validate_windows
from ui.models.badges import PRIORITY_LABELS, STATUS_LABELS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.model import Customer, Order


class OrderField(StrEnum):
    """A field of an order the table edits in place (the ``Order`` attribute name)."""

    WINDOWS = "windows"
    PRIORITY = "priority"
    NOTES = "notes"


FIELD_LABELS: dict[OrderField, str] = {
    OrderField.WINDOWS: "time windows",
    OrderField.PRIORITY: "priority",
    OrderField.NOTES: "notes",
}
"""How messages name each field."""

EDITABLE_STATUSES = OPEN_ORDER_STATUSES
"""Orders still to be served can be edited; cancelled and closed ones cannot."""

WINDOWS_FORMAT = "HH:MM–HH:MM, several separated by commas"
"""How to write time windows, for placeholders and error messages."""

_SPLIT_WINDOWS = re.compile(r"[,;]")
_RANGE = re.compile(r"^(\S+?)\s*[-–—]\s*(\S+)$")  # hyphen, en dash or em dash
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?:\+(\d))?$")


class EditRefused(ValueError):
    """An inline edit that cannot be made; the message is one sentence for the user."""


def parse_time(text: str) -> int:
    """Minutes after midnight of ``HH:MM``, ``H:MM`` or a whole hour ``H``.

    A ``+1`` suffix (as the table shows times past midnight) adds a day.

    Raises
    ------
    ValueError
        If the text is not a time of day.
    """
    match = _TIME.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is not a time of day in HH:MM form")
    hours, minutes, days = match.groups()
    minute = parse_minutes(f"{hours}:{minutes or '00'}")
    return minute + int(days or 0) * MINUTES_PER_DAY


def parse_windows(text: str) -> tuple[TimeWindow, ...]:
    """Time windows typed as ``08:00–12:00, 14:00–17:00`` (``-`` works too).

    Windows may be typed in any order; they come back sorted. Empty text means
    no windows of the order's own (the customer's receiving hours apply).

    Raises
    ------
    ValueError
        Saying which part is wrong and why (not a window, not a time, ends
        before it starts, empty, overlapping).
    """
    windows: list[TimeWindow] = []
    for raw in _SPLIT_WINDOWS.split(text):
        part = raw.strip()
        if not part:
            continue  # a trailing comma is harmless
        match = _RANGE.match(part)
        if match is None:
            raise ValueError(f"'{part}' is not a window, write {WINDOWS_FORMAT}")
        start, end = parse_time(match[1]), parse_time(match[2])
        if end <= start:
            what = "is empty" if end == start else "ends before it starts"
            raise ValueError(f"window {part} {what}")
        windows.append(TimeWindow(start, end))
    return _checked_windows(windows)


def _checked_windows(windows: Iterable[TimeWindow]) -> tuple[TimeWindow, ...]:
    """The windows sorted, or ValueError if any two overlap."""
    result = tuple(sorted(windows))
    try:
        validate_windows(result)
    except ValidationError as exc:
        raise ValueError(exc.message) from None
    return result


def parse_priority(value: object) -> Priority:
    """A priority from a ``Priority``, its value (``"must"``) or its label.

    Raises
    ------
    ValueError
        If the value names no priority.
    """
    if isinstance(value, Priority):
        return value
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for priority, label in PRIORITY_LABELS.items():
            if wanted in (priority.value, label.casefold()):
                return priority
    choices = ", ".join(PRIORITY_LABELS.values())
    raise ValueError(f"'{value}' is not a priority (choose {choices})")


def parse_notes(value: object) -> str:
    """Notes as one line of text, without surrounding blanks.

    Raises
    ------
    ValueError
        If the value is not text.
    """
    if not isinstance(value, str):
        raise ValueError("notes must be text")
    return " ".join(value.splitlines()).strip()


def parse_value(field: OrderField, value: object) -> object:
    """The domain value of an editor's value (or of a parsed value) for ``field``.

    Raises
    ------
    ValueError
        Why the value is wrong.
    """
    if field is OrderField.WINDOWS:
        if isinstance(value, tuple) and all(isinstance(w, TimeWindow) for w in value):
            return _checked_windows(value)  # already parsed (e.g. a replayed request)
        if not isinstance(value, str):
            raise ValueError(f"time windows must be text, written {WINDOWS_FORMAT}")
        return parse_windows(value)
    if field is OrderField.PRIORITY:
        return parse_priority(value)
    return parse_notes(value)


def edit_text(order: Order, customer: Customer, field: OrderField) -> str:
    """What an editor starts with: the value as the user would type it."""
    if field is OrderField.WINDOWS:
        return ", ".join(str(w) for w in effective_windows(order, customer))
    if field is OrderField.PRIORITY:
        return order.priority.value
    return order.notes


def edit_refusal(order: Order, field: OrderField) -> str | None:
    """Why ``field`` of ``order`` cannot be edited any more, or None if it can."""
    if order.status in EDITABLE_STATUSES:
        return None
    status = STATUS_LABELS[order.status].lower()
    return (
        f"{order.reference} is {status}, so its {FIELD_LABELS[field]} can no "
        "longer be changed."
    )


def with_value(order: Order, field: OrderField, value: object) -> Order:
    """The order with one field replaced."""
    changes: dict[str, Any] = {field.value: value}  # checked by parse_value
    return dataclasses.replace(order, **changes)


def is_unchanged(
    order: Order, customer: Customer, field: OrderField, value: object
) -> bool:
    """True if saving ``value`` would change nothing the user sees.

    Typing the receiving hours the table shows for an order without windows of
    its own is no change either.
    """
    current = getattr(order, field.value)
    if value == current:
        return True
    return (
        field is OrderField.WINDOWS
        and not order.windows
        and value == effective_windows(order, customer)
    )


def prepare_edit(
    order: Order, customer: Customer, field: OrderField, value: object
) -> object | None:
    """Check an editor's value for ``field`` of ``order``: the value to save.

    Returns
    -------
    object | None
        The parsed value (a tuple of ``TimeWindow``, a ``Priority`` or a
        string), or None if it equals what the order has (nothing to save).

    Raises
    ------
    EditRefused
        Naming the order, the field and why, if the order is closed or the
        value is wrong (unreadable, or against the customer's receiving hours).
    """
    refusal = edit_refusal(order, field)
    if refusal is not None:
        raise EditRefused(refusal)
    try:
        parsed = parse_value(field, value)
        if is_unchanged(order, customer, field, parsed):
            return None
        validate_order(with_value(order, field, parsed), customer)
    except ValidationError as exc:
        raise EditRefused(_refused(order, field, exc.message)) from None
    except ValueError as exc:
        raise EditRefused(_refused(order, field, str(exc))) from None
    return parsed


def _refused(order: Order, field: OrderField, why: str) -> str:
    label = FIELD_LABELS[field]
    return f"{label.capitalize()} of {order.reference} not changed: {why}."
