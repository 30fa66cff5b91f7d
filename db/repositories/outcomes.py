"""Attempt outcomes."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from db import mapping as m
from db.errors import translating_methods
from db.repositories.base import SqlRepository, chunks, select_records
from db.schema import OutcomeRow

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from dispatcher.model import (
        OrderId,
        Outcome,
    )


@translating_methods
class SqlOutcomeRepository(SqlRepository):
    """Attempt outcomes."""

    def add_many(self, outcomes: Sequence[Outcome]) -> list[Outcome]:
        """Store new outcomes; returns them with ids, in order."""
        ids = self._insert(OutcomeRow, [m.outcome_values(o) for o in outcomes])
        return [
            dataclasses.replace(o, id=i) for o, i in zip(outcomes, ids, strict=True)
        ]

    def for_orders(self, order_ids: Iterable[OrderId]) -> list[Outcome]:
        """Outcomes of the given orders, oldest first."""
        rows: list[OutcomeRow] = []
        for chunk in chunks(set(order_ids)):
            rows += self._all(
                select_records(OutcomeRow).where(OutcomeRow.order_id.in_(chunk))
            )
        rows.sort(key=lambda r: (r.at, r.id))
        return [m.outcome_from_row(r) for r in rows]
