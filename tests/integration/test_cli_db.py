"""``dispatcher db current`` and ``dispatcher db upgrade`` on a real SQLite file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from db import migrate
from tests.integration.cli_runner import cli_runner

if TYPE_CHECKING:
    from pathlib import Path

    from tests.integration.cli_runner import Run


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI with only the db commands registered; returns (code, out, err)."""
    return cli_runner(monkeypatch, capsys, "db_commands")


def test_current_then_upgrade(run: Run, tmp_path: Path) -> None:
    """'current' sees an empty file; 'upgrade' brings it to head; 'current' agrees."""
    path = tmp_path / "cli.sqlite3"
    head = migrate.head_revision()
    code, out, _ = run("--db", str(path), "db", "current")
    assert code == 0
    assert "empty" in out
    code, out, _ = run("--db", str(path), "db", "upgrade")
    assert (code, out.strip()) == (0, f"{path}: schema is at revision {head} (newest).")
    code, out, _ = run("--db", str(path), "db", "current")
    assert (code, out.strip()) == (0, f"{path}: revision {head} (newest).")


def test_database_from_environment(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db the DISPATCHER_DB_URL variable names the database."""
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("DISPATCHER_DB_URL", f"sqlite:///{path}")
    code, _, _ = run("db", "upgrade")
    assert code == 0
    assert path.exists()


def test_error_is_one_sentence(run: Run, tmp_path: Path) -> None:
    """A bad database prints one line on stderr and exits 2."""
    code, out, err = run(
        "--db", str(tmp_path / "missing" / "x.sqlite3"), "db", "upgrade"
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "does not exist" in err
