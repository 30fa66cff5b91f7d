"""Custom item-data roles shared by Dispatcher's Qt models and views.

Views and proxies ask models for these instead of parsing display text, so a
sort by time sorts by minutes and a filter sees the real status.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt

_USER: Final = int(Qt.ItemDataRole.UserRole)

IdRole: Final = _USER + 1
"""The id of the entity behind a row (e.g. an ``OrderId``), on every column."""

SortRole: Final = _USER + 2
"""A Python value that sorts the column correctly (numbers, minutes, ranks).

None means "no value" and sorts after every value in ascending order.
"""

LineRole: Final = _USER + 3
"""The whole immutable row value (e.g. an ``OrderLine``), on every column."""

BadgeRole: Final = _USER + 4
"""A ``Badge`` to paint as a coloured pill instead of plain text, or None."""

SearchRole: Final = _USER + 5
"""Lower-case text of the whole row that free-text search matches against."""
