"""``dispatcher bench solomon|vrplib FILE... --bks CSV``: measure the optimizer.

Solves each instance with the engine and with plain OR-Tools (same model, same
time limit) and prints, per instance, vehicles, distance, the gap to the
best-known distance, seconds and whether the independent checker accepts the
plan; then the totals of both side by side. ``--json`` prints one object per
instance instead.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatcher.errors import ValidationError
from dispatcher.optimize.bench import read_bks, run_bench, summarize
from dispatcher.optimize.params import PLAIN_ORTOOLS, SolveParams

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

    from dispatcher.optimize.bench import BenchRow, Summary
    from dispatcher.optimize.problem import RoutingProblem


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``bench solomon`` and ``bench vrplib``."""
    parser = subparsers.add_parser(
        "bench",
        help="benchmark the optimizer on VRPTW instances",
        description="Solve benchmark instances with the engine and plain OR-Tools.",
    )
    kinds = parser.add_subparsers(dest="bench_kind", metavar="FORMAT", required=True)
    for kind, text in (
        ("solomon", "Solomon VRPTW text files (Euclidean distances)"),
        ("vrplib", "VRPLIB VRPTW files (explicit, possibly asymmetric matrices)"),
    ):
        sub = kinds.add_parser(kind, help=text)
        sub.add_argument("files", nargs="+", type=Path, metavar="FILE")
        sub.add_argument(
            "--bks",
            type=Path,
            required=True,
            metavar="CSV",
            help="best-known solutions: instance, bks_vehicles, bks_distance",
        )
        sub.add_argument(
            "--time-limit",
            type=float,
            default=10.0,
            metavar="S",
            help="seconds per instance and configuration (default 10)",
        )
        sub.add_argument(
            "--workers",
            type=int,
            default=2,
            help="parallel searches of the engine (default 2)",
        )
        sub.add_argument(
            "--no-baseline", action="store_true", help="skip the plain OR-Tools run"
        )
        sub.add_argument("--json", action="store_true", help="print JSON records")
        sub.set_defaults(handler=run_bench_command)


def _problems(kind: str, files: list[Path]) -> Iterator[RoutingProblem]:
    for path in files:
        if not path.is_file():
            raise ValidationError(
                f"{path} does not exist; pass the path of an instance file"
            )
        if kind == "solomon":
            from dispatcher.optimize.solomon import read_solomon

            yield read_solomon(path)
        else:
            from dispatcher.optimize.vrplib_io import read_vrplib

            yield read_vrplib(path)


def _fmt(value: object, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _print_row(row: BenchRow) -> None:
    data = row.as_dict()
    line = (
        f"{row.instance:<8} {data['vehicles']:>3}/{_fmt(data['bks_vehicles'], '<3')}"
        f" {data['distance']:>9.2f} {_fmt(data['gap_pct'], '>7.2f')}%"
        f" {data['seconds']:>6.1f}s {'ok' if data['feasible'] else 'INFEASIBLE'}"
    )
    if row.baseline is not None:
        line += (
            f" | plain {data['baseline_vehicles']:>3} {data['baseline_distance']:>9.2f}"
            f" {_fmt(data['baseline_gap_pct'], '>7.2f')}%"
            f" {'ok' if data['baseline_feasible'] else 'INFEASIBLE'}"
        )
    print(line, flush=True)


def _print_summary(name: str, summary: Summary) -> None:
    print(
        f"{name:<8} instances {summary.instances}, feasible {summary.feasible},"
        f" mean gap {_fmt(summary.mean_gap_pct, '.3f')}%,"
        f" more vehicles than best known on {summary.more_vehicles},"
        f" fewer on {summary.fewer_vehicles}, vehicles {summary.total_vehicles}"
    )


def run_bench_command(args: argparse.Namespace) -> int:
    """Run the benchmark and print rows and totals."""
    known = read_bks(args.bks)
    scale = 1000 if args.bench_kind == "solomon" else 1
    params = SolveParams(
        time_limit=args.time_limit, workers=args.workers, time_scale=scale
    )
    baseline = None
    if not args.no_baseline:
        baseline = dataclasses.replace(PLAIN_ORTOOLS, time_limit=args.time_limit)
    rows = run_bench(
        _problems(args.bench_kind, args.files),
        known,
        params,
        baseline,
        on_row=None if args.json else _print_row,
    )
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], indent=1))
        return 0
    engine = summarize(rows)
    _print_summary("engine", engine)
    if baseline is not None:
        plain = summarize(rows, baseline=True)
        _print_summary("plain", plain)
        distances = [
            (r.engine.distance, r.baseline.distance) for r in rows if r.baseline
        ]
        ratio = sum(e for e, _ in distances) / max(1e-9, sum(b for _, b in distances))
        print(f"distance engine/plain: {ratio:.4f}")
    return 0
