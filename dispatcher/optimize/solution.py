"""The optimizer's answer: timed routes, unplanned orders with reasons, KPIs.

``make_solution`` turns bare job sequences (from any backend) into a
``Solution`` by timing every route with the product's scheduler, so the times
the optimizer reports are exactly the times the route board will show.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from dispatcher.scheduling import schedule_route

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.scheduling import RouteSchedule


class Status(StrEnum):
    """How the search ended."""

    SOLVED = "solved"
    """The time limit or a stop criterion ended a search that found a plan."""
    CANCELLED = "cancelled"
    """The user stopped the search; the best plan so far is kept."""
    NO_SOLUTION = "no_solution"
    """No plan was found (only unassigned orders)."""


class Reason(StrEnum):
    """Why an order is not in the plan."""

    DEMAND_TOO_LARGE = "demand_too_large"
    SKILL_MISSING = "skill_missing"
    WINDOW_OUTSIDE_SHIFTS = "window_outside_shifts"
    UNREACHABLE = "unreachable"
    FLEET_FULL = "fleet_full"
    NOT_CHOSEN = "not_chosen"
    SEARCH_STOPPED = "search_stopped"


REASON_TEXT = {
    Reason.DEMAND_TOO_LARGE: "demand is larger than every compatible vehicle",
    Reason.SKILL_MISSING: "no vehicle has the required skills",
    Reason.WINDOW_OUTSIDE_SHIFTS: "no time window overlaps a vehicle shift",
    Reason.UNREACHABLE: "cannot be reached within the route limits",
    Reason.FLEET_FULL: "the fleet is out of capacity or time",
    Reason.NOT_CHOSEN: "left out by the optimizer (low priority or too costly)",
    Reason.SEARCH_STOPPED: "the search stopped before placing it",
}
"""One sentence per reason, for the UI and the CLI."""


@dataclass(frozen=True, slots=True)
class Visit:
    """A job served in a route, with its planned times (minutes after midnight)."""

    job: int
    arrival: float
    start: float
    departure: float


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """One vehicle's timed route."""

    vehicle: int
    visits: tuple[Visit, ...]
    departure: float
    end: float
    km: float
    duration_min: float
    cost: float
    late_min: float

    @property
    def jobs(self) -> tuple[int, ...]:
        """Job indices in driving order."""
        return tuple(v.job for v in self.visits)


@dataclass(frozen=True, slots=True)
class Unassigned:
    """An order left out, why, and the smallest change that would let it in."""

    job: int
    reason: Reason
    fix: str | None = None

    @property
    def text(self) -> str:
        """The reason (and fix) as one sentence."""
        base = REASON_TEXT[self.reason]
        return f"{base}; {self.fix}" if self.fix else base


@dataclass(frozen=True, slots=True)
class Kpis:
    """Totals of a plan."""

    vehicles: int
    km: float
    cost: float
    duration_min: float
    late_min: float
    served: int
    unassigned: int
    moved: int


@dataclass(frozen=True, slots=True)
class Solution:
    """An immutable plan: routes, unassigned orders, KPIs and search facts.

    ``objective`` is the backend's internal objective (comparable between
    searches of the same problem, lower is better); ``solutions_found`` counts
    the improving solutions the search saw.
    """

    routes: tuple[RoutePlan, ...]
    unassigned: tuple[Unassigned, ...]
    kpis: Kpis
    status: Status
    objective: float
    elapsed: float
    solutions_found: int

    def route_of(self, vehicle: int) -> RoutePlan | None:
        """The route of a vehicle index, if it serves any job."""
        return next((r for r in self.routes if r.vehicle == vehicle), None)

    def sequences(self) -> dict[int, tuple[int, ...]]:
        """Vehicle index → job indices, for every route with stops."""
        return {r.vehicle: r.jobs for r in self.routes}


def time_route(
    problem: RoutingProblem, vehicle: int, jobs: Sequence[int], departure: float | None
) -> RouteSchedule:
    """Schedule one route of the problem with the product's scheduler."""
    fleet = problem.vehicles[vehicle]
    start = fleet.replan_start if departure is None else departure
    return schedule_route(
        fleet.spec,
        [problem.jobs[j].stop for j in jobs],
        problem.matrix,
        start_time=start,
    )


def count_moved(problem: RoutingProblem, sequences: dict[int, Sequence[int]]) -> int:
    """Planned jobs that are now on another vehicle or unplanned."""
    now = {j: v for v, seq in sequences.items() for j in seq}
    return sum(1 for j, v in problem.current_vehicle_of().items() if now.get(j) != v)


def make_solution(
    problem: RoutingProblem,
    sequences: Mapping[int, Sequence[int]],
    *,
    departures: dict[int, float] | None = None,
    unassigned: Sequence[Unassigned] = (),
    status: Status = Status.SOLVED,
    objective: float = 0.0,
    elapsed: float = 0.0,
    solutions_found: int = 0,
) -> Solution:
    """Time every route and total the KPIs.

    Parameters
    ----------
    problem
        The problem the routes belong to.
    sequences
        Vehicle index → job indices in driving order (empty routes are skipped).
    departures
        Vehicle index → departure time chosen by the search; missing: the
        scheduler's default.
    unassigned
        The jobs left out, with reasons.

    Returns
    -------
    Solution
        The timed plan.
    """
    departures = departures or {}
    routes: list[RoutePlan] = []
    for v, jobs in sorted(sequences.items()):
        if not jobs:
            continue
        sched = time_route(problem, v, jobs, departures.get(v))
        visits = tuple(
            Visit(j, t.arrival, t.start, t.departure)
            for j, t in zip(jobs, sched.stops, strict=True)
        )
        routes.append(
            RoutePlan(
                vehicle=v,
                visits=visits,
                departure=sched.departure,
                end=sched.end,
                km=sched.km,
                duration_min=sched.duration_min,
                cost=sched.cost,
                late_min=sched.lateness_min,
            )
        )
    kpis = Kpis(
        vehicles=len(routes),
        km=sum(r.km for r in routes),
        cost=sum(r.cost for r in routes),
        duration_min=sum(r.duration_min for r in routes),
        late_min=sum(r.late_min for r in routes),
        served=sum(len(r.visits) for r in routes),
        unassigned=len(unassigned),
        moved=count_moved(problem, {r.vehicle: r.jobs for r in routes}),
    )
    return Solution(
        routes=tuple(routes),
        unassigned=tuple(sorted(unassigned, key=lambda u: u.job)),
        kpis=kpis,
        status=status,
        objective=objective,
        elapsed=elapsed,
        solutions_found=solutions_found,
    )
