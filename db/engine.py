"""Engines and sessions: which database to use and how to connect to it.

Dispatcher speaks to two backends: a SQLite file (the default, one user,
offline) and PostgreSQL through psycopg 3 (shared by several dispatchers).
This module turns whatever the user typed into a SQLAlchemy URL, builds an
engine with the connection settings each backend needs, and makes the session
factory the units of work use.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.errors import BadDatabaseUrl

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

URL_VARIABLE = "DISPATCHER_DB_URL"
"""Environment variable naming the database when ``--db`` is not given."""

DEFAULT_FILE_NAME = "dispatcher.sqlite3"
"""Name of the default SQLite file in the user's data directory."""

BUSY_TIMEOUT_MS = 5000
"""How long a SQLite writer waits for another writer before giving up."""

CONNECT_TIMEOUT_S = 5
"""How long to wait for a PostgreSQL server before calling it unreachable."""

_POSTGRES_ALIASES = ("postgres", "postgresql", "postgresql+psycopg")


def resolve_url(cli_value: str | None) -> str:
    """The database URL to use, from the command line, the environment or a default.

    Parameters
    ----------
    cli_value
        The ``--db`` option as typed, or None. A value without ``://`` is a
        path of a SQLite file.

    Returns
    -------
    str
        A SQLAlchemy URL. The default is ``dispatcher.sqlite3`` in the user's
        data directory, which is created if missing.
    """
    if cli_value:
        return normalize_url(cli_value)
    from_env = os.environ.get(URL_VARIABLE, "").strip()
    if from_env:
        return normalize_url(from_env)
    return sqlite_url(data_dir() / DEFAULT_FILE_NAME)


def data_dir() -> Path:
    """The user's Dispatcher data directory (created if missing)."""
    folder = Path(platformdirs.user_data_dir("Dispatcher", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sqlite_url(path: Path | str) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return URL.create("sqlite+pysqlite", database=str(path)).render_as_string()


def normalize_url(value: str) -> str:
    """Turn a user's database value into a SQLAlchemy URL for a supported backend.

    A plain path becomes a SQLite URL; ``postgres://`` and ``postgresql://``
    become ``postgresql+psycopg://`` (the only PostgreSQL driver we ship).

    Raises
    ------
    BadDatabaseUrl
        If the value cannot be parsed or names a backend other than SQLite or
        PostgreSQL.
    """
    text = value.strip()
    if not text:
        raise BadDatabaseUrl(
            "The database URL is empty; give a SQLite file path or a URL."
        )
    if "://" not in text:
        return sqlite_url(Path(text).expanduser())
    return parse_url(text).render_as_string(hide_password=False)


def parse_url(value: str) -> URL:
    """Parse a URL and rewrite PostgreSQL aliases to psycopg 3.

    Raises
    ------
    BadDatabaseUrl
        If the URL is malformed or its backend is not supported.
    """
    try:
        url = make_url(value)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is no number
        raise BadDatabaseUrl(
            f"'{value}' is not a database URL; use a SQLite file path or "
            "postgresql://user@host/database."
        ) from exc
    name = url.drivername
    if name in _POSTGRES_ALIASES:
        return url.set(drivername="postgresql+psycopg")
    if name in ("sqlite", "sqlite+pysqlite"):
        return url.set(drivername="sqlite+pysqlite")
    raise BadDatabaseUrl(
        f"The database backend '{name}' is not supported; use a SQLite file or "
        "a postgresql:// URL."
    )


def display_url(url: str | URL) -> str:
    """How to name a database to a user or in a log: never with its password.

    A SQLite file is named by its path, a server database by its URL.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    if is_sqlite(parsed) and parsed.database and not parsed.query.get("uri"):
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def is_sqlite(url: str | URL) -> bool:
    """True if the URL names a SQLite database."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.get_backend_name() == "sqlite"


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for a SQLite or PostgreSQL URL with Dispatcher's connection settings.

    SQLite connections get foreign keys on, WAL journaling (readers never block
    the writer) and a busy timeout; PostgreSQL connections give up after
    ``CONNECT_TIMEOUT_S`` seconds instead of hanging on an unreachable host, and
    pooled ones are tested before use.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``postgres://`` aliases are accepted).
    **kwargs
        Passed on to ``sqlalchemy.create_engine``.

    Raises
    ------
    BadDatabaseUrl
        If the URL is malformed or names an unsupported backend or driver.
    """
    text = url if isinstance(url, str) else url.render_as_string(hide_password=False)
    parsed = parse_url(text)
    kwargs.setdefault("json_serializer", to_json)
    connect_args: dict[str, Any] = dict(kwargs.pop("connect_args", {}))
    if is_sqlite(parsed):
        connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    else:
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        # A pooled connection may be dead (server restarted, backend terminated):
        # test it on checkout, so the next edit gets a fresh one, not an error.
        kwargs.setdefault("pool_pre_ping", True)
    try:
        engine = create_engine(parsed, connect_args=connect_args, **kwargs)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise BadDatabaseUrl(
            f"Cannot use the database URL '{display_url(parsed)}' ({exc}); "
            "check its spelling."
        ) from exc
    if is_sqlite(parsed):
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection SQLite settings (they are not stored in the file)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # A read-only connection cannot switch journal modes; it keeps the
        # stored one, and the first write reports the read-only database.
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def _json_default(value: object) -> object:
    """JSON for the values change snapshots hold besides plain JSON types."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def to_json(value: object) -> str:
    """Serialise a JSON column value; dates, sets and dataclasses are welcome."""
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for units of work; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)
