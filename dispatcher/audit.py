"""The change log in words: who changed what, when, and each field before → after.

``describe`` turns one ``Change`` row into an ``AuditEntry``: a headline
("anna changed the route of Van 2"), a short summary ("2 stops added") and one
line per changed field ("window 08:00–10:00 → 09:00–11:00"). ``history``
searches the log through a unit of work and names vehicles and orders;
``conflict_message`` writes the sentence a ``ConcurrencyConflict`` shows.
Pure: no Qt, no SQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatcher.errors import NotFound
from dispatcher.model import ChangeAction, OrderId, format_minutes

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.model import Change, ChangeQuery
    from dispatcher.ports import UnitOfWork, UnitOfWorkFactory

HIDDEN_FIELDS = frozenset({"id", "version", "plan_version", "vehicle_id"})
"""Snapshot keys that are bookkeeping, not something a user changed."""

LABELS: dict[str, str] = {
    "windows": "window",
    "service_minutes": "service time",
    "customer_id": "customer",
    "order_ids": "stops",
    "locked_order_ids": "locked stops",
    "rebook_of": "rebooks",
}


@dataclass(frozen=True, slots=True)
class Names:
    """Display names of the things change rows refer to by id."""

    vehicles: Mapping[int, str] = field(default_factory=dict)
    orders: Mapping[int, str] = field(default_factory=dict)

    def vehicle(self, vehicle_id: object) -> str:
        """The vehicle's name, or "vehicle <id>"."""
        key = _as_int(vehicle_id)
        name = self.vehicles.get(key) if key is not None else None
        return name or f"vehicle {vehicle_id}"

    def order(self, order_id: object) -> str:
        """The order's reference, or "#<id>"."""
        key = _as_int(order_id)
        name = self.orders.get(key) if key is not None else None
        return name or f"#{order_id}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change row in words.

    Attributes
    ----------
    change
        The row described.
    subject
        What was changed ("the route of Van 2", "order A-17").
    summary
        A short account ("2 stops added, 1 removed"); may be empty.
    lines
        One "field before → after" line per changed field.
    """

    change: Change
    subject: str
    summary: str
    lines: tuple[str, ...]

    @property
    def headline(self) -> str:
        """ "anna changed the route of Van 2"."""
        verb = {
            ChangeAction.CREATE: "created",
            ChangeAction.UPDATE: "changed",
            ChangeAction.DELETE: "deleted",
        }[self.change.action]
        if self.change.entity == "dispatch":
            verb = "dispatched"
        return f"{self.change.user} {verb} {self.subject}"

    def sentence(self) -> str:
        """ "anna changed the route of Van 2 at 10:42 (2 stops added)"."""
        text = f"{self.headline} at {local_time(self.change.at):%H:%M}"
        return f"{text} ({self.summary})" if self.summary else text


def local_time(at: dt.datetime) -> dt.datetime:
    """A change row's instant (naive UTC) in the local time zone, naive."""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return aware.astimezone().replace(tzinfo=None)


def _as_int(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _subject(change: Change, names: Names) -> str:
    state = change.after or change.before or {}
    if change.entity == "route":
        return f"the route of {names.vehicle(state.get('vehicle_id'))}"
    if change.entity == "order":
        reference = state.get("reference") or names.order(change.entity_id)
        return f"order {reference}"
    if change.entity == "dispatch":
        return f"the plan of {change.entity_id}"
    if change.entity == "customer" and "name" in state:
        return f"customer {state['name']}"
    if change.entity == "user" and "login" in state:
        return f"user {state['login']}"
    return f"{change.entity} {change.entity_id}"


def format_value(name: str, value: object, names: Names) -> str:
    """One field value as a user reads it (times as HH:MM, stops by reference)."""
    if value is None or value == "" or value == []:
        return "–"
    if name == "windows" and isinstance(value, list):
        return ", ".join(_window(w) for w in value) or "–"
    if name in ("order_ids", "locked_order_ids") and isinstance(value, list):
        return ", ".join(names.order(v) for v in value)
    if name == "demand" and isinstance(value, dict):
        parts = [f"{amount:g} {unit}" for unit, amount in value.items() if amount]
        return ", ".join(parts) or "nothing"
    if name == "location" and isinstance(value, dict):
        return f"{value.get('lat', 0):.5f}, {value.get('lon', 0):.5f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).replace("_", " ")


def _window(value: object) -> str:
    if isinstance(value, dict) and {"start", "end"} <= value.keys():
        start, end = value["start"], value["end"]
        if isinstance(start, int | float) and isinstance(end, int | float):
            return f"{format_minutes(start)}–{format_minutes(end)}"
    return str(value)


def field_lines(change: Change, names: Names) -> tuple[str, ...]:
    """ "field before → after" for every field whose value differs."""
    before, after = change.before or {}, change.after or {}
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key in HIDDEN_FIELDS or before.get(key) == after.get(key):
            continue
        label = LABELS.get(key, key.replace("_", " "))
        old = format_value(key, before.get(key), names) if key in before else "–"
        new = format_value(key, after.get(key), names) if key in after else "–"
        lines.append(f"{label} {old} → {new}")
    return tuple(lines)


NAMED_STOPS = 3
"""Up to this many added or removed stops are named; more are counted."""


def route_summary(
    before: Sequence[object], after: Sequence[object], names: Names | None = None
) -> str:
    """ "ORD-4 added, 2 stops removed, reordered" for a route's order ids."""
    old, new = set(before), set(after)
    added = [o for o in after if o not in old]
    removed = [o for o in before if o not in new]
    parts = [
        _stops(items, verb, names)
        for items, verb in ((added, "added"), (removed, "removed"))
        if items
    ]
    if [o for o in before if o in new] != [o for o in after if o in old]:
        parts.append("reordered")
    return ", ".join(parts)


def _stops(items: Sequence[object], verb: str, names: Names | None) -> str:
    if names is not None and len(items) <= NAMED_STOPS:
        return f"{', '.join(names.order(o) for o in items)} {verb}"
    return f"{len(items)} stop{'s' if len(items) != 1 else ''} {verb}"


def _summary(change: Change, lines: Sequence[str], names: Names) -> str:
    """A short account; one changed field is told whole."""
    before, after = change.before or {}, change.after or {}
    if change.entity == "route":
        old, new = before.get("order_ids", []), after.get("order_ids", [])
        text = route_summary(
            old if isinstance(old, list) else [],
            new if isinstance(new, list) else [],
            names,
        )
        if before.get("locked") != after.get("locked") and change.before:
            text = ", ".join(
                filter(None, [text, "locked" if after.get("locked") else "unlocked"])
            )
        elif before.get("locked_order_ids") != after.get("locked_order_ids"):
            text = text or "stop locks changed"
        return text
    if change.entity == "dispatch":
        sent = after.get("sent", [])
        count = len(sent) if isinstance(sent, list) else 0
        return f"{count} route{'s' if count != 1 else ''} sent"
    if change.action is ChangeAction.UPDATE:
        if len(lines) == 1:
            return lines[0]
        changed = [
            LABELS.get(k, k.replace("_", " "))
            for k in {*before, *after} - HIDDEN_FIELDS
            if before.get(k) != after.get(k)
        ]
        return ", ".join(sorted(changed))
    return ""


def describe(change: Change, names: Names | None = None) -> AuditEntry:
    """One change row in words."""
    names = names or Names()
    lines = () if change.entity == "dispatch" else field_lines(change, names)
    return AuditEntry(
        change, _subject(change, names), _summary(change, lines, names), lines
    )


def names_for(uow: UnitOfWork, changes: Sequence[Change]) -> Names:
    """The vehicle names and order references the rows refer to.

    Orders are read a day at a time (the plan dates of the rows); the few
    left over one by one, up to ``MAX_SINGLE_READS``.
    """
    wanted: set[int] = set()
    for change in changes:
        if change.entity == "order" and (oid := _as_int(change.entity_id)):
            wanted.add(oid)
        for state in (change.before or {}, change.after or {}):
            listed = state.get("order_ids")
            if isinstance(listed, list):
                wanted.update(i for i in listed if isinstance(i, int))
    references: dict[int, str] = {}
    for day in sorted({c.plan_date for c in changes if c.plan_date})[:MAX_DAYS]:
        references.update((o.id, o.reference) for o in uow.orders.for_date(day))
    for oid in sorted(wanted - references.keys())[:MAX_SINGLE_READS]:
        with contextlib.suppress(NotFound):
            references[oid] = uow.orders.get(OrderId(oid)).reference
    return Names({v.id: v.name for v in uow.fleet.vehicles()}, references)


MAX_DAYS = 7
"""Order references are read for at most this many plan dates."""

MAX_SINGLE_READS = 50
"""Orders of other dates read one by one for their references."""


def history(uow_factory: UnitOfWorkFactory, query: ChangeQuery) -> list[AuditEntry]:
    """The change rows ``query`` finds, newest first, in words."""
    with uow_factory() as uow:
        changes = uow.changes.search(query)
        names = names_for(uow, changes)
    return [describe(c, names) for c in changes]


MAX_LISTED = 3
"""A conflict message names at most this many of the other changes."""


def conflict_message(entries: Sequence[AuditEntry], refusal: str) -> str:
    """``refusal`` told with the others' changes.

    "The plan of 2026-03-03 was changed by someone else since you loaded it:
    anna changed the route of Van 2 at 10:42 (2 stops added); reload it and
    make your change again." The story goes before the advice (the part of
    ``refusal`` after its first "; "); ``refusal`` as it is without entries.
    """
    if not entries:
        return refusal
    listed = [e.sentence() for e in entries[-MAX_LISTED:]]
    more = len(entries) - len(listed)
    story = "; ".join(listed)
    if more:
        story = f"{story}; and {more} more change{'s' if more != 1 else ''}"
    head, sep, advice = refusal.partition("; ")
    head = head.rstrip(".")
    return f"{head}: {story}; {advice}" if sep else f"{head}: {story}."
