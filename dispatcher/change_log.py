"""Appending to the change log: the audit trail and the change feed.

Every mutating service calls ``record_change`` inside its unit of work, so the
row commits (or rolls back) with the change it describes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from dispatcher.model import Change
from dispatcher.ports import NEW_ID

if TYPE_CHECKING:
    from dispatcher.model import ChangeAction
    from dispatcher.ports import UnitOfWork


def _jsonable(value: Any) -> Any:
    """A JSON-friendly copy of a domain value for the change log."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def snapshot(value: Any) -> dict[str, object]:
    """The fields of a domain value as a JSON-friendly dict."""
    result = _jsonable(value)
    assert isinstance(result, dict)
    return result


def record_change(
    uow: UnitOfWork,
    entity: str,
    entity_id: object,
    action: ChangeAction,
    *,
    before: object = None,
    after: object = None,
    plan_date: dt.date | None = None,
) -> Change:
    """Append one row to the change log inside the caller's unit of work."""
    return uow.changes.add(
        Change(
            id=NEW_ID,
            at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            user=uow.actor,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            plan_date=plan_date,
            before=None if before is None else snapshot(before),
            after=None if after is None else snapshot(after),
        )
    )
