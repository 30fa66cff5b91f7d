"""Order validation messages name the field and the reason."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatcher.errors import ValidationError
from dispatcher.model import Load, TimeWindow
from dispatcher.validation import validate_order
from tests import builders as b

CLOSED_ON_SUNDAY = b.customer(
    name="Garage Dupont",
    receiving_hours=(*((TimeWindow(480, 720),) for _ in range(6)), ()),
)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reference": "  "}, "reference", "empty"),
        ({"reference": "x" * 65}, "reference", "longer than 64"),
        ({"demand": Load(0, -1, 0)}, "demand", "negative"),
        ({"service_minutes": -5}, "service_minutes", "between 0 and"),
        ({"attempt": 0}, "attempt", "starts at 1"),
        ({"windows": (TimeWindow(600, 600),)}, "windows", "empty"),
        (
            {"windows": (TimeWindow(600, 700), TimeWindow(650, 800))},
            "windows",
            "overlap",
        ),
        ({"windows": (TimeWindow(800, 900),)}, "windows", r"outside .*08:00–12:00"),
        ({"date": dt.date(2026, 11, 29)}, "date", "Sundays"),
    ],
)
def test_bad_orders_are_refused_with_field_and_reason(
    changes: dict[str, object], field: str, message: str
) -> None:
    """Each broken rule raises with its field and a readable reason."""
    with pytest.raises(ValidationError, match=message) as caught:
        validate_order(b.order(**changes), CLOSED_ON_SUNDAY)
    assert caught.value.field == field


def test_a_good_order_passes() -> None:
    """A morning window on a Tuesday suits a customer open mornings."""
    validate_order(b.order(windows=(TimeWindow(540, 600),)), CLOSED_ON_SUNDAY)
