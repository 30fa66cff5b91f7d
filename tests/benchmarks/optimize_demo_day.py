"""Measured run (not a test): the optimizer on a realistic demo day.

Generates the demo data set's "today" (default 1,000 orders, 40 vehicles with
skills, two-window customers and EU driver breaks), snapshots it, and solves it
in worker processes like the app does, from no plan at all. Prints when the
first checked plan arrived, the final KPIs, the independent checker's verdict
and how many orders the demo's own constructive heuristic serves.

    python tests/benchmarks/optimize_demo_day.py [--orders N] [--time-limit S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from dispatcher.demo.config import DemoConfig
from dispatcher.demo.generator import generate
from dispatcher.optimize.build import build_problem, summary_lines
from dispatcher.optimize.checker import check
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.problem import Objective
from dispatcher.optimize.runner import SolveProcess


def main() -> None:
    """Generate, solve, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    config = DemoConfig(
        date=dt.date(2026, 3, 10), orders_per_day=args.orders, history_days=0
    )
    data = generate(config)
    problem = build_problem(
        orders=data.orders_on(config.date),
        customers={c.id: c for c in data.customers},
        depots={d.id: d for d in data.depots},
        vehicles=data.vehicles,
        objective=Objective(),
    )
    started = time.perf_counter()
    run = SolveProcess(
        problem, SolveParams(time_limit=args.time_limit, workers=args.workers)
    )
    first = None
    while not run.done:
        for report in run.poll(timeout=0.1):
            if first is None and report.unassigned is not None:
                first = (time.perf_counter() - started, report)
    run.join()
    solution = run.best()
    assert solution is not None
    if first is not None:
        seconds, report = first
        print(
            f"first plan after {seconds:.1f} s (wall, incl. process start):"
            f" {report.vehicles} routes, {report.unassigned} unassigned"
        )
    print(f"finished after {time.perf_counter() - started:.1f} s")
    print(
        "\n".join(summary_lines(problem, solution)[-1 - solution.kpis.unassigned :][:1])
    )
    print("checker:", check(problem, solution) or "feasible")
    plan = data.plan_of(config.date)
    constructed = sum(len(r.stops) for r in plan.routes) if plan else 0
    print(
        f"served {solution.kpis.served} of {len(problem.jobs)};"
        f" the demo's own constructor serves {constructed}"
    )


if __name__ == "__main__":
    main()
