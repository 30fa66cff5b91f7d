"""File → Open shared database…: which PostgreSQL database to work in.

The dialog asks for host, port, database and user, offers the connections
used before (kept in QSettings), and emits the SQLAlchemy URL. It never asks
for or stores a password: PostgreSQL's client library finds it in
``~/.pgpass``, a service file or ``PGPASSWORD``, as every other PostgreSQL
tool does, so no secret ever lands in the settings file.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

RECENT_KEY = "connections/recent"
"""QSettings key of the recent connections (URLs without passwords)."""

MAX_RECENT = 8
DEFAULT_PORT = 5432
SCHEME = "postgresql+psycopg"

PASSWORD_NOTE = (
    "Dispatcher never stores passwords. PostgreSQL finds yours in ~/.pgpass "
    "(%APPDATA%\\postgresql\\pgpass.conf on Windows), in a service file, or in "
    "the PGPASSWORD environment variable."
)


def build_url(host: str, port: int, database: str, user: str) -> str:
    """The SQLAlchemy URL of a PostgreSQL database (never with a password)."""
    host = host.strip()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    who = f"{quote(user.strip(), safe='')}@" if user.strip() else ""
    where = f"{host}:{port}" if port != DEFAULT_PORT else host
    return f"{SCHEME}://{who}{where}/{quote(database.strip(), safe='')}"


def without_password(url: str) -> str:
    """``url`` with any password taken out (recent connections never keep one)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username}@" if parts.username else ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"{user}{host}{port}").geturl()


def split_url(url: str) -> tuple[str, int, str, str]:
    """Host, port, database and user of a PostgreSQL URL (for the form)."""
    parts = urlsplit(url)
    return (
        parts.hostname or "",
        parts.port or DEFAULT_PORT,
        unquote(parts.path.lstrip("/")),
        unquote(parts.username or ""),
    )


def recent_connections(settings: QSettings) -> list[str]:
    """The URLs of the shared databases opened before, newest first."""
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings returns a lone entry as a string
        value = [value]
    urls = [str(v) for v in value] if isinstance(value, list) else []
    return [u for u in urls if u.startswith(("postgres", SCHEME))]


def remember_connection(settings: QSettings, url: str) -> None:
    """Put ``url`` (password removed) first in the recent connections."""
    clean = without_password(url)
    recent = [clean, *(u for u in recent_connections(settings) if u != clean)]
    settings.setValue(RECENT_KEY, recent[:MAX_RECENT])
    settings.sync()


class ConnectionDialog(QDialog):
    """Asks which shared PostgreSQL database to open.

    Parameters
    ----------
    settings
        Where recent connections are kept.
    """

    sig_connect_requested = Signal(str)
    """The user chose a database.

    Parameters
    ----------
    url : str
        Its SQLAlchemy URL, without a password.
    """

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setWindowTitle("Open shared database")
        self._settings = settings

        self.recent = QListWidget(self)
        self.recent.setObjectName("recentConnections")
        for url in recent_connections(settings):
            item = QListWidgetItem(url.replace(f"{SCHEME}://", ""), self.recent)
            item.setData(Qt.ItemDataRole.UserRole, url)
            item.setToolTip(url)
        self.recent.setMaximumHeight(
            min(120, 8 + self.recent.sizeHintForRow(0) * max(2, self.recent.count()))
        )
        self.recent.currentItemChanged.connect(self._on_recent_changed)
        self.recent.itemDoubleClicked.connect(self.accept)

        self.host = QLineEdit("localhost", self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setMaximumWidth(110)
        self.database = QLineEdit(self)
        self.database.setPlaceholderText("dispatch")
        self.user = QLineEdit(_login(), self)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._update)
        self.port.valueChanged.connect(self._update)

        self.preview = QLabel(self)
        self.preview.setObjectName("connectionPreview")
        self.preview.setStyleSheet("color: #52606d;")
        self.preview.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        form = QFormLayout()
        form.addRow("&Host:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("URL:", self.preview)

        note = QLabel(PASSWORD_NOTE, self)
        note.setObjectName("passwordNote")
        note.setWordWrap(True)
        note.setStyleSheet("color: #52606d;")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open
            | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        if self.recent.count():
            layout.addWidget(QLabel("Recent connections:", self))
            layout.addWidget(self.recent)
        else:
            self.recent.hide()
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())
        if self.recent.count():
            self.recent.setCurrentRow(0)
        self._update()

    def url(self) -> str:
        """The URL the form describes."""
        return build_url(
            self.host.text(),
            self.port.value(),
            self.database.text(),
            self.user.text(),
        )

    def accept(self) -> None:
        """Remember the connection, emit it and close."""
        if not self._complete():
            return
        url = self.url()
        remember_connection(self._settings, url)
        super().accept()
        self.sig_connect_requested.emit(url)

    def _complete(self) -> bool:
        return bool(self.host.text().strip() and self.database.text().strip())

    def _update(self, *_args: object) -> None:
        self.preview.setText(self.url() if self._complete() else "")
        button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        button.setEnabled(self._complete())

    def _on_recent_changed(self, item: QListWidgetItem | None, *_args: object) -> None:
        if item is None:
            return
        host, port, database, user = split_url(str(item.data(Qt.ItemDataRole.UserRole)))
        self.host.setText(host)
        self.port.setValue(port)
        self.database.setText(database)
        self.user.setText(user)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name on this system
        return ""
