"""The demo data generator: deterministic, realistic and internally consistent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dispatcher.demo import DemoConfig, default_vehicle_count, generate
from dispatcher.demo.execution import local_datetime
from dispatcher.model import (
    Order,
    OrderStatus,
    OutcomeResult,
    RouteStatus,
    TimeWindow,
    Vehicle,
)
from dispatcher.timing import DayContext

if TYPE_CHECKING:
    from dispatcher.demo.dataset import DemoDataset

TUESDAY = dt.date(2026, 3, 10)
SMALL = DemoConfig(date=TUESDAY, seed=7, orders_per_day=40, history_days=6)
GREATER_LYON = (45.60, 45.98, 4.68, 5.12)  # south, north, west, east


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    """150 orders a weekday and two weeks of history: big enough for proportions."""
    return generate(
        DemoConfig(date=TUESDAY, seed=3, orders_per_day=150, history_days=14)
    )


def _minute(moment: dt.datetime) -> float:
    """Minutes after local midnight of an aware local time."""
    return moment.hour * 60 + moment.minute + moment.second / 60


def _capable(order: Order, vehicles: tuple[Vehicle, ...]) -> list[Vehicle]:
    """Vehicles that have the order's skills and room for its demand."""
    return [
        v
        for v in vehicles
        if order.skills <= v.skills and order.demand.fits_in(v.capacity)
    ]


def _late(arrival: float, windows: tuple[TimeWindow, ...]) -> bool:
    """Arrived after a window opened but inside none (early arrivals wait)."""
    return arrival > windows[0].start and not any(w.contains(arrival) for w in windows)


def _inside(window: TimeWindow, hours: tuple[TimeWindow, ...]) -> bool:
    """True if ``window`` lies within one of ``hours``."""
    return any(h.start <= window.start and window.end <= h.end for h in hours)


def test_same_seed_and_date_give_identical_data() -> None:
    """Two runs of one config produce equal data sets."""
    assert generate(SMALL) == generate(SMALL)


def test_another_seed_or_date_gives_other_data() -> None:
    """Changing the seed or the date changes customers and orders."""
    base = generate(SMALL)
    other_seed = generate(
        DemoConfig(date=TUESDAY, seed=8, orders_per_day=40, history_days=6)
    )
    other_day = generate(
        DemoConfig(
            date=TUESDAY + dt.timedelta(days=1),
            seed=7,
            orders_per_day=40,
            history_days=6,
        )
    )
    assert other_seed.customers != base.customers
    assert other_seed.orders != base.orders
    assert other_day.orders != base.orders


def _canonical(value: object) -> object:
    """A set-order-free image of a value: sets become sorted tuples."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (
            type(value).__name__,
            *(_canonical(getattr(value, f.name)) for f in fields),
        )
    if isinstance(value, (set, frozenset)):
        return ("set", *sorted(repr(_canonical(item)) for item in value))
    if isinstance(value, (tuple, list)):
        return tuple(_canonical(item) for item in value)
    return repr(value)


def digest(config: DemoConfig) -> str:
    """A fingerprint of the data set ``config`` generates."""
    return hashlib.sha256(repr(_canonical(generate(config))).encode()).hexdigest()


def test_data_does_not_depend_on_the_hash_seed() -> None:
    """Processes with different PYTHONHASHSEED (set order) generate the same data."""
    code = (
        "from tests.unit.test_demo_generator import SMALL, digest; print(digest(SMALL))"
    )
    root = Path(__file__).resolve().parents[2]
    digests = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(done.stdout.strip())
    assert digests == {digest(SMALL)}


def test_fleet_is_mixed_with_every_skill(dataset: DemoDataset) -> None:
    """Two depots, 14 vehicles of several sizes, each skill present, one driver each."""
    vehicles = dataset.vehicles
    assert len(dataset.depots) == 2
    assert len(vehicles) == 14
    assert len({v.capacity for v in vehicles}) >= 4
    assert {"tail_lift", "cold_chain", "adr"} <= frozenset().union(
        *(v.skills for v in vehicles)
    )
    assert len({v.shift for v in vehicles}) >= 3
    assert all(v.break_rule is not None and v.fixed_cost > 0 for v in vehicles)
    regular = [d.vehicle_id for d in dataset.drivers if d.vehicle_id is not None]
    assert sorted(regular) == sorted(v.id for v in vehicles)


def test_default_fleet_grows_with_orders() -> None:
    """250 orders a day get 12-16 vehicles; 1,000 get about 40."""
    assert 12 <= default_vehicle_count(250) <= 16
    assert 36 <= default_vehicle_count(1000) <= 44


def test_customers_are_in_greater_lyon_with_contacts(dataset: DemoDataset) -> None:
    """Every customer lies in the metro area and has an address, contact and hours."""
    south, north, west, east = GREATER_LYON
    for c in dataset.customers:
        assert south < c.location.lat < north
        assert west < c.location.lon < east
        assert c.address.split(", ")[-1][:2] == "69"  # a Rhône postcode
        assert c.contact_name
        assert c.email.endswith(".example")
        assert c.phone
        assert c.notes
        assert any(c.receiving_hours)
    closed_on_sunday = sum(not c.receiving_hours[6] for c in dataset.customers)
    assert closed_on_sunday > 0.7 * len(dataset.customers)


def test_windows_lie_in_receiving_hours_and_a_capable_shift(
    dataset: DemoDataset,
) -> None:
    """Each window is inside the weekday's hours and overlaps a capable shift."""
    customers = {c.id: c for c in dataset.customers}
    for order in dataset.orders:
        hours = customers[order.customer_id].hours_on(order.date)
        capable = _capable(order, dataset.vehicles)
        assert order.windows
        for window in order.windows:
            assert _inside(window, hours), (order.reference, window, hours)
            assert any(window.overlaps(v.shift) for v in capable), order.reference


def test_every_demand_fits_a_vehicle_with_its_skills(dataset: DemoDataset) -> None:
    """Some vehicle has the required skills (the customer's too) and the room."""
    customers = {c.id: c for c in dataset.customers}
    for order in dataset.orders:
        assert customers[order.customer_id].skills <= order.skills
        assert _capable(order, dataset.vehicles), order.reference
        assert not order.demand.is_negative()
        assert order.service_minutes > 0


def test_demands_are_mostly_small_with_some_pallets(dataset: DemoDataset) -> None:
    """Most orders are parcels; some are pallets; a few need skills."""
    orders = dataset.orders
    small = sum(o.demand.kg < 100 and not o.demand.pallets for o in orders)
    pallets = sum(o.demand.pallets > 0 for o in orders)
    assert small > 0.6 * len(orders)
    assert 0.01 * len(orders) < pallets < 0.2 * len(orders)
    skills = Counter(s for o in orders for s in o.skills)
    assert skills["cold_chain"] > 0
    assert skills["tail_lift"] > 0
    priorities = Counter(o.priority.value for o in orders)
    assert priorities["normal"] > priorities["high"] > priorities["must"] > 0
    assert priorities["optional"] > 0


def test_history_outcomes_in_plausible_proportions(dataset: DemoDataset) -> None:
    """Executed stops: about 90 % on time, a few % late, a few % failed with reasons."""
    orders = {o.id: o for o in dataset.orders}
    outcomes = {o.order_id: o for o in dataset.outcomes}
    counts: Counter[str] = Counter()
    for plan in dataset.plans:
        for route in plan.routes:
            if route.status is not RouteStatus.DONE:
                continue
            for stop in route.stops:
                outcome = outcomes[stop.order_id]
                if outcome.result is OutcomeResult.FAILED:
                    assert outcome.reason is not None
                    counts["failed"] += 1
                    continue
                arrival = _minute(stop.actual_arrival)  # type: ignore[arg-type]
                windows = orders[stop.order_id].windows
                counts["late" if _late(arrival, windows) else "on_time"] += 1
    total = sum(counts.values())
    assert total > 1000
    assert 0.85 < counts["on_time"] / total < 0.96
    assert 0.02 < counts["late"] / total < 0.10
    assert 0.015 < counts["failed"] / total < 0.06
    reasons = Counter(o.reason for o in dataset.outcomes if o.reason is not None)
    assert len(reasons) >= 4


def test_order_statuses_match_their_outcomes(dataset: DemoDataset) -> None:
    """Delivered orders have a delivery; failed ones are rebooked, queued or closed."""
    outcome = {o.order_id: o for o in dataset.outcomes}
    follow_ups = Counter(o.rebook_of for o in dataset.orders if o.rebook_of is not None)
    by_id = {o.id: o for o in dataset.orders}
    for order in dataset.orders:
        result = outcome.get(order.id)
        if order.status is OrderStatus.DELIVERED:
            assert result is not None
            assert result.result is OutcomeResult.DELIVERED
        elif order.status in (OrderStatus.NEW, OrderStatus.PLANNED):
            assert result is None
            assert order.date >= dataset.config.date
        elif order.status is OrderStatus.CANCELLED and result is None:
            assert order.date < dataset.config.date  # never found a route
        else:
            assert result is not None
            assert result.result is OutcomeResult.FAILED
            assert result.attempt == order.attempt
        assert follow_ups[order.id] == (order.status is OrderStatus.REBOOKED)
        if order.rebook_of is not None:
            first = by_id[order.rebook_of]
            assert order.attempt == first.attempt + 1
            assert order.date > first.date
    statuses = Counter(o.status for o in dataset.orders)
    assert statuses[OrderStatus.REBOOKED] > 0
    assert statuses[OrderStatus.TO_REBOOK] > 0


def test_plans_hold_each_order_once_in_contiguous_sequences(
    dataset: DemoDataset,
) -> None:
    """No order is planned twice; stops are numbered 1..n; one route per vehicle."""
    seen: set[int] = set()
    by_id = {o.id: o for o in dataset.orders}
    for plan in dataset.plans:
        assert len({r.vehicle_id for r in plan.routes}) == len(plan.routes)
        for route in plan.routes:
            assert [s.sequence for s in route.stops] == list(
                range(1, len(route.stops) + 1)
            )
            for stop in route.stops:
                assert stop.order_id not in seen
                seen.add(stop.order_id)
                assert by_id[stop.order_id].date == plan.date


def test_history_is_done_today_planned_tomorrow_open(dataset: DemoDataset) -> None:
    """History is done with actual times; today is planned; tomorrow is open."""
    today = dataset.config.date
    for plan in dataset.plans:
        for route in plan.routes:
            assert route.driver_id is not None
            if plan.date < today:
                assert route.status is RouteStatus.DONE
            else:
                assert route.status is RouteStatus.PLANNED
                assert all(s.actual_arrival is None for s in route.stops)
    assert dataset.plan_of(today + dt.timedelta(days=1)) is None
    todays = dataset.orders_on(today)
    plan = dataset.plan_of(today)
    assert plan is not None
    planned = plan.assigned_order_ids()
    for order in todays:
        expected = OrderStatus.PLANNED if order.id in planned else OrderStatus.NEW
        assert order.status is expected
    assert len(planned) > 0.9 * len(todays)
    tomorrow = dataset.orders_on(today + dt.timedelta(days=1))
    assert tomorrow
    assert all(o.status is OrderStatus.NEW for o in tomorrow)


def test_planned_routes_break_no_rule(dataset: DemoDataset) -> None:
    """Today's routes, timed by the scheduler, are on time and within every limit."""
    today = dataset.config.date
    context = DayContext(
        orders={o.id: o for o in dataset.orders},
        customers={c.id: c for c in dataset.customers},
        depots={d.id: d for d in dataset.depots},
    )
    vehicles = {v.id: v for v in dataset.vehicles}
    plan = dataset.plan_of(today)
    assert plan is not None
    for route in plan.routes:
        schedule = context.time_route(vehicles[route.vehicle_id], route.order_ids)
        assert schedule.feasible, (route.vehicle_id, schedule.violations)
        planned = [s.planned_arrival for s in route.stops]
        assert planned == pytest.approx([t.arrival for t in schedule.stops], abs=0.01)


def test_weekends_are_quiet() -> None:
    """Saturdays and Sundays get far fewer new orders than weekdays."""
    data = generate(
        DemoConfig(date=TUESDAY, seed=5, orders_per_day=100, history_days=7)
    )
    per_day = Counter(o.date for o in data.orders if o.attempt == 1)
    saturday, sunday = TUESDAY - dt.timedelta(days=3), TUESDAY - dt.timedelta(days=2)
    assert (
        per_day[sunday]
        < per_day[saturday]
        < 0.5 * per_day[TUESDAY - dt.timedelta(days=1)]
    )


@pytest.mark.slow
def test_five_thousand_orders_a_day() -> None:
    """--orders 5000 works: a full, mostly planned day."""
    data = generate(
        DemoConfig(date=TUESDAY, seed=1, orders_per_day=5000, history_days=1)
    )
    todays = data.orders_on(TUESDAY)
    plan = data.plan_of(TUESDAY)
    assert plan is not None
    assert len(data.vehicles) == default_vehicle_count(5000)
    assert len(todays) >= 5000
    assert len(plan.assigned_order_ids()) > 0.85 * len(todays)


def test_order_references_are_unique(dataset: DemoDataset) -> None:
    """Each order has its own reference; a rebooking extends its original's."""
    references = [o.reference for o in dataset.orders]
    assert len(set(references)) == len(references)
    by_id = {o.id: o for o in dataset.orders}
    for order in dataset.orders:
        if order.rebook_of is not None:
            original = by_id[order.rebook_of].reference.split("-R")[0]
            assert order.reference == f"{original}-R{order.attempt}"


def test_actual_times_are_lyon_local_and_near_the_plan(dataset: DemoDataset) -> None:
    """Actual arrivals carry Lyon's UTC offset and stay within hours of the plan."""
    for plan in dataset.plans:
        offset = dt.timedelta(hours=1 if plan.date < dt.date(2026, 3, 29) else 2)
        for route in plan.routes:
            for stop in route.stops:
                if stop.actual_arrival is None:
                    continue
                assert stop.actual_arrival.date() == plan.date
                assert stop.actual_arrival.utcoffset() == offset
                assert stop.planned_arrival is not None
                drift = _minute(stop.actual_arrival) - stop.planned_arrival
                assert -30 < drift < 240


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (dt.date(2026, 3, 28), 1),
        (dt.date(2026, 3, 29), 2),
        (dt.date(2026, 10, 24), 2),
        (dt.date(2026, 10, 25), 1),
        (dt.date(2027, 3, 28), 2),
    ],
)
def test_actual_times_are_lyon_local_time(day: dt.date, hours: int) -> None:
    """Noon in Lyon is UTC+2 in summer and UTC+1 in winter."""
    assert local_datetime(day, 12 * 60).utcoffset() == dt.timedelta(hours=hours)
