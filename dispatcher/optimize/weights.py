"""Integer weights of the search objective: costs, vehicle charge, drop penalties.

Solvers work in integers. Money is counted in 1/``COST_SCALE`` units; times in
1/``time_scale`` minutes. The objective is hierarchical where the business says
so: a must-order outweighs everything else together, an ordinary order
outweighs the vehicle charge of "vehicles first", and that charge outweighs
any difference in driving cost. Each tier is computed from a bound on the
tier below, so the hierarchy holds without magic numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dispatcher.model import Priority

if TYPE_CHECKING:
    from dispatcher.optimize.problem import RoutingProblem

COST_SCALE = 10_000
"""Integer cost units per unit of money (or per km when minimising distance)."""

INT_LIMIT = 2**60
"""Keep every objective term well inside int64 (the solver adds them up)."""


def km_rate(problem: RoutingProblem, vehicle: int) -> float:
    """Money per km of a vehicle (1 when minimising distance)."""
    spec = problem.vehicles[vehicle].spec
    if problem.objective.distance_only or not _has_money_costs(problem):
        return 1.0
    return spec.cost_per_km


def hour_rate(problem: RoutingProblem, vehicle: int) -> float:
    """Money per hour of a vehicle (0 when minimising distance)."""
    if problem.objective.distance_only:
        return 0.0
    return problem.vehicles[vehicle].spec.cost_per_hour


def fixed_money(problem: RoutingProblem, vehicle: int) -> float:
    """Fixed money for using a vehicle (0 when minimising distance)."""
    if problem.objective.distance_only:
        return 0.0
    return problem.vehicles[vehicle].spec.fixed_cost


def _has_money_costs(problem: RoutingProblem) -> bool:
    return any(v.spec.cost_per_km or v.spec.cost_per_hour for v in problem.vehicles)


@dataclass(frozen=True, slots=True)
class Weights:
    """The integer weights of one problem."""

    vehicle_charge: int
    """Added to each used vehicle's fixed cost (0 unless vehicles come first)."""
    penalty: tuple[int, ...]
    """Drop penalty per job index."""
    move_penalty: int
    """Penalty for moving a planned stop to another vehicle."""


def compute_weights(problem: RoutingProblem, time_scale: int) -> Weights:
    """Tiered integer weights for ``problem`` (see the module docstring)."""
    objective = problem.objective
    matrix = np.asarray(problem.matrix.distance_km, dtype=float)
    n_jobs, n_veh = len(problem.jobs), len(problem.vehicles)
    horizon = max((v.spec.shift.end for v in problem.vehicles), default=0)
    route_bound = 1
    for v in range(n_veh):
        arc = float(matrix.max(initial=0.0)) * km_rate(problem, v) * COST_SCALE
        hours = horizon / 60.0 * (hour_rate(problem, v) + objective.balance)
        route_bound += math.ceil(
            (n_jobs + 2) * arc
            + hours * COST_SCALE
            + fixed_money(problem, v) * COST_SCALE
        )
    move = round(objective.move_penalty * COST_SCALE)
    route_bound += move * n_jobs
    charge = route_bound if objective.minimize_vehicles else 0
    below_orders = route_bound + charge * n_veh
    money = objective.drop_penalty
    optional = round(money.get(Priority.OPTIONAL, 0.0) * COST_SCALE)
    normal = round(money.get(Priority.NORMAL, 0.0) * COST_SCALE)
    if objective.minimize_vehicles:
        normal = max(normal, below_orders + 1)
    count = {p: sum(1 for j in problem.jobs if j.priority == p) for p in Priority}
    high = max(round(money.get(Priority.HIGH, 0.0) * COST_SCALE), normal + 1)
    others = (
        below_orders
        + optional * count[Priority.OPTIONAL]
        + normal * count[Priority.NORMAL]
        + high * count[Priority.HIGH]
    )
    must = others + 1
    must = min(must, INT_LIMIT // max(1, count[Priority.MUST] + n_jobs))
    tier = {
        Priority.MUST: must,
        Priority.HIGH: min(high, must),
        Priority.NORMAL: min(normal, must),
        Priority.OPTIONAL: min(optional, must),
    }
    penalties = tuple(
        must if j.lock is not None else tier[j.priority] for j in problem.jobs
    )
    return Weights(vehicle_charge=charge, penalty=penalties, move_penalty=move)
