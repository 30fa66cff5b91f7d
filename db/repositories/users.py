"""Users and their roles."""

from __future__ import annotations

import dataclasses

from db import mapping as m
from db.errors import translating_methods
from db.repositories.base import SqlRepository, select_records
from db.schema import UserRow
from dispatcher.errors import NotFound, ValidationError
from dispatcher.model import User, UserId


@translating_methods
class SqlUserRepository(SqlRepository):
    """Users and their roles."""

    def by_login(self, login: str) -> User | None:
        """The user with this login, if any."""
        rows = self._all(select_records(UserRow).where(UserRow.login == login))
        return m.user_from_row(rows[0]) if rows else None

    def add(self, user: User) -> User:
        """Store a new user; refuses a login that is taken."""
        if self.by_login(user.login) is not None:
            raise ValidationError(
                f"A user with login '{user.login}' already exists; "
                "choose another login.",
                field="login",
            )
        (new_id,) = self._insert(UserRow, [m.user_values(user)])
        return dataclasses.replace(user, id=UserId(new_id))

    def update(self, user: User) -> User:
        """Overwrite a stored user (name, role, active); raises ``NotFound``."""
        if not self._update_where(
            UserRow, [UserRow.id == user.id], m.user_values(user)
        ):
            raise NotFound(f"User {user.login} does not exist; reload the list.")
        return user

    def list(self) -> list[User]:
        """All users, by login."""
        return [
            m.user_from_row(r)
            for r in self._all(select_records(UserRow).order_by(UserRow.login))
        ]
