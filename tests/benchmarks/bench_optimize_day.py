"""Benchmark of optimizing a demo day the way the app and the CLI do.

For each size it builds a demo database (``dispatcher.demo``: today's orders
planned by the demo's own constructive heuristic), loads the day, builds the
problem (``problem_for_day``) and solves it in worker processes for the time
limit. It reports

* ``build``: seconds to build the problem from the day view,
* ``first``: seconds from starting the workers to the first solution report
  (process start, model building and the first plan),
* ``wall``: seconds until the result was back,
* before and after: km, cost, working hours, late stops, vehicles used and
  unassigned orders, both timed by the route board's scheduler (what the user
  sees), and the optimizer's own cost of its routes (its departure times).

Usage::

    python tests/benchmarks/bench_optimize_day.py --orders 250 1000 --time-limit 10
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from db.database import open_database
from db.engine import sqlite_url
from dispatcher.day_view import load_day
from dispatcher.demo import DemoConfig, generate, load_dataset
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.runner import SolveProcess
from dispatcher.optimize_day import problem_for_day, sequences_from, unassigned_reasons
from dispatcher.plan_diff import PlanFigures, plan_diff

DAY = dt.date(2026, 11, 24)
"""A Tuesday: a full working day of the demo."""


def _figures(f: PlanFigures) -> dict[str, Any]:
    return {
        "km": round(f.km, 1),
        "cost": round(f.cost, 2),
        "hours": round(f.duration_min / 60, 1),
        "late_stops": f.late_stops,
        "vehicles": f.vehicles_used,
        "unassigned": f.unassigned,
    }


def measure(folder: Path, orders: int, params: SolveParams) -> dict[str, Any]:
    """Build a demo day of ``orders`` orders and optimize it once."""
    path = folder / f"demo-{orders}.sqlite3"
    database = open_database(sqlite_url(path), actor="bench")
    try:
        if not load_day(database.uow_factory, DAY).lines:
            config = DemoConfig(date=DAY, orders_per_day=orders, history_days=0)
            load_dataset(database.uow_factory, generate(config), login="bench")
        view = load_day(database.uow_factory, DAY)
    finally:
        database.dispose()
    started = time.perf_counter()
    problem = problem_for_day(view)
    build = time.perf_counter() - started
    started = time.perf_counter()
    run = SolveProcess(problem, params)
    first: float | None = None
    try:
        while not run.done:
            if run.poll(timeout=0.05) and first is None:
                first = time.perf_counter() - started
        run.join()
    finally:
        run.terminate()
    wall = time.perf_counter() - started
    solution = run.best()
    if solution is None:
        raise RuntimeError("the optimizer returned no plan: " + "; ".join(run.errors))
    diff = plan_diff(
        view,
        sequences_from(problem, solution),
        reasons=unassigned_reasons(problem, solution),
    )
    return {
        "orders": len(problem.jobs),
        "vehicles": len(problem.vehicles),
        "time_limit": params.time_limit,
        "workers": params.workers,
        "build_s": round(build, 3),
        "first_s": None if first is None else round(first, 2),
        "wall_s": round(wall, 2),
        "solutions": solution.solutions_found,
        "before": _figures(diff.before),
        "after": _figures(diff.after),
        "optimizer_cost": round(solution.kpis.cost, 2),
        "moved": diff.moved,
    }


def main() -> None:
    """Run the benchmark for each size and print one line (or JSON) per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[250, 1000])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path, help="keep the demo files here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    params = SolveParams(time_limit=args.time_limit, workers=args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for orders in args.orders:
            result = measure(folder, orders, params)
            if args.json:
                print(json.dumps(result))
                continue
            b, a = result["before"], result["after"]
            print(
                f"{result['orders']} orders / {result['vehicles']} vehicles: "
                f"build {result['build_s']} s, first solution {result['first_s']} s, "
                f"back after {result['wall_s']} s ({result['solutions']} solutions)\n"
                f"  before: {b}\n  after:  {a}\n"
                f"  optimizer's own cost of its routes: {result['optimizer_cost']}, "
                f"stops moved: {result['moved']}"
            )


if __name__ == "__main__":
    main()
