"""What drivers were given at dispatch, and how the plan has drifted from it since.

A ``DispatchSnapshot`` is what the last dispatch of a day sent out: per vehicle,
its orders in driving order with the planned arrival and departure of each stop.
It is stored in the change log (``dispatcher.dispatching``) and read back as it
was, so later edits cannot rewrite what the drivers hold.

``changes_since_dispatch`` compares the day as it is now (a ``DayView``) with a
snapshot, per vehicle: stops added, stops taken off (to another vehicle or to no
route), stops that changed places, and ETAs that moved by more than a threshold.
Everything here is pure and fast (a 2,000-stop day in a few milliseconds), so the
"Changes since dispatch" panel can recompute it after every edit. Each change
also says itself in plain language (``text``), for the panel and the CLI.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dispatcher.model import OrderId, VehicleId, format_minutes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from dispatcher.day_view import DayView, RouteLine

    _Reference = Callable[[OrderId, str], str]
    """An order's reference now, else the given fallback."""

SHIFT_THRESHOLD_MIN = 10.0
"""ETA moves up to this many minutes are not worth telling a driver about."""


# -- what was dispatched ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DispatchedStop:
    """One stop as the driver received it (times in minutes after midnight)."""

    order_id: OrderId
    reference: str
    arrival: float
    departure: float


@dataclass(frozen=True, slots=True)
class DispatchedRoute:
    """One vehicle's route as the driver received it.

    ``plan_version`` is the plan version of the dispatch that sent this route;
    in a partial dispatch the other routes keep the version they were sent at.
    """

    vehicle_id: VehicleId
    vehicle_name: str
    driver_name: str | None
    plan_version: int
    stops: tuple[DispatchedStop, ...]

    @property
    def order_ids(self) -> tuple[OrderId, ...]:
        """The orders in driving order."""
        return tuple(stop.order_id for stop in self.stops)

    @property
    def start(self) -> float | None:
        """Planned arrival at the first stop, None for an empty route."""
        return self.stops[0].arrival if self.stops else None


@dataclass(frozen=True, slots=True)
class DispatchSnapshot:
    """Everything the drivers of one day hold after the last dispatch.

    Attributes
    ----------
    date
        The plan date.
    at
        When the last dispatch happened (timezone-aware, UTC).
    user
        Who dispatched.
    plan_version
        The plan version the last dispatch saved (``Plan.dispatched_version``).
    routes
        Every route the drivers hold, by vehicle name: the ones this dispatch
        sent and, after a partial dispatch, the ones sent earlier.
    sent
        The vehicles whose routes the last dispatch itself sent.
    """

    date: dt.date
    at: dt.datetime
    user: str
    plan_version: int
    routes: tuple[DispatchedRoute, ...]
    sent: frozenset[VehicleId] = field(default_factory=frozenset)

    def route_of(self, vehicle_id: VehicleId) -> DispatchedRoute | None:
        """The dispatched route of a vehicle, if it has one."""
        return next((r for r in self.routes if r.vehicle_id == vehicle_id), None)

    @property
    def stop_count(self) -> int:
        """How many stops the drivers hold in all."""
        return sum(len(r.stops) for r in self.routes)

    def to_payload(self) -> dict[str, object]:
        """A JSON-ready description for the change log (``from_payload`` reads it)."""
        return snapshot_payload(self.plan_version, self.routes, self.sent)

    @classmethod
    def from_payload(
        cls, day: dt.date, at: dt.datetime, user: str, payload: Mapping[str, Any]
    ) -> DispatchSnapshot:
        """The snapshot a change-log row describes (see ``to_payload``).

        A naive ``at`` is taken to be UTC (the change log writes UTC).

        Raises
        ------
        ValueError
            If the payload is not one ``to_payload`` wrote.
        """
        try:
            routes = tuple(
                DispatchedRoute(
                    vehicle_id=VehicleId(int(r["vehicle_id"])),
                    vehicle_name=str(r["vehicle"]),
                    driver_name=None if r["driver"] is None else str(r["driver"]),
                    plan_version=int(r["plan_version"]),
                    stops=tuple(
                        DispatchedStop(
                            OrderId(int(s["order_id"])),
                            str(s["reference"]),
                            float(s["arrival"]),
                            float(s["departure"]),
                        )
                        for s in r["stops"]
                    ),
                )
                for r in payload["routes"]
            )
            sent = frozenset(VehicleId(int(v)) for v in payload["sent"])
            version = int(payload["plan_version"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a dispatch snapshot: {exc!r}") from exc
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        return cls(day, at, user, version, routes, sent)


def snapshot_payload(
    plan_version: int,
    routes: Iterable[DispatchedRoute],
    sent: Iterable[VehicleId],
) -> dict[str, object]:
    """The change-log form of a snapshot (``at`` and ``user`` are the row's own)."""
    return {
        "plan_version": plan_version,
        "sent": sorted(sent),
        "routes": [
            {
                "vehicle_id": r.vehicle_id,
                "vehicle": r.vehicle_name,
                "driver": r.driver_name,
                "plan_version": r.plan_version,
                "stops": [
                    {
                        "order_id": s.order_id,
                        "reference": s.reference,
                        "arrival": s.arrival,
                        "departure": s.departure,
                    }
                    for s in r.stops
                ],
            }
            for r in routes
        ],
    }


def snapshot_route(
    line: RouteLine, plan_version: int, references: Mapping[OrderId, str]
) -> DispatchedRoute:
    """A timed route as it is sent to its driver.

    Parameters
    ----------
    line
        The route with its vehicle, driver and schedule.
    plan_version
        The plan version of the dispatch.
    references
        Order references by id (ids without one are shown as ``order <id>``).
    """
    stops = tuple(
        DispatchedStop(
            oid, references.get(oid, f"order {oid}"), timing.arrival, timing.departure
        )
        for oid, timing in zip(line.route.order_ids, line.schedule.stops, strict=True)
    )
    driver = line.driver.name if line.driver is not None else None
    return DispatchedRoute(
        line.vehicle.id, line.vehicle.name, driver, plan_version, stops
    )


# -- what changed since ----------------------------------------------------------------


def _minutes_text(minutes: float) -> str:
    """``25 min`` or ``1 h 05 min``."""
    whole = round(abs(minutes))
    if whole < 60:
        return f"{whole} min"
    return f"{whole // 60} h {whole % 60:02d} min"


def shift_text(minutes: float) -> str:
    """A signed ETA move, e.g. ``+25 min`` or ``−1 h 05 min``."""
    sign = "+" if minutes >= 0 else "−"
    return sign + _minutes_text(minutes)


@dataclass(frozen=True, slots=True)
class StopAdded:
    """An order the driver does not have yet: it is on the route now."""

    order_id: OrderId
    reference: str
    position: int
    eta: float
    from_vehicle: str | None = None
    """The vehicle that had it at dispatch; None if no driver had it."""

    @property
    def text(self) -> str:
        """E.g. ``ORD-14 added at stop 3, ETA 11:05 (was on Van 1)``."""
        text = f"{self.reference} added at stop {self.position}, ETA {_eta(self.eta)}"
        if self.from_vehicle is not None:
            text += f" (was on {self.from_vehicle})"
        return text


@dataclass(frozen=True, slots=True)
class StopRemoved:
    """An order the driver has that is no longer on the route."""

    order_id: OrderId
    reference: str
    old_position: int
    to_vehicle: str | None = None
    """The vehicle it is on now; None if it is on no route."""

    @property
    def text(self) -> str:
        """E.g. ``ORD-9 taken off stop 4 (now on Van 3)``."""
        where = f"now on {self.to_vehicle}" if self.to_vehicle else "now unassigned"
        return f"{self.reference} taken off stop {self.old_position} ({where})"


@dataclass(frozen=True, slots=True)
class StopReordered:
    """An order that is still on the route but at another place in the sequence."""

    order_id: OrderId
    reference: str
    old_position: int
    position: int
    old_eta: float
    eta: float

    @property
    def text(self) -> str:
        """E.g. ``ORD-5 moved from stop 4 to stop 2, ETA 10:20 (−35 min)``."""
        text = (
            f"{self.reference} moved from stop {self.old_position} to stop "
            f"{self.position}, ETA {_eta(self.eta)}"
        )
        if round(self.eta - self.old_eta):
            text += f" ({shift_text(self.eta - self.old_eta)})"
        return text


@dataclass(frozen=True, slots=True)
class EtaShifted:
    """An order whose planned arrival moved by more than the threshold."""

    order_id: OrderId
    reference: str
    position: int
    old_eta: float
    eta: float

    @property
    def delta(self) -> float:
        """Minutes later (positive) or earlier (negative) than dispatched."""
        return self.eta - self.old_eta

    @property
    def text(self) -> str:
        """E.g. ``ETA of ORD-9 now 11:40 (+25 min)``."""
        return (
            f"ETA of {self.reference} now {_eta(self.eta)} ({shift_text(self.delta)})"
        )


@dataclass(frozen=True, slots=True)
class ShiftRun:
    """Consecutive stops whose ETA moved by the same minutes (one cause, one line)."""

    shifts: tuple[EtaShifted, ...]

    @property
    def text(self) -> str:
        """E.g. ``ETAs of stops 3–8 now +19 min (ORD-35 … ORD-48)``."""
        if len(self.shifts) == 1:
            return self.shifts[0].text
        first, last = self.shifts[0], self.shifts[-1]
        return (
            f"ETAs of stops {first.position}–{last.position} now "
            f"{shift_text(first.delta)} ({first.reference} … {last.reference})"
        )


def shift_runs(shifted: Sequence[EtaShifted], min_run: int = 3) -> list[ShiftRun]:
    """ETA moves grouped into runs of at least ``min_run`` neighbouring stops.

    Inserting or removing one stop moves every later ETA by the same minutes;
    a driver wants that said once. Stops are neighbours if their positions
    follow each other; moves are the same if they round to the same minute.
    Shorter runs stay one line per stop.
    """
    runs: list[list[EtaShifted]] = []
    for shift in shifted:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and shift.position == last.position + 1
            and round(shift.delta) == round(last.delta)
        ):
            runs[-1].append(shift)
        else:
            runs.append([shift])
    result: list[ShiftRun] = []
    for run in runs:
        if len(run) >= min_run:
            result.append(ShiftRun(tuple(run)))
        else:
            result.extend(ShiftRun((shift,)) for shift in run)
    return result


StopChange = StopAdded | StopRemoved | StopReordered | EtaShifted
"""One difference between a dispatched route and the route now."""


def _eta(minutes: float) -> str:
    return format_minutes(minutes)


@dataclass(frozen=True, slots=True)
class VehicleDiff:
    """How one vehicle's route differs from what its driver holds.

    ``dispatched`` False means the driver holds nothing: the route was never
    dispatched, and every stop on it is in ``added``.
    """

    vehicle_id: VehicleId
    vehicle_name: str
    dispatched: bool
    stops_now: int
    added: tuple[StopAdded, ...] = ()
    removed: tuple[StopRemoved, ...] = ()
    reordered: tuple[StopReordered, ...] = ()
    shifted: tuple[EtaShifted, ...] = ()

    @property
    def empty(self) -> bool:
        """True if the route is exactly what the driver holds (within the threshold)."""
        return not (self.added or self.removed or self.reordered or self.shifted)

    @property
    def changes(self) -> tuple[StopChange, ...]:
        """Every change, in the order a driver would want to hear them."""
        return (*self.removed, *self.added, *self.reordered, *self.shifted)

    @property
    def summary(self) -> str:
        """E.g. ``2 added · 1 taken off · 3 ETAs moved``, or the not-dispatched note."""
        if not self.dispatched:
            return f"not dispatched yet · {_count(self.stops_now, 'stop')}"
        parts = [
            f"{len(self.added)} added" if self.added else "",
            f"{len(self.removed)} taken off" if self.removed else "",
            f"{len(self.reordered)} moved" if self.reordered else "",
            _count(len(self.shifted), "ETA") + " moved" if self.shifted else "",
        ]
        return " · ".join(p for p in parts if p)

    def lines(self) -> list[str]:
        """One plain sentence per change (one summary for a route never sent)."""
        if not self.dispatched:
            first = self.added[0].eta if self.added else None
            text = f"Not dispatched yet: {_count(self.stops_now, 'stop')}"
            if first is not None:
                text += f", first at {_eta(first)}"
            return [text]
        moves: tuple[StopRemoved | StopAdded | StopReordered, ...] = (
            *self.removed,
            *self.added,
            *self.reordered,
        )
        return [c.text for c in moves] + [r.text for r in shift_runs(self.shifted)]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True, slots=True)
class DispatchDiff:
    """Everything that changed on a day since its last dispatch.

    Attributes
    ----------
    snapshot
        What the drivers hold.
    vehicles
        Vehicles whose route differs, by vehicle name.
    unassigned
        Dispatched orders that are now on no route (they are also listed as
        taken off their vehicle).
    threshold
        ETA moves up to this many minutes were ignored.
    """

    snapshot: DispatchSnapshot
    vehicles: tuple[VehicleDiff, ...] = ()
    unassigned: tuple[StopRemoved, ...] = ()
    threshold: float = SHIFT_THRESHOLD_MIN

    @property
    def empty(self) -> bool:
        """True if every route is what its driver holds."""
        return not self.vehicles

    def vehicle(self, vehicle_id: VehicleId) -> VehicleDiff | None:
        """The differences of one vehicle, None if it has none."""
        return next((v for v in self.vehicles if v.vehicle_id == vehicle_id), None)

    @property
    def changed_vehicles(self) -> frozenset[VehicleId]:
        """Vehicles whose drivers need a new route sheet (dispatched ones only)."""
        return frozenset(v.vehicle_id for v in self.vehicles if v.dispatched)

    def sentences(self) -> list[str]:
        """Every change as ``Van 2: ORD-14 added at stop 3, ETA 11:05``."""
        return [
            f"{v.vehicle_name}: {line}" for v in self.vehicles for line in v.lines()
        ]


def changes_since_dispatch(
    view: DayView,
    snapshot: DispatchSnapshot,
    *,
    threshold: float = SHIFT_THRESHOLD_MIN,
) -> DispatchDiff:
    """Compare a day as it is now with what its drivers were given.

    Parameters
    ----------
    view
        The day now (routes timed by the shared scheduler).
    snapshot
        The last dispatch of that day.
    threshold
        Report an ETA only if it moved by more than this many minutes.

    Returns
    -------
    DispatchDiff
        Per vehicle: stops added (with the vehicle that had them at dispatch),
        stops taken off (with where they are now), stops that changed places
        (the fewest stops whose move explains the new sequence) with their new
        ETA, and other stops whose ETA moved by more than ``threshold``.
        Vehicles with stops that were never dispatched are listed as not
        dispatched; vehicles without changes are left out.
    """
    now_routes = {line.vehicle.id: line for line in view.routes if line.route.stops}
    now_vehicle: dict[OrderId, str] = {
        oid: line.vehicle.name
        for line in now_routes.values()
        for oid in line.route.order_ids
    }
    then_vehicle: dict[OrderId, str] = {
        stop.order_id: route.vehicle_name
        for route in snapshot.routes
        for stop in route.stops
    }

    def reference(oid: OrderId, fallback: str = "") -> str:
        line = view.line_of(oid)
        if line is not None:
            return line.order.reference
        return fallback or f"order {oid}"

    diffs: list[VehicleDiff] = []
    unassigned: list[StopRemoved] = []
    for then in snapshot.routes:
        now = now_routes.get(then.vehicle_id)
        diff = _route_diff(then, now, now_vehicle, then_vehicle, reference, threshold)
        unassigned.extend(r for r in diff.removed if r.to_vehicle is None)
        if not diff.empty:
            diffs.append(diff)
    dispatched = {r.vehicle_id for r in snapshot.routes}
    for vid, line in now_routes.items():
        if vid not in dispatched:
            added = _added(line, range(len(line.route.stops)), then_vehicle, reference)
            diffs.append(
                VehicleDiff(vid, line.vehicle.name, False, len(added), tuple(added))
            )
    diffs.sort(key=lambda d: (d.vehicle_name, d.vehicle_id))
    unassigned.sort(key=lambda r: r.reference)
    return DispatchDiff(snapshot, tuple(diffs), tuple(unassigned), threshold)


def _added(
    line: RouteLine,
    indexes: Iterable[int],
    then_vehicle: Mapping[OrderId, str],
    reference: _Reference,
) -> list[StopAdded]:
    order_ids = line.route.order_ids
    stops = line.schedule.stops
    return [
        StopAdded(
            order_ids[i],
            reference(order_ids[i], ""),
            i + 1,
            stops[i].arrival,
            then_vehicle.get(order_ids[i]),
        )
        for i in indexes
    ]


def _route_diff(
    then: DispatchedRoute,
    now: RouteLine | None,
    now_vehicle: Mapping[OrderId, str],
    then_vehicle: Mapping[OrderId, str],
    reference: _Reference,
    threshold: float,
) -> VehicleDiff:
    """The differences of one dispatched route."""
    now_ids = now.route.order_ids if now is not None else ()
    now_pos = {oid: i for i, oid in enumerate(now_ids)}
    then_pos = {stop.order_id: i for i, stop in enumerate(then.stops)}
    removed = tuple(
        StopRemoved(
            stop.order_id,
            reference(stop.order_id, stop.reference),
            i + 1,
            now_vehicle.get(stop.order_id),
        )
        for i, stop in enumerate(then.stops)
        if stop.order_id not in now_pos
    )
    if now is None:
        return VehicleDiff(then.vehicle_id, then.vehicle_name, True, 0, removed=removed)

    added = _added(
        now,
        (i for i, oid in enumerate(now_ids) if oid not in then_pos),
        then_vehicle,
        reference,
    )
    kept = [i for i, oid in enumerate(now_ids) if oid in then_pos]
    stayed = set(_longest_increasing(kept, [then_pos[now_ids[i]] for i in kept]))
    timings = now.schedule.stops
    reordered: list[StopReordered] = []
    shifted: list[EtaShifted] = []
    for i in kept:
        oid = now_ids[i]
        old = then.stops[then_pos[oid]]
        eta = timings[i].arrival
        if i not in stayed:
            reordered.append(
                StopReordered(
                    oid,
                    reference(oid, old.reference),
                    then_pos[oid] + 1,
                    i + 1,
                    old.arrival,
                    eta,
                )
            )
        elif abs(eta - old.arrival) > threshold:
            shifted.append(
                EtaShifted(oid, reference(oid, old.reference), i + 1, old.arrival, eta)
            )
    return VehicleDiff(
        then.vehicle_id,
        now.vehicle.name,
        True,
        len(now_ids),
        tuple(added),
        removed,
        tuple(reordered),
        tuple(shifted),
    )


def _longest_increasing(items: Sequence[int], keys: Sequence[int]) -> list[int]:
    """The items of a longest run with strictly increasing keys (O(n log n)).

    Applied to the stops still on a route (keys: their dispatched positions),
    the stops outside that run are the fewest whose move explains the new
    sequence: those are the ones reported as moved.
    """
    tails: list[int] = []  # key of the smallest tail of each run length
    tail_at: list[int] = []  # index (into items) of that tail
    previous = [-1] * len(items)
    for i, key in enumerate(keys):
        length = bisect.bisect_left(tails, key)
        if length == len(tails):
            tails.append(key)
            tail_at.append(i)
        else:
            tails[length] = key
            tail_at[length] = i
        previous[i] = tail_at[length - 1] if length > 0 else -1
    run: list[int] = []
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        run.append(items[i])
        i = previous[i]
    run.reverse()
    return run
