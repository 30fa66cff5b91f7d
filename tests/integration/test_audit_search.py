"""ChangeRepository.search on SQLite and PostgreSQL: every filter, newest first."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from dispatcher.model import Change, ChangeAction, ChangeQuery
from dispatcher.ports import NEW_ID

if TYPE_CHECKING:
    from db.database import Database

T0 = dt.datetime(2026, 11, 24, 8, 0)
DAY = dt.date(2026, 11, 24)


def _row(minute: int, user: str, entity: str, entity_id: str, **kw: object) -> Change:
    return Change(
        id=NEW_ID,
        at=T0 + dt.timedelta(minutes=minute),
        user=user,
        entity=entity,
        entity_id=entity_id,
        action=ChangeAction.UPDATE,
        plan_date=kw.get("plan_date", DAY),  # type: ignore[arg-type]
        before=kw.get("before"),  # type: ignore[arg-type]
        after=kw.get("after"),  # type: ignore[arg-type]
    )


@pytest.fixture
def ids(database: Database) -> list[int]:
    """Six rows: anna and ben on routes and orders of two days."""
    with database.uow_factory() as uow:
        stored = uow.changes.add_many(
            [
                _row(0, "anna", "route", "1", after={"order_ids": [1, 2]}),
                _row(5, "ben", "order", "7", after={"notes": "Ring the bell_2%"}),
                _row(10, "anna", "order", "7", after={"notes": "back door"}),
                _row(15, "ben", "route", "1", after={"order_ids": [2]}),
                _row(20, "anna", "route", "2", plan_date=DAY + dt.timedelta(days=1)),
                _row(25, "cleo", "customer", "3", plan_date=None),
            ]
        )
        uow.commit()
    return [c.id for c in stored]


def _search(database: Database, **query: object) -> list[int]:
    with database.uow_factory() as uow:
        return [c.id for c in uow.changes.search(ChangeQuery(**query))]  # type: ignore[arg-type]


def test_everything_newest_first_and_limited(
    database: Database, ids: list[int]
) -> None:
    assert _search(database) == ids[::-1]
    assert _search(database, limit=2) == [ids[5], ids[4]]


def test_by_entity_and_id(database: Database, ids: list[int]) -> None:
    assert _search(database, entity="order", entity_id="7") == [ids[2], ids[1]]
    assert _search(database, entity="route") == [ids[4], ids[3], ids[0]]


def test_by_plan_date_and_user(database: Database, ids: list[int]) -> None:
    assert _search(database, plan_date=DAY, user="anna") == [ids[2], ids[0]]


def test_by_time_range(database: Database, ids: list[int]) -> None:
    since, until = T0 + dt.timedelta(minutes=5), T0 + dt.timedelta(minutes=20)
    assert _search(database, since=since, until=until) == [ids[3], ids[2], ids[1]]


def test_by_free_text_in_values_logins_and_ids(
    database: Database, ids: list[int]
) -> None:
    assert _search(database, text="BACK door") == [ids[2]]
    assert _search(database, text="cleo") == [ids[5]]
    # LIKE wildcards in the words are taken literally.
    assert _search(database, text="bell_2%") == [ids[1]]
    assert _search(database, text="bell%2") == []
