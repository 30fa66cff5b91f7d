"""``dispatcher users list|set`` on a real database, as the signed-in login."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from db.database import open_database, signed_in_login
from tests.integration.cli_runner import cli_runner

if TYPE_CHECKING:
    from tests.integration.cli_runner import Run


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI with only the users command; returns (code, out, err)."""
    return cli_runner(monkeypatch, capsys, "users_command")


@pytest.fixture
def me(db_url: str) -> str:
    """The login this test signs in with (OS login on SQLite, role on PostgreSQL)."""
    database = open_database(db_url, actor="setup")
    try:
        return signed_in_login(database)
    finally:
        database.dispose()


def _logins(run: Run, db_url: str) -> dict[str, list[str]]:
    code, out, _ = run("--db", db_url, "users", "list")
    assert code == 0
    return {line.split()[0]: line.split()[1:3] for line in out.splitlines()}


def test_first_admin_adds_users_and_roles_are_kept(
    run: Run, db_url: str, me: str
) -> None:
    """The first login adds itself as admin, then a staff member; list shows both."""
    code, out, _ = run("--db", db_url, "users", "list")
    assert (code, out.strip()) == (
        0,
        "No users yet: whoever signs in first acts as admin.",
    )
    assert run("--db", db_url, "users", "set", me, "--role", "admin")[0] == 0
    code, out, _ = run(
        "--db", db_url, "users", "set", "anna", "--role", "staff", "--name", "Anna M"
    )
    assert (code, out.strip()) == (0, "anna: staff, active.")
    assert _logins(run, db_url) == {
        me: ["admin", "active"],
        "anna": ["staff", "active"],
    }


def test_last_admin_cannot_step_down(run: Run, db_url: str, me: str) -> None:
    """Demoting the only active admin is refused with a reason; nothing changes."""
    run("--db", db_url, "users", "set", me, "--role", "admin")
    code, _, err = run("--db", db_url, "users", "set", me, "--role", "staff")
    assert code == 2
    assert "admin" in err
    assert _logins(run, db_url) == {me: ["admin", "active"]}


def test_non_admin_is_refused_and_nothing_is_written(
    run: Run, db_url: str, me: str
) -> None:
    """Once demoted to staff, the login may no longer add users."""
    run("--db", db_url, "users", "set", me, "--role", "admin")
    run("--db", db_url, "users", "set", "anna", "--role", "admin")
    assert run("--db", db_url, "users", "set", me, "--role", "staff")[0] == 0
    code, _, err = run("--db", db_url, "users", "set", "bob", "--role", "staff")
    assert code == 2
    assert me in err
    assert "ask an admin" in err
    assert "bob" not in _logins(run, db_url)
