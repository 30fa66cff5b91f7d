"""``dispatcher db upgrade`` and ``dispatcher db current``: look after the schema.

Both use the global ``--db`` option (else ``$DISPATCHER_DB_URL``, else the
default SQLite file). Errors are ``DispatcherError``s, which ``ui.cli.main``
prints as one sentence.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

from db.database import open_database
from db.engine import resolve_url
from db.migrate import head_revision

if TYPE_CHECKING:
    import argparse


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``db`` command group and its sub-commands."""
    parser = subparsers.add_parser(
        "db",
        help="show or upgrade the database schema",
        description="Look after the database schema (uses --db or $DISPATCHER_DB_URL).",
    )
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade", help="bring the database to the newest schema (creates it if empty)"
    )
    upgrade.set_defaults(handler=run_upgrade)
    current = actions.add_parser(
        "current", help="show the schema revision of the database without changing it"
    )
    current.set_defaults(handler=run_current)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or passwd
        return "cli"


def run_upgrade(args: argparse.Namespace) -> int:
    """Upgrade the database to the newest revision and say where it is now."""
    database = open_database(resolve_url(args.db), actor=_actor(), upgrade=True)
    try:
        print(f"{database.url}: schema is at revision {database.revision} (newest).")
    finally:
        database.dispose()
    return 0


def run_current(args: argparse.Namespace) -> int:
    """Print the database's schema revision and whether an upgrade is due."""
    database = open_database(resolve_url(args.db), actor=_actor(), upgrade=False)
    try:
        head = head_revision()
        if database.revision is None:
            state = f"empty; 'dispatcher db upgrade' creates the schema ({head})"
        elif database.is_current:
            state = f"revision {database.revision} (newest)"
        else:
            upgrade = "'dispatcher db upgrade'"
            state = f"revision {database.revision}; {upgrade} brings it to {head}"
        print(f"{database.url}: {state}.")
    finally:
        database.dispose()
    return 0
