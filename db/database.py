"""Opening a Dispatcher database: check it, upgrade it, hand out units of work.

``open_database`` is the one entry point the application and the CLI use. It
refuses, with one sentence saying what is wrong and what to do, anything it
cannot safely use: a malformed URL, an unreachable server, a read-only,
damaged or foreign file, or a database written by a newer Dispatcher. In every
refused case nothing is written: SQLite files are inspected through a
read-only, immutable connection (which creates no ``-wal``/``-shm`` files)
before the real engine ever touches them.
"""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError

from db import migrate
from db.engine import (
    display_url,
    is_sqlite,
    make_engine,
    make_session_factory,
    normalize_url,
    parse_url,
)
from db.errors import storage_error
from db.uow import SqlAlchemyUnitOfWork
from dispatcher.errors import (
    BadDatabaseUrl,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DispatcherError,
    PermissionDenied,
    StorageError,
)
from dispatcher.model import Role

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

ALEMBIC_TABLE = "alembic_version"


@dataclass
class Database:
    """An open, up-to-date Dispatcher database.

    Attributes
    ----------
    engine
        The SQLAlchemy engine (stays inside ``db``'s callers: ui.app, ui.cli).
    url
        The URL for display, password hidden.
    actor
        Login stamped on the units of work.
    revision
        The schema revision the database is at.
    """

    engine: Engine
    url: str
    actor: str
    revision: str | None
    _sessions: sessionmaker[Session] = field(repr=False)

    def uow_factory(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work (a ``dispatcher.ports.UnitOfWorkFactory``).

        On SQLite a login the users table does not know acts as an admin; on
        PostgreSQL it is refused (see ``signed_in_login``).
        """
        newcomer = Role.ADMIN if self.is_sqlite else None
        return SqlAlchemyUnitOfWork(self._sessions, self.actor, newcomer)

    @property
    def is_current(self) -> bool:
        """True if the schema is at the newest revision this code knows."""
        return self.revision == migrate.head_revision()

    @property
    def is_sqlite(self) -> bool:
        """True for a SQLite database (one user; no change notifications)."""
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        """Close every pooled connection (call when the app closes the database)."""
        self.engine.dispose()


def open_database(
    url: str, *, actor: str | None = None, upgrade: bool = True
) -> Database:
    """Open a database, upgrading an older schema to the newest revision.

    Parameters
    ----------
    url
        A SQLAlchemy URL, ``postgres://`` alias, or a path of a SQLite file.
    actor
        Login of whoever acts; units of work stamp it on change rows. None
        signs in the usual way (``signed_in_login``).
    upgrade
        Bring an older (or empty) database to the newest revision. With False
        the database is opened as it is (see ``Database.is_current``) and
        nothing is written.

    Raises
    ------
    BadDatabaseUrl
        The URL is malformed, names an unsupported backend, or a SQLite file
        in a folder that does not exist.
    DatabaseUnavailable
        The server cannot be reached or refused the connection.
    DatabaseReadOnly
        The file, its folder or the server does not accept writes.
    DatabaseCorrupt
        The file is damaged or is not a Dispatcher database.
    DatabaseTooNew
        The database was written by a newer Dispatcher.
    PermissionDenied
        ``actor`` is None and the PostgreSQL role is not a Dispatcher user.
    """
    parsed = parse_url(normalize_url(url))
    shown = display_url(parsed)
    if is_sqlite(parsed):
        _inspect_sqlite_file(parsed, upgrade=upgrade)
    engine = make_engine(parsed)
    try:
        revision = _prepare(engine, shown, upgrade=upgrade)
    except BaseException:
        engine.dispose()
        raise
    log.info("opened %s at schema revision %s", shown, revision)
    database = Database(
        engine, shown, actor or "", revision, make_session_factory(engine)
    )
    if actor is None:
        try:
            database.actor = signed_in_login(database)
        except BaseException:
            database.dispose()
            raise
    return database


def signed_in_login(database: Database) -> str:
    """Who is signed in to ``database``: the login its users table knows them by.

    * **SQLite** (one person's file): the operating-system login (``$USER``,
      as ``getpass.getuser`` finds it). A login the users table does not know
      acts as an **admin** (nothing is written; an admin may add the login
      with another role): whoever may write the file may change anything in
      it anyway, so a role there only describes.
    * **PostgreSQL** (shared): the database role of the connection
      (``session_user``). The server already authenticated it (password,
      ``.pgpass``, certificate), so Dispatcher keeps no passwords of its own and
      nobody can claim another login by setting ``$USER``. A role the users
      table does not know is refused with a clear message, unless the table is
      still empty: then whoever signs in acts as admin, to add the users (the
      first admin should add their own login first). Deactivated logins are refused.

    The roles themselves are checked by the services on every edit
    (``dispatcher.permissions``), not only here.

    Raises
    ------
    PermissionDenied
        On PostgreSQL, if the role is not an active Dispatcher user.
    """
    if database.is_sqlite:
        return getpass.getuser()
    with database.engine.connect() as connection:
        login = str(connection.scalar(text("SELECT session_user")))
    with SqlAlchemyUnitOfWork(make_session_factory(database.engine), login) as uow:
        user = uow.users.by_login(login)
        if user is None and uow.users.list():
            raise PermissionDenied(
                f"The database role {login} is not a Dispatcher user of "
                f"{database.url}; ask an admin to add {login} with a role."
            )
    if user is not None and not user.active:
        raise PermissionDenied(
            f"{login} is deactivated in {database.url}; ask an admin to "
            "activate the login."
        )
    return login


def _prepare(engine: Engine, shown: str, *, upgrade: bool) -> str | None:
    """Check the schema revision, upgrade if asked, and prove we can write."""
    try:
        with engine.connect() as connection:
            revision = migrate.current_revision(connection)
            migrate.check_not_too_new(revision, f"The database {shown}")
            if revision is None:
                _refuse_foreign_tables(connection, shown)
        if not upgrade:
            return revision
        if revision != migrate.head_revision():
            log.info("upgrading %s from schema revision %s", shown, revision)
            revision = migrate.upgrade(engine)
        _probe_writable(engine, shown)
    except DBAPIError as exc:
        raise _open_error(exc, shown, sqlite=engine.dialect.name == "sqlite") from exc
    return revision


def _refuse_foreign_tables(connection: Connection, shown: str) -> None:
    """An unversioned database with tables belongs to some other program."""
    tables = inspect(connection).get_table_names()
    if tables:
        _refuse_tables(tables, f"The database {shown}")


def _refuse_tables(tables: list[str], where: str) -> None:
    some = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
    raise DatabaseCorrupt(
        f"{where} holds tables of another program ({some}) and is not a "
        "Dispatcher database; choose an empty or a Dispatcher database."
    )


def _probe_writable(engine: Engine, shown: str) -> None:
    """Fail now, not on the user's first edit, if the database refuses writes."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # A real write (rewriting user_version with its own value), rolled
            # back: the only test a read-only file system or handle cannot pass.
            version = connection.exec_driver_sql("PRAGMA user_version").scalar()
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                connection.exec_driver_sql(f"PRAGMA user_version={int(version or 0)}")
            finally:
                connection.exec_driver_sql("ROLLBACK")
            return
        read_only = connection.scalar(text("SHOW transaction_read_only")) == "on"
        may_write = connection.scalar(
            text("SELECT has_table_privilege('plans', 'INSERT, UPDATE, DELETE')")
        )
        if read_only or not may_write:
            raise DatabaseReadOnly(
                f"The database {shown} does not let this user make changes; "
                "connect as a user with write access."
            )


def _open_error(exc: DBAPIError, shown: str, *, sqlite: bool) -> DispatcherError:
    """The domain error for a failure while connecting to or checking a database."""
    error = storage_error(exc, f"The database {shown}")
    if type(error) is StorageError and isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if sqlite:
            return DatabaseUnavailable(
                f"Cannot open the database file {shown} ({reason}); check that the "
                "file and its folder may be read and written."
            )
        return DatabaseUnavailable(
            f"Cannot connect to the database {shown} ({reason}); check that the "
            "server is running and the URL is right."
        )
    return error


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database."""
    database = url.database or ""
    if database.startswith("file:"):
        database = database[len("file:") :].partition("?")[0]
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        return None
    return Path(database).expanduser().absolute()


def _inspect_sqlite_file(url: URL, *, upgrade: bool) -> None:
    """Refuse a SQLite file we cannot use, before anything can write to it."""
    path = sqlite_path(url)
    if path is None:
        return
    if upgrade and (
        url.query.get("mode") == "ro" or "immutable=1" in (url.database or "")
    ):
        raise DatabaseReadOnly(
            f"The URL opens {path} read-only (mode=ro); remove that option to "
            "make changes."
        )
    folder = path.parent
    if not folder.is_dir():
        raise BadDatabaseUrl(
            f"The folder {folder} does not exist; create it or choose another "
            "place for the database file."
        )
    if path.is_dir():
        raise BadDatabaseUrl(f"{path} is a folder; give the path of a database file.")
    if upgrade and not _writable(folder):
        raise DatabaseReadOnly(
            f"The folder {folder} is read-only and SQLite keeps its journal "
            "there; make it writable or move the database file."
        )
    if not path.exists():
        return
    if upgrade and not _writable(path):
        raise DatabaseReadOnly(
            f"The database file {path} is read-only; make it writable "
            f"(chmod u+w) or open a copy."
        )
    _check_sqlite_header(path)
    revision, tables = _peek(path)
    migrate.check_not_too_new(revision, f"The database file {path}")
    if revision is None and tables:
        _refuse_tables(tables, str(path))


def _writable(path: Path) -> bool:
    """True if ``path`` may be written, honouring its permission bits even for root.

    ``os.access`` alone says yes to root for a file marked read-only (and no
    for immutable files); a file nobody may write to is read-only by intent,
    and we respect that intent.
    """
    mode = path.stat().st_mode
    return os.access(path, os.W_OK) and bool(
        mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    )


def _check_sqlite_header(path: Path) -> None:
    """Refuse a file that does not start like a SQLite database."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head and head != SQLITE_HEADER:
        raise DatabaseCorrupt(
            f"{path} is not a SQLite database; choose a Dispatcher database file "
            "or a new file name."
        )


def _peek(path: Path) -> tuple[str | None, list[str]]:
    """The schema revision and tables of a SQLite file, read without writing.

    ``immutable=1`` makes SQLite read the file as it is, without locks and
    without creating ``-wal``/``-shm`` files next to it.
    """
    if path.stat().st_size == 0:
        return None, []
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:  # pragma: no cover - the file exists and is readable
        raise DatabaseUnavailable(
            f"Cannot open {path} ({exc}); check the file."
        ) from exc
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            )
        ]
        if ALEMBIC_TABLE not in tables:
            return None, tables
        row = connection.execute(f"SELECT version_num FROM {ALEMBIC_TABLE}").fetchone()
        return (str(row[0]) if row else None), tables
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorrupt(
            f"The database file {path} is damaged ({exc}); restore a backup or "
            "choose another file."
        ) from exc
    finally:
        connection.close()
