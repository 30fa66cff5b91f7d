"""The composition root of the desktop app: Qt application, database, main window.

This is the one ``ui`` module that wires storage (``db``) into the screens: it
opens the database, hands the main window a ``load_day`` bound to the
database's units of work, starts the window's live feed (``db.change_feed``
and ``db.presence`` behind ``ui.live.LiveFeed``), and runs the event loop.
Everything else in ``ui`` only sees ``dispatcher`` values. ``Workspace`` keeps
the open database and its window, and replaces both when the user opens
another database (File → Open shared database…).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from db.change_feed import last_route_changes, open_feed
from db.database import open_database, sqlite_path
from db.presence import PresenceBoard
from dispatcher import __version__, services
from dispatcher.errors import DispatcherError, StorageError
from dispatcher.model import Role
from dispatcher.permissions import acting_user
from ui.assets import icon, stylesheet
from ui.document import PlanDocument
from ui.live.feed_thread import LiveFeed
from ui.main_window import APP_NAME, MainWindow
from ui.views.connection_dialog import remember_connection

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

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
    database: Database,
    *,
    settings: QSettings | None = None,
    with_map: bool = True,
    live: bool = False,
) -> MainWindow:
    """The main window over ``database``: its plan document, views and map.

    ``with_map`` False leaves out the browser-engine map (for tests and
    machines without QtWebEngine). ``live`` True follows other windows'
    edits and shows presence (the app does; snapshots and benchmarks do not).
    """
    document = PlanDocument(database.uow_factory)
    window = MainWindow(
        document,
        source_name=database_display_name(database),
        settings=settings,
        map_factory=_make_map if with_map and _has_web_engine() else None,
        live=start_live_feed(database) if live else None,
        login=database.actor,
        role=signed_in_role(database),
    )
    document.setParent(window)
    if window.live is not None:
        window.live.setParent(window)
    window.sig_customer_move_requested.connect(
        functools.partial(_move_customer, window)
    )
    return window


def start_live_feed(database: Database) -> LiveFeed | None:
    """Follow ``database``'s change log on a background thread (None if it fails)."""
    try:
        feed = open_feed(database)
    except StorageError as exc:
        log.warning("live updates are off: %s", exc)
        return None
    # The window starts it once it shows a day.
    return LiveFeed(
        feed,
        presence=PresenceBoard(feed.engine, database.actor),
        last_changes=functools.partial(last_route_changes, feed.engine),
    )


def signed_in_role(database: Database) -> Role:
    """The role of whoever is signed in (read-only manager if it cannot be told)."""
    try:
        with database.uow_factory() as uow:
            return acting_user(uow).role
    except DispatcherError as exc:
        log.warning("the signed-in role cannot be read: %s", exc)
        return Role.MANAGER


class Workspace(QObject):
    """The open database and its window; opening another database replaces both.

    Parameters
    ----------
    settings
        Window layout and recent connections (the application's by default).
    with_map
        Build the map (needs QtWebEngine).
    """

    def __init__(
        self, *, settings: QSettings | None = None, with_map: bool = True
    ) -> None:
        super().__init__()
        self._settings = settings
        self._with_map = with_map
        self.database: Database | None = None
        self.window: MainWindow | None = None

    def open(self, url: str, day: dt.date, *, actor: str | None = None) -> MainWindow:
        """Open ``url`` and show its window on ``day``, replacing the open ones.

        Raises
        ------
        StorageError
            If the database cannot be used; what was open stays open.
        """
        database = open_database(url, actor=actor)
        window = build_main_window(
            database, settings=self._settings, with_map=self._with_map, live=True
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.sig_open_database_requested.connect(self._on_open_requested)
        if not database.is_sqlite:
            remember_connection(self._settings or QSettings(), url)
        old_window, old_database = self.window, self.database
        self.window, self.database = window, database
        window.show_day(day)
        window.show()
        if old_window is not None:
            old_window.close()
        if old_database is not None:
            old_database.dispose()
        return window

    def close(self) -> None:
        """Close the window and the database."""
        if self.window is not None:
            self.window.close()
            self.window = None
        if self.database is not None:
            self.database.dispose()
            self.database = None

    def _on_open_requested(self, url: str) -> None:
        window = self.window
        day = (window.day() if window is not None else None) or dt.date.today()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.open(url, day)
        except DispatcherError as exc:
            if window is not None:
                window.show_error(str(exc))
        finally:
            QGuiApplication.restoreOverrideCursor()


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

    ``actor`` None signs in as the database knows the user (the PostgreSQL
    role; the system login on SQLite), see ``db.database.signed_in_login``.

    Returns
    -------
    int
        The process exit code: 0 normally, 2 if the database cannot be used.
    """
    app = create_application(argv)
    workspace = Workspace()
    try:
        workspace.open(url, day, actor=actor)
    except DispatcherError as exc:
        print(f"dispatcher: {exc}", file=sys.stderr)
        if can_show_dialogs():
            QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    try:
        install_excepthook()
        return app.exec()
    finally:
        workspace.close()
