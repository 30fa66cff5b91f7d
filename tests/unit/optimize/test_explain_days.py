"""The "fits on <day>" fix: another date with room and suitable windows."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dispatcher.model import Load, TimeWindow
from dispatcher.optimize.build import day_label
from dispatcher.optimize.engine import solve
from dispatcher.optimize.problem import AlternativeDay, RoutingProblem
from dispatcher.optimize.solution import Reason
from dispatcher.optimize_day import problem_for_day, room_on
from tests.unit.optimize.builders import FAST, job, on_line, problem, vehicle
from tests.unit.small_day import small_day

WEDNESDAY = "Wednesday 25 Nov"


def explanation(p: RoutingProblem, index: int):  # type: ignore[no-untyped-def]
    """The explanation of one job after solving."""
    return next(u for u in solve(p, FAST).unassigned if u.job == index)


def closed_today(*days: AlternativeDay) -> RoutingProblem:
    """One van working 0-600; the order's window today opens at 1000."""
    fleet = [vehicle(1, shift=TimeWindow(0, 600))]
    base = problem(on_line(0, 10), [job(1, windows=((1000, 1100),))], fleet)
    return dataclasses.replace(base, alternatives=days)


def test_window_outside_the_shifts_fits_on_another_day() -> None:
    """No widening helps today; Wednesday's window meets the shift."""
    wednesday = AlternativeDay(WEDNESDAY, ((TimeWindow(100, 200),),), (0,))
    found = explanation(closed_today(wednesday), 0)
    assert found.reason is Reason.WINDOW_OUTSIDE_SHIFTS
    assert found.fix == f"fits on {WEDNESDAY}"


def test_a_day_without_room_or_without_a_fitting_window_is_not_offered() -> None:
    """No vehicle with room, or the same late window: no day is suggested."""
    no_room = AlternativeDay("Tuesday 24 Nov", ((TimeWindow(100, 200),),), ())
    late = AlternativeDay("Thursday 26 Nov", ((TimeWindow(1000, 1100),),), (0,))
    fits = AlternativeDay("Friday 27 Nov", ((TimeWindow(0, 600),),), (0,))
    assert explanation(closed_today(no_room, late), 0).fix is None
    found = explanation(closed_today(no_room, late, fits), 0)
    assert found.fix == "fits on Friday 27 Nov"


def test_a_full_fleet_suggests_a_day_with_room() -> None:
    """Two 1-kg orders for a 1-kg van: the one left out fits on Wednesday."""
    fleet = [vehicle(1, capacity=Load(kg=1))]
    jobs = [job(1, windows=((0, 500),)), job(2, windows=((0, 500),))]
    base = problem(on_line(0, 10, 11), jobs, fleet)
    left = solve(base, FAST).unassigned[0].job
    assert explanation(base, left).fix == "fits with one more vehicle"
    windows = ((TimeWindow(0, 500),), (TimeWindow(0, 500),))
    later = dataclasses.replace(
        base, alternatives=(AlternativeDay(WEDNESDAY, windows, (0,)),)
    )
    found = explanation(later, left)
    assert found.reason is Reason.FLEET_FULL
    assert found.fix == f"fits on {WEDNESDAY}"


def test_day_labels_name_the_weekday() -> None:
    """Explanations name dates the way dispatchers say them."""
    assert day_label(dt.date(2026, 11, 25)) == WEDNESDAY


def test_room_counts_idle_vehicles_and_routes_with_shift_to_spare() -> None:
    """Idle and lightly loaded active vans have room; a van whose route fills
    its shift, and an inactive van, have none."""
    day = small_day()
    view = day.view
    room = room_on(view)
    assert day.van("Van 5") in room
    assert day.van("Van 4") not in room
    assert day.van("Van 1") in room
    van1 = day.van("Van 1")
    end = next(line.schedule.end for line in view.routes if line.vehicle.id == van1)
    tight = dict(view.vehicles)
    tight[van1] = dataclasses.replace(
        tight[van1], shift=TimeWindow(tight[van1].shift.start, end + 30)
    )
    assert van1 not in room_on(dataclasses.replace(view, vehicles=tight))


def test_problem_for_day_carries_the_other_days() -> None:
    """Views of later days become alternatives with the vehicles that have room."""
    day = small_day()
    p = problem_for_day(day.view, other_days=[day.view])
    assert [a.label for a in p.alternatives] == [day_label(day.view.date)]
    (alternative,) = p.alternatives
    assert len(alternative.windows) == len(p.jobs)
    keys = {p.vehicles[v].key for v in alternative.vehicles}
    assert keys == set(room_on(day.view)) & {v.key for v in p.vehicles}
