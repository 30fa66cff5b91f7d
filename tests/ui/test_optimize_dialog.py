"""The Optimize dialog on a small demo day: run, preview, apply, refuse stale plans."""

from __future__ import annotations

import multiprocessing
from typing import TYPE_CHECKING

import pytest

from db.database import open_database
from dispatcher.day_view import load_day
from tests import builders as b
from tests.ui.fake_solver import FakeStarter, empty_solver
from ui.cli.gui_command import ensure_demo_database
from ui.document import PlanDocument
from ui.selection import OrderSelection
from ui.views.optimize_dialog import (
    STALE_MESSAGE,
    OptimizeDialog,
    Page,
    Scope,
    open_optimize_dialog,
)
from ui.workers import OptimizationRunner

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from db.database import Database
    from dispatcher.model import OrderId


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A demo day of 40 orders in a SQLite file of this test only."""
    url = ensure_demo_database(b.DAY, tmp_path, orders_per_day=40, history_days=0)
    db = open_database(url, actor="tester")
    yield db
    db.dispose()


@pytest.fixture
def document(qtbot: QtBot, database: Database) -> PlanDocument:
    """The demo day open in a plan document."""
    doc = PlanDocument(database.uow_factory)
    doc.open(b.DAY)
    return doc


@pytest.fixture
def selection() -> OrderSelection:
    """An empty shared selection."""
    return OrderSelection()


@pytest.fixture
def starter() -> FakeStarter:
    """Fake searches that put every order on one vehicle."""
    return FakeStarter()


@pytest.fixture
def fake_dialog(
    qtbot: QtBot,
    document: PlanDocument,
    selection: OrderSelection,
    starter: FakeStarter,
) -> OptimizeDialog:
    """A dialog whose runner uses the fake solver (every order on one vehicle)."""
    runner = OptimizationRunner(start=starter, progress_interval=0.05)
    dialog = OptimizeDialog(document, selection, runner=runner)
    qtbot.addWidget(dialog)
    dialog.time_limit.setValue(1)
    return dialog


def run_to_preview(qtbot: QtBot, dialog: OptimizeDialog) -> None:
    """Start the dialog's run and wait for its preview."""
    with qtbot.waitSignal(dialog.runner.sig_finished, timeout=60_000):
        assert dialog.start()
        assert dialog.page is Page.RUNNING
    assert dialog.page is Page.PREVIEW


def planned_id(document: PlanDocument) -> OrderId:
    """The first stop of the first route with stops (an edit can unassign it)."""
    return next(
        line.route.stops[0].order_id
        for line in document.view.routes
        if line.route.stops
    )


def test_a_real_run_previews_and_applies_as_one_undo_step(
    qtbot: QtBot, document: PlanDocument, selection: OrderSelection, database: Database
) -> None:
    """Optimize the demo day for a second, apply: the database holds the new routes."""
    dialog = OptimizeDialog(document, selection, workers=1)
    qtbot.addWidget(dialog)
    dialog.time_limit.setValue(1)
    base = document.plan_version
    run_to_preview(qtbot, dialog)
    diff = dialog.diff
    assert diff is not None
    assert diff.changed
    assert dialog.apply_button.isEnabled()
    assert not dialog.stale_banner.isVisible()
    assert dialog.figure_labels[0][0].text() == f"{diff.before.km:,.1f} km"
    assert dialog.figure_labels[0][1].text() == f"{diff.after.km:,.1f} km"

    assert dialog.apply()
    assert document.plan_version > base
    assert document.undo_stack.count() == 1
    assert document.undo_stack.text(0) == "Optimize the day"
    stored = load_day(database.uow_factory, b.DAY)
    routes = {line.vehicle.id: line.route.order_ids for line in stored.routes}
    for vid in diff.vehicles:
        expected = diff.after_view
        after = next(r for r in expected.routes if r.vehicle.id == vid)
        assert routes.get(vid, ()) == after.route.order_ids
    assert stored.totals.km == pytest.approx(diff.after.km)
    assert multiprocessing.active_children() == []

    document.undo_stack.undo()
    restored = load_day(database.uow_factory, b.DAY)
    assert restored.totals.km == pytest.approx(diff.before.km)


def test_an_edit_while_optimizing_makes_the_result_stale(
    qtbot: QtBot, fake_dialog: OptimizeDialog, document: PlanDocument
) -> None:
    """A move saved during the run: the preview says so and Apply changes nothing."""
    with qtbot.waitSignal(fake_dialog.runner.sig_progress, timeout=10_000):
        fake_dialog.start()
    document.request_move([planned_id(document)], None, None)
    edited = document.plan_version
    with qtbot.waitSignal(fake_dialog.runner.sig_finished, timeout=10_000):
        pass
    assert fake_dialog.page is Page.PREVIEW
    assert fake_dialog.is_stale
    assert not fake_dialog.stale_banner.isHidden()
    assert not fake_dialog.apply_button.isEnabled()
    assert not fake_dialog.apply()
    assert document.plan_version == edited
    assert document.undo_stack.count() == 1
    assert "changed while optimizing" in fake_dialog.stale_label.text()


def test_an_edit_during_the_preview_disables_apply(
    qtbot: QtBot, fake_dialog: OptimizeDialog, document: PlanDocument
) -> None:
    """The preview turns stale the moment the plan changes under it."""
    run_to_preview(qtbot, fake_dialog)
    assert fake_dialog.apply_button.isEnabled()
    document.request_move([planned_id(document)], None, None)
    assert not fake_dialog.stale_banner.isHidden()
    assert not fake_dialog.apply_button.isEnabled()
    assert fake_dialog.stale_label.text() == STALE_MESSAGE


def test_a_plan_saved_elsewhere_is_refused_with_the_reason(
    qtbot: QtBot,
    fake_dialog: OptimizeDialog,
    document: PlanDocument,
    database: Database,
) -> None:
    """Another dispatcher saved the day: Apply fails, the banner says why."""
    from dispatcher import plan_edits

    run_to_preview(qtbot, fake_dialog)
    other = document.view
    plan_edits.move_orders(
        database.uow_factory,
        b.DAY,
        other.plan_version,
        [planned_id(document)],
        None,
        None,
    )
    assert not fake_dialog.apply()
    assert not fake_dialog.stale_banner.isHidden()
    assert "changed by someone else" in fake_dialog.stale_label.text()
    assert document.undo_stack.count() == 0


def test_stop_previews_the_best_plan_so_far(
    qtbot: QtBot, fake_dialog: OptimizeDialog
) -> None:
    """Stop & keep best during a long run leads to a preview of a stopped search."""
    fake_dialog.time_limit.setValue(60)
    with qtbot.waitSignal(fake_dialog.runner.sig_progress, timeout=10_000):
        fake_dialog.start()
    assert fake_dialog.stat_values["solutions"].text() != "–"
    with qtbot.waitSignal(fake_dialog.runner.sig_finished, timeout=10_000):
        fake_dialog.stop_button.click()
    assert fake_dialog.page is Page.PREVIEW
    assert fake_dialog.preview_headline.text().startswith("Stopped after")


def test_discard_returns_to_the_setup_page(
    qtbot: QtBot, fake_dialog: OptimizeDialog
) -> None:
    """Discard while running: back to the choices, with a note, nothing kept."""
    fake_dialog.time_limit.setValue(60)
    fake_dialog.start()
    fake_dialog.discard_button.click()
    assert fake_dialog.page is Page.SETUP
    assert not fake_dialog.setup_message.isHidden()
    assert not fake_dialog.runner.is_running
    assert fake_dialog.diff is None


def test_route_scope_follows_the_selection(
    qtbot: QtBot,
    fake_dialog: OptimizeDialog,
    document: PlanDocument,
    selection: OrderSelection,
) -> None:
    """Selecting stops of two routes offers those routes; the run plans only them."""
    routes = [line for line in document.view.routes if line.route.stops][:2]
    assert not fake_dialog.scope_buttons.button(Scope.ROUTES).isEnabled()
    selection.set([line.route.stops[0].order_id for line in routes])
    assert fake_dialog.scope_buttons.button(Scope.ROUTES).isEnabled()
    assert "2 routes" in fake_dialog.scope_hints[Scope.ROUTES].text()
    fake_dialog.set_scope(Scope.ROUTES)
    assert fake_dialog.start()
    problem = fake_dialog.problem
    assert problem is not None
    assert {v.key for v in problem.vehicles} == {line.vehicle.id for line in routes}
    assert {j.key for j in problem.jobs} == {
        oid for line in routes for oid in line.route.order_ids
    }


def test_closing_the_dialog_ends_the_run(
    qtbot: QtBot, fake_dialog: OptimizeDialog
) -> None:
    """Closing while running terminates the search and resets to the setup page."""
    fake_dialog.time_limit.setValue(60)
    fake_dialog.start()
    fake_dialog.reject()
    assert not fake_dialog.runner.is_running
    assert fake_dialog.page is Page.SETUP


def test_the_window_gets_one_dialog(
    qtbot: QtBot, document: PlanDocument, selection: OrderSelection
) -> None:
    """Opening twice from the same window shows the same dialog."""
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    first = open_optimize_dialog(window, document, selection)
    assert open_optimize_dialog(window, document, selection) is first
    assert first.isVisible()
    first.reject()


def test_a_plan_serving_fewer_orders_is_flagged(
    qtbot: QtBot,
    fake_dialog: OptimizeDialog,
    document: PlanDocument,
    starter: FakeStarter,
) -> None:
    """A result that unplans the day's orders warns before anyone applies it."""
    starter.solver = empty_solver
    planned = sum(
        1
        for line in document.view.lines
        if line.vehicle_name is not None and line.order.priority != "optional"
    )
    run_to_preview(qtbot, fake_dialog)
    assert not fake_dialog.service_warning.isHidden()
    assert f"{planned} more orders" in fake_dialog.service_warning.text()


def test_a_good_plan_carries_no_service_warning(
    qtbot: QtBot, fake_dialog: OptimizeDialog
) -> None:
    """The fake plan serving every order shows no warning."""
    run_to_preview(qtbot, fake_dialog)
    assert fake_dialog.service_warning.isHidden()
