"""Words and numbers of the route board: labels, badges and tooltips.

Kept apart from painting so the card, the lane header and their tooltips say
the same thing the same way. Tooltips are HTML (Qt shows them rich), so every
text taken from data is escaped here.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

from dispatcher.model import OrderKind, Priority, format_minutes
from dispatcher.scheduling import Violation
from ui.models.badges import (
    LATE_COLOR,
    PRIORITY_LABELS,
    ROUTE_STATUS_DESCRIPTIONS,
    Badge,
)
from ui.models.route_board_lanes import UNIT_LABELS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.model import Load, TimeWindow
    from ui.models.route_board_lanes import Card, Lane, LastChange, UnitFill

_WHITE, _INK = "#ffffff", "#1f2933"

VIOLATION_ORDER: tuple[Violation, ...] = tuple(Violation)
"""The order badges appear in: the scheduler's, most common first."""

_VIOLATION_BADGES: dict[Violation, tuple[str, str, str]] = {
    Violation.LATE: ("Late", "#d55e00", _WHITE),
    Violation.OVER_CAPACITY: ("Overload", "#e69f00", _INK),
    Violation.MISSING_SKILL: ("Skill", "#cc79a7", _INK),
    Violation.OUTSIDE_SHIFT: ("Shift", "#882255", _WHITE),
    Violation.OVER_DURATION: ("Too long", "#882255", _WHITE),
    Violation.OVER_DISTANCE: ("Too far", "#882255", _WHITE),
    Violation.TOO_MANY_STOPS: ("Too many stops", "#882255", _WHITE),
}

VIOLATION_DESCRIPTIONS: dict[Violation, str] = {
    Violation.LATE: "Late: service starts after the last time window closes.",
    Violation.OVER_CAPACITY: "Over capacity: the vehicle carries more than it holds.",
    Violation.MISSING_SKILL: "Missing skill: the vehicle lacks what an order needs.",
    Violation.OUTSIDE_SHIFT: "Outside shift: the work ends after the driver's shift.",
    Violation.OVER_DURATION: "Too long: the route lasts longer than allowed.",
    Violation.OVER_DISTANCE: "Too far: the route drives further than allowed.",
    Violation.TOO_MANY_STOPS: "Too many stops for this vehicle.",
}

PRIORITY_BADGES: dict[Priority, Badge] = {
    Priority.MUST: Badge("Must", "#0b5c99", _WHITE),
    Priority.HIGH: Badge("High", "#d7e8f5", "#0b5c99"),
}
"""Pills of the priorities worth a glance; normal and optional get none."""


def violation_badge(violation: Violation, late_minutes: int = 0) -> Badge:
    """The pill of a broken rule; the late pill says by how much."""
    text, background, foreground = _VIOLATION_BADGES[violation]
    if violation is Violation.LATE and late_minutes:
        text = f"Late {late_minutes}′"
    return Badge(text, background, foreground)


def late_minutes(lateness: float) -> int:
    """Whole minutes late, rounded up: 0.2 min late is late, never "0"."""
    return int(-(-lateness // 1)) if lateness > 0 else 0


def card_badges(card: Card) -> tuple[Badge, ...]:
    """The violation pills of a card, in ``VIOLATION_ORDER``."""
    lateness = card.timing.lateness if card.timing is not None else 0.0
    return tuple(
        violation_badge(v, late_minutes(lateness))
        for v in VIOLATION_ORDER
        if v in card.violations
    )


def amount_text(value: float) -> str:
    """An amount without noise: ``1,500``, ``0.8``, ``0.04``; whole from 100 up."""
    if abs(value) >= 100:
        value = round(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def load_text(load: Load, *, skip_zero: bool = True) -> str:
    """A demand such as ``120 kg · 0.8 m³ · 1 pal``; "none" when empty."""
    parts = [
        f"{amount_text(amount)} {UNIT_LABELS[unit]}"
        for unit, amount in zip(load.UNITS, load.as_tuple(), strict=True)
        if amount or not skip_zero
    ]
    return " · ".join(parts) if parts else "none"


def windows_text(windows: Iterable[TimeWindow]) -> str:
    """``09:00–12:00, 14:00–16:00``; "closed" when there is no window."""
    text = ", ".join(str(w) for w in windows)
    return text or "closed"


def duration_text(minutes: float) -> str:
    """A duration as ``h:mm`` (``6:05``)."""
    hours, rest = divmod(round(minutes), 60)
    return f"{hours}:{rest:02d}"


def fill_text(fill: UnitFill) -> str:
    """``640 / 1,100`` for a capacity bar."""
    return f"{amount_text(fill.amount)} / {amount_text(fill.capacity)}"


def last_change_text(change: LastChange, today: dt.date | None = None) -> str:
    """``changed by anna 10:42`` in local time; the date too if not ``today``.

    ``today`` is the local date (default: now's).
    """
    local = change.at.astimezone()
    today = today if today is not None else dt.datetime.now().astimezone().date()
    when = f"{local:%H:%M}"
    if local.date() != today:
        when = f"{local.day} {local:%b} {when}"
    return f"changed by {change.actor} {when}"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def _warning(text: str) -> str:
    return f'<div style="color:{LATE_COLOR}; font-weight:600">⚠ {_esc(text)}</div>'


def card_tooltip(card: Card, lane: Lane) -> str:
    """Everything about a card: customer, order, timing, load and problems."""
    line, order = card.line, card.line.order
    parts = [
        f"<b>{_esc(line.customer.name)}</b>",
        f"<div>{_esc(line.customer.address)}</div>",
    ]
    what = [order.reference, PRIORITY_LABELS[order.priority].lower() + " priority"]
    if order.kind is OrderKind.PICKUP:
        what.append("pickup")
    if card.sequence is not None:
        what.append(f"stop {card.sequence} of {lane.title}")
    parts.append(f"<div>{_esc(' · '.join(what))}</div>")
    parts.append(f"<div>Window {_esc(windows_text(card.windows))}</div>")
    timing = card.timing
    if timing is not None:
        times = f"ETA {format_minutes(timing.arrival)}"
        if timing.wait >= 1:
            times += f", waits {round(timing.wait)} min"
        times += f", serves {format_minutes(timing.start)}–"
        times += format_minutes(timing.departure)
        parts.append(f"<div>{_esc(times)}</div>")
    parts.append(f"<div>Load {_esc(load_text(order.demand))}</div>")
    if card.skills:
        parts.append(f"<div>Needs {_esc(', '.join(sorted(card.skills)))}</div>")
    parts.extend(_warning(text) for text in card_problems(card, lane))
    if card.locked:
        parts.append("<div>🔒 Locked: stays on this route at this position.</div>")
    if order.notes:
        parts.append(f"<div><i>{_esc(order.notes)}</i></div>")
    return "".join(parts)


def card_problems(card: Card, lane: Lane) -> list[str]:
    """One sentence per rule the stop breaks, with the numbers behind it."""
    timing, vehicle = card.timing, lane.vehicle
    if timing is None or vehicle is None:
        return []
    problems = []
    violations = card.violations
    if Violation.LATE in violations:
        last = card.windows[-1].end if card.windows else None
        closes = f" (the window closes {format_minutes(last)})" if last else ""
        problems.append(f"Late by {late_minutes(timing.lateness)} min{closes}.")
    if Violation.OVER_CAPACITY in violations:
        problems.append(
            f"Over capacity: {load_text(timing.load_on_arrival)} on board, "
            f"{lane.title} holds {load_text(vehicle.capacity)}."
        )
    if Violation.MISSING_SKILL in violations:
        missing = ", ".join(sorted(card.skills - vehicle.skills))
        problems.append(f"Needs {missing}, which {lane.title} does not have.")
    if Violation.OUTSIDE_SHIFT in violations:
        problems.append(
            f"Finishes {format_minutes(timing.departure)}, after the shift ends "
            f"at {format_minutes(vehicle.shift.end)}."
        )
    return problems


def lane_tooltip(lane: Lane) -> str:
    """The lane header's tooltip: vehicle, driver, capacity, times, costs, problems."""
    if lane.vehicle is None:
        count = len(lane.cards)
        return (
            f"<b>Unassigned</b><div>{count:,} open orders on no route</div>"
            f"<div>Total demand {_esc(load_text(lane.load))}</div>"
            "<div>Drop cards here to take them off their routes.</div>"
        )
    vehicle = lane.vehicle
    parts = [f"<b>{_esc(vehicle.name)}</b>"]
    driver = lane.route.driver if lane.route is not None else None
    parts.append(f"<div>Driver {_esc(driver.name) if driver else 'not assigned'}</div>")
    parts.append(f"<div>Capacity {_esc(load_text(vehicle.capacity))}</div>")
    if vehicle.skills:
        parts.append(f"<div>Equipped {_esc(', '.join(sorted(vehicle.skills)))}</div>")
    parts.append(f"<div>Shift {vehicle.shift}</div>")
    route = lane.route
    if route is None or not route.route.stops:
        parts.append("<div>No stops today.</div>")
    else:
        s = route.schedule
        parts.append(
            f"<div>{len(route.route.stops)} stops, {s.km:,.1f} km, "
            f"{format_minutes(s.departure)}–{format_minutes(s.end)} "
            f"({duration_text(s.duration_min)} h)</div>"
            f"<div>Driving {duration_text(s.driving_min)} · service "
            f"{duration_text(s.service_min)} · waiting {duration_text(s.wait_min)}"
            f" · breaks {duration_text(s.break_min)}</div>"
            f"<div>Cost {s.cost:,.2f}</div>"
            f"<div>Peak load {_esc(load_text(s.peak_load))}</div>"
        )
        parts.extend(
            _warning(VIOLATION_DESCRIPTIONS[v])
            for v in VIOLATION_ORDER
            if v in lane.violations
        )
    if route is not None and route.route.status in ROUTE_STATUS_DESCRIPTIONS:
        parts.append(f"<div>{ROUTE_STATUS_DESCRIPTIONS[route.route.status]}</div>")
    if lane.locked:
        parts.append("<div>🔒 Route locked: the optimizer leaves it as it is.</div>")
    if lane.last_change is not None:
        local = lane.last_change.at.astimezone()
        parts.append(
            f"<div>Last changed by {_esc(lane.last_change.actor)} "
            f"on {local:%a} {local.day} {local:%b} at {local:%H:%M}</div>"
        )
    return "".join(parts)
