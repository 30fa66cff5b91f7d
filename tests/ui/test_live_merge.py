"""A window's edit saved on top of another user's save, on both backends.

Anna and Ben have the same day open (read at version 1). Anna changes Van 3,
then Ben changes Van 2 in his window: his edit is stored on top of hers, and
his window shows both without reading the day again; the feed's rows then find
nothing to apply twice, and Ben's undo takes back his route only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.database import open_database
from dispatcher import plan_edits
from dispatcher.day_view import load_day
from dispatcher.model import OrderStatus
from tests import builders as b
from tests.integration.conftest import (  # fixtures
    db_url,  # noqa: F401
    pg_schema_url,  # noqa: F401
)
from tests.integration.team import team_day
from ui.document import PlanDocument

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _routes(document: PlanDocument) -> dict[int, tuple[int, ...]]:
    return {line.vehicle.id: line.route.order_ids for line in document.view.routes}


def test_an_edit_over_another_users_save_shows_both(
    qtbot: QtBot,
    db_url: str,  # noqa: F811
) -> None:
    stored = open_database(db_url, actor="tester")
    day = team_day(stored)
    anna, ben = (open_database(db_url, actor=who) for who in ("anna", "ben"))
    try:
        van1, van2, van3 = day.vans
        o = day.orders
        window = PlanDocument(ben.uow_factory)
        window.open(b.DAY)
        assert window.plan_version == 1
        plan_edits.move_orders(anna.uow_factory, b.DAY, 1, [o[4]], van3, None)

        with (
            qtbot.assertNotEmitted(window.sig_error),
            qtbot.assertNotEmitted(window.sig_reloaded),
            qtbot.waitSignal(window.sig_plan_changed) as changed,
            qtbot.waitSignal(window.sig_remote_applied) as remote,
        ):
            window.request_move([o[5]], van2, 0)

        assert remote.args == [("anna",), True]
        assert changed.args[0].vehicles == {van2, van3}
        assert _routes(window) == {
            van1: (o[0], o[1], o[2]),
            van2: (o[5], o[3]),
            van3: (o[4],),
        }
        fresh = load_day(ben.uow_factory, b.DAY)
        assert window.plan_version == fresh.plan_version == 3
        assert window.view.routes == fresh.routes
        assert window.view.lines == fresh.lines
        line = window.view.line_of(o[4])
        assert line is not None
        assert line.order.status is OrderStatus.PLANNED  # Anna's, shown
        assert window.undo_stack.count() == 1

        with ben.uow_factory() as uow:
            rows = uow.changes.since(0)
        with qtbot.assertNotEmitted(window.sig_plan_changed):
            assert not window.apply_remote(rows)
        assert window.undo_stack.count() == 1

        window.undo_stack.undo()
        assert _routes(window) == {
            van1: (o[0], o[1], o[2]),
            van2: (o[3],),
            van3: (o[4],),
        }
        assert window.view.lines == load_day(ben.uow_factory, b.DAY).lines
    finally:
        for database in (anna, ben, stored):
            database.dispose()
