"""Rules of inline order edits: typed windows and priorities, refusals, no-op edits."""

from __future__ import annotations

import pytest

from dispatcher.model import OrderStatus, Priority, TimeWindow
from tests import builders as b
from ui.models.order_edits import (
    EditRefused,
    OrderField,
    edit_refusal,
    edit_text,
    parse_priority,
    parse_time,
    parse_windows,
    prepare_edit,
)

W = TimeWindow


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00–12:00", (W(480, 720),)),
        ("08:00-12:00", (W(480, 720),)),
        ("8-12", (W(480, 720),)),
        ("7:30 — 9:15", (W(450, 555),)),
        ("08:00–12:00, 14:00–17:00", (W(480, 720), W(840, 1020))),
        ("14:00-17:00; 08:00-12:00,", (W(480, 720), W(840, 1020))),
        ("22:00–01:30+1", (W(1320, 1530),)),
        ("00:00-24:00", (W(0, 1440),)),
        ("", ()),
        ("  ,  ", ()),
    ],
)
def test_windows_parse_from_the_ways_people_type_them(
    text: str, expected: tuple[TimeWindow, ...]
) -> None:
    """En dash, hyphen, whole hours, commas or semicolons, any order, past midnight."""
    assert parse_windows(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("25:00-26:00", "'25:00' is not a time of day"),
        ("08:60-09:00", "'08:60' is not a time of day"),
        ("08:00 12:00", "'08:00 12:00' is not a window, write HH:MM–HH:MM"),
        ("morning", "'morning' is not a window"),
        ("12:00-08:00", "window 12:00-08:00 ends before it starts"),
        ("09:00-09:00", "window 09:00-09:00 is empty"),
        ("08:00-12:00, 11:00-13:00", "overlap"),
    ],
)
def test_unreadable_windows_say_which_part_and_why(text: str, why: str) -> None:
    """Every refusal quotes the part at fault."""
    with pytest.raises(ValueError, match=why):
        parse_windows(text)


def test_windows_text_round_trips_what_the_table_shows() -> None:
    """The editor starts from the shown text, which parses back to the same windows."""
    windows = (W(420, 600), W(840, 1500))
    shown = ", ".join(str(w) for w in windows)
    assert parse_windows(shown) == windows


def test_times_accept_whole_hours_and_a_day_suffix() -> None:
    """``7`` is 07:00 and ``01:00+1`` is one in the morning of the next day."""
    assert parse_time("7") == 420
    assert parse_time("01:00+1") == 1500
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time("7h")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Must", Priority.MUST),
        ("high", Priority.HIGH),
        (" Optional ", Priority.OPTIONAL),
        (Priority.NORMAL, Priority.NORMAL),
    ],
)
def test_priority_from_label_value_or_enum(value: object, expected: Priority) -> None:
    """The combo's value, the label and the enum all name a priority."""
    assert parse_priority(value) == expected


@pytest.mark.parametrize("value", ["urgent", 3, None])
def test_unknown_priority_lists_the_choices(value: object) -> None:
    """A value naming no priority says which ones exist."""
    with pytest.raises(ValueError, match="Must, High, Normal, Optional"):
        parse_priority(value)


def test_prepare_returns_the_parsed_value() -> None:
    """A valid, different value comes back parsed, notes trimmed to one line."""
    order, customer = b.order(reference="ORD-7"), b.customer()
    assert prepare_edit(order, customer, OrderField.WINDOWS, "10-11") == (W(600, 660),)
    assert prepare_edit(order, customer, OrderField.PRIORITY, "High") is Priority.HIGH
    assert (
        prepare_edit(order, customer, OrderField.NOTES, "  Dock 3\nring ")
        == "Dock 3 ring"
    )


def test_prepare_returns_none_when_nothing_changes() -> None:
    """The current value, or the receiving hours shown for an order without windows."""
    customer = b.customer()
    order = b.order(priority=Priority.HIGH, notes="Fragile")
    assert prepare_edit(order, customer, OrderField.PRIORITY, "high") is None
    assert prepare_edit(order, customer, OrderField.NOTES, "Fragile ") is None
    assert prepare_edit(order, customer, OrderField.WINDOWS, "09:00-12:00") is None
    no_windows = b.order(windows=())
    hours = edit_text(no_windows, customer, OrderField.WINDOWS)
    assert hours == "08:00–18:00"
    assert prepare_edit(no_windows, customer, OrderField.WINDOWS, hours) is None
    assert prepare_edit(no_windows, customer, OrderField.WINDOWS, "") is None


def test_prepare_refuses_windows_outside_the_receiving_hours() -> None:
    """The message names the field, the order and the customer's hours."""
    order, customer = b.order(reference="ORD-7"), b.customer(name="Fleurs Julie")
    with pytest.raises(EditRefused) as refused:
        prepare_edit(order, customer, OrderField.WINDOWS, "06:00-07:00")
    assert str(refused.value) == (
        "Time windows of ORD-7 not changed: window 06:00–07:00 lies outside "
        "Fleurs Julie's receiving hours (08:00–18:00)."
    )


def test_prepare_refuses_unreadable_text_naming_the_order() -> None:
    """A parse error becomes one sentence with the order and field."""
    with pytest.raises(EditRefused, match=r"^Time windows of ORD-7 not changed: '8h'"):
        prepare_edit(
            b.order(reference="ORD-7"), b.customer(), OrderField.WINDOWS, "8h-9h"
        )
    with pytest.raises(EditRefused, match=r"^Priority of ORD-7 not changed: 'soon'"):
        prepare_edit(
            b.order(reference="ORD-7"), b.customer(), OrderField.PRIORITY, "soon"
        )


@pytest.mark.parametrize(
    "status",
    [
        OrderStatus.CANCELLED,
        OrderStatus.DELIVERED,
        OrderStatus.FAILED,
        OrderStatus.RETURNED,
        OrderStatus.REBOOKED,
        OrderStatus.ARRIVED,
    ],
)
def test_closed_orders_are_not_editable(status: OrderStatus) -> None:
    """Cancelled and closed orders refuse every field, saying why."""
    order = b.order(reference="ORD-7", status=status)
    for field in OrderField:
        assert edit_refusal(order, field) is not None
    with pytest.raises(EditRefused, match=r"^ORD-7 is .*, so its notes can no longer"):
        prepare_edit(order, b.customer(), OrderField.NOTES, "x")


@pytest.mark.parametrize(
    "status", [OrderStatus.NEW, OrderStatus.PLANNED, OrderStatus.DISPATCHED]
)
def test_open_orders_are_editable(status: OrderStatus) -> None:
    """Orders still to be served can be edited."""
    assert edit_refusal(b.order(status=status), OrderField.WINDOWS) is None
