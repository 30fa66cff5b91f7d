"""``dispatcher demo --db URL``: fill a new database with realistic demo data.

Generates a B2B delivery business in Greater Lyon (fleet, customers, weeks of
executed history, today's planned routes, tomorrow's open orders) and writes it
to the database named by ``--db`` (a URL or a SQLite file path; the schema is
created). Demo data only goes into an empty database: seeding a database that
already holds a fleet, plans or orders is refused, and there is no ``--force``,
because mixing two fleets and two histories would make every report wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from db.database import open_database
from db.engine import normalize_url
from dispatcher.demo import DemoConfig, generate, load_dataset
from dispatcher.demo.config import DEFAULT_HISTORY_DAYS, DEFAULT_ORDERS_PER_DAY
from dispatcher.demo.loader import current_login
from dispatcher.errors import ValidationError
from dispatcher.model import OrderStatus

if TYPE_CHECKING:
    from dispatcher.demo import DemoDataset, DemoSummary


def _count(minimum: int) -> Any:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"'{text}' is not a whole number of at least {minimum}"
            )
        return value

    return parse


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="fill a new database with realistic demo data",
        description="Generate a B2B delivery business in Greater Lyon (fleet, "
        "customers, executed history, today's planned routes, tomorrow's orders) "
        "into a new, empty database. Same seed and date give the same data.",
    )
    # SUPPRESS keeps the top-level ``dispatcher --db URL demo`` working too.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="the new database: a SQLAlchemy URL or a SQLite file path (required)",
    )
    parser.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the demo's today (default: today)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed (default: %(default)s)"
    )
    parser.add_argument(
        "--orders",
        type=_count(1),
        default=DEFAULT_ORDERS_PER_DAY,
        metavar="N",
        help="new orders on a weekday; Saturdays get 30 %%, Sundays 10 %% "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--history-days",
        type=_count(0),
        default=DEFAULT_HISTORY_DAYS,
        metavar="N",
        help="days of executed history before the date (default: %(default)s)",
    )
    parser.add_argument(
        "--vehicles",
        type=_count(1),
        metavar="N",
        help="fleet size (default: 14, or one vehicle per 25 orders above 350)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Generate the demo data set, write it, and print what was made."""
    if not getattr(args, "db", None):
        raise ValidationError(
            "Say where the demo data goes with --db, e.g. --db demo.sqlite3 "
            "(a new file) or a PostgreSQL URL of an empty database.",
            field="--db",
        )
    config = DemoConfig(
        date=args.date or dt.date.today(),
        seed=args.seed,
        orders_per_day=args.orders,
        history_days=args.history_days,
        vehicles=args.vehicles,
    )
    started = time.perf_counter()
    dataset = generate(config)
    generated = time.perf_counter()
    login = current_login()
    database = open_database(normalize_url(args.db), actor=login)
    try:
        summary = load_dataset(database.uow_factory, dataset, login=login)
        url = database.url
    finally:
        database.dispose()
    written = time.perf_counter()
    print(describe(dataset, summary, url))
    took = f"{generated - started:.1f} s, written in {written - generated:.1f} s"
    print(f"Generated in {took}.")
    return 0


def describe(dataset: DemoDataset, summary: DemoSummary, url: str) -> str:
    """A few lines saying what a loaded demo data set holds."""
    today = dataset.config.date
    tomorrow = today + dt.timedelta(days=1)
    todays = dataset.orders_on(today)
    planned = sum(o.status is OrderStatus.PLANNED for o in todays)
    plan = dataset.plan_of(today)
    routes = len(plan.routes) if plan is not None else 0
    lines = [
        f"Demo data written to {url}:",
        f"  {summary.depots} depots, {summary.vehicles} vehicles, "
        f"{summary.drivers} drivers, {summary.customers} customers, "
        f"{summary.users} users",
        f"  {summary.orders:,} orders, {summary.plans} plans with "
        f"{summary.routes:,} routes and {summary.stops:,} stops, "
        f"{summary.outcomes:,} delivery outcomes",
        f"  today {today:%A %Y-%m-%d}: {len(todays)} orders, {planned} planned on "
        f"{routes} routes, {len(todays) - planned} unassigned",
        f"  tomorrow: {len(dataset.orders_on(tomorrow))} orders to plan",
    ]
    if today.weekday() >= 5:
        lines.append(
            "  note: most B2B customers are closed at weekends; give a weekday "
            "with --date for a full day."
        )
    return "\n".join(lines)
