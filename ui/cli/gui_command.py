"""``dispatcher [--db URL | --demo]``: open the desktop app.

With ``--demo`` the app opens a demo database of today, generated once per day
in the user's data directory (``demo-YYYY-MM-DD.sqlite3``); demo files of
earlier days are removed. Without it the app opens ``--db``, else
``$DISPATCHER_DB_URL``, else the default SQLite file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from typing import TYPE_CHECKING

from db.database import open_database
from db.engine import data_dir, resolve_url, sqlite_url
from dispatcher.errors import DispatcherError, StorageError

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

log = logging.getLogger(__name__)

DEMO_PREFIX = "demo-"
DEMO_SUFFIX = ".sqlite3"


def run_gui(args: argparse.Namespace) -> int:
    """Open the app on the database the arguments name; returns the exit code."""
    day = dt.date.today()
    if args.demo and args.db:
        raise DispatcherError(
            "--demo opens its own demo database; leave out --db, or leave out --demo "
            "to open that database."
        )
    url = ensure_demo_database(day) if args.demo else resolve_url(args.db)
    # Qt is imported only now, so the plain sub-commands start fast and work
    # on machines without a display.
    from ui.app import run_app

    return run_app(url, day=day)


def demo_path(day: dt.date, folder: Path) -> Path:
    """Where the demo database of ``day`` lives."""
    return folder / f"{DEMO_PREFIX}{day.isoformat()}{DEMO_SUFFIX}"


def ensure_demo_database(
    day: dt.date, folder: Path | None = None, **config: int
) -> str:
    """The URL of a demo database for ``day``, generating it if missing.

    The data set is built in a temporary file and renamed when complete, so an
    interrupted run never leaves a half-filled demo behind. Demo files of other
    days in ``folder`` are deleted.

    Parameters
    ----------
    day
        The demo's "today": its orders are planned, earlier days are history.
    folder
        Where demo files live; the user's data directory when None.
    **config
        Sizes passed to ``DemoConfig`` (``orders_per_day``, ``history_days``, ...).

    Raises
    ------
    StorageError
        If the folder or the database cannot be written.
    """
    folder = folder if folder is not None else data_dir()
    path = demo_path(day, folder)
    if not path.exists():
        _build_demo(day, path, config)
    _remove_other_demos(folder, keep=path)
    return sqlite_url(path)


def _build_demo(day: dt.date, path: Path, config: dict[str, int]) -> None:
    from dispatcher.demo import DemoConfig, generate, load_dataset

    partial = path.with_name(path.name + ".partial")
    _remove_database_files(partial)
    # Seconds of work on the first start of a day: say why nothing shows yet.
    print(f"Creating the demo database {path.name} ...", file=sys.stderr)
    database = open_database(sqlite_url(partial), actor="demo")
    try:
        load_dataset(database.uow_factory, generate(DemoConfig(date=day, **config)))
    finally:
        # Closing the last connection checkpoints the WAL into the main file.
        database.dispose()
    try:
        os.replace(partial, path)
    except OSError as exc:
        raise StorageError(
            f"Cannot create the demo database {path} ({exc.strerror}); check that "
            "the folder is writable."
        ) from exc


def _remove_other_demos(folder: Path, keep: Path) -> None:
    for old in folder.glob(f"{DEMO_PREFIX}*{DEMO_SUFFIX}"):
        if old != keep:
            _remove_database_files(old)


def _remove_database_files(path: Path) -> None:
    """Delete a SQLite file and its journal files; missing ones are fine."""
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        try:
            candidate.unlink(missing_ok=True)
        except OSError as exc:  # e.g. open in another app on Windows
            log.warning("could not remove old demo file %s: %s", candidate, exc)
