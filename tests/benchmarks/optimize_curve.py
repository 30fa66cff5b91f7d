"""Measured run (not a test): the optimizer's improvement curve on demo days.

For each size it generates the demo data set's "today" (skills, two-window
customers, stop and distance limits, EU driver breaks) with the demo's own
constructive plan, then optimizes it once per time limit, in worker processes
like the app. Each line shows when the first complete plan was reported, and
the final plan's served orders, km, cost (as the route board times it) and the
independent checker's verdict; the first line is the constructor's plan.

    python -m tests.benchmarks.optimize_curve [--orders 1000] [--limits 5 10 20 30 60]
        [--cold] [--workers N]

``--cold`` drops the current plan (the optimizer starts from nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import TYPE_CHECKING

from dispatcher.demo import DemoConfig, generate
from dispatcher.optimize.build import build_problem
from dispatcher.optimize.checker import check
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.runner import SolveProcess
from dispatcher.optimize.solution import make_solution
from dispatcher.optimize_day import default_workers

if TYPE_CHECKING:
    from dispatcher.optimize.problem import RoutingProblem

DAY = dt.date(2026, 11, 24)
"""A Tuesday: a full working day of the demo."""


def demo_day(orders: int, *, cold: bool) -> RoutingProblem:
    """The demo's day of ``orders`` orders, with its constructed plan unless cold."""
    data = generate(DemoConfig(date=DAY, orders_per_day=orders, history_days=0))
    return build_problem(
        orders=data.orders_on(DAY),
        customers={c.id: c for c in data.customers},
        depots={d.id: d for d in data.depots},
        vehicles=data.vehicles,
        plan=None if cold else data.plan_of(DAY),
    )


def _line(label: str, served: int, total: int, km: float, cost: float) -> str:
    return f"{label:<22} served {served:>5}/{total:<5} {km:>8.1f} km  cost {cost:>9.2f}"


def constructor_line(problem: RoutingProblem) -> str:
    """The demo constructor's plan (the current plan), timed like the board."""
    sequences = {v: fleet.current for v, fleet in enumerate(problem.vehicles)}
    plan = make_solution(problem, sequences)
    k = plan.kpis
    return _line("constructor", k.served, len(problem.jobs), k.km, k.cost)


def run_once(problem: RoutingProblem, limit: float, workers: int) -> str:
    """Optimize once for ``limit`` seconds; one line of figures."""
    started = time.perf_counter()
    run = SolveProcess(problem, SolveParams(time_limit=limit, workers=workers))
    first: float | None = None
    try:
        while not run.done:
            for report in run.poll(timeout=0.05):
                if first is None and report.unassigned is not None:
                    first = time.perf_counter() - started
        run.join()
    finally:
        run.terminate()
    wall = time.perf_counter() - started
    solution = run.best()
    if solution is None:
        return f"{limit:>5.0f} s: no plan ({'; '.join(run.errors)})"
    k = solution.kpis
    verdict = "feasible" if not check(problem, solution) else "INFEASIBLE"
    first_text = "-" if first is None else f"{first:.1f}"
    return (
        _line(f"{limit:>5.0f} s limit", k.served, len(problem.jobs), k.km, k.cost)
        + f"  first plan {first_text} s, back {wall:.1f} s, {verdict}"
    )


def main() -> None:
    """Generate each day, then one optimization per time limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--limits", type=float, nargs="+", default=[5.0, 10.0, 20.0, 30.0, 60.0]
    )
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    for orders in args.orders:
        problem = demo_day(orders, cold=args.cold)
        print(
            f"{len(problem.jobs)} orders, {len(problem.vehicles)} vehicles,"
            f" {'cold start' if args.cold else 'warm start from the demo plan'},"
            f" {args.workers} worker(s)",
            flush=True,
        )
        planned = problem if not args.cold else demo_day(orders, cold=False)
        print(constructor_line(planned), flush=True)
        for limit in args.limits:
            print(run_once(problem, limit, args.workers), flush=True)


if __name__ == "__main__":
    main()
