"""The GUI and snapshots commands: argument handling, demo files, PNG output."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QImage

from db.engine import sqlite_url
from dispatcher.errors import DispatcherError, ValidationError
from tests import builders as b
from ui import app as ui_app
from ui.cli import gui_command, snapshots_command

if TYPE_CHECKING:
    from pathlib import Path

    from db.database import Database


def test_demo_and_db_together_are_refused() -> None:
    """--demo brings its own database, so --db as well is a mistake."""
    args = argparse.Namespace(db="x.sqlite3", demo=True)
    with pytest.raises(DispatcherError, match="leave out --db"):
        gui_command.run_gui(args)


def test_db_argument_is_opened_on_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --demo the app opens the --db file on today's date."""
    calls: list[tuple[str, dt.date]] = []
    monkeypatch.setattr(
        ui_app, "run_app", lambda url, *, day: calls.append((url, day)) or 0
    )
    path = tmp_path / "mine.sqlite3"
    code = gui_command.run_gui(argparse.Namespace(db=str(path), demo=False))
    assert code == 0
    assert calls == [(sqlite_url(path), dt.date.today())]


def test_existing_demo_is_reused_and_older_ones_removed(tmp_path: Path) -> None:
    """Today's demo file is kept as is; demo files of other days go, journals too."""
    today = gui_command.demo_path(b.DAY, tmp_path)
    today.write_bytes(b"kept")
    old = gui_command.demo_path(b.DAY - dt.timedelta(days=1), tmp_path)
    for suffix in ("", "-wal", "-shm"):
        old.with_name(old.name + suffix).write_bytes(b"old")
    unrelated = tmp_path / "dispatcher.sqlite3"
    unrelated.write_bytes(b"mine")

    url = gui_command.ensure_demo_database(b.DAY, tmp_path)

    assert url == sqlite_url(today)
    assert today.read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo-2026-11-24.sqlite3",
        "dispatcher.sqlite3",
    ]


@pytest.mark.parametrize(
    ("text", "expected"), [("1600x900", (1600, 900)), ("800X600", (800, 600))]
)
def test_size_parses(text: str, expected: tuple[int, int]) -> None:
    """Window sizes are WIDTHxHEIGHT."""
    assert snapshots_command.parse_size(text) == expected


@pytest.mark.parametrize("text", ["1600", "x900", "0x900", "wide"])
def test_bad_size_is_refused(text: str) -> None:
    """A size that is not two positive numbers names the option and the form."""
    with pytest.raises(ValidationError, match="WIDTHxHEIGHT"):
        snapshots_command.parse_size(text)


def test_snapshots_parser_keeps_the_top_level_db() -> None:
    """``dispatcher --db URL snapshots`` and ``snapshots --db URL`` both work."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    sub = parser.add_subparsers(dest="command")
    snapshots_command.register(sub)
    before = parser.parse_args(["--db", "a.sqlite3", "snapshots", "--out", "o"])
    after = parser.parse_args(["snapshots", "--out", "o", "--db", "b.sqlite3"])
    assert before.db == "a.sqlite3"
    assert after.db == "b.sqlite3"
    assert after.handler is snapshots_command.run


def test_snapshot_is_a_real_picture_of_each_screen(
    qapp, tmp_path: Path, database: Database
) -> None:
    """The window PNG has the asked size; each screen's PNG shows rendered content."""
    url = sqlite_url(database.engine.url.database)
    paths = snapshots_command.render_snapshots(
        url, b.DAY, tmp_path / "shots", size=(1200, 700)
    )
    names = [p.name for p in paths]
    assert names[:3] == ["main-window.png", "route-board.png", "order-table.png"]
    assert {"timeline.png", "dispatch-dialog.png", "optimize-preview.png"} <= set(names)
    window = QImage(str(paths[0]))
    assert (window.width(), window.height()) == (1200, 700)
    for path in paths:
        image = QImage(str(path))
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 7)
        }
        assert len(colours) > 20, path.name
