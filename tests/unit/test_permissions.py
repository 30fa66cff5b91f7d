"""The role matrix and who acts in a unit of work."""

from __future__ import annotations

import pytest

from dispatcher.errors import PermissionDenied
from dispatcher.model import Role, User, UserId
from dispatcher.permissions import Action, acting_user, allowed, check, require
from tests.fakes import FakeStore, fake_uow_factory


def _user(role: Role, login: str = "kim", *, active: bool = True) -> User:
    return User(UserId(7), login, login.title(), role, active)


def test_admin_may_do_everything_even_on_a_dispatched_day() -> None:
    assert all(allowed(Role.ADMIN, a, dispatched=True) for a in Action)


def test_dispatcher_plans_but_does_not_manage_users() -> None:
    assert all(
        allowed(Role.DISPATCHER, a, dispatched=True)
        for a in Action
        if a is not Action.MANAGE_USERS
    )
    assert not allowed(Role.DISPATCHER, Action.MANAGE_USERS)


def test_manager_reads_and_changes_nothing() -> None:
    assert allowed(Role.MANAGER, Action.VIEW)
    assert [a for a in Action if allowed(Role.MANAGER, a)] == [Action.VIEW]


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        (Action.REBOOK, True, True),
        (Action.EDIT_ORDER, True, True),
        (Action.ASSIGN, True, False),
        (Action.EDIT_PLAN, False, False),
        (Action.OPTIMIZE, False, False),
        (Action.DISPATCH, False, False),
        (Action.MOVE_CUSTOMER, False, False),
        (Action.MANAGE_USERS, False, False),
    ],
)
def test_staff_rebooks_and_assigns_but_does_not_replan_a_dispatched_day(
    action: Action, before: bool, after: bool
) -> None:
    assert allowed(Role.STAFF, action) is before
    assert allowed(Role.STAFF, action, dispatched=True) is after


def test_refusal_names_who_the_role_and_what() -> None:
    with pytest.raises(PermissionDenied) as caught:
        require(_user(Role.STAFF), Action.OPTIMIZE, what="of 2026-03-03")
    message = str(caught.value)
    assert "kim" in message
    assert "staff" in message
    assert "save an optimized plan of 2026-03-03" in message


def test_refusal_on_a_dispatched_day_says_so() -> None:
    with pytest.raises(PermissionDenied, match="of a dispatched day"):
        require(_user(Role.STAFF), Action.ASSIGN, dispatched=True)
    require(_user(Role.STAFF), Action.ASSIGN)  # allowed before dispatch


def test_known_login_acts_with_its_role() -> None:
    store = FakeStore()
    store.users[1] = _user(Role.MANAGER, "mia")
    with fake_uow_factory(store, "mia", newcomer_role=None)() as uow:
        assert acting_user(uow).role is Role.MANAGER
        with pytest.raises(PermissionDenied, match="mia is signed in as manager"):
            check(uow, Action.EDIT_PLAN)


def test_unknown_login_is_refused_once_the_table_has_users() -> None:
    store = FakeStore()
    store.users[1] = _user(Role.ADMIN, "root")
    with (
        fake_uow_factory(store, "eve", newcomer_role=None)() as uow,
        pytest.raises(PermissionDenied, match="eve is not a user"),
    ):
        acting_user(uow)
    assert len(store.users) == 1


def test_unknown_login_is_admin_of_a_database_without_users() -> None:
    with fake_uow_factory(FakeStore(), "eve", newcomer_role=None)() as uow:
        assert acting_user(uow).role is Role.ADMIN


def test_newcomer_role_applies_to_unknown_logins_without_storing_them() -> None:
    store = FakeStore()
    store.users[1] = _user(Role.STAFF, "sam")
    with fake_uow_factory(store, "eve", newcomer_role=Role.ADMIN)() as uow:
        assert acting_user(uow).role is Role.ADMIN
    assert [u.login for u in store.users.values()] == ["sam"]


def test_deactivated_login_is_refused() -> None:
    store = FakeStore()
    store.users[1] = _user(Role.ADMIN, "old", active=False)
    with (
        fake_uow_factory(store, "old")() as uow,
        pytest.raises(PermissionDenied, match="deactivated"),
    ):
        acting_user(uow)
