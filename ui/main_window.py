"""The main window: one day's orders in a table, with the day's totals.

The window never touches storage: the composition root (``ui.app``) injects a
``load_day(date) -> DayView`` callable, and the window shows what it returns.
Later the route board and the map join the order table as docks; the toolbar,
status bar and settings handling here stay as they are.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from dispatcher import __version__
from dispatcher.errors import DispatcherError
from ui.assets import icon
from ui.models.order_filter_proxy import OrderFilterProxyModel
from ui.models.order_filters import filter_by_key
from ui.models.order_table_model import OrderTableModel
from ui.views.day_toolbar import DayToolBar
from ui.views.order_table import OrderTableView
from ui.views.totals_bar import TotalsBar

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from dispatcher.day_view import DayView
    from ui.models.order_filters import OrderFilter

    LoadDay = Callable[[dt.date], DayView]

log = logging.getLogger(__name__)

APP_NAME = "Dispatcher"
DEFAULT_SIZE = (1600, 900)
"""Width and height of a first start, shrunk to fit smaller screens."""

_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_TABLE_KEY = "order_table/header"
_FILTER_KEY = "order_table/filter"


def format_day(day: dt.date) -> str:
    """A date as the window shows it, e.g. ``Tue 24 Nov 2026``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class MainWindow(QMainWindow):
    """The dispatcher's window over one database, showing one day at a time."""

    sig_day_loaded = Signal(object)
    """A day finished loading and is shown.

    Parameters
    ----------
    day_view : DayView
        What is now shown.
    """

    sig_load_failed = Signal(str)
    """Loading a day failed; the previous day stays shown.

    Parameters
    ----------
    message : str
        One sentence for the user saying what is wrong.
    """

    def __init__(
        self,
        load_day: LoadDay,
        *,
        source_name: str,
        settings: QSettings | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._load_day = load_day
        self._source_name = source_name
        self._settings = settings if settings is not None else QSettings()
        self._day_view: DayView | None = None
        self._message_box: QMessageBox | None = None

        self.model = OrderTableModel(self)
        self.proxy = OrderFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = OrderTableView(self)
        self.table.setModel(self.proxy)
        self.setCentralWidget(self.table)
        self.placeholder = QLabel(self.table.viewport())
        self.placeholder.setObjectName("emptyPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        self.toolbar = DayToolBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.totals = TotalsBar(self)
        self.plan_label = QLabel(self)
        self.plan_label.setObjectName("planLabel")
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        status.addWidget(self.totals, 1)
        status.addPermanentWidget(self.plan_label)

        self._build_menus()
        self._restore_settings()
        self._connect_signals()
        self._update_title()
        self._update_placeholder()

    # -- construction -------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.toolbar.refresh_action)
        file_menu.addSeparator()
        self.quit_action = QAction(icon("quit"), "&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)

        go_menu = bar.addMenu("&Go")
        go_menu.addAction(self.toolbar.previous_action)
        go_menu.addAction(self.toolbar.next_action)
        go_menu.addAction(self.toolbar.today_action)
        go_menu.addSeparator()
        self.find_action = QAction(icon("search"), "&Find orders…", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        go_menu.addAction(self.find_action)

        help_menu = bar.addMenu("&Help")
        self.about_action = QAction(icon("about"), f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)
        self.about_qt_action = QAction("About &Qt", self)
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)
        help_menu.addAction(self.about_qt_action)

    def _connect_signals(self) -> None:
        self.toolbar.sig_date_changed.connect(self._on_toolbar_date_changed)
        self.toolbar.sig_refresh_requested.connect(self.reload)
        self.toolbar.sig_search_changed.connect(self._on_toolbar_search_changed)
        self.toolbar.sig_filter_changed.connect(self._on_toolbar_filter_changed)
        self.quit_action.triggered.connect(self.close)
        self.find_action.triggered.connect(self.toolbar.focus_search)
        self.about_action.triggered.connect(self.show_about)
        self.about_qt_action.triggered.connect(QApplication.aboutQt)
        for signal in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_placeholder)

    # -- our API -----------------------------------------------------------------

    def day(self) -> dt.date | None:
        """The date shown, or None before the first load."""
        return self._day_view.date if self._day_view is not None else None

    def day_view(self) -> DayView | None:
        """What is shown, or None before the first load."""
        return self._day_view

    def source_name(self) -> str:
        """The name of the database shown in the title."""
        return self._source_name

    def show_day(self, day: dt.date) -> bool:
        """Load and show ``day``; True if it loaded (else the old day stays)."""
        self.toolbar.set_date(day, notify=False)
        return self._load(day)

    def reload(self) -> bool:
        """Load the shown date again (after changes made elsewhere)."""
        return self._load(self.toolbar.date())

    def show_about(self) -> QMessageBox:
        """Open the About box (not blocking) and return it."""
        text = (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Plan, optimize and track B2B last-mile deliveries.</p>"
            f"<p>Database: {self._source_name}</p>"
        )
        return self._open_message(
            QMessageBox.Icon.Information, f"About {APP_NAME}", text
        )

    def show_error(self, message: str) -> QMessageBox:
        """Tell the user something failed (not blocking) and return the box."""
        return self._open_message(QMessageBox.Icon.Warning, APP_NAME, message)

    def save_settings(self) -> None:
        """Remember the window's geometry, layout, table columns and filter."""
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(_STATE_KEY, self.saveState())
        self._settings.setValue(_TABLE_KEY, self.table.save_state())
        self._settings.setValue(_FILTER_KEY, self.proxy.order_filter().key)
        self._settings.sync()

    # -- Qt overrides ------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the layout before closing."""
        self.save_settings()
        super().closeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        """Keep the empty-table message centred."""
        super().resizeEvent(event)
        self._place_placeholder()

    # -- internals ---------------------------------------------------------------

    def _load(self, day: dt.date) -> bool:
        started = time.perf_counter()
        try:
            view = self._load_day(day)
        except DispatcherError as exc:
            log.warning("Loading %s failed: %s", day, exc)
            if self._day_view is not None:
                self.toolbar.set_date(self._day_view.date, notify=False)
            self.show_error(str(exc))
            self.sig_load_failed.emit(str(exc))
            return False
        log.debug("Loaded %s in %.1f ms", day, 1000 * (time.perf_counter() - started))
        self._day_view = view
        self.model.set_lines(view.lines)
        self.totals.set_totals(view.totals)
        self.plan_label.setText(f"Plan version {view.plan_version}")
        self._update_title()
        self._update_placeholder()
        self.sig_day_loaded.emit(view)
        return True

    def _restore_settings(self) -> None:
        geometry = self._settings.value(_GEOMETRY_KEY, QByteArray())
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._apply_default_geometry()
        state = self._settings.value(_STATE_KEY, QByteArray())
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        header = self._settings.value(_TABLE_KEY, QByteArray())
        if isinstance(header, QByteArray):
            self.table.restore_state(header)
        key = self._settings.value(_FILTER_KEY, "")
        order_filter = filter_by_key(key if isinstance(key, str) else "")
        self.toolbar.set_order_filter(order_filter)
        self.proxy.set_order_filter(order_filter)

    def _apply_default_geometry(self) -> None:
        width, height = DEFAULT_SIZE
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.92))
            height = min(height, int(available.height() * 0.9))
            self.resize(width, height)
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())
        else:
            self.resize(width, height)

    def _update_title(self) -> None:
        parts = [APP_NAME, self._source_name]
        if self._day_view is not None:
            parts.append(format_day(self._day_view.date))
        self.setWindowTitle(" — ".join(parts))

    def _update_placeholder(self, *_args: Any) -> None:
        if self.proxy.rowCount() > 0:
            self.placeholder.hide()
            return
        if self._day_view is None:
            text = "No day loaded."
        elif self.model.rowCount() == 0:
            text = f"No orders on {format_day(self._day_view.date)}."
        else:
            text = "No orders match the search and filter."
        self.placeholder.setText(text)
        self._place_placeholder()
        self.placeholder.show()

    def _place_placeholder(self) -> None:
        self.placeholder.setGeometry(
            self.table.viewport().rect().adjusted(24, 24, -24, -24)
        )

    def _open_message(
        self, kind: QMessageBox.Icon, title: str, text: str
    ) -> QMessageBox:
        if self._message_box is not None:
            self._message_box.close()
        box = QMessageBox(kind, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(self._on_message_box_finished)
        self._message_box = box
        box.open()
        return box

    # -- handlers ----------------------------------------------------------------

    def _on_message_box_finished(self, _result: int) -> None:
        self._message_box = None

    def _on_toolbar_date_changed(self, day: dt.date) -> None:
        self._load(day)

    def _on_toolbar_search_changed(self, text: str) -> None:
        self.proxy.set_search_text(text)

    def _on_toolbar_filter_changed(self, order_filter: OrderFilter) -> None:
        self.proxy.set_order_filter(order_filter)
