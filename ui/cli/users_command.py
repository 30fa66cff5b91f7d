"""``dispatcher users list`` and ``dispatcher users set``: who may do what.

Sign-in follows ``db.database.signed_in_login``: on PostgreSQL the database
role of the connection, on SQLite the operating-system login. Only admins may
add users or change roles (the service checks it); on a new shared database
the first person to sign in acts as admin and should add their own login first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from db.database import open_database
from db.engine import resolve_url
from dispatcher import services
from dispatcher.model import Role

if TYPE_CHECKING:
    import argparse


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``users`` command group and its sub-commands."""
    parser = subparsers.add_parser(
        "users",
        help="list users or set a user's role",
        description="Who may sign in, and with which role (uses --db or "
        "$DISPATCHER_DB_URL). Roles: " + ", ".join(r.value for r in Role) + ".",
    )
    actions = parser.add_subparsers(
        dest="users_command", metavar="ACTION", required=True
    )
    listing = actions.add_parser("list", help="list the users with their roles")
    listing.set_defaults(handler=run_list)
    setting = actions.add_parser(
        "set", help="add a user, or change a user's role, name or active flag"
    )
    setting.add_argument(
        "login", help="database role (PostgreSQL) or OS login (SQLite)"
    )
    setting.add_argument(
        "--role", required=True, choices=[r.value for r in Role], help="the role"
    )
    setting.add_argument("--name", help="the name shown in the app (default: login)")
    setting.add_argument(
        "--inactive", action="store_true", help="keep the user but refuse sign-in"
    )
    setting.set_defaults(handler=run_set)


def run_list(args: argparse.Namespace) -> int:
    """Print one line per user: login, role, active flag, name."""
    database = open_database(resolve_url(args.db))
    try:
        with database.uow_factory() as uow:
            users = uow.users.list()
        for user in users:
            state = "active" if user.active else "inactive"
            print(f"{user.login:<20} {user.role.value:<11} {state:<9} {user.name}")
        if not users:
            print("No users yet: whoever signs in first acts as admin.")
    finally:
        database.dispose()
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Add or change one user, as the signed-in admin."""
    database = open_database(resolve_url(args.db))
    try:
        user = services.set_user(
            database.uow_factory,
            args.login,
            Role(args.role),
            name=args.name,
            active=not args.inactive,
        )
    finally:
        database.dispose()
    state = "active" if user.active else "inactive"
    print(f"{user.login}: {user.role.value}, {state}.")
    return 0
