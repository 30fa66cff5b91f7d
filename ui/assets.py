"""Where the application's resources (icons, style sheets) live, and loading them.

Every path under ``resources/`` is resolved here, so no other module needs to
know how the files are laid out or shipped.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"
"""The ``resources/`` folder beside the ``ui`` package."""


def resource_path(*parts: str) -> Path:
    """The path of a file under ``resources/``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (a packaging mistake, not a user error).
    """
    path = RESOURCES_DIR.joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(
            f"resource {'/'.join(parts)} is missing from {RESOURCES_DIR}"
        )
    return path


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` (cached; needs a QGuiApplication)."""
    return QIcon(str(resource_path("icons", f"{name}.svg")))


def stylesheet(name: str = "app") -> str:
    """The text of the style sheet ``resources/styles/<name>.qss``."""
    return resource_path("styles", f"{name}.qss").read_text(encoding="utf-8")
