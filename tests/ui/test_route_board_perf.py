"""The route board keeps up with a big day: 2,000 orders on 40 vehicles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.benchmarks.bench_route_board import bench, build_demo

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QApplication


@pytest.mark.slow
def test_a_drag_on_a_2000_order_day_repaints_well_under_100_ms(
    qapp: QApplication, tmp_path: Path
) -> None:
    """Re-timing two routes, refreshing their lanes and repainting stays fast."""
    database, day = build_demo(tmp_path / "big.sqlite3", orders=2000, vehicles=40)
    try:
        result = bench(qapp, database, day, repeat=7)
    finally:
        database.dispose()
    print(result)  # the numbers, for `pytest -s`
    assert result["vehicles"] == 40
    assert result["stops"] >= 1900  # (nearly) every order is on a lane
    assert result["refresh"] < 20
    assert result["drag"] < 100
    assert result["set_day"] < 100
