"""A second search that feeds OR-Tools: PyVRP's iterated local search.

PyVRP (C++ core) finds much better VRPTW routes than OR-Tools' guided local
search in the same time, but it cannot express every rule of the product
(several windows per order, skills, locks, stop limits, stability). So the
engine uses it only where ``supports`` says the problem fits, and always hands
its routes to OR-Tools as a warm start: OR-Tools re-checks them against the
full model and keeps improving them. This is the only module importing pyvrp,
and the import is lazy: without the package the engine simply skips it.

Numbers are integers in PyVRP: distances in 1/``DIST_UNITS`` km (rounded),
durations in 1/time_scale minutes rounded up (so plans stay feasible with
exact times), with driving stretched by the break allowance like OR-Tools.
"""

from __future__ import annotations

import importlib.util
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatcher.optimize.ortools_backend import break_allowance
from dispatcher.optimize.weights import (
    COST_SCALE,
    compute_weights,
    fixed_money,
    hour_rate,
    km_rate,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.stop import StopCriterion

DIST_UNITS = 1000
"""Integer distance units per km."""


def available() -> bool:
    """True if the pyvrp package is installed."""
    return importlib.util.find_spec("pyvrp") is not None


def supports(
    problem: RoutingProblem, vehicles: Sequence[int], jobs: Sequence[int]
) -> bool:
    """True if PyVRP can express every rule that applies to these jobs and vehicles."""
    if not available() or not jobs or not vehicles:
        return False
    objective = problem.objective
    if objective.balance or objective.move_penalty or objective.max_moves is not None:
        return False
    if any(problem.vehicles[v].current for v in vehicles):
        return False
    rules = {problem.vehicles[v].spec.break_rule for v in vehicles}
    if len(rules) > 1:
        return False
    for j in jobs:
        job = problem.jobs[j]
        if job.lock is not None or len(job.stop.windows) > 1 or job.stop.pickup:
            return False
        if job.stop.skills and any(
            not job.stop.skills <= problem.vehicles[v].spec.skills for v in vehicles
        ):
            return False
    return all(problem.vehicles[v].spec.max_stops is None for v in vehicles)


def _units(value: float, scale: int, up: bool) -> int:
    scaled = round(value * scale, 6)
    return math.ceil(scaled) if up else math.floor(scaled)


class _Builder:
    """The PyVRP model of a problem's subset, with index maps back."""

    def __init__(
        self,
        problem: RoutingProblem,
        vehicles: Sequence[int],
        jobs: Sequence[int],
        scale: int,
    ) -> None:
        import pyvrp

        self.problem, self.jobs, self.scale = problem, list(jobs), scale
        model = pyvrp.Model()
        places: list[int] = []  # matrix place per PyVRP location (-1: nowhere)
        depot_of: dict[int, Any] = {}

        def depot(place: int) -> Any:
            if place not in depot_of:
                places.append(place)
                depot_of[place] = model.add_depot(model.add_location(0, 0))
            return depot_of[place]

        types: dict[tuple[Any, ...], list[int]] = {}
        for v in vehicles:
            types.setdefault(self._type_key(v), []).append(v)
        for members in types.values():
            depot(problem.vehicles[members[0]].spec.start_node)
            end = problem.vehicles[members[0]].spec.end_node
            depot(-1 if end is None else end)
        self.clients = []
        for j in self.jobs:
            stop = problem.jobs[j].stop
            places.append(stop.node)
            window = stop.windows[0] if stop.windows else None
            self.clients.append(
                model.add_client(
                    model.add_location(0, 0),
                    delivery=[_units(x, 1000, True) for x in stop.demand.as_tuple()],
                    service_duration=_units(stop.service_min, scale, True),
                    tw_early=_units(window.start, scale, True) if window else 0,
                    tw_late=_units(window.end, scale, False) if window else 2**40,
                )
            )
        self.types: list[list[int]] = []
        # Costs in the same integer units as OR-Tools' objective (weights.py).
        charge = compute_weights(problem, scale).vehicle_charge
        for members in types.values():
            spec = problem.vehicles[members[0]].spec
            first = problem.vehicles[members[0]]
            model.add_vehicle_type(
                num_available=len(members),
                capacity=[_units(x, 1000, False) for x in spec.capacity.as_tuple()],
                start_depot=depot_of[spec.start_node],
                end_depot=depot_of[-1 if spec.end_node is None else spec.end_node],
                fixed_cost=round(fixed_money(problem, members[0]) * COST_SCALE)
                + charge,
                tw_early=_units(first.earliest_departure, scale, True),
                tw_late=_units(spec.shift.end, scale, False),
                shift_duration=(
                    _units(spec.max_duration, scale, False)
                    if spec.max_duration is not None
                    else 2**40
                ),
                max_distance=(
                    _units(spec.max_distance_km, DIST_UNITS, False)
                    if spec.max_distance_km is not None
                    else 2**40
                ),
                unit_distance_cost=round(
                    km_rate(problem, members[0]) * COST_SCALE / DIST_UNITS
                ),
                unit_duration_cost=round(
                    hour_rate(problem, members[0]) * COST_SCALE / 60.0 / scale
                ),
            )
            self.types.append(members)
        self._add_edges(model, places, vehicles)
        self.model = model

    def _type_key(self, v: int) -> tuple[Any, ...]:
        fleet = self.problem.vehicles[v]
        return (fleet.spec, fleet.start_time)

    def _add_edges(
        self, model: Any, places: list[int], vehicles: Sequence[int]
    ) -> None:
        matrix = self.problem.matrix
        real = np.array([max(p, 0) for p in places])
        nowhere = np.array([p < 0 for p in places])
        dist = np.asarray(matrix.distance_km)[np.ix_(real, real)]
        dur = np.asarray(matrix.duration_min)[np.ix_(real, real)]
        dist[:, nowhere] = 0.0
        dur[:, nowhere] = 0.0
        longest = float(dur.max(initial=0.0))
        factor = break_allowance(
            self.problem.vehicles[vehicles[0]].spec.break_rule, longest
        )
        dist_units = np.rint(dist * DIST_UNITS).astype(np.int64)
        dur_units = np.ceil(np.round(dur * (1.0 + factor) * self.scale, 6)).astype(
            np.int64
        )
        dist_units[nowhere, :] = 2**40
        dur_units[nowhere, :] = 2**40
        locations = model.locations
        for a, frm in enumerate(locations):
            for b, to in enumerate(locations):
                if a != b:
                    model.add_edge(frm, to, int(dist_units[a, b]), int(dur_units[a, b]))

    def routes(self, solution: Any) -> dict[int, tuple[int, ...]]:
        """Problem vehicle → job indices of a PyVRP solution."""
        free = [list(members) for members in self.types]
        out: dict[int, tuple[int, ...]] = {}
        for route in solution.routes():
            vehicle = free[route.vehicle_type()].pop(0)
            out[vehicle] = tuple(self.jobs[a.idx] for a in route if a.is_client())
        return out


def search(
    problem: RoutingProblem,
    *,
    vehicles: Sequence[int],
    jobs: Sequence[int],
    budget: float,
    time_scale: int,
    seed: int = 0,
    fleet_share: float = 0.3,
    stop: StopCriterion | None = None,
    on_cost: Callable[[float], None] | None = None,
) -> dict[int, tuple[int, ...]] | None:
    """Routes serving every job, or None if PyVRP found no feasible plan.

    With ``minimize_vehicles`` and a single vehicle type, ``fleet_share`` of
    the budget goes to PyVRP's fleet minimisation first (more share: fewer
    vehicles more often, but longer routes).
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    # PyVRP warns when its penalties hit their bound on tight instances; the
    # feasibility test below is what counts.
    warnings.filterwarnings("ignore", module="pyvrp")
    builder = _Builder(problem, vehicles, jobs, time_scale)
    data = builder.model.data()
    criterion = _criterion(MaxRuntime(budget), stop, on_cost)
    if problem.objective.minimize_vehicles and data.num_vehicle_types == 1:
        fleet_stop = _criterion(MaxRuntime(budget * fleet_share), stop, on_cost)
        smaller = pyvrp.minimise_fleet(data, fleet_stop, seed=seed)
        if smaller.num_available < data.vehicle_type(0).num_available:
            trial = data.replace(vehicle_types=[smaller])
            result = pyvrp.solve(
                trial,
                _criterion(MaxRuntime(budget * (1 - fleet_share)), stop, on_cost),
                seed=seed,
                display=False,
            )
            if result.best.is_feasible():
                return builder.routes(result.best)
        criterion = _criterion(MaxRuntime(budget * (1 - fleet_share)), stop, on_cost)
    result = pyvrp.solve(data, criterion, seed=seed, display=False)
    return builder.routes(result.best) if result.best.is_feasible() else None


def _criterion(
    limit: Any, stop: StopCriterion | None, on_cost: Callable[[float], None] | None
) -> Any:
    """A PyVRP stopping criterion that honours the engine's stop and reports costs."""

    def criterion(best_cost: float) -> bool:
        if on_cost is not None and math.isfinite(best_cost):
            on_cost(best_cost)
        return bool(limit(best_cost)) or (stop is not None and stop())

    return criterion
