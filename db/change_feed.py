"""The change feed: which change rows were committed since a window last looked.

Every committed edit appends rows to ``changes`` (the audit trail). Open
windows follow that table to stay in sync with each other:

* on PostgreSQL a trigger (migration 0002) announces each row on the
  ``dispatcher_changes`` channel; ``NotifyFeed`` LISTENs on a dedicated
  autocommit connection and reads the new rows as soon as one is announced;
* on SQLite there are no notifications, so ``PollingFeed`` reads the table by
  id every ``POLL_INTERVAL_S`` (an index lookup on the primary key).

Notifications are only hints: the table is the truth, read by id through a
``ChangeCursor``. So nothing is missed while a listener reconnects (the next
read catches up), and rows that commit out of id order on PostgreSQL (two
transactions, the later id committing first) are still picked up.

Nothing here blocks longer than the ``timeout`` it is given, and nothing
imports Qt: the UI runs a feed on a thread of its own (``ui.live``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from db import mapping as m
from db.engine import make_engine
from db.repositories.base import select_records
from db.schema import ChangeRow
from dispatcher.errors import DatabaseUnavailable
from dispatcher.model import VehicleId

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from sqlalchemy.engine import Engine

    from db.database import Database
    from dispatcher.model import Change

log = logging.getLogger(__name__)

CHANNEL = "dispatcher_changes"
"""The PostgreSQL channel the ``changes`` trigger notifies."""

POLL_INTERVAL_S = 0.3
"""How often a SQLite window reads the change table."""

SAFETY_READ_S = 2.0
"""PostgreSQL: read the table this often even without a notification.

It finds rows whose notification was lost and proves the server still answers
(a dead network does not always close the listening socket).
"""

GAP_TTL_S = 60.0
"""How long a skipped id is awaited: a transaction may still commit it."""

MAX_GAP = 10_000
"""Skipped ids remembered at most (a huge jump is a restored backup, not gaps)."""

BATCH = 1000
"""Rows read per query; a longer backlog is read in several."""


class FeedLost(DatabaseUnavailable):
    """The feed cannot reach the database; the next ``wait`` tries again."""


def connection_lost(error: BaseException) -> FeedLost:
    """``FeedLost`` saying in one sentence why the database cannot be reached."""
    lines = str(error).strip().splitlines()
    reason = lines[0] if lines else type(error).__name__
    return FeedLost(f"The connection to the database is lost ({reason}).")


class ChangeCursor:
    """Which change ids were read: the highest one, and the skipped ones below it.

    PostgreSQL hands out ids when rows are inserted, but transactions commit in
    any order, so id 41 may become visible after id 42 was read. The cursor
    remembers such gaps for ``GAP_TTL_S`` seconds and the next reads ask for
    them too. (A rolled-back transaction leaves a gap that never fills; it
    simply expires.)

    Parameters
    ----------
    last_id
        The highest id already known (changes up to it are not reported).
    clock
        Seconds, for gap expiry (``time.monotonic`` by default).
    """

    def __init__(self, last_id: int, clock: Any = time.monotonic) -> None:
        self.last_id = last_id
        self._clock = clock
        self._gaps: dict[int, float] = {}

    @property
    def gaps(self) -> tuple[int, ...]:
        """Skipped ids still awaited, ascending."""
        now = self._clock()
        for gap in [g for g, expiry in self._gaps.items() if expiry <= now]:
            del self._gaps[gap]
        return tuple(sorted(self._gaps))

    def advance(self, ids: Iterable[int]) -> None:
        """Record ids just read; ids skipped below the highest become gaps."""
        expiry = self._clock() + GAP_TTL_S
        for change_id in sorted(ids):
            self._gaps.pop(change_id, None)
            if change_id <= self.last_id:
                continue
            if change_id - self.last_id - 1 <= MAX_GAP:
                self._gaps.update(
                    dict.fromkeys(range(self.last_id + 1, change_id), expiry)
                )
            self.last_id = change_id


class ChangeFeed:
    """Reads the change rows committed after a cursor, on an engine of its own.

    Use ``PollingFeed`` or ``NotifyFeed`` (``open_feed`` picks one); this base
    class holds the reading. A feed is used by one thread at a time, except
    ``close`` which may be called from any thread to end a ``wait``.

    Parameters
    ----------
    engine
        The feed's own engine (``feed_engine``): a feed never shares the
        window's connections.
    start_after
        Report changes with a higher id; the newest id in the table when None.
    """

    def __init__(self, engine: Engine, *, start_after: int | None = None) -> None:
        self._engine = engine
        self._closed = threading.Event()
        self.cursor = ChangeCursor(
            self.latest_id() if start_after is None else start_after
        )

    @property
    def engine(self) -> Engine:
        """The engine the feed reads through."""
        return self._engine

    def latest_id(self) -> int:
        """The highest change id in the table (0 when empty).

        Raises
        ------
        FeedLost
            If the database cannot be reached.
        """
        with self._reading(), self._engine.connect() as connection:
            return int(connection.scalar(select(func.max(ChangeRow.id))) or 0)

    def read(self) -> list[Change]:
        """The changes committed since the last read, oldest first.

        Raises
        ------
        FeedLost
            If the database cannot be reached; the cursor stays where it was.
        """
        found: list[Change] = []
        with self._reading(), self._engine.connect() as connection:
            while True:
                gaps = self.cursor.gaps
                newer = ChangeRow.id > self.cursor.last_id
                stmt = (
                    select_records(ChangeRow)
                    .where(or_(newer, ChangeRow.id.in_(gaps)) if gaps else newer)
                    .order_by(ChangeRow.id)
                    .limit(BATCH)
                )
                rows = connection.execute(stmt).all()
                batch = [m.change_from_row(row) for row in rows]  # type: ignore[arg-type]
                self.cursor.advance(c.id for c in batch)
                found.extend(batch)
                if len(batch) < BATCH:
                    return found

    def wait(self, timeout: float) -> list[Change]:
        """New changes, waiting at most ``timeout`` seconds for some to come.

        Raises
        ------
        FeedLost
            If the database cannot be reached (call again later to retry).
        """
        raise NotImplementedError

    def close(self) -> None:
        """Stop: a running ``wait`` returns soon, and connections are released."""
        self._closed.set()

    @property
    def closed(self) -> bool:
        """True once ``close`` was called."""
        return self._closed.is_set()

    @contextlib.contextmanager
    def _reading(self) -> Any:
        """Turn a database failure into ``FeedLost`` with one readable sentence."""
        try:
            yield
        except DBAPIError as exc:
            raise connection_lost(exc.orig or exc) from exc


class PollingFeed(ChangeFeed):
    """A feed that reads the table every ``interval`` seconds (SQLite)."""

    def __init__(
        self,
        engine: Engine,
        *,
        start_after: int | None = None,
        interval: float = POLL_INTERVAL_S,
    ) -> None:
        super().__init__(engine, start_after=start_after)
        self.interval = interval
        self._next_read = 0.0

    def wait(self, timeout: float) -> list[Change]:
        """Read when the poll interval is up, else sleep (at most ``timeout``)."""
        pause = self._next_read - time.monotonic()
        if pause > 0:
            self._closed.wait(min(pause, timeout))
            if pause > timeout or self.closed:
                return []
        self._next_read = time.monotonic() + self.interval
        return self.read()

    def close(self) -> None:
        """Stop polling and release the connections."""
        super().close()
        self._engine.dispose()


class NotifyFeed(ChangeFeed):
    """A feed woken by PostgreSQL notifications on ``CHANNEL``.

    The LISTEN runs on a dedicated autocommit connection that does nothing
    else (psycopg may drop notifications that arrive while the same connection
    runs queries); the rows are read through the feed's engine.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        start_after: int | None = None,
        safety_read: float = SAFETY_READ_S,
    ) -> None:
        super().__init__(engine, start_after=start_after)
        self.safety_read = safety_read
        self._listener: Any = None
        self._lock = threading.Lock()
        self._next_read = 0.0

    @property
    def listening(self) -> bool:
        """True while the LISTEN connection is open."""
        return self._listener is not None

    def listener_pid(self) -> int | None:
        """The server process id of the LISTEN connection (for diagnostics)."""
        listener = self._listener
        return None if listener is None else int(listener.info.backend_pid)

    def wait(self, timeout: float) -> list[Change]:
        """Block until a notification or the safety read is due (at most ``timeout``).

        A new or renewed LISTEN connection is followed by a read, so changes
        committed while the feed was disconnected are caught up by id.
        """
        import psycopg

        if self._listener is None:
            self._listen()
            self._next_read = 0.0
        deadline = time.monotonic() + timeout
        notified = False
        try:
            while not notified and not self.closed:
                now = time.monotonic()
                if now >= self._next_read or now >= deadline:
                    break
                step = min(self._next_read, deadline) - now
                # Short slices, so close() is noticed within a fraction of a second.
                for _ in self._listener.notifies(timeout=min(step, 0.25), stop_after=1):
                    notified = True
            if notified:
                # Drain what else arrived: one read covers them all.
                for _ in self._listener.notifies(timeout=0):
                    pass
        except psycopg.Error as exc:
            self._drop_listener()
            if self.closed:
                return []
            raise connection_lost(exc) from exc
        except AttributeError:
            # close() dropped the listener under us.
            return []
        if self.closed:
            return []
        if not notified and time.monotonic() < self._next_read:
            return []
        self._next_read = time.monotonic() + self.safety_read
        try:
            return self.read()
        except FeedLost:
            self._drop_listener()
            raise

    def close(self) -> None:
        """Stop listening and release the connections."""
        super().close()
        self._drop_listener()
        self._engine.dispose()

    def _listen(self) -> None:
        """Open the LISTEN connection (the engine's way of connecting)."""
        with self._reading():
            raw = self._engine.raw_connection()
        listener = raw.driver_connection
        raw.detach()  # ours now: it never goes back to the pool
        if listener is None:  # pragma: no cover - a fresh connection has one
            raise FeedLost("Cannot listen for changes (no driver connection).")
        try:
            listener.rollback()
            listener.autocommit = True
            listener.execute(f"LISTEN {CHANNEL}")
        except Exception as exc:
            with contextlib.suppress(Exception):
                listener.close()
            raise FeedLost(f"Cannot listen for changes ({exc}).") from exc
        with self._lock:
            self._listener = listener

    def _drop_listener(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.close()


def feed_engine(database: Database) -> Engine:
    """An engine of the feed's own, connecting like the window's engine does."""
    url = database.engine.url
    if database.is_sqlite:
        return make_engine(url, poolclass=NullPool)
    return make_engine(url, pool_size=1, max_overflow=1, pool_pre_ping=True)


def open_feed(database: Database, *, start_after: int | None = None) -> ChangeFeed:
    """The right feed for a database: notifications on PostgreSQL, polling on SQLite.

    Raises
    ------
    FeedLost
        If the database cannot be reached to find where the feed starts.
    """
    engine = feed_engine(database)
    try:
        if database.is_sqlite:
            return PollingFeed(engine, start_after=start_after)
        return NotifyFeed(engine, start_after=start_after)
    except BaseException:
        engine.dispose()
        raise


def last_route_changes(
    engine: Engine, day: dt.date
) -> dict[VehicleId, tuple[str, dt.datetime]]:
    """Who last changed each vehicle's route of ``day``, and when.

    Read from the change log: the newest ``route`` row per route of the date
    (its snapshot names the vehicle).

    Raises
    ------
    FeedLost
        If the database cannot be reached.
    """
    newest = (
        select(func.max(ChangeRow.id))
        .where(ChangeRow.plan_date == day, ChangeRow.entity == "route")
        .group_by(ChangeRow.entity_id)
    )
    stmt = select_records(ChangeRow).where(ChangeRow.id.in_(newest.scalar_subquery()))
    try:
        with engine.connect() as connection:
            rows = connection.execute(stmt).all()
    except DBAPIError as exc:
        raise FeedLost(f"The change log cannot be read ({exc.orig}).") from exc
    result: dict[VehicleId, tuple[str, dt.datetime]] = {}
    for change in sorted((m.change_from_row(r) for r in rows), key=lambda c: c.id):  # type: ignore[arg-type]
        vehicle = route_vehicle(change)
        if vehicle is not None:
            result[vehicle] = (change.user, change.at)
    return result


def route_vehicle(change: Change) -> VehicleId | None:
    """The vehicle a ``route`` change row is about (from its snapshot), if any."""
    if change.entity != "route":
        return None
    for snapshot in (change.after, change.before):
        vehicle = snapshot.get("vehicle_id") if snapshot else None
        if isinstance(vehicle, int):
            return VehicleId(vehicle)
    return None
