"""The docks' default layout: Reset layout may be used any number of times."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QTabBar

from tests import builders as b
from ui import app as ui_app

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from db.database import Database


@pytest.mark.webengine
def test_demo_window_laid_out_again_has_one_tab_bar_under_the_map(
    qtbot, demo_database: Database, settings: QSettings
) -> None:
    """Map and changes stay tabbed, their one tab bar under the map, none elsewhere."""
    window = ui_app.build_main_window(demo_database, settings=settings)
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    window.reset_layout()
    window.show_day(b.DAY)
    window.reset_layout()
    qtbot.wait(50)

    assert window.map_dock is not None
    assert window.dispatch_dock in window.tabifiedDockWidgets(window.map_dock)
    bars = [bar for bar in window.findChildren(QTabBar) if bar.isVisible()]
    assert len(bars) == 1
    map_bottom = window.map_dock.geometry().bottom()
    assert map_bottom <= bars[0].geometry().top() <= map_bottom + 4
    window.close()
