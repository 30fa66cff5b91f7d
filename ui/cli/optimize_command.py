"""``dispatcher optimize --db URL --date YYYY-MM-DD``: optimize a day and save it.

Reads the day, plans every open order on the active fleet with the engine the
app uses (in worker processes, with a progress line on the terminal), keeps
locked stops and routes and routes already under way, and saves the new routes
through the plan-edit service (one version-checked transaction with change
rows) unless ``--dry-run``. A result that leaves more must, high or normal
orders unassigned than the current plan (the search ran out of time) is not
saved and the command exits 1. It prints the routes, the day's totals before
and after, and every order left unassigned with the reason and a fix (a wider
window, one of the next days with a vehicle that has room, one more vehicle);
``--json`` prints the same as JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from db.database import open_database
from db.engine import resolve_url
from dispatcher import plan_edits
from dispatcher.day_view import load_day
from dispatcher.errors import DispatcherError, StalePlan
from dispatcher.model import format_minutes
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.runner import solve_in_subprocess
from dispatcher.optimize.weights import COST_SCALE
from dispatcher.optimize_day import (
    default_workers,
    later_days,
    problem_for_day,
    sequences_from,
    unassigned_reasons,
)
from dispatcher.plan_diff import MoveKind, plan_diff

if TYPE_CHECKING:
    from dispatcher.day_view import RouteLine
    from dispatcher.optimize.params import Progress
    from dispatcher.optimize.solution import Solution
    from dispatcher.plan_diff import PlanDiff

DEFAULT_TIME_LIMIT = 10.0
"""Seconds of search unless ``--time-limit`` says otherwise."""


def _date(text: str) -> dt.date:
    """An argparse type: a calendar date in ISO form."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date in YYYY-MM-DD form"
        ) from None


def _seconds(text: str) -> float:
    """An argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a positive number of seconds"
        )
    return value


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``optimize`` sub-command."""
    parser = subparsers.add_parser(
        "optimize",
        help="optimize the routes of a day and save them",
        description="Plan every open order of a day on the active fleet, keeping "
        "locked stops and routes and routes under way, and save the routes (one "
        "transaction, with change rows). Prints routes, km, cost, late minutes and "
        "the orders left unassigned with the reason.",
    )
    # SUPPRESS keeps the top-level ``dispatcher --db URL optimize`` working too.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL or SQLite file (default: $DISPATCHER_DB_URL, else the "
        "default SQLite file)",
    )
    parser.add_argument(
        "--date", type=_date, required=True, metavar="YYYY-MM-DD", help="the day"
    )
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=DEFAULT_TIME_LIMIT,
        metavar="S",
        help="seconds of search (default: %(default)s)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show the result, save nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=run)


class ProgressLine:
    """A one-line progress display on a terminal; sparse lines elsewhere."""

    def __init__(self, stream: TextIO, every: float = 0.25, logged_every: float = 5.0):
        self.stream = stream
        self.tty = stream.isatty()
        self.every = every if self.tty else logged_every
        self.started = time.perf_counter()
        self._last = 0.0
        self._shown = False

    def __call__(self, progress: Progress) -> None:
        now = time.perf_counter()
        if now - self._last < self.every:
            return
        self._last = now
        parts = [
            f"optimizing: {now - self.started:.1f} s",
            f"best {progress.objective / COST_SCALE:,.2f}",
            f"{progress.solutions:,} solutions",
        ]
        if progress.vehicles is not None:
            parts.append(f"{progress.vehicles} vehicles")
        if progress.unassigned:
            parts.append(f"{progress.unassigned} left out")
        text = " · ".join(parts)
        if self.tty:
            self.stream.write("\r" + text.ljust(78))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """End the progress line."""
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """Optimize the day, save it unless ``--dry-run``, and print the summary."""
    database = open_database(resolve_url(args.db))
    try:
        view = load_day(database.uow_factory, args.date)
        later = later_days(database.uow_factory, args.date)
        problem = problem_for_day(view, other_days=later)
        progress = ProgressLine(sys.stderr)
        try:
            solution = solve_in_subprocess(
                problem,
                SolveParams(time_limit=args.time_limit, workers=default_workers()),
                on_progress=progress,
            )
        finally:
            progress.close()
        if solution is None:
            raise DispatcherError(
                "The optimizer stopped without a result; run it again, perhaps "
                "with a longer --time-limit."
            )
        sequences = sequences_from(problem, solution)
        diff = plan_diff(view, sequences, reasons=unassigned_reasons(problem, solution))
        version = view.plan_version
        saved = False
        refused = diff.serves_fewer and not args.dry_run
        if diff.changed and not args.dry_run and not refused:
            try:
                edit = plan_edits.replace_routes(
                    database.uow_factory, args.date, view.plan_version, sequences
                )
            except StalePlan:
                raise StalePlan(
                    f"The plan of {args.date:%Y-%m-%d} changed while optimizing, so "
                    "nothing was saved; run the command again."
                ) from None
            version, saved = edit.plan.version, True
    finally:
        database.dispose()
    report = summary(solution, diff, saved=saved, plan_version=version)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(summary_text(report, dry_run=args.dry_run))
    if refused:
        fewer = diff.after.unassigned_important - diff.before.unassigned_important
        print(
            f"dispatcher: nothing was saved, because this plan leaves {fewer} more "
            "must, high or normal orders unassigned than the current plan; run again "
            "with a longer --time-limit.",
            file=sys.stderr,
        )
        return 1
    return 0


def _route(line: RouteLine) -> dict[str, Any]:
    schedule = line.schedule
    return {
        "vehicle_id": line.vehicle.id,
        "vehicle": line.vehicle.name,
        "stops": len(line.route.stops),
        "order_ids": list(line.route.order_ids),
        "start": format_minutes(schedule.departure),
        "end": format_minutes(schedule.end),
        "km": round(schedule.km, 3),
        "cost": round(schedule.cost, 2),
        "late_stops": schedule.late_count,
        "late_min": round(schedule.lateness_min, 1),
    }


def _figures(diff: PlanDiff, which: str) -> dict[str, Any]:
    values = dataclasses.asdict(getattr(diff, which))
    return {
        key: round(value, 3) if isinstance(value, float) else value
        for key, value in values.items()
    }


def summary(
    solution: Solution, diff: PlanDiff, *, saved: bool, plan_version: int
) -> dict[str, Any]:
    """What the command reports, as JSON-ready values.

    Keys: ``date``, ``saved``, ``plan_version``, ``status``, ``seconds``,
    ``solutions``, ``routes`` (vehicle, stops, order ids, start, end, km, cost,
    late), ``before`` and ``after`` (the day's totals), ``moved`` (counts by
    kind) and ``unassigned`` (order, customer, reason, fix).
    """
    view = diff.after_view
    return {
        "date": view.date.isoformat(),
        "saved": saved,
        "plan_version": plan_version,
        "status": solution.status.value,
        "seconds": round(solution.elapsed, 2),
        "solutions": solution.solutions_found,
        "routes": [_route(line) for line in view.routes if line.route.stops],
        "before": _figures(diff, "before"),
        "after": _figures(diff, "after"),
        "moved": {
            "total": diff.moved,
            **{kind.value: diff.count(kind) for kind in MoveKind},
        },
        "unassigned": [
            {
                "order_id": u.order_id,
                "reference": u.reference,
                "customer": u.customer,
                "reason": u.reason,
                "fix": u.fix,
            }
            for u in diff.unassigned
        ],
    }


def summary_text(report: dict[str, Any], *, dry_run: bool = False) -> str:
    """The summary as lines for a terminal."""
    day = dt.date.fromisoformat(report["date"])
    if report["saved"]:
        outcome = f"saved as plan version {report['plan_version']}"
    elif dry_run:
        outcome = "dry run, nothing saved"
    elif (
        report["after"]["unassigned_important"]
        > report["before"]["unassigned_important"]
    ):
        outcome = "NOT saved: it leaves more orders unassigned than the current plan"
    else:
        outcome = "the plan stays as it is, nothing saved"
    status = "stopped" if report["status"] == "cancelled" else "optimized"
    lines = [
        f"{day:%a} {day.day} {day:%b %Y}: {status} in {report['seconds']:.1f} s "
        f"({report['solutions']:,} solutions); {outcome}.",
        "",
    ]
    routes = report["routes"]
    width = max((len(r["vehicle"]) for r in routes), default=0)
    for r in routes:
        lines.append(
            f"  {r['vehicle']:<{width}}  {r['stops']:>3} "
            f"{'stop ' if r['stops'] == 1 else 'stops'}  "
            f"{r['start']}–{r['end']}  {r['km']:>7,.1f} km  "
            f"cost {r['cost']:>9,.2f}  late {r['late_min']:>4.0f} min"
        )
    before, after = report["before"], report["after"]
    lines += [
        "",
        f"Total: {after['vehicles_used']} routes, {after['planned']:,} stops, "
        f"{after['km']:,.1f} km (was {before['km']:,.1f}), cost {after['cost']:,.2f} "
        f"(was {before['cost']:,.2f}), late {after['late_min']:,.0f} min "
        f"(was {before['late_min']:,.0f}), {after['unassigned']} unassigned "
        f"(was {before['unassigned']}).",
    ]
    moved = report["moved"]
    lines.append(
        f"Stops moved: {moved['total']:,} ({moved['other_vehicle']:,} to another "
        f"vehicle, {moved['resequenced']:,} re-sequenced); "
        f"{moved['planned']:,} newly planned, {moved['unplanned']:,} taken off."
    )
    if report["unassigned"]:
        lines += ["", "Unassigned:"]
        for u in report["unassigned"]:
            fix = f"; {u['fix']}" if u["fix"] else ""
            lines.append(f"  {u['reference']} ({u['customer']}): {u['reason']}{fix}")
    return "\n".join(lines)
