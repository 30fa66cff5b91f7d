"""The main window: one day's orders, route board and map, in sync, with undo.

The window never touches storage. The composition root (``ui.app``) hands it a
``PlanDocument`` for the database; the document loads days, runs every plan
edit as an undoable command and says what changed. The window lays out the
three views (the route board in the middle, the order table and the map as
docks whose layout is remembered), joins them through one ``OrderSelection``
and routes every view's ``sig_…_requested`` signal to the document. This is the
one place where those long-lived connections are made (``_connect_signals``).

In a shared database the window follows everyone's edits through a
``LiveFeed`` (``ui.live``): other people's changes are shown as they are
committed, a banner says when the database cannot be reached, the status bar
says who else is working on which date, and the actions the signed-in role may
not take are disabled (the services refuse them anyway). What the role may do
(``EditRights``: the role, and whether the day shown is dispatched) is handed
to every view, so the board, the table and the map offer only the drags,
edits, locks and pin moves that will be accepted; it is worked out again when
another day is shown or the day shown is dispatched.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QSettings,
    QSignalBlocker,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatcher import __version__
from dispatcher.errors import DispatcherError
from dispatcher.model import Role
from dispatcher.permissions import Action, allowed
from ui.assets import icon
from ui.live.banner import ConnectionBanner
from ui.live.presence_label import PresenceLabel
from ui.models.edit_rights import EditRights
from ui.models.order_filter_proxy import OrderFilterProxyModel
from ui.models.order_filters import filter_by_key
from ui.models.order_table_model import OrderTableModel
from ui.models.route_board_model import RouteBoardModel
from ui.selection import OrderSelection
from ui.views.audit_dialog import AuditDialog
from ui.views.connection_dialog import ConnectionDialog
from ui.views.day_toolbar import DayToolBar
from ui.views.dispatch_dialog import DispatchDialog
from ui.views.dispatch_panel import DispatchPanel
from ui.views.optimize_dialog import open_optimize_dialog
from ui.views.order_table import OrderTablePanel, OrderTableView
from ui.views.route_board import RouteBoard
from ui.views.totals_bar import TotalsBar

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping, Sequence

    from dispatcher.changes import PlanChanges
    from dispatcher.day_view import DayView
    from dispatcher.dispatch_diff import DispatchSnapshot
    from dispatcher.model import OrderId, VehicleId
    from ui.document import PlanDocument
    from ui.live.feed_thread import LiveFeed, PresenceEntry
    from ui.models.order_filters import OrderFilter

    MapFactory = Callable[[OrderSelection, QSettings, QWidget], Any]

log = logging.getLogger(__name__)

APP_NAME = "Dispatcher"
DEFAULT_SIZE = (1600, 900)
"""Width and height of a first start, shrunk to fit smaller screens."""

_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_TABLE_KEY = "order_table/header"
_FILTER_KEY = "order_table/filter"
_BOARD_PREFIX = "route_board"
_ACTION_TIPS = {
    Action.OPTIMIZE: "Optimize the day or the selection (Ctrl+R)",
    Action.DISPATCH: "Send the routes to the drivers (Ctrl+D)",
}
"""Tooltips of the plan actions when the role may take them."""


def format_day(day: dt.date) -> str:
    """A date as the window shows it, e.g. ``Tue 24 Nov 2026``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class MainWindow(QMainWindow):
    """The dispatcher's window over one database, showing one day at a time.

    Parameters
    ----------
    document
        The plan document: loads days and runs every edit with undo.
    source_name
        The database's name for the title bar.
    settings
        Where the layout is remembered (the application's settings by default).
    map_factory
        Builds the map widget ``(selection, settings, parent)``; None leaves the
        map out (tests that do not need a browser engine).
    """

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

    sig_open_database_requested = Signal(str)
    """The user chose a database to open in place of this one.

    Parameters
    ----------
    url : str
        Its SQLAlchemy URL (never with a password).
    """

    sig_customer_move_requested = Signal(object, object)
    """The user confirmed a new place for a customer's pin on the map.

    Parameters
    ----------
    customer_id : CustomerId
        Whose location to correct.
    location : Location
        The new location.
    """

    def __init__(
        self,
        document: PlanDocument,
        *,
        source_name: str,
        settings: QSettings | None = None,
        map_factory: MapFactory | None = None,
        live: LiveFeed | None = None,
        login: str = "",
        role: Role = Role.ADMIN,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.document = document
        self._source_name = source_name
        self._settings = settings if settings is not None else QSettings()
        self._message_box: QMessageBox | None = None
        self.selection = OrderSelection(self)

        self.model = OrderTableModel(self)
        self.proxy = OrderFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = OrderTableView(self)
        self.table.setModel(self.proxy)
        self.placeholder = QLabel(self.table.viewport())
        self.placeholder.setObjectName("emptyPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        self.board_model = RouteBoardModel(self)
        self.board = RouteBoard(self.board_model, self.selection, self)
        self.banner = ConnectionBanner(self)
        central = QWidget(self)
        central.setObjectName("boardArea")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.board, 1)
        self.setCentralWidget(central)
        self.live = live
        self._last_changes_day: dt.date | None = None
        self.login = login
        self.role = role
        self._rights = EditRights(role)
        self.table_panel = OrderTablePanel(self.table, self.proxy, self)
        self.table_dock = self._add_dock(
            "ordersDock",
            "Orders",
            self.table_panel,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.map_view = (
            map_factory(self.selection, self._settings, self)
            if map_factory is not None
            else None
        )
        self.map_dock = (
            self._add_dock(
                "mapDock", "Map", self.map_view, Qt.DockWidgetArea.RightDockWidgetArea
            )
            if self.map_view is not None
            else None
        )

        self.dispatch_panel = DispatchPanel(self.selection, self)
        self.dispatch_dock = self._add_dock(
            "dispatchDock",
            "Changes since dispatch",
            self.dispatch_panel,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self._optimize_dialog: Any = None

        self.toolbar = DayToolBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.totals = TotalsBar(self)
        self.plan_label = QLabel(self)
        self.plan_label.setObjectName("planLabel")
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        self.presence_label = PresenceLabel(self)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("userLabel")
        status.addWidget(self.totals, 1)
        status.addPermanentWidget(self.presence_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.plan_label)

        self._build_actions()
        self._build_menus()
        self._restore_settings()
        self._connect_signals()
        self._apply_role()
        self._update_title()
        self._update_placeholder()

    # -- construction -------------------------------------------------------------

    def _add_dock(
        self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea
    ) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState() finds docks by object name
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_actions(self) -> None:
        stack = self.document.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(icon("undo"))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)]
        )
        self.redo_action.setIcon(icon("redo"))
        self.quit_action = QAction(icon("quit"), "&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_action = QAction(icon("search"), "&Find orders…", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.about_action = QAction(icon("about"), f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt_action = QAction("About &Qt", self)
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.reset_layout_action = QAction("Reset &layout", self)
        self.optimize_action = QAction(icon("optimize"), "&Optimize…", self)
        self.optimize_action.setShortcut(QKeySequence("Ctrl+R"))
        self.optimize_action.setToolTip(_ACTION_TIPS[Action.OPTIMIZE])
        self.dispatch_action = QAction(icon("dispatch"), "&Dispatch…", self)
        self.dispatch_action.setShortcut(QKeySequence("Ctrl+D"))
        self.dispatch_action.setToolTip(_ACTION_TIPS[Action.DISPATCH])
        self.history_action = QAction(icon("search"), "&History…", self)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setToolTip(
            "Who changed what and when: the selected order, else the day shown"
        )
        self.open_shared_action = QAction("Open &shared database…", self)
        self.open_shared_action.setToolTip(
            "Work on a PostgreSQL database together with other dispatchers"
        )
        self.toolbar.insert_edit_actions(
            self.undo_action,
            self.redo_action,
            self.optimize_action,
            self.dispatch_action,
        )
        for action in (self.undo_action, self.redo_action):
            button = self.toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                # The full command text ("Undo Move 3 stops…") stays in the tooltip.
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_shared_action)
        file_menu.addAction(self.toolbar.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.history_action)

        plan_menu = bar.addMenu("&Plan")
        plan_menu.addAction(self.optimize_action)
        plan_menu.addAction(self.dispatch_action)

        go_menu = bar.addMenu("&Go")
        go_menu.addAction(self.toolbar.previous_action)
        go_menu.addAction(self.toolbar.next_action)
        go_menu.addAction(self.toolbar.today_action)
        go_menu.addSeparator()
        go_menu.addAction(self.find_action)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.table_dock.toggleViewAction())
        if self.map_dock is not None:
            view_menu.addAction(self.map_dock.toggleViewAction())
        view_menu.addAction(self.dispatch_dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.about_qt_action)

    def _connect_signals(self) -> None:
        doc = self.document
        doc.sig_reloaded.connect(self._on_document_reloaded)
        doc.sig_plan_changed.connect(self._on_document_plan_changed)
        doc.sig_error.connect(self._on_document_error)

        doc.sig_remote_applied.connect(self._on_document_remote_applied)
        doc.sig_dispatched.connect(self._on_document_dispatched)
        self.model.sig_edit_requested.connect(doc.request_order_edit)
        self.model.sig_edit_rejected.connect(self.show_error)
        self.optimize_action.triggered.connect(self.open_optimize)
        self.dispatch_action.triggered.connect(self.open_dispatch)
        self.dispatch_panel.sig_dispatch_requested.connect(self.open_dispatch)
        self.board.sig_move_requested.connect(doc.request_move)
        self.board.sig_lock_requested.connect(doc.request_lock)
        self.board.sig_route_lock_requested.connect(doc.request_route_lock)
        if self.map_view is not None:
            self.map_view.sig_assign_requested.connect(self._on_map_assign_requested)
            self.map_view.sig_location_change_requested.connect(
                self.sig_customer_move_requested
            )

        self.table.sig_selection_changed.connect(self._on_table_selection_changed)
        self.selection.sig_selection_changed.connect(self._on_selection_changed)
        self.selection.sig_focus_requested.connect(self._on_selection_focus)

        self.toolbar.sig_date_changed.connect(self._on_toolbar_date_changed)
        self.toolbar.sig_refresh_requested.connect(self.reload)
        self.toolbar.sig_search_changed.connect(self._on_toolbar_search_changed)
        self.toolbar.sig_filter_changed.connect(self._on_toolbar_filter_changed)
        self.open_shared_action.triggered.connect(self.open_shared_database)
        self.history_action.triggered.connect(self.open_history)
        if self.live is not None:
            live = self.live
            live.sig_changes_arrived.connect(doc.apply_remote)
            live.sig_connection_changed.connect(self._on_live_connection_changed)
            live.sig_presence_changed.connect(self._on_live_presence_changed)
            live.sig_last_changes_changed.connect(self._on_live_last_changes_changed)
        self.quit_action.triggered.connect(self.close)
        self.find_action.triggered.connect(self.toolbar.focus_search)
        self.about_action.triggered.connect(self.show_about)
        self.about_qt_action.triggered.connect(QApplication.aboutQt)
        self.reset_layout_action.triggered.connect(self.reset_layout)
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
        return self.document.date if self.document.is_open else None

    def day_view(self) -> DayView | None:
        """What is shown, or None before the first load."""
        return self.document.view if self.document.is_open else None

    def source_name(self) -> str:
        """The name of the database shown in the title."""
        return self._source_name

    def rights(self) -> EditRights:
        """What the signed-in role may change on the day shown."""
        return self._rights

    def show_day(self, day: dt.date) -> bool:
        """Load and show ``day``; True if it loaded (else the old day stays)."""
        self.toolbar.set_date(day, notify=False)
        return self._load(day)

    def reload(self) -> bool:
        """Load the shown date again (after changes made elsewhere)."""
        return self._load(self.toolbar.date())

    def reset_layout(self) -> None:
        """Put the docks back where a first start puts them."""
        for dock, area in (
            (self.table_dock, Qt.DockWidgetArea.BottomDockWidgetArea),
            (self.map_dock, Qt.DockWidgetArea.RightDockWidgetArea),
            (self.dispatch_dock, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            if dock is None:
                continue
            # Docks already in place stay: re-adding a tabbed dock leaves its
            # old tab bar drawn where the dock area used to end.
            if dock.isFloating() or self.dockWidgetArea(dock) != area:
                dock.setFloating(False)
                self.addDockWidget(area, dock)
            dock.show()
        if self.map_dock is not None:
            if self.dispatch_dock not in self.tabifiedDockWidgets(self.map_dock):
                self.tabifyDockWidget(self.map_dock, self.dispatch_dock)
            self.map_dock.raise_()
        self._apply_default_dock_sizes()

    def open_optimize(self) -> None:
        """Open the Optimize dialog (one per window) on the day shown."""
        if not self.document.is_open:
            return
        self._optimize_dialog = open_optimize_dialog(
            self, self.document, self.selection
        )

    def open_dispatch(self, *_args: Any) -> None:
        """Open the Dispatch confirmation for the day shown."""
        if not self.document.is_open:
            return
        dialog = DispatchDialog(
            self.document.view, self.dispatch_panel.snapshot(), self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_dispatch_requested.connect(self.document.request_dispatch)
        dialog.open()

    def open_shared_database(self) -> ConnectionDialog:
        """Ask which shared database to open (not blocking); returns the dialog."""
        dialog = ConnectionDialog(self._settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_connect_requested.connect(self.sig_open_database_requested)
        dialog.open()
        return dialog

    def open_history(self) -> AuditDialog:
        """Open the history of the one selected order, else of the day shown."""
        selected = self.selection.ids
        entity, entity_id = (
            ("order", str(next(iter(selected)))) if len(selected) == 1 else (None, None)
        )
        dialog = AuditDialog(
            self.document.uow_factory,
            day=None if entity else self.day(),
            entity=entity,
            entity_id=entity_id,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

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
        self.statusBar().showMessage(message, 10_000)
        return self._open_message(QMessageBox.Icon.Warning, APP_NAME, message)

    def save_settings(self) -> None:
        """Remember the window's geometry, layout, table columns and filter."""
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(_STATE_KEY, self.saveState())
        self._settings.setValue(_TABLE_KEY, self.table.save_state())
        self._settings.setValue(_FILTER_KEY, self.proxy.order_filter().key)
        self.table_panel.filter_bar.save_settings(self._settings)
        self._settings.beginGroup(_BOARD_PREFIX)
        self.board.save_settings(self._settings)
        self._settings.endGroup()
        self._settings.sync()

    # -- Qt overrides ------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the layout and release the map's browser page before closing."""
        self.save_settings()
        if self.live is not None:
            self.live.stop()
        if self._optimize_dialog is not None:
            self._optimize_dialog.shutdown()
        if self.map_view is not None:
            self.map_view.dispose()
        super().closeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        """Keep the empty-table message centred."""
        super().resizeEvent(event)
        self._place_placeholder()

    # -- internals ---------------------------------------------------------------

    def _load(self, day: dt.date) -> bool:
        started = time.perf_counter()
        try:
            self.document.open(day)
        except DispatcherError as exc:
            log.warning("Loading %s failed: %s", day, exc)
            if self.document.is_open:
                self.toolbar.set_date(self.document.date, notify=False)
            self.show_error(str(exc))
            self.sig_load_failed.emit(str(exc))
            return False
        log.debug("Loaded %s in %.1f ms", day, 1000 * (time.perf_counter() - started))
        return True

    def _apply_role(self) -> None:
        """Disable what the signed-in role may not do and say who is signed in."""
        self._apply_rights()
        may_edit = allowed(self.role, Action.EDIT_PLAN) or allowed(
            self.role, Action.ASSIGN
        )
        self.undo_action.setVisible(may_edit)
        self.redo_action.setVisible(may_edit)
        read_only = not (may_edit or allowed(self.role, Action.EDIT_ORDER))
        who = self.login or "you"
        self.user_label.setText(
            f"{who} · {self.role.value}" + (" (read only)" if read_only else "")
        )
        self.user_label.setToolTip(
            "The role decides what you may change; the database checks it on "
            "every edit."
        )

    def _set_dispatched(self, dispatched: bool) -> None:
        """The day shown is (not) dispatched: offer what the role may do then."""
        if dispatched != self._rights.dispatched:
            self._rights = EditRights(self.role, dispatched)
            self._apply_rights()

    def _apply_rights(self) -> None:
        """Hand ``rights()`` to every view; disabled actions say why."""
        rights = self._rights
        for action, needs in (
            (self.optimize_action, Action.OPTIMIZE),
            (self.dispatch_action, Action.DISPATCH),
        ):
            refusal = rights.refusal(needs)
            action.setEnabled(not refusal)
            action.setToolTip(refusal or _ACTION_TIPS[needs])
        self.dispatch_panel.set_dispatch_refusal(rights.refusal(Action.DISPATCH))
        self.board.set_rights(rights)
        self.model.set_rights(rights)
        if self.map_view is not None:
            self.map_view.set_rights(rights)

    def _show_totals(self, view: DayView) -> None:
        self.totals.set_totals(view.totals)
        self.plan_label.setText(f"Plan version {view.plan_version}")

    def _restore_settings(self) -> None:
        geometry = self._settings.value(_GEOMETRY_KEY, QByteArray())
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._apply_default_geometry()
        state = self._settings.value(_STATE_KEY, QByteArray())
        if not (
            isinstance(state, QByteArray)
            and not state.isEmpty()
            and self.restoreState(state)
        ):
            self.reset_layout()
        header = self._settings.value(_TABLE_KEY, QByteArray())
        if isinstance(header, QByteArray):
            self.table.restore_state(header)
        key = self._settings.value(_FILTER_KEY, "")
        order_filter = filter_by_key(key if isinstance(key, str) else "")
        self.toolbar.set_order_filter(order_filter)
        self.proxy.set_order_filter(order_filter)
        self.table_panel.filter_bar.restore_settings(self._settings)
        self._settings.beginGroup(_BOARD_PREFIX)
        self.board.restore_settings(self._settings)
        self._settings.endGroup()

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

    def _apply_default_dock_sizes(self) -> None:
        """First start: the map a third of the width, the table 38 % of the height."""
        width, height = self.width(), self.height()
        if self.map_dock is not None:
            self.resizeDocks(
                [self.map_dock], [int(width * 0.35)], Qt.Orientation.Horizontal
            )
        self.resizeDocks(
            [self.table_dock], [int(height * 0.38)], Qt.Orientation.Vertical
        )

    def _update_title(self) -> None:
        parts = [APP_NAME, self._source_name]
        if self.document.is_open:
            parts.append(format_day(self.document.date))
        self.setWindowTitle(" — ".join(parts))

    def _update_placeholder(self, *_args: Any) -> None:
        if self.proxy.rowCount() > 0:
            self.placeholder.hide()
            return
        if not self.document.is_open:
            text = "No day loaded."
        elif self.model.rowCount() == 0:
            text = f"No orders on {format_day(self.document.date)}."
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

    def _select_table_rows(self, order_ids: frozenset[OrderId]) -> None:
        """Select exactly ``order_ids`` in the table, scrolled to the first."""
        selection = QItemSelection()
        first = None
        last_column = self.proxy.columnCount() - 1
        for oid in order_ids:
            row = self.model.row_of(oid)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if not index.isValid():
                continue  # filtered out
            selection.select(index, index.siblingAtColumn(last_column))
            if first is None or index.row() < first.row():
                first = index
        model = self.table.selectionModel()
        # The table must not echo this back: it may show only some of the orders.
        with QSignalBlocker(self.table):
            model.select(
                selection,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        if first is not None:
            self.table.scrollTo(first)

    # -- handlers ----------------------------------------------------------------

    def _on_document_reloaded(self, view: DayView) -> None:
        self.model.set_lines(view.lines)
        self.board_model.set_day(view)
        if view.date != self._last_changes_day:
            self.board_model.set_last_changes({})  # the feed reads the new day's
        if self.map_view is not None:
            self.map_view.set_day(view)
        self.selection.retain(view.line_index)
        snapshot = self.document.last_dispatch()
        self._set_dispatched(snapshot is not None)
        self.dispatch_panel.set_day(view, snapshot)
        self._show_totals(view)
        self._update_title()
        self._update_placeholder()
        if self.live is not None:
            self.live.set_plan_date(view.date)
            self.live.start()  # once: presence then names a date from the start
        self.sig_day_loaded.emit(view)

    def _on_document_plan_changed(self, changes: PlanChanges) -> None:
        view = self.document.view
        if changes.reloaded:
            self._on_document_reloaded(view)
            return
        lines = [line for oid in changes.orders if (line := view.line_of(oid))]
        self.model.update_lines(lines)
        self.board_model.refresh(view, changes)
        if self.map_view is not None:
            self.map_view.apply_changes(view, changes)
        self.dispatch_panel.update_view(view)
        self._show_totals(view)

    def _on_document_dispatched(self, snapshot: DispatchSnapshot) -> None:
        self.dispatch_panel.set_snapshot(snapshot)
        self._set_dispatched(True)

    def _on_document_error(self, message: str) -> None:
        self.show_error(message)

    def _on_document_remote_applied(
        self, users: Sequence[str], with_own_edit: bool
    ) -> None:
        who = ", ".join(users) if users else "another window"
        message = (
            f"Saved; the day also shows changes by {who}."
            if with_own_edit
            else f"Updated with changes by {who}."
        )
        self.statusBar().showMessage(message, 10_000)

    @Slot(bool, str)
    def _on_live_connection_changed(self, connected: bool, message: str) -> None:
        if connected:
            self.document.set_connection_lost(None)
            self.banner.show_restored()
        else:
            self.document.set_connection_lost(message)
            self.banner.show_lost(message)

    @Slot(object)
    def _on_live_presence_changed(self, others: Sequence[PresenceEntry]) -> None:
        self.presence_label.set_presence(others, self.day())

    @Slot(object, object)
    def _on_live_last_changes_changed(
        self, day: dt.date, last: Mapping[VehicleId, tuple[str, dt.datetime]]
    ) -> None:
        if day == self.day():
            self._last_changes_day = day
            self.board_model.set_last_changes(last)

    def _on_map_assign_requested(
        self, order_ids: list[OrderId], vehicle_id: Any
    ) -> None:
        self.document.request_move(order_ids, vehicle_id, None)

    def _on_table_selection_changed(self, order_ids: list[OrderId]) -> None:
        self.selection.set(order_ids, source=self.table)

    def _on_selection_changed(
        self, order_ids: frozenset[OrderId], source: object
    ) -> None:
        if source is not self.table:
            self._select_table_rows(order_ids)

    def _on_selection_focus(self, order_id: OrderId) -> None:
        row = self.model.row_of(order_id)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.table.scrollTo(index)

    def _on_message_box_finished(self, _result: int) -> None:
        self._message_box = None

    def _on_toolbar_date_changed(self, day: dt.date) -> None:
        self._load(day)

    def _on_toolbar_search_changed(self, text: str) -> None:
        self.proxy.set_search_text(text)

    def _on_toolbar_filter_changed(self, order_filter: OrderFilter) -> None:
        self.proxy.set_order_filter(order_filter)
