"""Runs the change feed and the presence heartbeat on a thread of their own.

The feed (``db.change_feed``) blocks while it waits for changes and while it
reconnects to a lost server, so it never runs on the GUI thread. ``LiveFeed``
drives it on a daemon thread and hands every result to the GUI thread as a
queued Qt signal: new change rows, the connection going down or coming back,
who else is working on which date, and who last changed each route of the
date the window shows. It knows nothing of the database: the composition root
(``ui.app``) hands it the feed, presence board and change-log reader.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal

from dispatcher.errors import DispatcherError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping, Sequence

    from dispatcher.model import Change, VehicleId

    LastChanges = Callable[[dt.date], Mapping[VehicleId, tuple[str, dt.datetime]]]
    """Reads who last changed each route of a date, and when."""

log = logging.getLogger(__name__)

WAIT_S = 0.5
"""Longest single wait for changes: how soon the thread notices a stop."""

HEARTBEAT_S = 10.0
"""How often this window tells others it is still there."""

RETRY_FIRST_S = 0.5
RETRY_MAX_S = 5.0
"""Back-off between reconnection attempts: doubling from the first to the max."""


class ChangeSource(Protocol):
    """What ``LiveFeed`` needs of a change feed (``db.change_feed.ChangeFeed``)."""

    def wait(self, timeout: float) -> Sequence[Change]:
        """New change rows, waiting at most ``timeout`` s; raises when disconnected."""
        ...

    def close(self) -> None:
        """Stop and release the connections (callable from any thread)."""
        ...


class PresenceEntry(Protocol):
    """One other open window (``db.presence.Presence``)."""

    @property
    def login(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def plan_date(self) -> dt.date | None: ...


class PresenceSource(Protocol):
    """What ``LiveFeed`` needs of a presence board (``db.presence.PresenceBoard``)."""

    def beat(self, plan_date: dt.date | None) -> Sequence[PresenceEntry]:
        """Say which date this window shows; returns the other windows."""
        ...

    def leave(self) -> None:
        """Remove this window's presence."""
        ...


class LiveFeed(QObject):
    """The change feed of one window, run on a background thread.

    Parameters
    ----------
    source
        The change feed; ``LiveFeed`` owns it and closes it on ``stop``.
    presence
        This window's presence board, or None for no presence.
    last_changes
        Reads who last changed each route of a date, or None.
    """

    sig_changes_arrived = Signal(object)
    """Change rows were committed (by anyone, this window included).

    Parameters
    ----------
    changes : tuple[Change, ...]
        The new rows, oldest first.
    """

    sig_connection_changed = Signal(bool, str)
    """The database became unreachable, or reachable again.

    Parameters
    ----------
    connected : bool
        True when the connection is back.
    message : str
        Why it was lost (empty when connected).
    """

    sig_presence_changed = Signal(object)
    """The other open windows, after a heartbeat.

    Parameters
    ----------
    others : tuple[PresenceEntry, ...]
        Every other window alive, by login.
    """

    sig_last_changes_changed = Signal(object, object)
    """Who last changed each route of a date.

    Parameters
    ----------
    day : datetime.date
        The date.
    last : Mapping[VehicleId, tuple[str, datetime]]
        Login and time of the newest change per vehicle's route.
    """

    def __init__(
        self,
        source: ChangeSource,
        *,
        presence: PresenceSource | None = None,
        last_changes: LastChanges | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._presence = presence
        self._last_changes = last_changes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Written by the GUI thread, read by the feed thread: plain attribute
        # assignments are atomic, and a stale read only delays by one round.
        self._plan_date: dt.date | None = None
        self._date_dirty = True
        self.connected = True

    @property
    def source(self) -> ChangeSource:
        """The change feed this object runs."""
        return self._source

    @property
    def running(self) -> bool:
        """True while the background thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start following the feed (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="dispatcher-live-feed", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread, remove this window's presence and close the feed."""
        self._stop.set()
        self._source.close()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    def set_plan_date(self, day: dt.date | None) -> None:
        """The date the window shows now (for presence and last changes)."""
        if day != self._plan_date:
            self._plan_date = day
            self._date_dirty = True

    # -- the background thread -------------------------------------------------

    def _run(self) -> None:
        retry = RETRY_FIRST_S
        next_beat = 0.0
        try:
            while not self._stop.is_set():
                try:
                    changes = self._source.wait(WAIT_S)
                    if self._stop.is_set():
                        break
                    self._set_connected(True, "")
                    if changes:
                        self.sig_changes_arrived.emit(tuple(changes))
                    next_beat = self._after_read(changes, next_beat)
                    retry = RETRY_FIRST_S
                except DispatcherError as exc:
                    log.info("live feed: %s", exc)
                    self._set_connected(False, str(exc))
                    self._stop.wait(retry)
                    retry = min(retry * 2, RETRY_MAX_S)
                except Exception:  # a bug: keep the window alive, log it
                    log.exception("live feed failed")
                    self._stop.wait(RETRY_MAX_S)
        finally:
            if self._presence is not None:
                self._presence.leave()

    def _after_read(self, changes: Sequence[Change], next_beat: float) -> float:
        """Heartbeat and last-change reads that are due; returns the next beat."""
        day = self._plan_date
        dirty = self._date_dirty
        now = time.monotonic()
        if self._presence is not None and (dirty or now >= next_beat):
            others = self._presence.beat(day)
            self.sig_presence_changed.emit(tuple(others))
            next_beat = now + HEARTBEAT_S
        touched = any(c.entity == "route" and c.plan_date == day for c in changes)
        if self._last_changes is not None and day is not None and (dirty or touched):
            self.sig_last_changes_changed.emit(day, dict(self._last_changes(day)))
        if day == self._plan_date:
            self._date_dirty = False  # only once both reads went through
        return next_beat

    def _set_connected(self, connected: bool, message: str) -> None:
        if connected != self.connected:
            self.connected = connected
            self.sig_connection_changed.emit(connected, message)
