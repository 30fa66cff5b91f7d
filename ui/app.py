"""The composition root of the desktop app: Qt application, database, main window.

This is the one ``ui`` module that wires storage (``db``) into the screens: it
opens the database, hands the main window a ``load_day`` bound to the
database's units of work, and runs the event loop. Everything else in ``ui``
only sees ``dispatcher`` values.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from db.database import open_database, sqlite_path
from dispatcher import __version__, services
from dispatcher.demo.loader import current_login
from dispatcher.errors import DispatcherError, StorageError
from ui.assets import icon, stylesheet
from ui.document import PlanDocument
from ui.main_window import APP_NAME, MainWindow

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence
    from types import TracebackType

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from db.database import Database
    from dispatcher.model import CustomerId, Location
    from ui.selection import OrderSelection

log = logging.getLogger(__name__)

ORGANIZATION = "Dispatcher"
"""Organisation name under which QSettings stores the layout."""


def prepare_qt() -> None:
    """Set up what Qt needs before any QApplication exists.

    QtWebEngine (if installed) must be imported first, and the map's ``app://``
    URL scheme must be registered before the application starts.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox cannot run as root; QtWebEngine refuses to start
        # unless told to run without it (only the map page runs in it).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    with contextlib.suppress(ImportError):
        import PySide6.QtWebEngineWidgets  # noqa: F401

        from ui.map.scheme import register_schemes

        register_schemes()


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The process's QApplication, configured with our names, icon and theme.

    An existing instance (tests, an embedding host) is configured and reused.
    """
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        prepare_qt()
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    configure_application(app)
    return app


def configure_application(app: QApplication) -> None:
    """Names (for QSettings), window icon, the Fusion style, palette and style sheet."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("dispatcher")
    app.setWindowIcon(icon("app"))
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    app.setStyleSheet(stylesheet("app"))


def light_palette() -> QPalette:
    """The light palette the style sheet is designed for, whatever the desktop uses."""
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#f5f7fa",
        QPalette.ColorRole.WindowText: "#1f2933",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f7f9fb",
        QPalette.ColorRole.Text: "#1f2933",
        QPalette.ColorRole.PlaceholderText: "#8a94a3",
        QPalette.ColorRole.Button: "#ffffff",
        QPalette.ColorRole.ButtonText: "#1f2933",
        QPalette.ColorRole.Highlight: "#0b5c99",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#1f2933",
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.Link: "#0b5c99",
        QPalette.ColorRole.Mid: "#cfd7e1",
        QPalette.ColorRole.Dark: "#a9b6c6",
        QPalette.ColorRole.Light: "#ffffff",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9aa5b1"))
    return palette


def database_display_name(database: Database) -> str:
    """A short name of the database for the title: the file name, else the URL."""
    path = sqlite_path(database.engine.url) if database.is_sqlite else None
    return path.name if path is not None else database.url


def build_main_window(
    database: Database, *, settings: QSettings | None = None, with_map: bool = True
) -> MainWindow:
    """The main window over ``database``: its plan document, views and map.

    ``with_map`` False leaves out the browser-engine map (for tests and
    machines without QtWebEngine).
    """
    document = PlanDocument(database.uow_factory)
    window = MainWindow(
        document,
        source_name=database_display_name(database),
        settings=settings,
        map_factory=_make_map if with_map and _has_web_engine() else None,
    )
    document.setParent(window)
    window.sig_customer_move_requested.connect(
        functools.partial(_move_customer, window)
    )
    return window


def _has_web_engine() -> bool:
    """True if QtWebEngine can be imported (it is an optional Qt add-on)."""
    try:
        import PySide6.QtWebEngineWidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _make_map(selection: OrderSelection, settings: QSettings, parent: QWidget) -> Any:
    """The map view; imported late so the app starts without QtWebEngine too."""
    from ui.map.map_view import MapView

    return MapView(selection, settings=settings, parent=parent)


def _move_customer(
    window: MainWindow, customer_id: CustomerId, location: Location
) -> None:
    """Save a corrected customer location, then show the day with the new times."""
    try:
        services.move_customer(window.document.uow_factory, customer_id, location)
    except DispatcherError as exc:
        window.show_error(str(exc))
        return
    window.reload()


HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})
"""Qt platforms without a screen: nobody could close a modal dialog there."""


def can_show_dialogs() -> bool:
    """True if a QApplication runs on a real screen, so a modal box can be answered."""
    return (
        QApplication.instance() is not None
        and QGuiApplication.platformName() not in HEADLESS_PLATFORMS
    )


def install_excepthook() -> None:
    """Log unexpected errors and tell the user, instead of dying silently.

    Qt calls Python slots from C++, so an exception in a slot never reaches
    our code; it goes to ``sys.excepthook``, which we point here.
    """

    def hook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        log.critical("Unexpected error", exc_info=(kind, error, trace))
        if can_show_dialogs() and not isinstance(error, KeyboardInterrupt):
            QMessageBox.critical(
                None,
                APP_NAME,
                f"Something went wrong: {error}\n\nThe details are in the log. "
                "Save your work and restart Dispatcher if the window misbehaves.",
            )

    sys.excepthook = hook


def run_app(
    url: str,
    *,
    day: dt.date,
    argv: Sequence[str] | None = None,
    actor: str | None = None,
) -> int:
    """Open ``url``, show the main window on ``day`` and run until it closes.

    Returns
    -------
    int
        The process exit code: 0 normally, 2 if the database cannot be used.
    """
    app = create_application(argv)
    try:
        database = open_database(url, actor=actor or current_login())
    except StorageError as exc:
        print(f"dispatcher: {exc}", file=sys.stderr)
        if can_show_dialogs():
            QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    try:
        install_excepthook()
        window = build_main_window(database)
        window.show_day(day)
        window.show()
        return app.exec()
    finally:
        database.dispose()
