"""Benchmark the engine against best-known solutions and plain OR-Tools.

Each instance is solved twice with the same model and time limit: by the
engine's configuration and by the textbook OR-Tools configuration
(``PLAIN_ORTOOLS``), so every claimed improvement is measured side by side.
Every plan is verified by the independent checker.
"""

from __future__ import annotations

import csv
import dataclasses
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.errors import ValidationError
from dispatcher.optimize.checker import check
from dispatcher.optimize.runner import solve_in_subprocess

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from dispatcher.optimize.params import SolveParams
    from dispatcher.optimize.problem import RoutingProblem


@dataclass(frozen=True, slots=True)
class Known:
    """Best-known vehicles and distance of an instance."""

    vehicles: int
    distance: float


@dataclass(frozen=True, slots=True)
class RunResult:
    """One configuration's result on one instance."""

    vehicles: int
    distance: float
    unassigned: int
    seconds: float
    feasible: bool


@dataclass(frozen=True, slots=True)
class BenchRow:
    """Engine and baseline results on one instance."""

    instance: str
    engine: RunResult
    baseline: RunResult | None
    known: Known | None

    def as_dict(self) -> dict[str, object]:
        """The JSON record (engine keys first, baseline keys prefixed)."""
        known = self.known
        out: dict[str, object] = {
            "instance": self.instance,
            "vehicles": self.engine.vehicles,
            "distance": round(self.engine.distance, 2),
            "bks_vehicles": known.vehicles if known else None,
            "bks_distance": known.distance if known else None,
            "gap_pct": gap_pct(self.engine, known),
            "seconds": round(self.engine.seconds, 2),
            "feasible": self.engine.feasible,
            "unassigned": self.engine.unassigned,
        }
        if self.baseline is not None:
            base = self.baseline
            out |= {
                "baseline_vehicles": base.vehicles,
                "baseline_distance": round(base.distance, 2),
                "baseline_gap_pct": gap_pct(base, known),
                "baseline_seconds": round(base.seconds, 2),
                "baseline_feasible": base.feasible,
                "baseline_unassigned": base.unassigned,
            }
        return out


def gap_pct(result: RunResult, known: Known | None) -> float | None:
    """Distance gap to the best known distance, in percent."""
    if known is None or not known.distance:
        return None
    return round(100.0 * (result.distance - known.distance) / known.distance, 3)


def read_bks(path: Path) -> dict[str, Known]:
    """Best-known solutions from a CSV with ``instance, bks_vehicles, bks_distance``.

    Raises
    ------
    ValidationError
        If the columns are missing.
    """
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"instance", "bks_vehicles", "bks_distance"}
        if not needed <= set(reader.fieldnames or ()):
            raise ValidationError(
                f"{path} needs the columns {', '.join(sorted(needed))}"
            )
        return {
            row["instance"].strip().upper(): Known(
                int(float(row["bks_vehicles"])), float(row["bks_distance"])
            )
            for row in reader
            if row["bks_vehicles"] and row["bks_distance"]
        }


def run_once(problem: RoutingProblem, params: SolveParams) -> RunResult:
    """Solve in worker processes and verify the plan."""
    started = time.perf_counter()
    solution = solve_in_subprocess(problem, params)
    seconds = time.perf_counter() - started
    if solution is None:
        return RunResult(0, float("inf"), len(problem.jobs), seconds, False)
    feasible = not check(problem, solution) and not solution.unassigned
    return RunResult(
        solution.kpis.vehicles,
        solution.kpis.km,
        solution.kpis.unassigned,
        seconds,
        feasible,
    )


def run_bench(
    problems: Iterable[RoutingProblem],
    known: dict[str, Known],
    params: SolveParams,
    baseline: SolveParams | None,
    on_row: Callable[[BenchRow], None] | None = None,
) -> list[BenchRow]:
    """Solve every problem with the engine (and the baseline); one row each."""
    rows = []
    for problem in problems:
        engine = run_once(problem, params)
        base = None
        if baseline is not None:
            base = run_once(
                problem, dataclasses.replace(baseline, time_scale=params.time_scale)
            )
        row = BenchRow(problem.name, engine, base, known.get(problem.name.upper()))
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals of one configuration over a benchmark run."""

    instances: int
    feasible: int
    mean_gap_pct: float | None
    more_vehicles: int
    fewer_vehicles: int
    total_vehicles: int


def summarize(rows: Sequence[BenchRow], *, baseline: bool = False) -> Summary:
    """Mean gap, vehicle excess and feasibility of the engine (or the baseline)."""
    results = [(r.baseline if baseline else r.engine, r.known) for r in rows]
    pairs = [(res, known) for res, known in results if res is not None]
    gaps = [gap_pct(res, known) for res, known in pairs]
    numbers = [g for g in gaps if g is not None]
    return Summary(
        instances=len(pairs),
        feasible=sum(1 for res, _ in pairs if res.feasible),
        mean_gap_pct=round(statistics.fmean(numbers), 3) if numbers else None,
        more_vehicles=sum(1 for res, k in pairs if k and res.vehicles > k.vehicles),
        fewer_vehicles=sum(1 for res, k in pairs if k and res.vehicles < k.vehicles),
        total_vehicles=sum(res.vehicles for res, _ in pairs),
    )
