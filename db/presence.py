"""Presence: who has a window open on which date, kept fresh by a heartbeat.

Each window writes one row (its session id, login, host and the date it
shows) every ``HEARTBEAT_S`` seconds and reads the others' rows. A row not
refreshed for ``STALE_AFTER_S`` belongs to a window that is gone (closed,
crashed or cut off) and is no longer shown; rows a day old are deleted.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import DBAPIError

from db.change_feed import FeedLost
from db.repositories.base import select_records
from db.schema import PresenceRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

HEARTBEAT_S = 10.0
"""How often a window says it is still there."""

STALE_AFTER_S = 35.0
"""A window silent for this long is taken to be gone (three heartbeats missed)."""

FORGET_AFTER = dt.timedelta(days=1)
"""Rows older than this are deleted by the next heartbeat of anyone."""


@dataclass(frozen=True, slots=True)
class Presence:
    """One open window somebody else has."""

    session_id: str
    login: str
    host: str
    plan_date: dt.date | None
    seen_at: dt.datetime


def new_session_id() -> str:
    """A fresh id for this window's presence row."""
    return uuid.uuid4().hex


class PresenceBoard:
    """This window's presence row and the view of everyone else's.

    Parameters
    ----------
    engine
        Where the ``presence`` table is (the change feed's engine).
    login
        Who this window belongs to.
    host
        The machine name shown to others (this machine's by default).
    session_id
        This window's id (a fresh one by default).
    """

    def __init__(
        self,
        engine: Engine,
        login: str,
        *,
        host: str | None = None,
        session_id: str | None = None,
    ) -> None:
        self._engine = engine
        self.login = login
        self.host = host if host is not None else socket.gethostname()
        self.session_id = session_id or new_session_id()

    def beat(
        self, plan_date: dt.date | None, now: dt.datetime | None = None
    ) -> list[Presence]:
        """Say this window shows ``plan_date``; returns the other windows alive.

        Raises
        ------
        FeedLost
            If the database cannot be reached.
        """
        now = now or dt.datetime.now(dt.UTC)
        values = {"login": self.login, "host": self.host, "plan_date": plan_date}
        row = PresenceRow
        try:
            with self._engine.begin() as connection:
                found = connection.execute(
                    update(row)
                    .where(row.session_id == self.session_id)
                    .values(seen_at=now, **values)
                ).rowcount
                if not found:
                    connection.execute(
                        insert(row).values(
                            session_id=self.session_id, seen_at=now, **values
                        )
                    )
                connection.execute(delete(row).where(row.seen_at < now - FORGET_AFTER))
                rows = connection.execute(
                    select_records(row)
                    .where(
                        row.session_id != self.session_id,
                        row.seen_at >= now - dt.timedelta(seconds=STALE_AFTER_S),
                    )
                    .order_by(row.login, row.host)
                ).all()
        except DBAPIError as exc:
            raise FeedLost(f"Presence cannot be updated ({exc.orig}).") from exc
        return [
            Presence(
                r.session_id,
                r.login,
                r.host,
                r.plan_date,
                r.seen_at,
            )
            for r in rows
        ]

    def leave(self) -> None:
        """Remove this window's row (when it closes); failures are ignored."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    delete(PresenceRow).where(PresenceRow.session_id == self.session_id)
                )
        except DBAPIError:
            pass  # the row goes stale by itself
