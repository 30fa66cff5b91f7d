"""Alembic environment: runs migrations against the Dispatcher schema.

``db.migrate`` hands in an open connection through ``config.attributes``.
Run from the command line (e.g. ``alembic -c db/alembic.ini check``), the
database is ``-x url=...``, else ``$DISPATCHER_DB_URL``. SQLite cannot ALTER
most things, so its migrations run in batch mode (copy-and-move tables).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

from db.engine import URL_VARIABLE, make_engine, normalize_url
from db.schema import UtcDateTime, metadata

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

config = context.config


def _render_item(
    type_: str, obj: Any, autogen_context: AutogenContext
) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones: migrations never import db."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def _command_line_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        URL_VARIABLE, ""
    )
    if not url:
        raise SystemExit(f"Give the database with -x url=... or ${URL_VARIABLE}.")
    return normalize_url(url)


def run_migrations_online() -> None:
    """Run migrations on the given connection, or on one made from the URL."""
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _configure(given)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_command_line_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit(
        "Offline (SQL script) migrations are not supported; give a database."
    )
run_migrations_online()
