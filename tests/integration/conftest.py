"""Fixtures for the persistence tests: a real database per test, on both backends.

``db_url`` is parametrized over a SQLite file in ``tmp_path`` and, under the
``postgres`` marker, a fresh schema on the server named by
``DISPATCHER_TEST_PG_URL`` (dropped after the test), so tests running in
parallel never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.database import open_database
from db.engine import sqlite_url
from tests.conftest import PG_URL_VARIABLE

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from db.database import Database
    from db.uow import SqlAlchemyUnitOfWork


def pg_admin_url() -> str:
    """The PostgreSQL URL of the test server, normalized to psycopg 3."""
    return (
        make_url(os.environ[PG_URL_VARIABLE])
        .set(drivername="postgresql+psycopg")
        .render_as_string(hide_password=False)
    )


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema (dropped afterwards)."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_admin_url()).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "test.sqlite3")
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """An opened (so migrated) database on each backend."""
    opened = open_database(db_url, actor="tester")
    try:
        yield opened
    finally:
        opened.dispose()


@pytest.fixture
def uow(database: Database) -> Iterator[SqlAlchemyUnitOfWork]:
    """A unit of work already entered; the test commits what it wants kept."""
    with database.uow_factory() as unit:
        yield unit
