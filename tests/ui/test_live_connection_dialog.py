"""File → Open shared database…: URL building, recent connections, no password kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from ui.views.connection_dialog import (
    ConnectionDialog,
    build_url,
    recent_connections,
    remember_connection,
    split_url,
    without_password,
)

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot


@pytest.mark.parametrize(
    ("parts", "url"),
    [
        (
            ("db.example.com", 5432, "dispatch", "anna"),
            "postgresql+psycopg://anna@db.example.com/dispatch",
        ),
        (
            ("10.0.0.5", 6432, "depot east", "o'brien"),
            "postgresql+psycopg://o%27brien@10.0.0.5:6432/depot%20east",
        ),
        (("::1", 5432, "d", ""), "postgresql+psycopg://[::1]/d"),
    ],
)
def test_build_url_round_trips(parts: tuple[str, int, str, str], url: str) -> None:
    """Form fields become a URL and back, quoting what needs it."""
    assert build_url(*parts) == url
    host, port, database, user = split_url(url)
    assert (host, port, database, user) == (parts[0], parts[1], parts[2], parts[3])


def test_recent_connections_are_newest_first_and_unique(settings: QSettings) -> None:
    """Opening a database again moves it to the top instead of adding it twice."""
    first = build_url("a", 5432, "one", "anna")
    second = build_url("b", 5432, "two", "anna")
    remember_connection(settings, first)
    remember_connection(settings, second)
    remember_connection(settings, first)
    assert recent_connections(settings) == [first, second]


def test_no_password_is_ever_written(settings: QSettings, tmp_path: Path) -> None:
    """A URL with a password is remembered without it; the file holds no secret."""
    remember_connection(settings, "postgresql+psycopg://anna:s3cret@db:5433/dispatch")
    assert recent_connections(settings) == [
        "postgresql+psycopg://anna@db:5433/dispatch"
    ]
    assert without_password("postgresql://anna@db/x") == "postgresql://anna@db/x"
    written = (tmp_path / "settings.ini").read_text(encoding="utf-8")
    assert "s3cret" not in written
    assert "dispatch" in written


def test_dialog_fills_from_a_recent_connection_and_emits_its_url(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    """Picking a recent connection fills the form; Open emits the URL, no password."""
    remember_connection(settings, build_url("db.example.com", 5432, "dispatch", "bob"))
    dialog = ConnectionDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.host.text() == "db.example.com"
    assert dialog.user.text() == "bob"
    dialog.database.setText("depot_west")
    with qtbot.waitSignal(dialog.sig_connect_requested) as chosen:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    assert chosen.args == ["postgresql+psycopg://bob@db.example.com/depot_west"]
    assert recent_connections(settings)[0] == chosen.args[0]
    text = (tmp_path / "settings.ini").read_text(encoding="utf-8").lower()
    assert "password" not in text


def test_open_is_disabled_until_host_and_database_are_given(
    qtbot: QtBot, settings: QSettings
) -> None:
    """An incomplete form cannot be submitted."""
    dialog = ConnectionDialog(settings)
    qtbot.addWidget(dialog)
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert not button.isEnabled()
    dialog.database.setText("dispatch")
    assert button.isEnabled()
