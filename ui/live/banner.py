"""The banner across the top of the window when the database cannot be reached.

While the connection is lost the banner stays (amber): edits fail and say so,
and the feed keeps retrying in the background. When it is back the banner
turns green for a few seconds, says the day was brought up to date, and hides.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

RESTORED_VISIBLE_MS = 4000
"""How long the "connection restored" note stays."""

_LOST_STYLE = """
QFrame#connectionBanner { background: #fff4d6; border-bottom: 1px solid #e0b44c; }
QFrame#connectionBanner QLabel { color: #5c4100; }
"""
_RESTORED_STYLE = """
QFrame#connectionBanner { background: #e3f4e8; border-bottom: 1px solid #8cc79f; }
QFrame#connectionBanner QLabel { color: #1d5631; }
"""


class ConnectionBanner(QFrame):
    """A one-line banner saying the connection is lost (or just came back)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self._icon = QLabel(self)
        self._icon.setObjectName("connectionBannerIcon")
        self._text = QLabel(self)
        self._text.setObjectName("connectionBannerText")
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(8)
        layout.addWidget(self._icon)
        layout.addWidget(self._text, 1)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.hide)
        self.lost = False
        self.hide()

    def text(self) -> str:
        """What the banner says now."""
        return self._text.text()

    def show_lost(self, reason: str) -> None:
        """Say the database cannot be reached and that nothing is saved meanwhile."""
        self._hide_timer.stop()
        self.lost = True
        self.setStyleSheet(_LOST_STYLE)
        self._icon.setText("⚠")
        self._text.setText(
            "<b>No connection to the database</b> — retrying in the background. "
            "Edits are not saved until the connection is back; what you see may "
            "be out of date."
        )
        self.setToolTip(reason)
        self.show()

    def show_restored(self) -> None:
        """Say the connection is back (then hide after a few seconds)."""
        if not self.lost:
            return
        self.lost = False
        self.setStyleSheet(_RESTORED_STYLE)
        self._icon.setText("✓")
        self._text.setText(
            "<b>Connected again.</b> The day shows everything saved meanwhile."
        )
        self.setToolTip("")
        self.show()
        self._hide_timer.start(RESTORED_VISIBLE_MS)
