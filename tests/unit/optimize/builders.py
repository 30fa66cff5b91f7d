"""Tiny hand-made routing problems for the optimizer tests.

Places sit on a line (or a plane): the distance between two places is their
Euclidean distance in km, and driving takes one minute per km, so expected
times and distances can be worked out by hand.
"""

from __future__ import annotations

import math
from dataclasses import replace

from dispatcher.model import BreakRule, Load, Priority, TimeWindow
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.problem import (
    FleetVehicle,
    Job,
    Lock,
    Objective,
    RoutingProblem,
)
from dispatcher.scheduling import StopSpec, VehicleSpec
from dispatcher.travel import TravelMatrix

FAST = SolveParams(time_limit=1.0, time_scale=100)
"""Short searches: these problems are solved to optimality in well under a second."""

DAY = TimeWindow(0, 24 * 60)


def matrix_of(points: list[tuple[float, float]]) -> TravelMatrix:
    """Euclidean km between points, one minute per km."""
    dist = [[math.dist(a, b) for b in points] for a in points]
    return TravelMatrix(dist, [row[:] for row in dist])


def on_line(*xs: float) -> TravelMatrix:
    """Places at the given x positions on a line (place 0 is usually the depot)."""
    return matrix_of([(x, 0.0) for x in xs])


def vehicle(
    key: int = 1,
    *,
    start: int = 0,
    end: int | None = 0,
    shift: TimeWindow = DAY,
    capacity: Load = Load(kg=1000),
    skills: frozenset[str] = frozenset(),
    current: tuple[int, ...] = (),
    locked: bool = False,
    start_time: float | None = None,
    break_rule: BreakRule | None = None,
    **costs_and_limits: float,
) -> FleetVehicle:
    """A vehicle with sensible defaults; keyword extras go to ``VehicleSpec``."""
    spec = VehicleSpec(
        start_node=start,
        end_node=end,
        shift=shift,
        capacity=capacity,
        skills=skills,
        break_rule=break_rule,
        **costs_and_limits,  # type: ignore[arg-type]
    )
    return FleetVehicle(
        key, spec, start_time=start_time, current=current, locked=locked
    )


def job(
    node: int,
    *,
    key: int | None = None,
    kg: float = 1.0,
    demand: Load | None = None,
    windows: tuple[tuple[int, int], ...] = (),
    service: float = 0.0,
    priority: Priority = Priority.NORMAL,
    skills: frozenset[str] = frozenset(),
    lock: Lock | None = None,
    pickup: bool = False,
) -> Job:
    """A job at a place; ``key`` defaults to the place index."""
    stop = StopSpec(
        node=node,
        service_min=service,
        windows=tuple(TimeWindow(a, b) for a, b in windows),
        demand=demand if demand is not None else Load(kg=kg),
        skills=skills,
        pickup=pickup,
    )
    return Job(node if key is None else key, stop, priority, lock)


def problem(
    matrix: TravelMatrix,
    jobs: list[Job],
    vehicles: list[FleetVehicle],
    **objective: object,
) -> RoutingProblem:
    """A problem minimising distance unless objective options say otherwise."""
    options = {"distance_only": True, **objective}
    return RoutingProblem(matrix, tuple(jobs), tuple(vehicles), Objective(**options))  # type: ignore[arg-type]


def with_objective(base: RoutingProblem, **changes: object) -> RoutingProblem:
    """The same problem with other objective options."""
    return replace(base, objective=replace(base.objective, **changes))  # type: ignore[arg-type]
