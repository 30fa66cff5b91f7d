"""B2B receiving hours: when each kind of customer takes deliveries.

Templates follow common French practice: offices close for lunch, many shops
are closed on Mondays and take goods on Saturday mornings, restaurants receive
before service, industrial docks are often open in the morning only and close
early on Fridays, hospitals and hotels receive every day.
"""

from __future__ import annotations

from dispatcher.demo.geography import CustomerKind
from dispatcher.model import TimeWindow, WeeklyHours, parse_minutes

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


def windows(text: str) -> tuple[TimeWindow, ...]:
    """Windows written as ``"08:30-12:00, 14:00-17:30"``."""
    spans = (part.split("-") for part in text.split(",") if part.strip())
    return tuple(TimeWindow(parse_minutes(a), parse_minutes(b)) for a, b in spans)


def week(days: dict[tuple[int, ...], str]) -> WeeklyHours:
    """Weekly hours from ``{(weekday, ...): "HH:MM-HH:MM, ..."}``; others closed."""
    by_day: list[tuple[TimeWindow, ...]] = [() for _ in range(7)]
    for weekdays, text in days.items():
        for day in weekdays:
            by_day[day] = windows(text)
    return tuple(by_day)


OFFICE_DAY = week({WEEKDAYS: "08:30-18:00"})
OFFICE_LUNCH = week({WEEKDAYS: "08:30-12:00, 14:00-17:30"})
OFFICE_MORNING = week({WEEKDAYS: "08:00-12:30"})
SHOP_TUE_SAT = week({(TUE, WED, THU, FRI, SAT): "08:00-12:00, 14:00-18:30"})
SHOP_BEFORE_OPENING = week({WEEKDAYS: "07:00-10:30", (SAT,): "07:00-10:00"})
SHOP_WEEKDAYS = week({WEEKDAYS: "09:00-12:00, 14:00-18:00"})
PHARMACY = week({(*WEEKDAYS, SAT): "08:30-12:00, 14:00-19:00"})
FOOD_MORNING = week({(*WEEKDAYS, SAT): "06:00-10:30"})
RESTAURANT_SPLIT = week({(TUE, WED, THU, FRI, SAT): "06:30-10:30, 14:30-16:30"})
BAKERY = week({(TUE, WED, THU, FRI, SAT, SUN): "05:30-09:30"})
HOTEL = week({(*WEEKDAYS, SAT, SUN): "07:00-11:00"})
DOCK_MORNING = week({WEEKDAYS: "06:00-12:00"})
INDUSTRY_DAY = week({(MON, TUE, WED, THU): "07:00-16:00", (FRI,): "07:00-12:00"})
INDUSTRY_LUNCH = week({WEEKDAYS: "07:30-11:45, 13:30-16:30"})
WAREHOUSE = week({WEEKDAYS: "05:00-21:00", (SAT,): "06:00-12:00"})
HOSPITAL = week({(*WEEKDAYS, SAT, SUN): "07:00-19:00"})
LAB = week({WEEKDAYS: "07:30-17:30"})
TRADE_COUNTER = week({WEEKDAYS: "07:00-12:00, 13:30-17:00", (SAT,): "08:00-12:00"})

HOURS_BY_KIND: dict[CustomerKind, tuple[tuple[WeeklyHours, float], ...]] = {
    CustomerKind.OFFICE: (
        (OFFICE_DAY, 0.4),
        (OFFICE_LUNCH, 0.45),
        (OFFICE_MORNING, 0.15),
    ),
    CustomerKind.RETAIL: (
        (SHOP_TUE_SAT, 0.4),
        (SHOP_BEFORE_OPENING, 0.35),
        (SHOP_WEEKDAYS, 0.25),
    ),
    CustomerKind.FOOD: (
        (FOOD_MORNING, 0.4),
        (RESTAURANT_SPLIT, 0.3),
        (BAKERY, 0.15),
        (HOTEL, 0.15),
    ),
    CustomerKind.INDUSTRIAL: (
        (DOCK_MORNING, 0.35),
        (INDUSTRY_DAY, 0.35),
        (INDUSTRY_LUNCH, 0.2),
        (WAREHOUSE, 0.1),
    ),
    CustomerKind.HEALTH: ((HOSPITAL, 0.25), (LAB, 0.45), (PHARMACY, 0.3)),
    CustomerKind.TRADE: ((TRADE_COUNTER, 0.6), (INDUSTRY_DAY, 0.2), (WAREHOUSE, 0.2)),
}
"""Which weekly hours a customer of each kind keeps, with their shares."""
