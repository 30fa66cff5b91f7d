"""Sorting, search and the status, route and priority filters of the table's proxy."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from ui.models.order_filter_proxy import OrderFilterProxyModel
from ui.models.order_filters import (
    ALL_ORDERS,
    ALL_PRIORITIES,
    ALL_ROUTES,
    NO_ROUTE,
    ORDER_FILTERS,
    PRIORITY_FILTERS,
    OrderFilter,
    filter_by_key,
    priority_filter_by_key,
    route_filter_by_key,
    vehicle_filter,
    vehicle_name_of,
)
from ui.models.order_table_model import Column, OrderTableModel

if TYPE_CHECKING:
    from dispatcher.day_view import OrderLine


@pytest.fixture
def source(lines: tuple[OrderLine, ...]) -> OrderTableModel:
    """A table model over the hand-made lines."""
    model = OrderTableModel()
    model.set_lines(lines)
    return model


@pytest.fixture
def proxy(source: OrderTableModel) -> OrderFilterProxyModel:
    """The proxy over ``source``, unsorted and unfiltered."""
    model = OrderFilterProxyModel()
    model.setSourceModel(source)
    return model


def references(proxy: OrderFilterProxyModel) -> list[str]:
    """The order references the proxy shows, top to bottom."""
    return [
        proxy.index(row, Column.REFERENCE).data().removesuffix(" (pickup)")
        for row in range(proxy.rowCount())
    ]


def test_proxy_passes_qt_model_tester(
    qtmodeltester, proxy: OrderFilterProxyModel
) -> None:
    """The filtered, sorted proxy honours Qt's item-model contract."""
    proxy.set_search_text("lyon")
    proxy.sort(Column.ETA, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy, force_py=True)


@pytest.mark.parametrize(
    ("column", "order", "expected"),
    [
        # 495 < 561.4 < 565 minutes; the unplanned order has no ETA and stays last.
        (
            Column.ETA,
            Qt.SortOrder.AscendingOrder,
            ["ORD-0100", "ORD-0010", "ORD-0002", "ORD-0001"],
        ),
        (
            Column.ETA,
            Qt.SortOrder.DescendingOrder,
            ["ORD-0002", "ORD-0010", "ORD-0100", "ORD-0001"],
        ),
        # 8.5 < 50 < 120 < 1500 kg (as text "1,500" < "120" < "50" < "8.5").
        (
            Column.KG,
            Qt.SortOrder.AscendingOrder,
            ["ORD-0010", "ORD-0100", "ORD-0002", "ORD-0001"],
        ),
        # 07:00 < 08:00 < 09:00 window starts; ties keep model order.
        (
            Column.WINDOWS,
            Qt.SortOrder.AscendingOrder,
            ["ORD-0001", "ORD-0010", "ORD-0002", "ORD-0100"],
        ),
        # Must < Normal < Optional.
        (
            Column.PRIORITY,
            Qt.SortOrder.AscendingOrder,
            ["ORD-0002", "ORD-0010", "ORD-0100", "ORD-0001"],
        ),
        # Lifecycle: new < planned < delivered.
        (
            Column.STATUS,
            Qt.SortOrder.AscendingOrder,
            ["ORD-0001", "ORD-0002", "ORD-0010", "ORD-0100"],
        ),
        # "van 10" < "van 2" alphabetically; unassigned last.
        (
            Column.VEHICLE,
            Qt.SortOrder.AscendingOrder,
            ["ORD-0010", "ORD-0002", "ORD-0100", "ORD-0001"],
        ),
    ],
)
def test_sort_uses_real_values(
    proxy: OrderFilterProxyModel,
    column: Column,
    order: Qt.SortOrder,
    expected: list[str],
) -> None:
    """Columns sort by time, weight and rank, with empty values at the bottom."""
    proxy.sort(column, order)
    assert references(proxy) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("martin", ["ORD-0002", "ORD-0100"]),
        ("MARTIN", ["ORD-0002", "ORD-0100"]),
        ("foch pharmacie", ["ORD-0010"]),
        ("tail_lift", ["ORD-0010"]),
        ("unassigned", ["ORD-0001"]),
        ("foch martin", []),
        ("   ", ["ORD-0002", "ORD-0010", "ORD-0001", "ORD-0100"]),
    ],
)
def test_search_matches_every_term_in_any_column(
    proxy: OrderFilterProxyModel, search: str, expected: list[str]
) -> None:
    """Search keeps rows containing all words, in any case, in any column."""
    proxy.set_search_text(search)
    assert references(proxy) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("all", ["ORD-0002", "ORD-0010", "ORD-0001", "ORD-0100"]),
        ("open", ["ORD-0002", "ORD-0010", "ORD-0001"]),
        ("unassigned", ["ORD-0001"]),
        ("late", ["ORD-0010"]),
        ("planned", ["ORD-0002", "ORD-0010"]),
        ("delivered", ["ORD-0100"]),
        ("failed", []),
    ],
)
def test_status_filter(
    proxy: OrderFilterProxyModel, key: str, expected: list[str]
) -> None:
    """The status filter keeps only the rows its predicate accepts."""
    proxy.set_order_filter(filter_by_key(key))
    assert references(proxy) == expected


def test_search_and_filter_combine(proxy: OrderFilterProxyModel) -> None:
    """Both conditions must hold; clearing one brings its rows back."""
    proxy.set_order_filter(filter_by_key("open"))
    proxy.set_search_text("martin")
    assert references(proxy) == ["ORD-0002"]
    proxy.set_order_filter(ALL_ORDERS)
    assert references(proxy) == ["ORD-0002", "ORD-0100"]


def test_filter_survives_a_reload(
    source: OrderTableModel, proxy: OrderFilterProxyModel, lines
) -> None:
    """A new day keeps the search and filter the user chose."""
    proxy.set_search_text("martin")
    source.set_lines(lines[:2])
    assert references(proxy) == ["ORD-0002"]
    assert proxy.search_text() == "martin"


def test_filter_keys_are_unique_and_unknown_keys_fall_back() -> None:
    """Saved filter keys map back to one choice; stale ones mean all orders."""
    keys = [f.key for f in ORDER_FILTERS]
    assert len(keys) == len(set(keys))
    assert filter_by_key("late").label == "Late"
    assert filter_by_key("no-such-filter") is ALL_ORDERS


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (ALL_ROUTES, ["ORD-0002", "ORD-0010", "ORD-0001", "ORD-0100"]),
        (NO_ROUTE, ["ORD-0001"]),
        (vehicle_filter("Van 2"), ["ORD-0002", "ORD-0100"]),
        (vehicle_filter("Van 10"), ["ORD-0010"]),
        (vehicle_filter("Van 1"), []),
    ],
)
def test_route_filter(
    proxy: OrderFilterProxyModel, route: OrderFilter, expected: list[str]
) -> None:
    """One vehicle's orders (whole name, not a prefix), or those on no route."""
    proxy.set_route_filter(route)
    assert references(proxy) == expected
    assert proxy.route_filter() == route


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("all", ["ORD-0002", "ORD-0010", "ORD-0001", "ORD-0100"]),
        ("urgent", ["ORD-0002"]),
        ("must", ["ORD-0002"]),
        ("normal", ["ORD-0010", "ORD-0100"]),
        ("optional", ["ORD-0001"]),
        ("high", []),
    ],
)
def test_priority_filter(
    proxy: OrderFilterProxyModel, key: str, expected: list[str]
) -> None:
    """The priority filter keeps one priority, or must and high together."""
    proxy.set_priority_filter(priority_filter_by_key(key))
    assert references(proxy) == expected


def test_route_priority_status_and_search_combine(
    proxy: OrderFilterProxyModel,
) -> None:
    """Every filter and every search term must hold; each can be lifted alone."""
    proxy.set_route_filter(vehicle_filter("Van 2"))
    proxy.set_priority_filter(priority_filter_by_key("normal"))
    assert references(proxy) == ["ORD-0100"]
    proxy.set_search_text("martin")
    assert references(proxy) == ["ORD-0100"]
    proxy.set_order_filter(filter_by_key("open"))
    assert references(proxy) == []
    proxy.set_priority_filter(ALL_PRIORITIES)
    assert references(proxy) == ["ORD-0002"]
    proxy.set_search_text("door code")  # the notes are searchable too
    assert references(proxy) == ["ORD-0002"]
    proxy.set_filters(status=ALL_ORDERS, route=ALL_ROUTES)
    proxy.set_search_text("")
    assert references(proxy) == ["ORD-0002", "ORD-0010", "ORD-0001", "ORD-0100"]


def test_filtered_proxy_passes_qt_model_tester(
    qtmodeltester, proxy: OrderFilterProxyModel
) -> None:
    """With route, priority and search filters on, the proxy is a valid model."""
    proxy.set_filters(
        route=vehicle_filter("Van 2"), priority=priority_filter_by_key("normal")
    )
    proxy.set_search_text("martin")
    proxy.sort(Column.ETA, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy, force_py=True)


def test_the_same_filters_again_refilter_nothing(
    proxy: OrderFilterProxyModel,
) -> None:
    """Filters set together apply at once; setting equal ones again is a no-op."""
    calls: list[str] = []
    van_2 = vehicle_filter("Van 2")

    def counting(line: OrderLine) -> bool:
        calls.append(line.order.reference)
        return van_2.accepts(line)

    proxy.set_filters(
        status=filter_by_key("open"),
        route=OrderFilter(van_2.key, van_2.label, counting),
        priority=priority_filter_by_key("must"),
    )
    assert references(proxy) == ["ORD-0002"]
    assert calls
    calls.clear()
    proxy.set_filters(
        status=filter_by_key("open"),
        route=route_filter_by_key("vehicle:Van 2"),  # equal: same key and label
        priority=priority_filter_by_key("must"),
    )
    assert calls == []
    assert references(proxy) == ["ORD-0002"]


def test_a_moved_order_follows_its_route_filter(
    source: OrderTableModel, proxy: OrderFilterProxyModel, lines
) -> None:
    """An order assigned to the filtered vehicle appears once its line is updated."""
    proxy.set_route_filter(vehicle_filter("Van 10"))
    assert references(proxy) == ["ORD-0010"]
    moved = dataclasses.replace(lines[2], vehicle_name="Van 10", sequence=2, eta=600.0)
    source.update_lines([moved])
    assert references(proxy) == ["ORD-0010", "ORD-0001"]


def test_route_and_priority_keys_round_trip() -> None:
    """Remembered keys map back to equal filters; unknown keys show everything."""
    van = vehicle_filter("Reefer van 01 · WE-128-TF")
    assert route_filter_by_key(van.key) == van
    assert vehicle_name_of(van) == "Reefer van 01 · WE-128-TF"
    assert vehicle_name_of(NO_ROUTE) is None
    assert route_filter_by_key(NO_ROUTE.key) is NO_ROUTE
    assert route_filter_by_key("vehicle:") is ALL_ROUTES
    assert route_filter_by_key("gone") is ALL_ROUTES
    keys = [f.key for f in PRIORITY_FILTERS]
    assert len(keys) == len(set(keys))
    assert priority_filter_by_key("high").label == "High"
    assert priority_filter_by_key("gone") is ALL_PRIORITIES
