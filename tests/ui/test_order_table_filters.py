"""The filter bar above the order table: route and priority choices, row count.

The bar filters the table's proxy itself; these tests drive its combos with the
proxy's search on, and check the rows, the listed routes, the remembered
settings and the panel that puts the bar above the table.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

from ui.models.order_filter_proxy import OrderFilterProxyModel
from ui.models.order_filters import (
    ALL_PRIORITIES,
    ALL_ROUTES,
    NO_ROUTE,
    priority_filter_by_key,
    vehicle_filter,
)
from ui.models.order_table_model import Column, OrderTableModel
from ui.views.order_filter_bar import OrderFilterBar
from ui.views.order_table import OrderTablePanel, OrderTableView

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dispatcher.day_view import OrderLine

LONG_NAME = "7.5 t reefer 01 · PP-952-CX"


@pytest.fixture
def model(lines: tuple[OrderLine, ...]) -> OrderTableModel:
    """A model over the hand-made lines (Van 2, Van 10 and one unassigned)."""
    table = OrderTableModel()
    table.set_lines(lines)
    return table


@pytest.fixture
def proxy(model: OrderTableModel) -> OrderFilterProxyModel:
    """The table's proxy, sorted by reference (not a child of the model: PySide
    crashes in garbage collection when a proxy is parented to its source)."""
    filtered = OrderFilterProxyModel()
    filtered.setSourceModel(model)
    filtered.sort(Column.REFERENCE)
    return filtered


@pytest.fixture
def bar(qtbot: QtBot, proxy: OrderFilterProxyModel) -> OrderFilterBar:
    """A shown filter bar over ``proxy``."""
    widget = OrderFilterBar(proxy)
    qtbot.addWidget(widget)
    widget.resize(700, widget.sizeHint().height())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def references(proxy: OrderFilterProxyModel) -> list[str]:
    """The order references the proxy shows, top to bottom."""
    return [proxy.index(r, Column.REFERENCE).data() for r in range(proxy.rowCount())]


def items(bar: OrderFilterBar) -> list[str]:
    """The route combo's entries (a separator is empty)."""
    combo = bar.route_combo
    return [combo.itemText(row) for row in range(combo.count())]


def choose(combo, text: str) -> None:
    """Pick an entry of a combo by its text, as a click in its list does."""
    row = combo.findText(text)
    assert row >= 0, text
    combo.setCurrentIndex(row)


def test_routes_listed_are_the_days_routes(bar: OrderFilterBar) -> None:
    """All routes, Unassigned, then the vehicles with orders, in natural order."""
    assert items(bar) == ["All routes", "Unassigned", "", "Van 10", "Van 2"]
    assert bar.route_filter() == ALL_ROUTES
    assert bar.priority_filter() == ALL_PRIORITIES
    assert bar.count_label.text() == "4 orders"


def test_route_priority_and_search_filter_together(
    qtbot: QtBot, bar: OrderFilterBar, proxy: OrderFilterProxyModel
) -> None:
    """Each choice narrows the rows with the search; the count says how many show."""
    with qtbot.waitSignal(bar.sig_filters_changed):
        choose(bar.route_combo, "Van 2")
    assert proxy.route_filter() == vehicle_filter("Van 2")
    assert references(proxy) == ["ORD-0002", "ORD-0100 (pickup)"]
    assert bar.count_label.text() == "2 of 4 orders"
    choose(bar.priority_combo, "Normal")
    assert proxy.priority_filter() == priority_filter_by_key("normal")
    assert references(proxy) == ["ORD-0100 (pickup)"]
    proxy.set_search_text("ord-0002")
    assert references(proxy) == []
    assert bar.count_label.text() == "0 of 4 orders"
    choose(bar.priority_combo, "Urgent")
    assert references(proxy) == ["ORD-0002"]
    choose(bar.route_combo, "Unassigned")
    proxy.set_search_text("")
    assert references(proxy) == []
    choose(bar.priority_combo, "Any priority")
    assert references(proxy) == ["ORD-0001"]


def test_a_vehicle_on_the_road_after_an_edit_is_listed(
    qtbot: QtBot, bar: OrderFilterBar, model: OrderTableModel, lines
) -> None:
    """An order assigned to a new vehicle adds that vehicle once the rows update."""
    moved = dataclasses.replace(lines[2], vehicle_name="Van 7", sequence=1, eta=600.0)
    model.update_lines([moved])
    qtbot.waitUntil(lambda: "Van 7" in items(bar))
    assert bar.vehicle_names() == ("Van 10", "Van 2", "Van 7")


def test_the_chosen_vehicle_stays_when_its_orders_go(
    qtbot: QtBot, bar: OrderFilterBar, model: OrderTableModel, lines
) -> None:
    """A new day without the chosen van keeps the choice (and shows no rows)."""
    choose(bar.route_combo, "Van 10")
    with qtbot.assertNotEmitted(bar.sig_filters_changed):
        model.set_lines([lines[0], lines[3]])
        qtbot.waitUntil(lambda: bar.vehicle_names() == ("Van 2",))
    assert items(bar) == ["All routes", "Unassigned", "", "Van 2", "Van 10"]
    assert bar.route_filter() == vehicle_filter("Van 10")
    assert bar.count_label.text() == "0 of 2 orders"


def test_filters_are_remembered_in_settings(
    qtbot: QtBot, bar: OrderFilterBar, proxy: OrderFilterProxyModel, tmp_path: Path
) -> None:
    """Both choices come back in a new bar, a long vehicle name included."""
    settings = QSettings(str(tmp_path / "filters.ini"), QSettings.Format.IniFormat)
    bar.set_route_filter(vehicle_filter(LONG_NAME))  # not on this day: added
    assert bar.route_combo.currentText() == LONG_NAME
    bar.set_priority_filter(priority_filter_by_key("urgent"))
    bar.save_settings(settings)
    assert settings.value("order_table/route_filter") == f"vehicle:{LONG_NAME}"
    assert settings.value("order_table/priority_filter") == "urgent"

    other_proxy = OrderFilterProxyModel()
    other_proxy.setSourceModel(proxy.sourceModel())
    other = OrderFilterBar(other_proxy)
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.sig_filters_changed):
        other.restore_settings(settings)
    assert other_proxy.route_filter() == vehicle_filter(LONG_NAME)
    assert other_proxy.priority_filter() == priority_filter_by_key("urgent")
    assert other_proxy.rowCount() == 0


def test_unknown_remembered_keys_show_everything(
    bar: OrderFilterBar, proxy: OrderFilterProxyModel, tmp_path: Path
) -> None:
    """Settings from another version fall back to the filters that show all."""
    settings = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    settings.setValue("order_table/route_filter", "depot:north")
    settings.setValue("order_table/priority_filter", 7)
    choose(bar.route_combo, "Unassigned")
    bar.restore_settings(settings)
    assert bar.route_filter() == ALL_ROUTES
    assert proxy.route_filter() == ALL_ROUTES
    assert bar.priority_filter() == ALL_PRIORITIES
    assert NO_ROUTE.label in items(bar)


def test_a_long_vehicle_name_is_elided_and_its_list_is_wide(
    bar: OrderFilterBar,
) -> None:
    """The combo stays compact; the tooltip and the open list show the whole name."""
    name = "Refrigerated box truck 01 with tail-lift · PP-952-CX"
    bar.set_route_filter(vehicle_filter(name))
    combo = bar.route_combo
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox,
        option,
        QStyle.SubControl.SC_ComboBoxEditField,
        combo,
    )
    width = combo.fontMetrics().horizontalAdvance(name)
    assert name in combo.toolTip()
    assert combo.view().minimumWidth() > width
    assert 0 < field.width() < width  # so the paint elides the name
    assert not combo.grab().isNull()


def test_the_panel_puts_the_bar_above_the_table(
    qtbot: QtBot, proxy: OrderFilterProxyModel
) -> None:
    """One widget for the Orders dock: filter bar on top, the table below it."""
    table = OrderTableView()
    table.setModel(proxy)
    panel = OrderTablePanel(table, proxy)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.table is table
    assert panel.filter_bar.geometry().bottom() < table.geometry().top()
    assert table.height() > panel.height() // 2
    choose(panel.filter_bar.priority_combo, "Optional")
    assert table.model().rowCount() == 1
