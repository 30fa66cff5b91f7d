"""The planning problem the optimizer solves: an immutable, picklable snapshot.

A service builds a ``RoutingProblem`` from the database (orders, fleet, the
current plan, live positions); the benchmark readers build one from instance
files. The optimizer never sees the database: everything it needs is here, as
plain frozen values that cross into the solver process by pickling.

Places are indices into one ``TravelMatrix`` (distance and duration, possibly
asymmetric). Jobs (orders) and vehicles reuse the scheduler's ``StopSpec`` and
``VehicleSpec`` so that the optimizer and the route board agree on what a stop
and a vehicle are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatcher.model import Load, Priority, TimeWindow

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.scheduling import StopSpec, VehicleSpec
    from dispatcher.travel import TravelMatrix


@dataclass(frozen=True, slots=True)
class Lock:
    """A stop pinned to a vehicle, and optionally to its place in the route.

    ``position`` is the 0-based index of the stop in the vehicle's route
    (None: any position on that vehicle).
    """

    vehicle: int
    position: int | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One order to serve: where, what, when, how important, pinned or not.

    ``key`` is the caller's id (an ``OrderId`` for the app, the customer number
    for a benchmark); the optimizer only carries it through.
    """

    key: int
    stop: StopSpec
    priority: Priority = Priority.NORMAL
    lock: Lock | None = None

    @property
    def node(self) -> int:
        """Index of the job's place in the travel matrix."""
        return self.stop.node

    @property
    def demand(self) -> Load:
        """What the job loads or unloads."""
        return self.stop.demand


@dataclass(frozen=True, slots=True)
class FleetVehicle:
    """A vehicle available to the plan.

    Parameters
    ----------
    key
        The caller's id (a ``VehicleId``).
    spec
        Start and end places, shift, capacity, skills, costs, limits, breaks.
    start_time
        Earliest departure when re-planning a route under way (now); None: the
        shift start.
    current
        Job indices of the vehicle's route in the current plan, in order: the
        warm start and the reference for stability.
    locked
        True if the route is locked: it is kept exactly as ``current``.
    """

    key: int
    spec: VehicleSpec
    start_time: float | None = None
    current: tuple[int, ...] = ()
    locked: bool = False

    @property
    def earliest_departure(self) -> float:
        """When the vehicle may leave its start."""
        shift_start = float(self.spec.shift.start)
        return (
            shift_start
            if self.start_time is None
            else max(shift_start, self.start_time)
        )

    @property
    def replan_start(self) -> float | None:
        """Departure for the scheduler: now when re-planning, else None (its rule)."""
        return None if self.start_time is None else self.earliest_departure


@dataclass(frozen=True, slots=True)
class AlternativeDay:
    """Another date an order could go to, for the "fits on <day>" explanation.

    Parameters
    ----------
    label
        How to name the date to the user ("Wednesday 25 Nov").
    windows
        Each job's time windows on that date (indexed like the problem's jobs).
    vehicles
        Vehicles (problem indices) that have room that day.
    """

    label: str
    windows: tuple[tuple[TimeWindow, ...], ...]
    vehicles: tuple[int, ...]


DEFAULT_DROP_PENALTY = {
    Priority.HIGH: 100_000.0,
    Priority.NORMAL: 10_000.0,
    Priority.OPTIONAL: 50.0,
}
"""Money lost by leaving an order unplanned (must-orders are never traded)."""


@dataclass(frozen=True, slots=True)
class Objective:
    """What "best" means.

    Parameters
    ----------
    minimize_vehicles
        Use as few vehicles as possible before anything else but serving orders.
    distance_only
        Minimise kilometres instead of money (benchmarks, vehicles without costs).
    balance
        Weight of the longest route's duration (money per hour): > 0 evens out
        the work between drivers.
    move_penalty
        Money charged for every planned stop that moves to another vehicle or
        is dropped (stability when re-optimising a plan).
    max_moves
        At most this many planned stops may change vehicle (None: no cap).
    drop_penalty
        Money per unplanned order by priority (must-orders always outrank
        everything else).
    """

    minimize_vehicles: bool = False
    distance_only: bool = False
    balance: float = 0.0
    move_penalty: float = 0.0
    max_moves: int | None = None
    drop_penalty: dict[Priority, float] = field(
        default_factory=lambda: dict(DEFAULT_DROP_PENALTY)
    )


@dataclass(frozen=True, slots=True)
class RoutingProblem:
    """Everything the optimizer needs, and nothing it could change.

    Parameters
    ----------
    matrix
        Distances (km) and durations (minutes) between all places.
    jobs
        The orders to plan.
    vehicles
        The fleet.
    objective
        What to minimise.
    name
        A label for logs and benchmark reports.
    alternatives
        Other dates to suggest for orders that do not fit (may be empty).
    """

    matrix: TravelMatrix
    jobs: tuple[Job, ...]
    vehicles: tuple[FleetVehicle, ...]
    objective: Objective = field(default_factory=Objective)
    name: str = ""
    alternatives: tuple[AlternativeDay, ...] = ()

    def __post_init__(self) -> None:
        size = self.matrix.size
        for job in self.jobs:
            if not 0 <= job.node < size:
                raise ValueError(
                    f"job {job.key} is at place {job.node}, not in the matrix"
                )
            if job.lock is not None and not 0 <= job.lock.vehicle < len(self.vehicles):
                raise ValueError(f"job {job.key} is locked to an unknown vehicle")
        for vehicle in self.vehicles:
            nodes = [vehicle.spec.start_node, vehicle.spec.end_node]
            if any(n is not None and not 0 <= n < size for n in nodes):
                raise ValueError(
                    f"vehicle {vehicle.key} starts or ends outside the matrix"
                )
            if any(not 0 <= j < len(self.jobs) for j in vehicle.current):
                raise ValueError(
                    f"vehicle {vehicle.key} has an unknown job in its route"
                )
        for day in self.alternatives:
            if len(day.windows) != len(self.jobs):
                raise ValueError(f"{day.label} lists windows for other jobs")
            if any(not 0 <= v < len(self.vehicles) for v in day.vehicles):
                raise ValueError(f"{day.label} names an unknown vehicle")

    def unserved_key(self, jobs: Iterable[int]) -> tuple[int, int, int]:
        """Unserved must, high and normal jobs: compare plans by it, lower first.

        Optional jobs are left out: the objective trades them against cost.
        """
        counts = dict.fromkeys((Priority.MUST, Priority.HIGH, Priority.NORMAL), 0)
        for j in jobs:
            priority = self.jobs[j].priority
            if priority in counts:
                counts[priority] += 1
        return (counts[Priority.MUST], counts[Priority.HIGH], counts[Priority.NORMAL])

    def current_vehicle_of(self) -> dict[int, int]:
        """Job index → vehicle index in the current plan."""
        return {j: v for v, veh in enumerate(self.vehicles) for j in veh.current}
