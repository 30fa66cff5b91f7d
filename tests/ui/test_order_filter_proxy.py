"""Sorting, search and the status filter of the order table's proxy model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from ui.models.order_filter_proxy import OrderFilterProxyModel
from ui.models.order_filters import ALL_ORDERS, ORDER_FILTERS, filter_by_key
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
