"""Demo orders: what customers order, when they can receive it, how urgent.

Every order is built to be servable: its required skills exist in the fleet,
its demand fits some vehicle with those skills, and each of its windows lies
inside the customer's receiving hours of that weekday and overlaps the shift
of such a vehicle long enough to do the job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import TYPE_CHECKING

from dispatcher.demo.fleet import ADR, COLD_CHAIN, TAIL_LIFT
from dispatcher.demo.geography import CustomerKind
from dispatcher.demo.sampling import pick, stream, weighted_sample
from dispatcher.model import (
    Customer,
    Load,
    Order,
    OrderId,
    OrderKind,
    Priority,
    TimeWindow,
    Vehicle,
)

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Sequence

    from dispatcher.demo.customers import CustomerTraits

K = CustomerKind

WEEKDAY_VOLUME = (1.04, 1.0, 0.97, 1.0, 0.94, 0.3, 0.1)
"""Orders of each weekday (Monday first) relative to ``orders_per_day``."""

MIN_USABLE_MINUTES = 30
"""A window must overlap a capable vehicle's shift by service time plus this."""

SKILL_DROP_ORDER = (ADR, TAIL_LIFT, COLD_CHAIN)
"""Which requirement to relax first when no vehicle has them all."""

PRIORITIES = (
    (Priority.MUST, 0.03),
    (Priority.HIGH, 0.12),
    (Priority.NORMAL, 0.75),
    (Priority.OPTIONAL, 0.10),
)

DEMAND_MIX: dict[CustomerKind, tuple[tuple[str, float], ...]] = {
    K.OFFICE: (("parcels", 0.92), ("bulky", 0.07), ("pallets", 0.01)),
    K.RETAIL: (("parcels", 0.78), ("bulky", 0.18), ("pallets", 0.04)),
    K.FOOD: (("parcels", 0.78), ("bulky", 0.2), ("pallets", 0.02)),
    K.INDUSTRIAL: (
        ("parcels", 0.66),
        ("bulky", 0.18),
        ("pallets", 0.14),
        ("heavy", 0.02),
    ),
    K.HEALTH: (("parcels", 0.9), ("bulky", 0.09), ("pallets", 0.01)),
    K.TRADE: (("parcels", 0.6), ("bulky", 0.24), ("pallets", 0.14), ("heavy", 0.02)),
}
"""What a delivery to each trade usually looks like."""

PICKUP_SHARE = {K.RETAIL: 0.04, K.INDUSTRIAL: 0.08, K.TRADE: 0.06, K.FOOD: 0.03}
"""Share of orders that collect goods (returns, empty pallets) instead."""


def _demand(rng: random.Random, shape: str, has_dock: bool) -> tuple[Load, float]:
    """A demand of the given shape and the minutes it takes to hand over."""
    kg = m3 = pallets = 0.0
    per_pallet = 3.0 if has_dock else 5.0
    if shape == "parcels":
        count = 1 + min(7, int(rng.expovariate(0.6)))
        for _ in range(count):
            weight = min(25.0, max(0.3, rng.lognormvariate(math.log(3), 0.8)))
            kg += weight
            m3 += weight / 250 + rng.uniform(0.003, 0.012)
        handling = 0.4 * count
    elif shape == "bulky":  # a half roll cage or a stack of cases
        kg = rng.uniform(25, 90)
        m3 = rng.uniform(0.25, 0.8)
        handling = 3.0
    elif shape == "pallets":
        count = pick(rng, ((1, 0.75), (2, 0.2), (3, 0.05)))
        kg = sum(rng.uniform(50, 220) for _ in range(count))
        m3 = sum(rng.uniform(0.6, 1.4) for _ in range(count))
        pallets = count
        handling = per_pallet * count
    elif shape == "heavy":
        count = rng.randint(3, 5)
        kg = sum(rng.uniform(220, 380) for _ in range(count))
        m3 = sum(rng.uniform(1.1, 1.6) for _ in range(count))
        pallets = count
        handling = (per_pallet + 1) * count
    elif shape == "empty_pallets":
        count = rng.randint(2, 12)
        kg, m3, pallets = 25.0 * count, 0.15 * count, math.ceil(count / 8)
        handling = 0.5 * count
    else:  # returns
        count = rng.randint(1, 4)
        kg = sum(rng.uniform(2, 15) for _ in range(count))
        m3 = 0.04 * count
        handling = 0.6 * count
    return Load(round(kg, 1), round(m3, 2), pallets), handling


def _clamp(demand: Load, capacity: Load) -> Load:
    """The demand cut down to what ``capacity`` holds (whole pallets)."""
    return Load(
        min(demand.kg, capacity.kg),
        min(demand.m3, capacity.m3),
        min(demand.pallets, math.floor(capacity.pallets)),
    )


def _overlap(a: TimeWindow, b: TimeWindow) -> int:
    """Minutes two windows share."""
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def usable(window: TimeWindow, vehicles: Sequence[Vehicle], service: float) -> bool:
    """True if some vehicle's shift leaves time to serve within ``window``."""
    need = service + MIN_USABLE_MINUTES
    return any(_overlap(window, v.shift) >= need for v in vehicles)


def order_windows(
    rng: random.Random,
    hours: Sequence[TimeWindow],
    vehicles: Sequence[Vehicle],
    service: float,
) -> tuple[TimeWindow, ...]:
    """Windows for an order: the receiving hours, or a slot inside them.

    Returns an empty tuple when no receiving window of the day is usable by
    the given vehicles.
    """
    open_hours = tuple(w for w in hours if usable(w, vehicles, service))
    if not open_hours:
        return ()
    draw = rng.random()
    if draw < 0.65:
        return open_hours
    window = rng.choice(open_hours)
    if draw < 0.85:  # a booked 2-3 hour slot, on the half hour
        length = rng.choice((120, 180))
        slots = [
            TimeWindow(start, start + length)
            for start in range(window.start, window.end - length + 1, 30)
        ]
    else:  # "before ...": the first hours of the window only
        slots = [
            TimeWindow(
                window.start, min(window.end, window.start + rng.choice((90, 120, 150)))
            )
        ]
    slots = [slot for slot in slots if usable(slot, vehicles, service)]
    return (rng.choice(slots),) if slots else open_hours


class OrderFactory:
    """Makes the orders of a day for the demo's customers and fleet.

    Parameters
    ----------
    seed
        Demo seed; each day draws from its own stream.
    customers, traits
        The customers and their traits, in the same order.
    vehicles
        The fleet; orders never need what it cannot do.
    next_id
        Gives the next free local order id.
    """

    def __init__(
        self,
        seed: int,
        customers: Sequence[Customer],
        traits: Sequence[CustomerTraits],
        vehicles: Sequence[Vehicle],
        next_id: Callable[[], int],
    ) -> None:
        self._seed = seed
        self._customers = customers
        self._traits = traits
        # Only capacity, skills and shift matter here: one vehicle of each
        # such kind stands for all (a 200-vehicle fleet has about 14 kinds).
        kinds = {(v.capacity, v.skills, v.shift): v for v in reversed(vehicles)}
        self._vehicles = sorted(kinds.values(), key=lambda v: v.id)
        self._next_id = next_id
        self._fleet_skills = frozenset().union(*(v.skills for v in vehicles))
        self._open_on = [
            [i for i, c in enumerate(customers) if c.receiving_hours[weekday]]
            for weekday in range(7)
        ]

    def capable(self, skills: frozenset[str]) -> list[Vehicle]:
        """Vehicles that have every skill in ``skills``."""
        return [v for v in self._vehicles if skills <= v.skills]

    def fresh(self, day: dt.date, count: int) -> list[Order]:
        """``count`` new first-attempt orders for ``day`` (fewer if few are open)."""
        rng = stream(self._seed, "orders", day.isoformat())
        candidates = self._open_on[day.weekday()]
        if not candidates:
            return []
        weights = [self._traits[i].activity for i in candidates]
        # A few spare customers replace those whose orders turn out unservable.
        picks = weighted_sample(rng, weights, count + count // 10 + 3)
        orders: list[Order] = []
        for index in picks:
            if len(orders) == count:
                break
            order = self._make(rng, day, candidates[index], len(orders) + 1)
            if order is not None:
                orders.append(order)
        return orders

    def _make(
        self, rng: random.Random, day: dt.date, index: int, sequence: int
    ) -> Order | None:
        """One order of customer ``index``, or None if it cannot be served."""
        customer, traits = self._customers[index], self._traits[index]
        kind = (
            OrderKind.PICKUP
            if rng.random() < PICKUP_SHARE.get(traits.kind, 0.0)
            else OrderKind.DELIVERY
        )
        if kind is OrderKind.PICKUP:
            shape = rng.choice(("empty_pallets", "returns"))
        else:
            shape = pick(rng, DEMAND_MIX[traits.kind])
        demand, handling = _demand(rng, shape, traits.has_dock)
        skills = set(customer.skills)
        if demand.pallets and not traits.has_dock:
            skills.add(TAIL_LIFT)
        if (
            kind is OrderKind.DELIVERY
            and traits.kind in (K.INDUSTRIAL, K.TRADE, K.HEALTH)
            and rng.random() < 0.03
        ):
            skills.add(ADR)
        required = frozenset(skills & self._fleet_skills)
        for skill in SKILL_DROP_ORDER:
            if self.capable(required) or skill not in required:
                continue
            required = required - {skill}
        vehicles = self.capable(required)
        if not any(demand.fits_in(v.capacity) for v in vehicles):
            biggest = max(vehicles, key=lambda v: v.capacity.as_tuple())
            demand = _clamp(demand, biggest.capacity)
        vehicles = [v for v in vehicles if demand.fits_in(v.capacity)]
        service = round(customer.service_minutes + handling)
        windows = order_windows(rng, customer.hours_on(day), vehicles, service)
        if not windows:
            return None
        return Order(
            id=OrderId(self._next_id()),
            reference=f"SO-{day:%y%m%d}-{sequence:04d}",
            customer_id=customer.id,
            date=day,
            demand=demand,
            windows=windows,
            service_minutes=service,
            kind=kind,
            priority=pick(rng, PRIORITIES),
            skills=required,
            notes=_order_note(rng, required),
        )

    def move(self, order: Order, day: dt.date, rng: random.Random) -> Order | None:
        """``order`` moved to ``day`` with windows for that weekday, or None.

        None means the customer does not receive on that weekday.
        """
        customer = self._customers[order.customer_id - 1]
        vehicles = [
            v for v in self.capable(order.skills) if order.demand.fits_in(v.capacity)
        ]
        windows = order_windows(
            rng, customer.hours_on(day), vehicles, order.service_minutes
        )
        if not windows:
            return None
        return dataclasses.replace(order, date=day, windows=windows)

    def next_open_move(
        self, order: Order, after: dt.date, rng: random.Random, *, skip: int = 0
    ) -> Order | None:
        """``order`` moved to the first day it can be served after ``after``.

        ``skip`` more days are passed over first (a later slot the customer chose).
        """
        for offset in range(1 + skip, 9 + skip):
            moved = self.move(order, after + dt.timedelta(days=offset), rng)
            if moved is not None:
                return moved
        return None


def _order_note(rng: random.Random, skills: frozenset[str]) -> str:
    """An occasional instruction on the delivery note."""
    if COLD_CHAIN in skills and rng.random() < 0.5:
        return rng.choice(("Keep at 2–8 °C", "Frozen goods: −18 °C"))
    if ADR in skills:
        return rng.choice(
            ("ADR class 3: flammable liquids", "ADR class 2: gas cylinders")
        )
    if rng.random() < 0.2:
        return pick(
            rng,
            (
                (f"PO {rng.randrange(4_500_000_000, 4_600_000_000)}", 3),
                ("Fragile", 1),
                ("Keep upright", 1),
                ("Signature required", 1),
                ("Deliver to the 2nd floor", 0.5),
                ("Call on arrival", 1),
            ),
        )
    return ""
