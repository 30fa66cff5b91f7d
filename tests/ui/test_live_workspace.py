"""The workspace: opening a database (--db or the dialog) replaces window and feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import make_url

from db.engine import sqlite_url
from tests import builders as b
from tests.integration.conftest import pg_schema_url  # noqa: F401 (a fixture)
from ui.app import Workspace
from ui.views.connection_dialog import recent_connections

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

    from db.database import Database


@pytest.fixture
def workspace(qtbot: QtBot, settings: QSettings) -> Iterator[Workspace]:
    """A workspace without the map; closed afterwards."""
    opened = Workspace(settings=settings, with_map=False)
    yield opened
    opened.close()


def test_opening_another_database_replaces_window_and_feed(
    qtbot: QtBot, workspace: Workspace, database: Database, tmp_path: Path
) -> None:
    """The window's request opens the other database and closes the first window."""
    first = workspace.open(str(database.engine.url), b.DAY, actor="tester")
    assert first.live is not None
    qtbot.waitUntil(lambda: first.live is not None and first.live.running)
    old_live = first.live
    other = sqlite_url(tmp_path / "other.sqlite3")
    first.sig_open_database_requested.emit(other)
    second = workspace.window
    assert second is not None
    assert second is not first
    assert second.source_name() == "other.sqlite3"
    assert second.day() == b.DAY
    assert not old_live.running
    assert recent_connections(workspace._settings) == []  # type: ignore[arg-type]


def test_a_database_that_cannot_be_opened_keeps_the_window(
    qtbot: QtBot, workspace: Workspace, database: Database, tmp_path: Path
) -> None:
    """A bad choice says why; the open window and database stay."""
    first = workspace.open(str(database.engine.url), b.DAY, actor="tester")
    first.sig_open_database_requested.emit(sqlite_url(tmp_path / "no" / "x.sqlite3"))
    assert workspace.window is first
    assert first._message_box is not None
    assert "does not exist" in first._message_box.text()


@pytest.mark.postgres
def test_a_shared_database_is_remembered_without_its_password(
    qtbot: QtBot,
    workspace: Workspace,
    settings: QSettings,
    pg_schema_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Opening a PostgreSQL URL with a password keeps the URL, never the password."""
    with_password = make_url(pg_schema_url).set(password="n0t-kept")
    url = with_password.render_as_string(hide_password=False)
    window = workspace.open(url, b.DAY, actor="tester")
    assert window.live is not None
    (recent,) = recent_connections(settings)
    assert "n0t-kept" not in recent
    assert make_url(recent).username == make_url(pg_schema_url).username
    settings.sync()
    assert "n0t-kept" not in (tmp_path / "settings.ini").read_text(encoding="utf-8")
