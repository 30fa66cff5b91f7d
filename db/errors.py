"""Translate database-library exceptions into ``dispatcher.errors``.

The UI and the CLI only know the domain's typed errors, each carrying one
sentence a user can act on. Everything SQLAlchemy, sqlite3 or psycopg raise
passes through ``translated()`` (repositories, commit) or ``storage_error()``
(opening a database) on its way out of ``db``.
"""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from dispatcher.errors import (
    ConcurrencyConflict,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DispatcherError,
    StorageError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_C = TypeVar("_C", bound=type)

# PostgreSQL SQLSTATE codes we give a specific meaning.
_PG_READ_ONLY = {"25006", "42501"}  # read-only transaction, insufficient privilege
_PG_CONFLICT = {
    "40001",
    "40P01",
    "55P03",
}  # serialization, deadlock, lock not available
_PG_UNIQUE = "23505"
_PG_FOREIGN_KEY = "23503"


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or "")


def _message(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


def integrity_error(exc: IntegrityError) -> DispatcherError:
    """The domain error for a broken constraint (duplicate, missing reference)."""
    text = _message(exc)
    lowered = text.lower()
    if _sqlstate(exc) == _PG_FOREIGN_KEY or "foreign key" in lowered:
        return ValidationError(
            "The change refers to a record that does not exist (any more); "
            "reload and try again."
        )
    if _sqlstate(exc) == _PG_UNIQUE or "unique" in lowered:
        return ConcurrencyConflict(
            f"The change clashes with data already stored ({text}); "
            "reload and try again."
        )
    return ValidationError(
        f"The database refused the change ({text}); check the values."
    )


def storage_error(exc: DBAPIError, where: str = "the database") -> DispatcherError:
    """The domain error for a failure of the database itself.

    Parameters
    ----------
    exc
        What SQLAlchemy raised.
    where
        How to name the database in the message (a displayable URL or path).
    """
    if isinstance(exc, IntegrityError):
        return integrity_error(exc)
    text = _message(exc)
    lowered = text.lower()
    state = _sqlstate(exc)
    if (
        state in _PG_READ_ONLY
        or "readonly database" in lowered
        or "read-only" in lowered
    ):
        return DatabaseReadOnly(
            f"{where} does not accept changes ({text}); open a copy you may write to."
        )
    if state in _PG_CONFLICT:
        return ConcurrencyConflict(
            "Another user changed the same data at the same time; reload and try again."
        )
    if "database is locked" in lowered or "database is busy" in lowered:
        return DatabaseUnavailable(
            f"{where} is busy with another user's change; try again in a moment."
        )
    if "not a database" in lowered or "malformed" in lowered:
        return DatabaseCorrupt(
            f"{where} is damaged or is not a Dispatcher database ({text}); "
            "restore a backup or choose another file."
        )
    if exc.connection_invalidated or state.startswith("08"):
        return DatabaseUnavailable(
            f"Lost the connection to {where} ({text}); check the server and try again."
        )
    return StorageError(
        f"{where} reported an error ({text}); try again or check the log."
    )


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Re-raise database-library errors as ``dispatcher.errors`` types."""
    try:
        yield
    except StaleDataError as exc:
        raise ConcurrencyConflict(
            "Somebody else saved a newer version of this record; reload and try again."
        ) from exc
    except DBAPIError as exc:
        raise storage_error(exc) from exc


def translating_methods(cls: _C) -> _C:
    """Class decorator: every public method of ``cls`` runs under ``translated()``.

    Repositories use it so that no caller ever sees a SQLAlchemy exception,
    without a ``try`` in every method.
    """
    for name, attr in list(vars(cls).items()):
        if callable(attr) and not name.startswith("_"):
            setattr(cls, name, _wrap(attr))
    return cls


def _wrap(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with translated():
            return method(*args, **kwargs)

    return call
