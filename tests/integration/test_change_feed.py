"""The change feed and presence on real databases: SQLite polling, PostgreSQL NOTIFY.

Another ``Database`` opened on the same URL plays the other dispatcher: its
commits must reach this feed, including after the listening connection was
terminated by the server, and rows committed out of id order must not be lost.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from db.change_feed import (
    ChangeCursor,
    FeedLost,
    NotifyFeed,
    feed_engine,
    last_route_changes,
    open_feed,
)
from db.database import open_database
from db.presence import PresenceBoard
from dispatcher.model import Change, ChangeAction, VehicleId
from dispatcher.ports import NEW_ID
from tests import builders as b

if TYPE_CHECKING:
    from collections.abc import Iterator

    from db.change_feed import ChangeFeed
    from db.database import Database


@pytest.fixture
def other(db_url: str, database: Database) -> Iterator[Database]:
    """A second connection to the same database: the other dispatcher."""
    opened = open_database(db_url, actor="anna")
    yield opened
    opened.dispose()


@pytest.fixture
def feed(database: Database) -> Iterator[ChangeFeed]:
    """The feed of ``database``, starting after the rows already there."""
    opened = open_feed(database)
    yield opened
    opened.close()


@pytest.fixture
def pg_database(pg_schema_url: str) -> Iterator[Database]:
    """A migrated PostgreSQL schema of this test only."""
    opened = open_database(pg_schema_url, actor="tester")
    yield opened
    opened.dispose()


@pytest.fixture
def pg_other(pg_schema_url: str, pg_database: Database) -> Iterator[Database]:
    """A second connection to ``pg_database``: the other dispatcher."""
    opened = open_database(pg_schema_url, actor="anna")
    yield opened
    opened.dispose()


def wait_for(feed: ChangeFeed, count: int, timeout: float = 10.0) -> list[Change]:
    """Read from ``feed`` until ``count`` changes came (or fail after ``timeout``)."""
    found: list[Change] = []
    deadline = time.monotonic() + timeout
    while len(found) < count and time.monotonic() < deadline:
        found.extend(feed.wait(0.5))
    return found


def add_user_change(database: Database, login: str) -> Change:
    """Commit one change row (a user added) as ``database``'s actor."""
    with database.uow_factory() as uow:
        saved = uow.changes.add(
            Change(
                NEW_ID,
                dt.datetime.now(dt.UTC),
                uow.actor,
                "user",
                login,
                ChangeAction.CREATE,
                after={"login": login},
            )
        )
        uow.commit()
    return saved


def route_change(user: str, vehicle: int, day: dt.date = b.DAY) -> Change:
    """A change row about the route of ``vehicle`` on ``day``."""
    return Change(
        NEW_ID,
        dt.datetime.now(dt.UTC),
        user,
        "route",
        str(vehicle * 10),
        ChangeAction.UPDATE,
        day,
        after={"vehicle_id": vehicle, "orders": []},
    )


def test_cursor_remembers_skipped_ids_until_they_expire() -> None:
    """Ids skipped below the highest one read are asked for again, for a while."""
    now = [0.0]
    cursor = ChangeCursor(4, clock=lambda: now[0])
    cursor.advance([5, 8])
    assert (cursor.last_id, cursor.gaps) == (8, (6, 7))
    cursor.advance([7])
    assert cursor.gaps == (6,)
    now[0] = 61.0
    assert cursor.gaps == ()


def test_feed_reports_another_connections_commit(
    feed: ChangeFeed, other: Database
) -> None:
    """A commit made through another connection reaches the feed, once."""
    add_user_change(other, "anna")
    (change,) = wait_for(feed, 1)
    assert (change.entity, change.user) == ("user", "anna")
    assert feed.wait(0.4) == []


def test_feed_starts_after_existing_rows(database: Database) -> None:
    """A new feed reports only what is committed after it opened."""
    add_user_change(database, "old")
    feed = open_feed(database)
    try:
        assert feed.wait(0.4) == []
        add_user_change(database, "new")
        assert [c.after["login"] for c in wait_for(feed, 1) if c.after] == ["new"]
    finally:
        feed.close()


def test_last_route_changes_names_the_newest_per_vehicle(database: Database) -> None:
    """Who last changed each route of a day, from the change log."""
    with database.uow_factory() as uow:
        uow.changes.add(route_change("bob", 1))
        uow.changes.add(route_change("anna", 2))
        uow.changes.add(route_change("carl", 1))
        uow.changes.add(route_change("dora", 1, b.DAY + dt.timedelta(days=1)))
        uow.commit()
    last = last_route_changes(database.engine, b.DAY)
    assert {vid: user for vid, (user, _at) in last.items()} == {
        VehicleId(1): "carl",
        VehicleId(2): "anna",
    }


def test_presence_shows_other_windows_and_forgets_closed_ones(
    database: Database,
) -> None:
    """Each window sees the others' login and date; a closed one disappears."""
    engine = feed_engine(database)
    mine = PresenceBoard(engine, "tester", host="pc1")
    theirs = PresenceBoard(engine, "anna", host="pc2")
    try:
        assert mine.beat(b.DAY) == []
        (seen,) = theirs.beat(b.DAY + dt.timedelta(days=1))
        assert (seen.login, seen.host, seen.plan_date) == ("tester", "pc1", b.DAY)
        assert [p.login for p in mine.beat(b.DAY)] == ["anna"]
        theirs.leave()
        assert mine.beat(b.DAY) == []
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
        theirs.beat(None)
        assert mine.beat(b.DAY, now=later) == []  # anna's row went stale
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_trigger_notifies_each_change_row(
    pg_schema_url: str, pg_database: Database
) -> None:
    """A committed change row is announced with its id, date, entity and user."""
    del pg_database  # opened (and so migrated) the schema
    from db.engine import make_engine

    engine = make_engine(pg_schema_url)
    raw = engine.raw_connection()
    listener = raw.driver_connection
    raw.detach()
    assert listener is not None
    listener.rollback()
    listener.autocommit = True
    listener.execute("LISTEN dispatcher_changes")
    try:
        with open_database(pg_schema_url, actor="anna").uow_factory() as uow:
            saved = uow.changes.add(route_change("anna", 3))
            uow.commit()
        (note,) = list(listener.notifies(timeout=5, stop_after=1))
        assert json.loads(note.payload) == {
            "id": saved.id,
            "plan_date": b.DAY.isoformat(),
            "entity": "route",
            "entity_id": "30",
            "user": "anna",
        }
    finally:
        listener.close()
        engine.dispose()


@pytest.mark.postgres
def test_notification_wakes_the_feed_before_its_safety_read(
    pg_database: Database, pg_other: Database
) -> None:
    """On PostgreSQL the feed learns of a commit from the NOTIFY, not by polling."""
    feed = NotifyFeed(feed_engine(pg_database), safety_read=60.0)
    try:
        assert feed.wait(0.2) == []  # the first wait reads once after LISTEN
        add_user_change(pg_other, "anna")
        started = time.monotonic()
        changes = feed.wait(20.0)
        assert [c.entity for c in changes] == ["user"]
        assert time.monotonic() - started < 20.0
    finally:
        feed.close()


@pytest.mark.postgres
def test_feed_reconnects_after_the_server_ends_its_connection(
    pg_database: Database, pg_other: Database
) -> None:
    """A terminated LISTEN connection is reported, renewed, and nothing is missed."""
    feed = NotifyFeed(feed_engine(pg_database), safety_read=60.0)
    try:
        feed.wait(0.2)
        pid = feed.listener_pid()
        with pg_database.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        add_user_change(pg_other, "anna")
        with pytest.raises(FeedLost, match="connection to the database is lost"):
            feed.wait(10.0)
        assert not feed.listening
        caught_up = wait_for(feed, 1)
        assert [c.user for c in caught_up] == ["anna"]
        assert feed.listener_pid() not in (None, pid)
    finally:
        feed.close()


@pytest.mark.postgres
def test_rows_committed_out_of_id_order_are_not_missed(
    pg_database: Database, pg_other: Database
) -> None:
    """A lower id committing after a higher one was read is still reported."""
    feed = open_feed(pg_database)
    slow = pg_other.engine.connect()
    try:
        transaction = slow.begin()
        slow.execute(
            text(
                'INSERT INTO changes (at, "user", entity, entity_id, action) '
                "VALUES (now(), 'slow', 'user', '1', 'create')"
            )
        )
        add_user_change(pg_other, "fast")
        assert [c.user for c in wait_for(feed, 1)] == ["anna"]  # "fast", by anna
        transaction.commit()
        assert [c.user for c in wait_for(feed, 1)] == ["slow"]
    finally:
        slow.close()
        feed.close()
