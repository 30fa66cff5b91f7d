"""Typed errors in the domain's language.

Every error carries one clear sentence for the user: what is wrong and what to
do. Adapters (``db``) translate their own exceptions into these, so the UI and
the CLI never need to know which library failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.model import Change


class DispatcherError(Exception):
    """Base class of every error Dispatcher reports to a user."""


class NotFound(DispatcherError):
    """A requested entity does not exist."""


class ValidationError(DispatcherError):
    """Input that breaks a rule; names the row and field where it can.

    Parameters
    ----------
    message
        Why the value is wrong, in user language.
    field
        The field at fault, if one.
    row
        The 1-based input row at fault (imports), if one.
    """

    def __init__(
        self, message: str, *, field: str | None = None, row: int | None = None
    ):
        self.message = message
        self.field = field
        self.row = row
        where = []
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)


class LockedStop(ValidationError):
    """An edit would move a locked stop, or change a locked route.

    Parameters
    ----------
    message
        Names the order (and route) at fault and says to unlock it first.
    order_id
        The order whose stop is locked or sits on a locked route.
    """

    def __init__(self, message: str, *, order_id: int | None = None):
        super().__init__(message)
        self.order_id = order_id


class ConcurrencyConflict(DispatcherError):
    """Somebody else saved a newer version of what we tried to change.

    Parameters
    ----------
    message
        Names who changed what and when, and says to reload.
    theirs
        The change-log rows committed to the same thing since the version the
        caller read, oldest first (empty if they could not be told).
    """

    def __init__(self, message: str, *, theirs: Iterable[Change] = ()):
        super().__init__(message)
        self.message = message
        self.theirs: tuple[Change, ...] = tuple(theirs)


class StalePlan(ConcurrencyConflict):
    """The plan moved on since it was read; reload before editing."""


class PermissionDenied(DispatcherError):
    """The signed-in user's role does not allow the action."""


class StorageError(DispatcherError):
    """The database cannot be used; the message says why and what to do."""


class BadDatabaseUrl(StorageError):
    """The database URL cannot be parsed or names an unsupported backend."""


class DatabaseUnavailable(StorageError):
    """The database server cannot be reached or refused the connection."""


class DatabaseReadOnly(StorageError):
    """The database file or server does not accept writes."""


class DatabaseCorrupt(StorageError):
    """The file is not a usable database."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer Dispatcher than this one."""
