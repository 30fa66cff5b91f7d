"""Schema migrations: which revision a database is at, and bringing it to head.

The Alembic configuration is built here in code from the migrations folder of
this package, so the application needs no ``alembic.ini`` at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from dispatcher.errors import DatabaseTooNew

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""Where ``env.py`` and ``versions/`` live."""


def alembic_config() -> Config:
    """An Alembic configuration pointing at this package's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this code knows."""
    head = _scripts().get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations found")
    return head


def known_revisions() -> set[str]:
    """Every revision this code knows."""
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(bind: Engine | Connection) -> str | None:
    """The revision a database is at (None for an empty database); writes nothing."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    return MigrationContext.configure(bind).get_current_revision()


def check_not_too_new(revision: str | None, where: str = "The database") -> None:
    """Refuse a database written by a newer Dispatcher.

    Raises
    ------
    DatabaseTooNew
        If ``revision`` is not a revision this code knows.
    """
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNew(
            f"{where} was written by a newer version of Dispatcher (schema "
            f"revision {revision}); install the newer Dispatcher to open it."
        )


def upgrade(engine: Engine) -> str:
    """Bring a database to the newest revision; returns that revision.

    Raises
    ------
    DatabaseTooNew
        If the database is newer than this code (nothing is changed then).
    """
    with engine.begin() as connection:
        check_not_too_new(current_revision(connection))
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return head_revision()
