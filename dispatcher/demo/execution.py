"""What "really happened" on a history route: actual times and stop outcomes.

Each planned route is driven again with plausible noise: a loading delay at the
depot, traffic that varies by day and by leg and is worse in the rush hours,
service that takes longer or shorter than planned, and now and then an incident
(an accident, a road closure) that delays the rest of the route. Delays carry
over from stop to stop and are absorbed by planned waiting, so lateness clusters
at the end of unlucky routes, as it does in real life. A driver who misses the
window the plan aimed at rings anyway (late) instead of waiting hours for the
customer's next window. About 3–4 % of stops fail
for a weighted reason; a late arrival long after a window closed is often turned
away (missed window); very rarely a vehicle breaks down and the rest of its
route fails.

Actual times are timezone-aware local times in Lyon (Europe/Paris rules).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dispatcher.demo.names import person_name
from dispatcher.demo.sampling import bounded_gauss, lognormal_factor, pick
from dispatcher.model import FailureReason, Location, OutcomeResult

if TYPE_CHECKING:
    import random
    from collections.abc import Mapping

    from dispatcher.demo.construct import BuiltRoute
    from dispatcher.model import Customer, CustomerId, Order

R = FailureReason

BASE_FAILURE = 0.027
"""Chance that a stop fails for a reason other than lateness."""
NO_ACCESS_LATE = 0.06
"""Extra chance of no access in a pedestrian area after its morning slot."""
INCIDENT = 0.05
"""Chance that a route hits a traffic incident somewhere."""
BREAKDOWN = 0.003
"""Chance that a vehicle breaks down during its route."""
TURNED_AWAY = 0.25
"""Chance that a stop reached more than 30 minutes after closing is refused."""

FAILURE_REASONS = (
    (R.CLOSED, 0.30),
    (R.REFUSED, 0.18),
    (R.NO_ACCESS, 0.14),
    (R.ADDRESS_WRONG, 0.10),
    (R.DAMAGED, 0.12),
    (R.NOT_LOADED, 0.08),
    (R.MISSED_WINDOW, 0.08),
)
"""Why ordinary stops fail, with their shares."""

FAILURE_NOTES = {
    R.CLOSED: ("Closed, nobody answered", "Closed for stocktaking", "Shutter down"),
    R.REFUSED: ("Refused: not ordered", "Refused: wrong quantity", "Refused: too late"),
    R.NO_ACCESS: ("Bollards up, no access", "Gate closed, no badge", "Street blocked"),
    R.ADDRESS_WRONG: ("Company moved", "No such number in the street"),
    R.DAMAGED: ("Carton crushed, refused", "Pallet wrap torn, goods damaged"),
    R.NOT_LOADED: ("Parcel not found in the vehicle",),
    R.MISSED_WINDOW: ("Dock closed when we arrived", "Arrived after closing time"),
    R.VEHICLE_BREAKDOWN: ("Vehicle broke down, route aborted",),
}
DELIVERY_NOTES = (
    ("", 20),
    ("Left at reception", 2),
    ("Signed by the security guard", 1),
    ("Pallet left at the dock", 1),
    ("Customer asks for a call 30 min ahead next time", 1),
)
RUSH_HOURS = ((7 * 60 + 30, 9 * 60 + 15), (16 * 60 + 30, 18 * 60 + 45))
RUSH_SLOWDOWN = 1.2


LYON_ZONE = ZoneInfo("Europe/Paris")


def local_datetime(day: dt.date, minutes: float) -> dt.datetime:
    """The aware local time ``minutes`` after midnight of ``day`` in Lyon."""
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=LYON_ZONE)
    return midnight + dt.timedelta(seconds=round(minutes * 60))


@dataclass(frozen=True, slots=True)
class StopResult:
    """How one stop of an executed route went."""

    order: Order
    actual_arrival: dt.datetime | None
    actual_departure: dt.datetime | None
    result: OutcomeResult
    at: dt.datetime
    late: bool = False
    reason: FailureReason | None = None
    note: str = ""
    recipient: str = ""
    location: Location | None = None


def _rush(minute: float) -> float:
    """Traffic slowdown at a time of day."""
    return RUSH_SLOWDOWN if any(a <= minute < b for a, b in RUSH_HOURS) else 1.0


def _near(rng: random.Random, where: Location) -> Location:
    """A GPS fix within a few tens of metres of ``where``."""
    return Location(
        round(where.lat + rng.gauss(0.0, 0.00015), 6),
        round(where.lon + rng.gauss(0.0, 0.0002), 6),
    )


def _failure(
    rng: random.Random, lateness: float, late_for_access: bool
) -> FailureReason | None:
    """The reason a stop fails, or None if it is served."""
    if lateness > 30 and rng.random() < TURNED_AWAY:
        return R.MISSED_WINDOW
    if late_for_access and rng.random() < NO_ACCESS_LATE:
        return R.NO_ACCESS
    if rng.random() < BASE_FAILURE:
        return pick(rng, FAILURE_REASONS)
    return None


def execute_route(
    route: BuiltRoute,
    day: dt.date,
    customers: Mapping[CustomerId, Customer],
    pedestrian: frozenset[CustomerId],
    rng: random.Random,
) -> list[StopResult]:
    """Drive a planned route with realistic noise; one result per stop.

    Parameters
    ----------
    route
        The planned, timed route.
    day
        Its date.
    customers
        Customers by id.
    pedestrian
        Ids of customers in pedestrian areas (access only until 11:00).
    rng
        The random stream of this route.

    Returns
    -------
    list[StopResult]
        In driving order.
    """
    schedule = route.schedule
    n = len(route.orders)
    incident_at = rng.randrange(n) if rng.random() < INCIDENT else -1
    incident_delay = rng.uniform(20, 80)
    breakdown_at = rng.randrange(n) if rng.random() < BREAKDOWN else -1
    day_traffic = lognormal_factor(rng, 0.08)
    clock = schedule.departure + bounded_gauss(rng, 4, 6, -5, 30)
    planned_previous = schedule.departure
    results: list[StopResult] = []
    for i, (order, timing) in enumerate(zip(route.orders, schedule.stops, strict=True)):
        customer = customers[order.customer_id]
        planned_break = sum(
            end - start
            for start, end in schedule.breaks
            if planned_previous <= start < timing.arrival
        )
        travel = timing.arrival - planned_previous - planned_break
        planned_previous = timing.departure
        if 0 <= breakdown_at <= i:
            results.append(
                StopResult(
                    order=order,
                    actual_arrival=None,
                    actual_departure=None,
                    result=OutcomeResult.FAILED,
                    at=local_datetime(day, clock),
                    reason=R.VEHICLE_BREAKDOWN,
                    note=FAILURE_NOTES[R.VEHICLE_BREAKDOWN][0],
                )
            )
            continue
        clock += planned_break
        clock += travel * day_traffic * lognormal_factor(rng, 0.1) * _rush(clock)
        if i == incident_at:
            clock += incident_delay
        arrival = clock
        # The driver aims at the window the plan used. Early, they wait for it
        # to open; late, they ring anyway rather than wait hours for the next.
        aimed = next(
            (w for w in order.windows if w.start <= timing.start <= w.end),
            order.windows[-1],
        )
        start = max(arrival, aimed.start)
        lateness = max(0.0, arrival - aimed.end)
        reason = _failure(rng, lateness, customer.id in pedestrian and start > 11 * 60)
        if reason is None:
            clock = start + order.service_minutes * lognormal_factor(rng, 0.25, 0.03)
            note = pick(rng, DELIVERY_NOTES)
            recipient = (
                customer.contact_name if rng.random() < 0.6 else person_name(rng)
            )
        else:
            clock = start + rng.uniform(3, 8)  # ring, call the customer, give up
            note = rng.choice(FAILURE_NOTES[reason])
            recipient = ""
        results.append(
            StopResult(
                order=order,
                actual_arrival=local_datetime(day, arrival),
                actual_departure=local_datetime(day, clock),
                result=OutcomeResult.DELIVERED
                if reason is None
                else OutcomeResult.FAILED,
                at=local_datetime(day, clock),
                late=lateness > 0,
                reason=reason,
                note=note,
                recipient=recipient,
                location=_near(rng, customer.location),
            )
        )
    return results
