"""``dispatcher snapshots --out DIR``: render the main window to PNG files.

Runs Qt offscreen (no display needed), opens ``--db`` or today's demo database,
and writes ``main-window.png`` plus one picture per screen (route board, order
table, map, the board's timeline, the Dispatch dialog and the Optimize preview
of a short real run): for the README, for reviewing the look of a change, and
as a smoke test of the whole GUI stack.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.database import open_database
from db.engine import resolve_url
from dispatcher.errors import ValidationError
from ui.cli.gui_command import ensure_demo_database

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.main_window import MainWindow

DEFAULT_SIZE = "1600x900"


def register(subparsers: Any) -> None:
    """Add the ``snapshots`` sub-command."""
    parser = subparsers.add_parser(
        "snapshots",
        help="render the main window to PNG files, offscreen",
        description="Render the main window to PNG files without a display. "
        "Uses today's demo database unless --db is given.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write the PNG files to (created if missing)",
    )
    # SUPPRESS keeps the top-level ``dispatcher --db URL snapshots`` working.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database to show (default: today's demo database)",
    )
    parser.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="day to show (default: today)",
    )
    parser.add_argument(
        "--size",
        default=DEFAULT_SIZE,
        metavar="WxH",
        help=f"window size in pixels (default: {DEFAULT_SIZE})",
    )
    parser.set_defaults(handler=run)


def parse_size(text: str) -> tuple[int, int]:
    """``1440x860`` as a (width, height) pair.

    Raises
    ------
    ValidationError
        If the text is not two positive whole numbers joined by ``x``.
    """
    width, sep, height = text.lower().partition("x")
    if not (
        sep and width.isdigit() and height.isdigit() and int(width) and int(height)
    ):
        raise ValidationError(
            f"'{text}' is not a window size; write it as WIDTHxHEIGHT, e.g. 1440x860.",
            field="--size",
        )
    return int(width), int(height)


def run(args: argparse.Namespace) -> int:
    """Render the snapshots and print where they went."""
    size = parse_size(args.size)
    day = args.date or dt.date.today()
    url = resolve_url(args.db) if args.db else ensure_demo_database(day)
    for path in render_snapshots(url, day, args.out, size=size):
        print(path)
    return 0


MAP_TIMEOUT_S = 15.0
"""How long to wait for the map page to load and paint before grabbing anyway."""

OPTIMIZE_SECONDS = 2
"""The time limit of the optimization shown in ``optimize-preview.png``."""


def render_snapshots(
    url: str, day: dt.date, out: Path, *, size: tuple[int, int] = (1600, 900)
) -> list[Path]:
    """Render each main screen on ``day`` of ``url`` into ``out``; the files written.

    Writes the whole window, then the route board, the order table and the map
    on their own (each at the size it has in the window).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from dispatcher.demo.loader import current_login
    from ui.app import build_main_window, create_application

    app = create_application()
    out.mkdir(parents=True, exist_ok=True)
    database = open_database(url, actor=current_login())
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            # A throw-away settings file: the user's saved layout must not leak
            # into the pictures, nor the pictures' layout into the user's.
            settings = QSettings(
                str(Path(scratch) / "snapshots.ini"), QSettings.Format.IniFormat
            )
            window = build_main_window(database, settings=settings)
            window.resize(*size)
            window.show()
            window.reset_layout()
            window.show_day(day)
            _wait_for_map(app, window)
            shots = {
                "main-window.png": window,
                "route-board.png": window.board,
                "order-table.png": window.table_dock,
            }
            if window.map_dock is not None:
                shots["map.png"] = window.map_dock
            written += [_save(widget, out / name) for name, widget in shots.items()]
            written += _dialog_shots(app, window, out)
            window.close()
            window.deleteLater()
            app.processEvents()
    finally:
        database.dispose()
    return written


def _save(widget: QWidget, target: Path) -> Path:
    """Write ``widget`` as it looks now to ``target``."""
    if not widget.grab().save(str(target)):
        raise OSError(f"could not write {target}")
    return target


def _settle(app: QApplication, rounds: int = 5) -> None:
    """Let pending layouts and paints happen."""
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.02)


def _dialog_shots(app: QApplication, window: MainWindow, out: Path) -> list[Path]:
    """The board's timeline, the Dispatch dialog and the Optimize preview."""
    from ui.views.dispatch_dialog import DispatchDialog
    from ui.views.optimize_dialog import OptimizeDialog

    written = []
    window.board.show_timeline(True)
    _settle(app)
    written.append(_save(window.board, out / "timeline.png"))
    window.board.show_timeline(False)

    window.open_dispatch()
    _settle(app)
    dispatch = window.findChild(DispatchDialog)
    if dispatch is not None:
        written.append(_save(dispatch, out / "dispatch-dialog.png"))
        dispatch.reject()

    window.open_optimize()
    optimize = window.findChild(OptimizeDialog)
    if optimize is None:
        return written
    optimize.time_limit.setValue(OPTIMIZE_SECONDS)
    ended: list[object] = []
    for signal in (
        optimize.runner.sig_finished,
        optimize.runner.sig_failed,
        optimize.runner.sig_cancelled,
    ):
        signal.connect(ended.append)
    if optimize.start():
        deadline = time.monotonic() + OPTIMIZE_SECONDS + 30.0
        while not ended and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        _settle(app)
        written.append(_save(optimize, out / "optimize-preview.png"))
    optimize.reject()
    return written


def _wait_for_map(app: QApplication, window: MainWindow) -> None:
    """Process events until the map has painted the day (or the timeout passes)."""
    view = window.map_view
    deadline = time.monotonic() + (MAP_TIMEOUT_S if view is not None else 0.2)
    painted: list[int] = []
    if view is not None:
        view.bridge.sig_painted.connect(painted.append)
    while time.monotonic() < deadline:
        app.processEvents()
        if view is not None and painted and painted[-1] >= view.last_push > 0:
            break
        time.sleep(0.02)
    # Let the last frame reach the widget's backing store.
    for _ in range(10):
        app.processEvents()
        time.sleep(0.02)
