"""OR-Tools routing model and one search: the only module that imports ortools.

``search`` builds a routing model for a subset of the problem's vehicles and
jobs (the engine leaves locked routes out, and removes a vehicle when it tries
to eliminate a route), optionally starts from given routes, and runs one
first-solution + local-search run under a time budget and a stop criterion.

Modelling choices (and why):

* Transit matrices are native (``RegisterTransitMatrix``): Python callbacks
  hold the GIL per arc and were 2-2.5 gap points worse on Solomon.
* Travel plus service times are rounded *up* to solver units, window starts
  up and window ends down, so a plan feasible in the model is feasible with
  exact float times (the checker verifies that).
* Driver breaks follow ``breaks.py``: a route drives at most the break
  rule's ``after_driving`` minutes (a "drive" dimension), so the scheduler
  plans no break and re-times it to the same minute; only a vehicle whose
  current route drives longer has its driving stretched to cover breaks.
* Every job sits in a disjunction with its tiered drop penalty
  (``weights.py``), so the search always has a plan, and a must-order is only
  dropped when the search cannot find a place for it.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dispatcher.optimize.breaks import break_models
from dispatcher.optimize.params import Progress
from dispatcher.optimize.weights import (
    COST_SCALE,
    compute_weights,
    fixed_money,
    hour_rate,
    km_rate,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.model import TimeWindow
    from dispatcher.optimize.params import ProgressSink, SolveParams
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.stop import StopCriterion

log = logging.getLogger(__name__)

NOWHERE = -1
"""Place of the end node of open routes: reaching it costs nothing."""

DIST_SCALE = 1000
"""Integer distance units per km for the distance-limit dimension."""

READ_SECONDS = 600.0
"""Time limit while OR-Tools reads a warm start (it must never cut that short)."""

PROGRESS_INTERVAL = 0.1
"""Seconds between progress reports (about 10 a second)."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The best plan one search found, in problem indices."""

    sequences: dict[int, tuple[int, ...]]
    departures: dict[int, float]
    dropped: tuple[int, ...]
    objective: int
    solutions: int


def _ceil_units(values: np.ndarray, scale: int) -> np.ndarray:
    # Round away float noise first (10.0000000001 must not become 11 units).
    return np.ceil(np.round(values * scale, 6)).astype(np.int64)


def _merged_spans(windows: Sequence[TimeWindow], scale: int) -> list[tuple[int, int]]:
    """Windows in solver units, sorted and merged (gaps between them are forbidden)."""
    spans: list[tuple[int, int]] = []
    for w in sorted(windows):
        lo, hi = (
            math.ceil(round(w.start * scale, 6)),
            math.floor(round(w.end * scale, 6)),
        )
        if spans and lo <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


class _Model:
    """A routing model over some vehicles and jobs of a problem."""

    def __init__(
        self,
        problem: RoutingProblem,
        params: SolveParams,
        vehicles: Sequence[int],
        jobs: Sequence[int],
    ) -> None:
        from ortools.constraint_solver import pywrapcp

        self.problem, self.params = problem, params
        self.vehicles, self.jobs = list(vehicles), list(jobs)
        self.scale = params.time_scale
        self.weights = compute_weights(problem, self.scale)
        self.breaks = break_models(problem)
        places, starts, ends = self._places()
        self.places = places
        self.manager = pywrapcp.RoutingIndexManager(
            len(places), len(self.vehicles), starts, ends
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        self._callbacks: list[Any] = []
        self._add_costs()
        self._add_time()
        self._add_capacities()
        self._add_limits()
        self._add_jobs()

    # -- structure ---------------------------------------------------------------

    def _places(self) -> tuple[list[int], list[int], list[int]]:
        places = [self.problem.jobs[j].node for j in self.jobs]
        depot_node: dict[int, int] = {}

        def node_of(place: int) -> int:
            if place not in depot_node:
                depot_node[place] = len(places)
                places.append(place)
            return depot_node[place]

        starts, ends = [], []
        for v in self.vehicles:
            spec = self.problem.vehicles[v].spec
            starts.append(node_of(spec.start_node))
            ends.append(node_of(NOWHERE if spec.end_node is None else spec.end_node))
        return places, starts, ends

    def _place_matrix(self, full: Sequence[Sequence[float]]) -> np.ndarray:
        places = np.asarray(self.places)
        real = np.where(places == NOWHERE, 0, places)
        out = np.asarray(full, dtype=float)[np.ix_(real, real)]
        out[:, places == NOWHERE] = 0.0
        out[places == NOWHERE, :] = 0.0
        return out

    def _register_matrix(self, values: np.ndarray) -> int:
        index = self.routing.RegisterTransitMatrix(values.tolist())
        self._callbacks.append(index)
        return int(index)

    def _register_vector(self, values: Sequence[int]) -> int:
        index = self.routing.RegisterUnaryTransitVector([int(x) for x in values])
        self._callbacks.append(index)
        return int(index)

    # -- objective ---------------------------------------------------------------

    def _add_costs(self) -> None:
        km = self._place_matrix(self.problem.matrix.distance_km)
        by_rate: dict[float, int] = {}
        for k, v in enumerate(self.vehicles):
            rate = km_rate(self.problem, v)
            if rate not in by_rate:
                by_rate[rate] = self._register_matrix(
                    np.rint(km * rate * COST_SCALE).astype(np.int64)
                )
            self.routing.SetArcCostEvaluatorOfVehicle(by_rate[rate], k)
            fixed = round(fixed_money(self.problem, v) * COST_SCALE)
            self.routing.SetFixedCostOfVehicle(fixed + self.weights.vehicle_charge, k)

    # -- dimensions --------------------------------------------------------------

    def _service(self) -> np.ndarray:
        service = np.zeros(len(self.places))
        for n, j in enumerate(self.jobs):
            service[n] = self.problem.jobs[j].stop.service_min
        return service

    def _add_time(self) -> None:
        problem, routing, scale = self.problem, self.routing, self.scale
        travel = self._place_matrix(problem.matrix.duration_min)
        service = self._service()[:, None]
        horizon = math.floor(
            round(max(v.spec.shift.end for v in problem.vehicles) * scale, 6)
        )
        by_factor: dict[float, int] = {}
        callbacks = []
        for v in self.vehicles:
            factor = self.breaks[v].stretch
            if factor not in by_factor:
                transit = _ceil_units(service + travel * (1.0 + factor), scale)
                by_factor[factor] = self._register_matrix(transit)
            callbacks.append(by_factor[factor])
        routing.AddDimensionWithVehicleTransits(
            callbacks, horizon, horizon, False, "time"
        )
        self.time = routing.GetDimensionOrDie("time")
        for k, v in enumerate(self.vehicles):
            fleet = problem.vehicles[v]
            spec = fleet.spec
            earliest = math.ceil(round(fleet.earliest_departure * scale, 6))
            latest = math.floor(round(spec.shift.end * scale, 6))
            self.time.CumulVar(routing.Start(k)).SetRange(earliest, latest)
            self.time.CumulVar(routing.End(k)).SetRange(earliest, latest)
            if spec.max_duration is not None:
                self.time.SetSpanUpperBoundForVehicle(
                    math.floor(round(spec.max_duration * scale, 6)), k
                )
            hourly = hour_rate(problem, v) * COST_SCALE / 60.0 / scale
            if hourly > 0:
                self.time.SetSpanCostCoefficientForVehicle(max(1, round(hourly)), k)
        self._add_driving(travel)
        if problem.objective.balance > 0:
            coefficient = problem.objective.balance * COST_SCALE / 60.0 / scale
            self.time.SetGlobalSpanCostCoefficient(max(1, round(coefficient)))
        for n, j in enumerate(self.jobs):
            windows = problem.jobs[j].stop.windows
            if not windows:
                continue
            cumul = self.time.CumulVar(self.manager.NodeToIndex(n))
            spans = _merged_spans(windows, scale)
            cumul.SetRange(spans[0][0], spans[-1][1])
            for (_, gap_start), (gap_end, _) in itertools.pairwise(spans):
                cumul.RemoveInterval(gap_start + 1, gap_end - 1)

    def _add_driving(self, travel: np.ndarray) -> None:
        """Cap the driving of routes whose break model says so (see breaks.py)."""
        caps = [self.breaks[v].drive_cap for v in self.vehicles]
        if all(cap is None for cap in caps):
            return
        units = _ceil_units(travel, self.scale)
        unlimited = int(units.sum())
        self.routing.AddDimensionWithVehicleCapacity(
            self._register_matrix(units),
            0,
            [
                unlimited if cap is None else math.floor(round(cap * self.scale, 6))
                for cap in caps
            ],
            True,
            "drive",
        )

    def _add_capacities(self) -> None:
        problem = self.problem
        for unit in range(3):
            demand = [problem.jobs[j].demand.as_tuple()[unit] for j in self.jobs]
            if not any(demand):
                continue
            caps = [
                math.floor(
                    round(problem.vehicles[v].spec.capacity.as_tuple()[unit] * 1000, 6)
                )
                for v in self.vehicles
            ]
            pickup = [problem.jobs[j].stop.pickup for j in self.jobs]
            units = [math.ceil(round(d * 1000, 6)) for d in demand]
            units += [0] * (len(self.places) - len(units))
            if not any(pickup):
                callback = self._register_vector(units)
                self.routing.AddDimensionWithVehicleCapacity(
                    callback, 0, caps, True, f"load{unit}"
                )
                continue
            self._add_mixed_load(unit, units, pickup, caps)

    def _add_mixed_load(
        self, unit: int, units: list[int], pickup: list[bool], caps: list[int]
    ) -> None:
        """Deliveries leave full and unload; pickups load on the way."""
        signed = [
            -u if n < len(pickup) and not pickup[n] else u for n, u in enumerate(units)
        ]
        picked = [
            u if n < len(pickup) and pickup[n] else 0 for n, u in enumerate(units)
        ]
        routing, solver = self.routing, self.routing.solver()
        routing.AddDimensionWithVehicleCapacity(
            self._register_vector(signed), 0, caps, False, f"load{unit}"
        )
        routing.AddDimensionWithVehicleCapacity(
            self._register_vector(picked), 0, caps, True, f"picked{unit}"
        )
        load = routing.GetDimensionOrDie(f"load{unit}")
        got = routing.GetDimensionOrDie(f"picked{unit}")
        for k in range(len(self.vehicles)):
            # The start load must cover every delivery: end load >= what was picked.
            solver.Add(load.CumulVar(routing.End(k)) >= got.CumulVar(routing.End(k)))

    def _add_limits(self) -> None:
        problem, routing = self.problem, self.routing
        specs = [problem.vehicles[v].spec for v in self.vehicles]
        if any(s.max_distance_km is not None for s in specs):
            km = _ceil_units(self._place_matrix(problem.matrix.distance_km), DIST_SCALE)
            caps = [
                math.floor(s.max_distance_km * DIST_SCALE)
                if s.max_distance_km is not None
                else int(km.sum())
                for s in specs
            ]
            routing.AddDimensionWithVehicleCapacity(
                self._register_matrix(km), 0, caps, True, "distance"
            )
        positions = any(
            problem.jobs[j].lock is not None
            and problem.jobs[j].lock.position is not None  # type: ignore[union-attr]
            for j in self.jobs
        )
        if positions or any(s.max_stops is not None for s in specs):
            ones = [1] * len(self.jobs) + [0] * (len(self.places) - len(self.jobs))
            caps = [
                len(self.jobs) if s.max_stops is None else s.max_stops for s in specs
            ]
            routing.AddDimensionWithVehicleCapacity(
                self._register_vector(ones), 0, caps, True, "stops"
            )

    # -- jobs --------------------------------------------------------------------

    def _add_jobs(self) -> None:
        problem, routing = self.problem, self.routing
        model_vehicle = {v: k for k, v in enumerate(self.vehicles)}
        current = problem.current_vehicle_of()
        weights = self.weights
        moves = []
        for n, j in enumerate(self.jobs):
            job = problem.jobs[j]
            index = self.manager.NodeToIndex(n)
            allowed = [
                k
                for k, v in enumerate(self.vehicles)
                if job.stop.skills <= problem.vehicles[v].spec.skills
            ]
            if job.lock is not None:
                allowed = [k for k in allowed if self.vehicles[k] == job.lock.vehicle]
                if job.lock.position is not None:
                    stops = routing.GetDimensionOrDie("stops")
                    stops.CumulVar(index).SetValue(job.lock.position)
            if len(allowed) < len(self.vehicles):
                # The Python wrapper of SetAllowedVehiclesForIndex rejects any list in
                # OR-Tools 9.15; removing vehicle-variable values does the same.
                banned = [k for k in range(len(self.vehicles)) if k not in allowed]
                routing.VehicleVar(index).RemoveValues(banned)
            was = current.get(j)
            # Dropping a planned stop moves it too.
            moving = weights.move_penalty if was in model_vehicle else 0
            routing.AddDisjunction([index], weights.penalty[j] + moving)
            if was is not None:
                moves.append((index, model_vehicle.get(was, -2)))
        if weights.move_penalty:
            self._add_move_costs(current, model_vehicle)
        cap = problem.objective.max_moves
        if cap is not None and moves:
            solver = routing.solver()
            moved = [
                solver.IsDifferentCstVar(routing.VehicleVar(i), k) for i, k in moves
            ]
            solver.Add(solver.Sum(moved) <= cap)

    def _add_move_costs(
        self, current: Mapping[int, int], model_vehicle: Mapping[int, int]
    ) -> None:
        """Charge the move penalty per planned stop served by another vehicle.

        A "moved" dimension counts such stops per route (one unary vector per
        vehicle) and its span is charged: soft same-vehicle constraints did the
        same but took 5 s to close the model of a 1,000-order day.
        """
        pad = [0] * (len(self.places) - len(self.jobs))
        callbacks = []
        for v in self.vehicles:
            flags = [
                int(current.get(j) in model_vehicle and current.get(j) != v)
                for j in self.jobs
            ]
            callbacks.append(self._register_vector([*flags, *pad]))
        self.routing.AddDimensionWithVehicleTransits(
            callbacks, 0, len(self.jobs), True, "moved"
        )
        moved = self.routing.GetDimensionOrDie("moved")
        moved.SetSpanCostCoefficientForAllVehicles(self.weights.move_penalty)

    # -- search ------------------------------------------------------------------

    def search_parameters(self, budget: float) -> Any:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2

        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = getattr(
            routing_enums_pb2.FirstSolutionStrategy, self.params.first_solution
        )
        params.local_search_metaheuristic = getattr(
            routing_enums_pb2.LocalSearchMetaheuristic, self.params.metaheuristic
        )
        params.time_limit.FromMilliseconds(max(1, int(budget * 1000)))
        return params

    def initial_assignment(self, routes: Mapping[int, Sequence[int]]) -> Any:
        """Read a warm start (problem indices); None if the model rejects it."""
        node_of = {j: n for n, j in enumerate(self.jobs)}
        rows = []
        for v in self.vehicles:
            seq = routes.get(v, ())
            rows.append(
                [self.manager.NodeToIndex(node_of[j]) for j in seq if j in node_of]
            )
        return self.routing.ReadAssignmentFromRoutes(rows, True)

    def extract(
        self, assignment: Any
    ) -> tuple[dict[int, tuple[int, ...]], dict[int, float]]:
        """Routes and departure times of an assignment, in problem indices."""
        routing, manager = self.routing, self.manager
        sequences: dict[int, tuple[int, ...]] = {}
        departures: dict[int, float] = {}
        for k, v in enumerate(self.vehicles):
            index = assignment.Value(routing.NextVar(routing.Start(k)))
            seq = []
            while not routing.IsEnd(index):
                seq.append(self.jobs[manager.IndexToNode(index)])
                index = assignment.Value(routing.NextVar(index))
            if seq:
                sequences[v] = tuple(seq)
                start = assignment.Value(self.time.CumulVar(routing.Start(k)))
                departures[v] = start / self.scale
        return sequences, departures

    def vehicles_used(self) -> int:
        """Vehicles with stops in the solution being reported (callback only)."""
        routing = self.routing
        return sum(
            1
            for k in range(len(self.vehicles))
            if not routing.IsEnd(routing.NextVar(routing.Start(k)).Value())
        )

    def dropped_now(self) -> int:
        """Unserved jobs in the solution being reported (callback only)."""
        routing = self.routing
        return sum(
            1
            for n in range(len(self.jobs))
            if routing.NextVar(self.manager.NodeToIndex(n)).Value()
            == self.manager.NodeToIndex(n)
        )


def search(
    problem: RoutingProblem,
    params: SolveParams,
    *,
    vehicles: Sequence[int],
    jobs: Sequence[int],
    budget: float,
    initial: Mapping[int, Sequence[int]] | None = None,
    stop: StopCriterion | None = None,
    progress: ProgressSink | None = None,
    phase: str = "search",
    clock_start: float | None = None,
) -> SearchResult | None:
    """Run one OR-Tools search over the given vehicles and jobs.

    Parameters
    ----------
    problem
        The whole problem (indices in the result refer to it).
    params
        Strategy names and time scale.
    vehicles, jobs
        The problem indices the model covers.
    budget
        Seconds for building the model and searching.
    initial
        Warm start: vehicle → job sequence; ignored if the model rejects it.
    stop
        Polled during the search; True ends it with the best plan so far.
    progress
        Receives throttled reports of improving solutions.
    phase
        Label for progress reports.
    clock_start
        ``perf_counter`` time the reported ``elapsed`` counts from.

    Returns
    -------
    SearchResult or None
        None if no solution was found in time.
    """
    clock_start = time.perf_counter() if clock_start is None else clock_start
    if not vehicles:
        return SearchResult({}, {}, tuple(jobs), 0, 0)
    built = time.perf_counter()
    model = _Model(problem, params, vehicles, jobs)
    routing = model.routing
    # Building a model for 1,000 orders takes about a second: it counts. With
    # a warm start the limit is set after reading it (see below).
    search_params = model.search_parameters(
        READ_SECONDS if initial else max(0.05, budget - (time.perf_counter() - built))
    )
    state = {"count": 0, "last": 0.0}

    def on_solution() -> None:
        state["count"] += 1
        now = time.perf_counter()
        if progress is not None and now - state["last"] >= PROGRESS_INTERVAL:
            state["last"] = now
            progress(
                Progress(
                    objective=float(routing.CostVar().Value()),
                    elapsed=now - clock_start,
                    solutions=int(state["count"]),
                    vehicles=model.vehicles_used(),
                    unassigned=model.dropped_now(),
                    phase=phase,
                )
            )

    routing.AddAtSolutionCallback(on_solution)
    # Reading the warm start runs a small search with the same monitors and
    # time limit: both apply only afterwards, or a limit reached while reading
    # a 2,000-order warm start (3-4 s) would reject it.
    armed = not initial

    def stop_now() -> bool:
        return armed and stop is not None and stop()

    routing.AddSearchMonitor(routing.solver().CustomLimit(stop_now))
    start_assignment = None
    if initial:
        routing.CloseModelWithParameters(search_params)
        start_assignment = model.initial_assignment(initial)
        armed = True
        if start_assignment is None:
            log.warning("OR-Tools rejected its warm start (%s): starting cold", phase)
        # Reading 1,000 orders' routes takes a second or two: it counts too.
        budget = max(0.05, budget - (time.perf_counter() - built))
        search_params.time_limit.FromMilliseconds(max(1, int(budget * 1000)))
    if start_assignment is not None:
        assignment = routing.SolveFromAssignmentWithParameters(
            start_assignment, search_params
        )
    else:
        assignment = routing.SolveWithParameters(search_params)
    if assignment is None:
        return None
    sequences, departures = model.extract(assignment)
    served = {j for seq in sequences.values() for j in seq}
    return SearchResult(
        sequences=sequences,
        departures=departures,
        dropped=tuple(j for j in jobs if j not in served),
        objective=int(assignment.ObjectiveValue()),
        solutions=int(state["count"]),
    )
