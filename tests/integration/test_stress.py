"""A small stress run (3 processes x 40 edits) keeps every invariant, on both backends.

The numbers of a full run come from ``python -m tests.benchmarks.stress_edits``;
here only the invariants and the edit counts are asserted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from db.database import open_database
from db.engine import sqlite_url
from tests.benchmarks import stress_edits

if TYPE_CHECKING:
    from pathlib import Path

PROCESSES = 3
EDITS = 40


def _assert_held(url: str) -> None:
    outcome = stress_edits.stress(url, PROCESSES, EDITS)
    assert outcome.problems == []
    assert [s.edits for s in outcome.stats] == [EDITS] * PROCESSES
    assert outcome.conflicts == sum(s.conflicts for s in outcome.stats)


def test_stress_on_sqlite(tmp_path: Path) -> None:
    _assert_held(sqlite_url(tmp_path / "stress.sqlite3"))


@pytest.mark.postgres
def test_stress_on_postgresql(pg_schema_url: str) -> None:
    _assert_held(pg_schema_url)


BREAKS: dict[str, str] = {
    "a lost route row": "DELETE FROM changes WHERE id = "
    "(SELECT max(id) FROM changes WHERE entity = 'route')",
    "a gap in a route": "UPDATE stops SET sequence = sequence + 1 "
    "WHERE id = (SELECT max(id) FROM stops)",
}


@pytest.mark.parametrize("damage", list(BREAKS))
def test_the_invariant_check_sees_damage(tmp_path: Path, damage: str) -> None:
    url = sqlite_url(tmp_path / "stress.sqlite3")
    database = open_database(url, actor=stress_edits.ADMIN)
    try:
        stress_edits.seed(database, 1, orders=20, vans=3)
        assert stress_edits.check_invariants(database) == []
        stress_edits.work(url, "stress-0", 10, 7)
        assert stress_edits.check_invariants(database) == []
        with database.engine.begin() as connection:
            connection.execute(text(BREAKS[damage]))
        assert stress_edits.check_invariants(database) != []
    finally:
        database.dispose()
