"""The scheduler on small routes whose answers are computed by hand.

The matrix is a line of places 10 minutes and 5 km apart (node i to node j is
10·|i-j| minutes), so every expected time below can be checked on paper.
"""

from __future__ import annotations

import pytest

from dispatcher.model import BreakRule, Load, TimeWindow
from dispatcher.scheduling import StopSpec, VehicleSpec, Violation, schedule_route
from dispatcher.travel import TravelMatrix


def line_matrix(n: int = 6, minutes: float = 10.0, km: float = 5.0) -> TravelMatrix:
    """Places on a line, evenly spaced."""
    return TravelMatrix(
        [[km * abs(i - j) for j in range(n)] for i in range(n)],
        [[minutes * abs(i - j) for j in range(n)] for i in range(n)],
    )


def van(**overrides: object) -> VehicleSpec:
    """A van based at node 0, shift 08:00–17:00, 1000 kg / 10 m³ / 4 pallets."""
    fields: dict[str, object] = {
        "start_node": 0,
        "end_node": 0,
        "shift": TimeWindow(480, 1020),
        "capacity": Load(1000, 10, 4),
    }
    fields.update(overrides)
    return VehicleSpec(**fields)  # type: ignore[arg-type]


def test_times_without_windows_follow_the_legs() -> None:
    """Two stops, no windows: leave at shift start, arrive after each leg, return."""
    schedule = schedule_route(van(), [StopSpec(1, 5), StopSpec(3, 15)], line_matrix())
    first, second = schedule.stops
    assert (first.arrival, first.departure) == (490, 495)
    assert (second.arrival, second.departure) == (515, 530)
    assert schedule.end == 560
    assert schedule.km == pytest.approx(30.0)
    assert schedule.driving_min == 60
    assert schedule.duration_min == 80
    assert schedule.violations == frozenset()


def test_departure_is_delayed_to_avoid_waiting_at_the_first_stop() -> None:
    """A first window opening at 09:00 moves the departure to 08:50."""
    schedule = schedule_route(
        van(), [StopSpec(1, 5, (TimeWindow(540, 600),))], line_matrix()
    )
    assert schedule.departure == 530
    assert schedule.stops[0].arrival == 540
    assert schedule.stops[0].wait == 0


def test_waiting_for_a_later_window() -> None:
    """Arriving at 08:20 for a 09:00 window waits 40 minutes."""
    stops = [StopSpec(1, 0), StopSpec(2, 10, (TimeWindow(540, 600),))]
    schedule = schedule_route(van(), stops, line_matrix())
    second = schedule.stops[1]
    assert second.arrival == 500
    assert second.wait == 40
    assert second.start == 540
    assert second.departure == 550
    assert schedule.wait_min == 40


def test_second_window_is_used_when_the_first_has_closed() -> None:
    """Lunch closure: arriving 12:10 for windows 08–12 and 14–17 waits to 14:00."""
    windows = (TimeWindow(480, 720), TimeWindow(840, 1020))
    schedule = schedule_route(
        van(), [StopSpec(1, 10, windows)], line_matrix(), start_time=720
    )
    stop = schedule.stops[0]
    assert stop.arrival == 730
    assert stop.start == 840
    assert stop.lateness == 0


def test_lateness_after_the_last_window() -> None:
    """Arriving at 10:10 for a window that closed at 10:00 is 10 minutes late."""
    schedule = schedule_route(
        van(),
        [StopSpec(1, 5, (TimeWindow(540, 600),))],
        line_matrix(),
        start_time=600,
    )
    stop = schedule.stops[0]
    assert stop.lateness == 10
    assert Violation.LATE in stop.violations
    assert schedule.late_count == 1
    assert schedule.lateness_min == 10


def test_break_is_taken_before_the_leg_that_would_exceed_the_limit() -> None:
    """A 25-minute driving limit forces a 15-minute break before the third leg."""
    rule = BreakRule(after_driving=25, duration=15)
    stops = [StopSpec(1, 0), StopSpec(2, 0), StopSpec(3, 0)]
    schedule = schedule_route(van(break_rule=rule, end_node=None), stops, line_matrix())
    assert schedule.breaks == ((500, 515),)
    assert [s.arrival for s in schedule.stops] == [490, 500, 525]
    assert schedule.break_min == 15


def test_a_long_wait_counts_as_the_break() -> None:
    """Waiting 40 minutes resets the driving clock, so no extra break is taken."""
    rule = BreakRule(after_driving=25, duration=30)
    stops = [
        StopSpec(1, 0),
        StopSpec(2, 0, (TimeWindow(540, 600),)),
        StopSpec(3, 0),
        StopSpec(4, 0),
    ]
    schedule = schedule_route(van(break_rule=rule, end_node=None), stops, line_matrix())
    assert schedule.breaks == ()
    assert [s.arrival for s in schedule.stops] == [490, 500, 550, 560]


def test_deliveries_are_loaded_at_the_start_and_pickups_collected() -> None:
    """Two deliveries leave the depot loaded; a pickup adds its load on the way."""
    stops = [
        StopSpec(1, 0, demand=Load(300, 1, 1)),
        StopSpec(2, 0, demand=Load(200, 2, 1), pickup=True),
        StopSpec(3, 0, demand=Load(400, 1, 1)),
    ]
    schedule = schedule_route(van(), stops, line_matrix())
    assert schedule.initial_load == Load(700, 2, 2)
    assert [s.load_on_arrival for s in schedule.stops] == [
        Load(700, 2, 2),
        Load(400, 1, 1),
        Load(600, 3, 2),
    ]
    assert schedule.peak_load == Load(700, 3, 2)
    assert schedule.violations == frozenset()


def test_over_capacity_in_any_unit_is_flagged() -> None:
    """Five pallets in a four-pallet van is over capacity even if the weight fits."""
    stops = [
        StopSpec(1, 0, demand=Load(100, 1, 3)),
        StopSpec(2, 0, demand=Load(100, 1, 2)),
    ]
    schedule = schedule_route(van(), stops, line_matrix())
    assert Violation.OVER_CAPACITY in schedule.violations
    assert Violation.OVER_CAPACITY in schedule.stops[0].violations
    assert Violation.OVER_CAPACITY not in schedule.stops[1].violations


def test_missing_skill_and_outside_shift_are_flagged_per_stop() -> None:
    """A cold-chain stop on a plain van, served after the shift ends."""
    stops = [StopSpec(1, 0), StopSpec(2, 30, skills=frozenset({"cold_chain"}))]
    schedule = schedule_route(van(shift=TimeWindow(480, 525)), stops, line_matrix())
    assert schedule.stops[0].violations == frozenset()
    assert schedule.stops[1].violations == {
        Violation.MISSING_SKILL,
        Violation.OUTSIDE_SHIFT,
    }


def test_route_limits() -> None:
    """Max duration, distance and stops are checked on the whole route."""
    stops = [StopSpec(1, 0), StopSpec(2, 0), StopSpec(3, 0)]
    schedule = schedule_route(
        van(max_duration=59, max_distance_km=29, max_stops=2), stops, line_matrix()
    )
    assert schedule.duration_min == 60
    assert {
        Violation.OVER_DURATION,
        Violation.OVER_DISTANCE,
        Violation.TOO_MANY_STOPS,
    } <= schedule.violations


def test_cost_combines_fixed_distance_and_time() -> None:
    """50 fixed + 30 km × 0.5 + 80 min at 60/h = 145."""
    schedule = schedule_route(
        van(fixed_cost=50, cost_per_km=0.5, cost_per_hour=60),
        [StopSpec(1, 5), StopSpec(3, 15)],
        line_matrix(),
    )
    assert schedule.cost == pytest.approx(50 + 15 + 80)


def test_open_route_ends_at_the_last_stop() -> None:
    """Without an end node no return leg is driven or paid."""
    schedule = schedule_route(van(end_node=None), [StopSpec(2, 10)], line_matrix())
    assert schedule.km == pytest.approx(10.0)
    assert schedule.end == 510


def test_mid_day_start_from_the_current_position() -> None:
    """A route under way starts where the vehicle is, at the time given."""
    schedule = schedule_route(
        van(), [StopSpec(4, 0)], line_matrix(), start_time=700, start_node=3
    )
    assert schedule.stops[0].arrival == 710
    assert schedule.km == pytest.approx(5.0 + 20.0)


def test_empty_route_costs_nothing() -> None:
    """A vehicle without stops has no cost and no violations."""
    schedule = schedule_route(van(fixed_cost=80), [], line_matrix())
    assert schedule.cost == 0
    assert schedule.km == 0
    assert schedule.violations == frozenset()
