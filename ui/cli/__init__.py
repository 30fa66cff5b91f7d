"""The ``dispatcher`` command line: opens the app or runs one sub-command.

``dispatcher [--db URL | --demo]`` opens the desktop app. Sub-commands live in
small modules of this package, each with a ``register(subparsers)`` function
that adds its parser and sets ``handler`` to a function ``(args) -> int``.
Errors a user can fix (``DispatcherError``) print one sentence and exit 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from dispatcher import __version__
from dispatcher.errors import DispatcherError

if TYPE_CHECKING:
    from collections.abc import Sequence

COMMAND_MODULES = (
    "db_commands",
    "users_command",
    "demo_command",
    "optimize_command",
    "bench_command",
    "snapshots_command",
)
"""Modules of this package that register sub-commands, in help order."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="dispatcher",
        description="Plan, optimize and track B2B last-mile deliveries.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: $DISPATCHER_DB_URL, else a SQLite "
        "file in your user data directory)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on a freshly seeded demo database",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dispatcher`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command is None:
            from ui.cli.gui_command import run_gui

            return run_gui(args)
        return int(args.handler(args))
    except DispatcherError as exc:
        print(f"dispatcher: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
