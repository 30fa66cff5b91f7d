"""Roles are enforced by the services on a real database; a refusal writes nothing."""

from __future__ import annotations

import dataclasses
import getpass
from typing import TYPE_CHECKING, Any

import pytest

from db.database import open_database, signed_in_login
from db.engine import sqlite_url
from dispatcher import plan_edits, services
from dispatcher.audit import history
from dispatcher.dispatching import dispatch
from dispatcher.errors import PermissionDenied, ValidationError
from dispatcher.model import ChangeQuery, Location, Role, TimeWindow
from tests import builders as b
from tests.integration.team import TeamDay, add_team, stored_state, team_day

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from db.database import Database


def _move_new_order_onto_van_3(day: TeamDay, login: str) -> Any:
    return plan_edits.move_orders(
        day.as_user(login), b.DAY, 1, [day.orders[4]], day.vans[2], None
    )


def _reorder_van_1(day: TeamDay, login: str) -> Any:
    return plan_edits.move_orders(
        day.as_user(login), b.DAY, 1, [day.orders[2]], day.vans[0], 0
    )


def _move_planned_order_to_van_2(day: TeamDay, login: str) -> Any:
    return plan_edits.move_orders(
        day.as_user(login), b.DAY, 1, [day.orders[0]], day.vans[1], None
    )


def _lock_van_1(day: TeamDay, login: str) -> Any:
    return plan_edits.set_route_locked(day.as_user(login), b.DAY, 1, day.vans[0], True)


def _save_optimized(day: TeamDay, login: str) -> Any:
    sequences = {day.vans[0]: [day.orders[2], day.orders[1], day.orders[0]]}
    return plan_edits.replace_routes(day.as_user(login), b.DAY, 1, sequences)


def _dispatch(day: TeamDay, login: str) -> Any:
    return dispatch(day.as_user(login), b.DAY, 1)


def _edit_window(day: TeamDay, login: str) -> Any:
    factory = day.as_user(login)
    with factory() as uow:
        order = uow.orders.get(day.orders[4])
    return services.update_order(
        factory, dataclasses.replace(order, windows=(TimeWindow(600, 660),))
    )


def _move_customer(day: TeamDay, login: str) -> Any:
    return services.move_customer(
        day.as_user(login), day.customer, Location(45.76, 4.84)
    )


def _add_user(day: TeamDay, login: str) -> Any:
    return services.ensure_user(day.as_user(login), "newbie", Role.DISPATCHER)


REFUSED: list[tuple[str, Callable[[TeamDay, str], Any]]] = [
    *(
        ("mia", call)
        for call in (
            _move_new_order_onto_van_3,
            _reorder_van_1,
            _lock_van_1,
            _save_optimized,
            _dispatch,
            _edit_window,
            _move_customer,
            _add_user,
        )
    ),
    ("sam", _reorder_van_1),
    ("sam", _move_planned_order_to_van_2),
    ("sam", _lock_van_1),
    ("sam", _save_optimized),
    ("sam", _dispatch),
    ("sam", _move_customer),
    ("sam", _add_user),
    ("anna", _add_user),
]
"""(login, call) pairs the services must refuse."""


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database (the role tests need no second backend each)."""
    database = open_database(sqlite_url(tmp_path / "team.sqlite3"), actor="ada")
    yield database
    database.dispose()


def _refused_writes_nothing(
    day: TeamDay, login: str, call: Callable[[TeamDay, str], Any]
) -> None:
    before = stored_state(day.as_user("ada"))
    with pytest.raises(PermissionDenied) as caught:
        call(day, login)
    assert login in str(caught.value)
    assert stored_state(day.as_user("ada")) == before


@pytest.mark.parametrize(
    ("login", "call"), REFUSED, ids=[f"{u}-{c.__name__[1:]}" for u, c in REFUSED]
)
def test_the_service_refuses_and_writes_nothing(
    sqlite_database: Database, login: str, call: Callable[[TeamDay, str], Any]
) -> None:
    _refused_writes_nothing(team_day(sqlite_database), login, call)


@pytest.mark.postgres
def test_every_refusal_holds_on_postgresql(pg_schema_url: str) -> None:
    database = open_database(pg_schema_url, actor="ada")
    try:
        day = team_day(database)
        # An unknown login is refused on a shared database (on SQLite it is admin).
        for login, call in [*REFUSED, ("nobody", _move_new_order_onto_van_3)]:
            _refused_writes_nothing(day, login, call)
    finally:
        database.dispose()


def test_the_refusal_names_the_role_and_the_action(sqlite_database: Database) -> None:
    day = team_day(sqlite_database)
    with pytest.raises(PermissionDenied) as caught:
        _save_optimized(day, "sam")
    assert str(caught.value).startswith(
        "sam is signed in as staff and may not save an optimized plan on 2026-11-24"
    )


def test_staff_assign_new_orders_and_edit_them(sqlite_database: Database) -> None:
    day = team_day(sqlite_database)
    edit = _move_new_order_onto_van_3(day, "sam")
    assert edit.plan.route_of_vehicle(day.vans[2]).order_ids == (day.orders[4],)
    saved = _edit_window(day, "sam")
    assert saved.windows == (TimeWindow(600, 660),)


def test_staff_may_not_assign_on_a_dispatched_day(sqlite_database: Database) -> None:
    day = team_day(sqlite_database)
    _dispatch(day, "anna")
    with day.as_user("ada")() as uow:
        version = uow.plans.get(b.DAY).version
    before = stored_state(day.as_user("ada"))
    with pytest.raises(PermissionDenied, match="of a dispatched day"):
        plan_edits.move_orders(
            day.as_user("sam"), b.DAY, version, [day.orders[4]], day.vans[2], None
        )
    assert stored_state(day.as_user("ada")) == before
    edit = plan_edits.move_orders(
        day.as_user("anna"), b.DAY, version, [day.orders[4]], day.vans[2], None
    )
    assert edit.changed


def test_dispatchers_plan_and_admins_add_users(sqlite_database: Database) -> None:
    day = team_day(sqlite_database)
    assert _reorder_van_1(day, "anna").changed
    assert _add_user(day, "ada").role is Role.DISPATCHER
    assert services.signed_in_user(day.as_user("mia")).role is Role.MANAGER


def test_sqlite_signs_in_the_os_login_who_acts_as_admin_if_unknown(
    sqlite_database: Database,
) -> None:
    add_team(sqlite_database)
    login = signed_in_login(sqlite_database)
    assert login == getpass.getuser()
    factory = dataclasses.replace(sqlite_database, actor=login).uow_factory
    assert services.signed_in_user(factory).role is Role.ADMIN


@pytest.mark.postgres
def test_postgresql_signs_in_the_database_role(pg_schema_url: str) -> None:
    database = open_database(pg_schema_url, actor="ada")
    try:
        role = database.engine.url.username
        # No users yet: the role is let in (and acts as admin) to set them up.
        assert signed_in_login(database) == role
        add_team(database)
        with pytest.raises(PermissionDenied, match="not a Dispatcher user"):
            signed_in_login(database)
        with pytest.raises(PermissionDenied, match="not a Dispatcher user"):
            open_database(pg_schema_url)
        services.ensure_user(database.uow_factory, str(role), Role.MANAGER)
        signed_in = open_database(pg_schema_url)
        try:
            assert signed_in.actor == role
            assert services.signed_in_user(signed_in.uow_factory).role is Role.MANAGER
        finally:
            signed_in.dispose()
    finally:
        database.dispose()


def test_admins_change_roles_and_the_change_is_audited(
    sqlite_database: Database,
) -> None:
    day = team_day(sqlite_database)
    with pytest.raises(PermissionDenied):
        services.set_user(day.as_user("anna"), "sam", Role.DISPATCHER)
    services.set_user(day.as_user("ada"), "sam", Role.DISPATCHER)
    assert _reorder_van_1(day, "sam").changed
    (entry,) = history(day.as_user("mia"), ChangeQuery(entity="user"))
    assert entry.headline == "ada changed user sam"
    assert entry.lines == ("role staff → dispatcher",)


def test_the_last_admin_cannot_step_down(sqlite_database: Database) -> None:
    day = team_day(sqlite_database)
    before = stored_state(day.as_user("ada"))
    with pytest.raises(ValidationError, match="last active admin"):
        services.set_user(day.as_user("ada"), "ada", Role.DISPATCHER)
    assert stored_state(day.as_user("ada")) == before
    services.set_user(day.as_user("ada"), "mia", Role.ADMIN)
    assert services.set_user(day.as_user("ada"), "ada", Role.MANAGER).role is (
        Role.MANAGER
    )
