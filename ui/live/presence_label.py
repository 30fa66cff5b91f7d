"""The status-bar note of who else has Dispatcher open, and on which date.

"anna, bob on this day · 1 elsewhere", with every window (login, machine,
date) in the tooltip. Nothing shows when the user is alone.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from ui.live.feed_thread import PresenceEntry


def presence_text(others: Sequence[PresenceEntry], day: dt.date | None) -> str:
    """The one-line summary of the other windows ('' when there are none)."""
    here = sorted({p.login for p in others if day is not None and p.plan_date == day})
    elsewhere = {p.login for p in others} - set(here)
    parts = []
    if here:
        parts.append(f"{', '.join(here)} on this day")
    if elsewhere and here:
        parts.append(f"{len(elsewhere)} more on other days")
    elif elsewhere:
        parts.append(f"{', '.join(sorted(elsewhere))} on other days")
    return " · ".join(parts)


def presence_tooltip(others: Sequence[PresenceEntry]) -> str:
    """Every other window: who, on which machine, which date."""
    rows = "".join(
        "<tr><td><b>{}</b></td><td>{}</td><td>{}</td></tr>".format(
            html.escape(p.login),
            html.escape(p.host),
            f"{p.plan_date:%a %d %b}" if p.plan_date else "no day open",
        )
        for p in sorted(others, key=lambda p: (p.login, p.host))
    )
    return f"<p>Also working now:</p><table cellspacing='6'>{rows}</table>"


class PresenceLabel(QLabel):
    """Who else works in this database; hidden when nobody does."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presenceLabel")
        self.setStyleSheet("QLabel#presenceLabel { color: #0b5c99; padding: 0 8px; }")
        self.hide()

    def set_presence(
        self, others: Sequence[PresenceEntry], day: dt.date | None
    ) -> None:
        """Show the other windows, relative to the date this window shows."""
        summary = presence_text(others, day)
        self.setVisible(bool(summary))
        self.setText(f"● {summary}" if summary else "")
        self.setToolTip(presence_tooltip(others) if others else "")
