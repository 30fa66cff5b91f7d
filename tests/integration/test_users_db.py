"""UserRepository.update on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from dispatcher.errors import NotFound
from dispatcher.model import Role, User, UserId
from dispatcher.ports import NEW_ID

if TYPE_CHECKING:
    from db.uow import SqlAlchemyUnitOfWork


def test_update_overwrites_name_role_and_active(uow: SqlAlchemyUnitOfWork) -> None:
    sam = uow.users.add(User(UserId(NEW_ID), "sam", "Sam", Role.STAFF))
    uow.users.add(User(UserId(NEW_ID), "zoe", "Zoe", Role.STAFF))
    changed = dataclasses.replace(sam, name="Sam B.", role=Role.ADMIN, active=False)
    assert uow.users.update(changed) == changed
    assert uow.users.by_login("sam") == changed
    assert uow.users.by_login("zoe").role is Role.STAFF  # type: ignore[union-attr]


def test_update_of_a_missing_user_is_not_found(uow: SqlAlchemyUnitOfWork) -> None:
    with pytest.raises(NotFound, match="ghost"):
        uow.users.update(User(UserId(999), "ghost", "Ghost", Role.STAFF))
