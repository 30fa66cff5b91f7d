"""Search settings and progress reports shared by every optimizer backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How to search (what to minimise lives in the problem's ``Objective``).

    Parameters
    ----------
    time_limit
        Seconds of search, excluding model building; always enforced.
    first_solution
        OR-Tools first-solution strategy name.
    metaheuristic
        OR-Tools local-search metaheuristic name.
    route_elimination
        With ``minimize_vehicles``: after a first plan, repeatedly try to serve
        everything with one vehicle fewer (the metaheuristic alone rarely
        empties a route).
    second_search
        Let PyVRP (if installed) build the routes when it can express the
        problem; OR-Tools then checks and improves them.
    workers
        Parallel searches (differently configured); the best plan wins.
    time_scale
        Solver time units per minute; transit times are rounded up to them,
        so the plan stays feasible with exact times.
    variant
        Which configuration of a portfolio this search runs (set by the runner).
    """

    time_limit: float = 10.0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    route_elimination: bool = True
    second_search: bool = True
    workers: int = 1
    time_scale: int = 60
    variant: int = 0


PLAIN_ORTOOLS = SolveParams(
    first_solution="PATH_CHEAPEST_ARC",
    metaheuristic="GUIDED_LOCAL_SEARCH",
    route_elimination=False,
    second_search=False,
    workers=1,
)
"""The textbook OR-Tools configuration the benchmark compares against."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A snapshot of a running search (sent at most about 10 times a second).

    ``vehicles`` and ``unassigned`` are None while the second search runs (it
    reports only its best cost).
    """

    objective: float
    elapsed: float
    solutions: int
    vehicles: int | None
    unassigned: int | None
    phase: str = "search"


class ProgressSink(Protocol):
    """Receives progress reports; must return quickly."""

    def __call__(self, progress: Progress) -> None:
        """Take one report."""
        ...
