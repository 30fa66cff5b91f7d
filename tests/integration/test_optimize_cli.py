"""``dispatcher optimize`` on a demo SQLite file: saves, dry runs, reports, refuses."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest

from db.database import open_database
from dispatcher.day_view import load_day
from tests import builders as b
from tests.integration.cli_runner import cli_runner
from ui.cli.gui_command import ensure_demo_database

if TYPE_CHECKING:
    from pathlib import Path

    from tests.integration.cli_runner import Run

DAY = b.DAY.isoformat()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI with only the optimize command registered; (code, out, err)."""
    return cli_runner(monkeypatch, capsys, "optimize_command")


@pytest.fixture
def demo(tmp_path: Path) -> str:
    """A demo database of 40 orders on ``b.DAY`` in a file of this test."""
    return ensure_demo_database(b.DAY, tmp_path, orders_per_day=40, history_days=0)


def stored_routes(url: str) -> dict[int, tuple[int, ...]]:
    """Vehicle id -> order ids of the stored routes of ``b.DAY``."""
    db = open_database(url, actor="tester")
    try:
        view = load_day(db.uow_factory, b.DAY)
    finally:
        db.dispose()
    return {line.vehicle.id: line.route.order_ids for line in view.routes}


def test_optimize_saves_the_routes_it_reports(run: Run, demo: str) -> None:
    """--json: the saved plan is the one printed, with change rows by the user."""
    before = stored_routes(demo)
    code, out, _ = run(
        "optimize", "--db", demo, "--date", DAY, "--time-limit", "1", "--json"
    )
    assert code == 0
    report = json.loads(out)
    assert report["saved"] is True
    assert report["date"] == DAY
    assert report["status"] == "solved"
    assert len(report["unassigned"]) <= report["after"]["unassigned"]
    assert all(u["reason"] for u in report["unassigned"])
    stored = stored_routes(demo)
    assert stored != before
    for route in report["routes"]:
        assert stored[route["vehicle_id"]] == tuple(route["order_ids"])
    assert sum(r["km"] for r in report["routes"]) == pytest.approx(
        report["after"]["km"], abs=0.01
    )
    db = open_database(demo, actor="tester")
    try:
        with db.uow_factory() as uow:
            plan = uow.plans.get(b.DAY)
            changes = [
                c for c in uow.changes.since(0, limit=100_000) if c.entity == "route"
            ]
    finally:
        db.dispose()
    assert plan.version == report["plan_version"]
    assert any(c.plan_date == b.DAY for c in changes)


def test_dry_run_prints_and_saves_nothing(run: Run, demo: str) -> None:
    """--dry-run: the text summary shows totals and the database is untouched."""
    before = stored_routes(demo)
    code, out, _ = run(
        "optimize", "--db", demo, "--date", DAY, "--time-limit", "1", "--dry-run"
    )
    assert code == 0
    assert "dry run, nothing saved" in out
    assert "Total:" in out
    assert "Stops moved:" in out
    assert stored_routes(demo) == before


def test_a_day_without_orders_is_refused_in_one_sentence(run: Run, demo: str) -> None:
    """A date with no open orders exits 2 and says there is nothing to optimize."""
    empty = (b.DAY + dt.timedelta(days=30)).isoformat()
    code, out, err = run("optimize", "--db", demo, "--date", empty)
    assert code == 2
    assert out == ""
    assert "nothing to optimize" in err


def test_a_malformed_date_is_refused(
    run: Run, demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--date 24/11/2026 stops argparse with a message naming the expected form."""
    with pytest.raises(SystemExit) as exit_info:
        run("optimize", "--db", demo, "--date", "24/11/2026")
    assert exit_info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_a_plan_serving_fewer_orders_is_not_saved(
    run: Run, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine result that unplans the day is shown, not saved, and exits 1."""
    from dispatcher.optimize.solution import make_solution
    from ui.cli import optimize_command

    monkeypatch.setattr(
        optimize_command,
        "solve_in_subprocess",
        lambda problem, params, on_progress: make_solution(problem, {}),
    )
    before = stored_routes(demo)
    code, out, err = run("optimize", "--db", demo, "--date", DAY, "--time-limit", "1")
    assert code == 1
    assert "NOT saved" in out
    assert "nothing was saved" in err
    assert stored_routes(demo) == before
