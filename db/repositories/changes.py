"""The append-only change log."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import String, cast, func, or_

from db import mapping as m
from db.errors import translating_methods
from db.repositories.base import SqlRepository, select_records
from db.schema import ChangeRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dispatcher.model import Change, ChangeQuery


@translating_methods
class SqlChangeRepository(SqlRepository):
    """The append-only change log."""

    def add(self, change: Change) -> Change:
        """Append a change row; returns it with its id."""
        (new_id,) = self._insert(ChangeRow, [m.change_values(change)])
        return dataclasses.replace(change, id=new_id)

    def add_many(self, changes: Sequence[Change]) -> list[Change]:
        """Append many change rows in one statement; returns them with ids, in order."""
        ids = self._insert(ChangeRow, [m.change_values(c) for c in changes])
        return [dataclasses.replace(c, id=i) for c, i in zip(changes, ids, strict=True)]

    def since(self, change_id: int, limit: int = 1000) -> list[Change]:
        """Changes with an id above ``change_id``, oldest first."""
        stmt = (
            select_records(ChangeRow)
            .where(ChangeRow.id > change_id)
            .order_by(ChangeRow.id)
            .limit(limit)
        )
        return [m.change_from_row(r) for r in self._all(stmt)]

    def for_entity(self, entity: str, entity_id: str) -> list[Change]:
        """The history of one entity, oldest first."""
        stmt = (
            select_records(ChangeRow)
            .where(ChangeRow.entity == entity, ChangeRow.entity_id == entity_id)
            .order_by(ChangeRow.id)
        )
        return [m.change_from_row(r) for r in self._all(stmt)]

    def search(self, query: ChangeQuery) -> list[Change]:
        """The rows matching ``query``, newest first, at most ``query.limit``.

        Free text is matched case-insensitively against the login, the id and
        the JSON of the before/after values (cast to text on both backends).
        """
        stmt = select_records(ChangeRow)
        for column, value in (
            (ChangeRow.entity, query.entity),
            (ChangeRow.entity_id, query.entity_id),
            (ChangeRow.plan_date, query.plan_date),
            (ChangeRow.user, query.user),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        if query.since is not None:
            stmt = stmt.where(ChangeRow.at >= query.since)
        if query.until is not None:
            stmt = stmt.where(ChangeRow.at < query.until)
        for word in query.text.split():
            pattern = f"%{_escaped(word.lower())}%"
            stmt = stmt.where(
                or_(
                    *(
                        func.lower(cast(column, String)).like(pattern, escape="\\")
                        for column in (
                            ChangeRow.user,
                            ChangeRow.entity_id,
                            ChangeRow.before,
                            ChangeRow.after,
                        )
                    )
                )
            )
        stmt = stmt.order_by(ChangeRow.id.desc()).limit(query.limit)
        return [m.change_from_row(r) for r in self._all(stmt)]


def _escaped(word: str) -> str:
    """``word`` with LIKE's wildcards taken literally."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
