"""Two sessions edit the same route or order: one wins, the other is told what won.

Run on SQLite and PostgreSQL (``database`` is parametrized over both). Each
session is its own ``Database`` (own engine and connections), as two windows
or two machines would be.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING, Any

import pytest

from db.database import open_database
from dispatcher import conflicts, plan_edits, services
from dispatcher.dispatching import dispatch
from dispatcher.errors import ConcurrencyConflict, StalePlan
from dispatcher.model import OrderStatus, TimeWindow
from tests import builders as b
from tests.integration.team import TeamDay, stored_state, team_day

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from db.database import Database


@pytest.fixture
def day(database: Database, db_url: str) -> Iterator[TeamDay]:
    """The team day; ``as_user`` sessions each get their own engine."""
    stored = team_day(database)
    opened: list[Database] = []

    class Sessions(TeamDay):
        def as_user(self, login: str) -> Any:
            session = open_database(db_url, actor=login)
            opened.append(session)
            return session.uow_factory

    yield Sessions(database, stored.vans, stored.orders, stored.customer)
    for session in opened:
        session.dispose()


def _routes(factory: Any) -> dict[int, tuple[int, ...]]:
    with factory() as uow:
        return {r.vehicle_id: r.order_ids for r in uow.plans.get(b.DAY).routes}


def test_the_second_edit_of_a_route_gets_the_first_in_theirs(day: TeamDay) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    van1, van2 = day.vans[0], day.vans[1]
    o = day.orders
    read = 1  # both screens show plan version 1
    plan_edits.move_orders(anna, b.DAY, read, [o[4]], van2, None)
    before = stored_state(day.database.uow_factory)

    with pytest.raises(StalePlan) as caught:
        plan_edits.move_orders(ben, b.DAY, read, [o[2]], van2, 0)

    conflict = caught.value
    assert stored_state(day.database.uow_factory) == before  # nothing half-applied
    assert [(c.user, c.entity) for c in conflict.theirs] == [("anna", "route")]
    message = str(conflict)
    assert "anna changed the route of Van 2 at " in message
    assert "(ORD-4 added)" in message
    assert message.endswith("reload it and make your change again.")
    # Anna's move is kept; Ben reloads (version 2) and his move goes through.
    assert _routes(anna)[van2] == (o[3], o[4])
    plan_edits.move_orders(ben, b.DAY, read + 1, [o[2]], van2, 0)
    assert _routes(ben) == {van1: (o[0], o[1]), van2: (o[2], o[3], o[4])}


def test_the_second_edit_of_an_order_gets_the_first_in_theirs(day: TeamDay) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    with anna() as uow:
        order = uow.orders.get(day.orders[4])  # both open it at the same version
    services.update_order(
        anna, dataclasses.replace(order, windows=(TimeWindow(600, 660),))
    )

    with pytest.raises(ConcurrencyConflict) as caught:
        services.update_order(ben, dataclasses.replace(order, notes="ring twice"))

    assert [(c.user, c.entity_id) for c in caught.value.theirs] == [
        ("anna", str(order.id))
    ]
    assert "anna changed order ORD-4 at " in str(caught.value)
    assert "(window 09:00–12:00 → 10:00–11:00)" in str(caught.value)
    with ben() as uow:
        stored = uow.orders.get(order.id)
    assert stored.windows == (TimeWindow(600, 660),)
    assert stored.notes == ""
    assert stored.version == order.version + 1


def _race(
    edits: dict[str, Callable[[], object]],
) -> tuple[list[str], dict[str, BaseException]]:
    """Run the edits at the same moment; who won, and what the others raised."""
    start = threading.Barrier(len(edits))
    won: list[str] = []
    lost: dict[str, BaseException] = {}

    def run(name: str, edit: Callable[[], object]) -> None:
        start.wait()
        try:
            edit()
        except Exception as exc:  # collected for the assertions
            lost[name] = exc
        else:
            won.append(name)

    threads = [threading.Thread(target=run, args=item) for item in edits.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, lost


def test_simultaneous_edits_of_one_route_exactly_one_wins(day: TeamDay) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    van2 = day.vans[1]
    o = day.orders
    won, lost = _race(
        {
            "anna": lambda: plan_edits.move_orders(anna, b.DAY, 1, [o[4]], van2, None),
            "ben": lambda: plan_edits.move_orders(ben, b.DAY, 1, [o[5]], van2, 0),
        }
    )
    assert len(won) == 1
    (loser,) = lost
    conflict = lost[loser]
    assert isinstance(conflict, StalePlan)
    assert [c.user for c in conflict.theirs] == won
    routes = _routes(day.database.uow_factory)
    expected = (o[3], o[4]) if won == ["anna"] else (o[5], o[3])
    assert routes[van2] == expected
    with day.database.uow_factory() as uow:
        statuses = {x.id: x.status for x in uow.orders.for_date(b.DAY)}
        assert uow.plans.get(b.DAY).version == 2
    # Only the winner's order went on the plan.
    winner_order, loser_order = (o[4], o[5]) if won == ["anna"] else (o[5], o[4])
    assert statuses[winner_order] is OrderStatus.PLANNED
    assert statuses[loser_order] is OrderStatus.NEW


def test_a_dispatch_in_between_is_named_despite_its_many_order_rows(
    day: TeamDay, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With room for two rows per kind, the dispatch's four order rows would
    # hide it if all kinds were searched together.
    monkeypatch.setattr(conflicts, "SEARCHED", 2)
    anna, ben = day.as_user("anna"), day.as_user("ben")
    dispatch(anna, b.DAY, 1)
    with pytest.raises(StalePlan) as caught:
        plan_edits.move_orders(ben, b.DAY, 1, [day.orders[4]], day.vans[1], None)
    assert [(c.user, c.entity) for c in caught.value.theirs] == [("anna", "dispatch")]
    assert "anna dispatched the plan of 2026-11-24 at " in str(caught.value)
    assert "(2 routes sent)" in str(caught.value)


def _statuses(factory: Any) -> dict[int, OrderStatus]:
    with factory() as uow:
        return {x.id: x.status for x in uow.orders.for_date(b.DAY)}


def test_edits_of_different_routes_from_one_version_are_both_stored(
    day: TeamDay,
) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    van1, van2, van3 = day.vans
    o = day.orders
    read = 1  # both screens show plan version 1
    plan_edits.move_orders(anna, b.DAY, read, [o[4]], van2, None)

    edit = plan_edits.move_orders(ben, b.DAY, read, [o[5]], van3, None)

    assert _routes(day.database.uow_factory) == {
        van1: (o[0], o[1], o[2]),
        van2: (o[3], o[4]),
        van3: (o[5],),
    }
    assert _statuses(anna)[o[4]] is _statuses(ben)[o[5]] is OrderStatus.PLANNED
    assert edit.plan.version == 3
    assert [(c.user, c.entity) for c in edit.merged] == [
        ("anna", "route"),
        ("anna", "order"),
    ]
    assert edit.changes.vehicles == {van2, van3}
    assert [x.id for x in edit.merged_orders] == [o[4]]
    # Ben's undo takes back his route only and keeps Anna's.
    plan_edits.restore_routes(ben, b.DAY, 3, edit.before, edit.before_statuses)
    assert _routes(ben) == {van1: (o[0], o[1], o[2]), van2: (o[3], o[4])}


def test_simultaneous_edits_of_different_routes_both_win(day: TeamDay) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    van1, van2, van3 = day.vans
    o = day.orders
    won, lost = _race(
        {
            "anna": lambda: plan_edits.move_orders(anna, b.DAY, 1, [o[4]], van2, None),
            "ben": lambda: plan_edits.move_orders(ben, b.DAY, 1, [o[5]], van3, None),
        }
    )
    assert lost == {}
    assert sorted(won) == ["anna", "ben"]
    assert _routes(day.database.uow_factory) == {
        van1: (o[0], o[1], o[2]),
        van2: (o[3], o[4]),
        van3: (o[5],),
    }
    with day.database.uow_factory() as uow:
        assert uow.plans.get(b.DAY).version == 3


def test_an_edit_naming_an_order_the_other_moved_gets_their_move(
    day: TeamDay,
) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    van3, o = day.vans[2], day.orders
    plan_edits.move_orders(anna, b.DAY, 1, [o[0]], None, None)  # off Van 1
    before = stored_state(day.database.uow_factory)

    with pytest.raises(StalePlan) as caught:
        plan_edits.move_orders(ben, b.DAY, 1, [o[0]], van3, None)

    assert stored_state(day.database.uow_factory) == before
    assert [(c.user, c.entity) for c in caught.value.theirs] == [("anna", "route")]
    assert "anna changed the route of Van 1 at " in str(caught.value)
    assert "(ORD-0 removed)" in str(caught.value)


def test_an_edit_naming_an_order_edited_since_is_refused(day: TeamDay) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    van1, van3, o = day.vans[0], day.vans[2], day.orders
    with anna() as uow:
        order = uow.orders.get(o[4])
    services.update_order(
        anna, dataclasses.replace(order, windows=(TimeWindow(600, 660),))
    )
    plan_edits.set_route_locked(anna, b.DAY, 1, van1, True)
    before = stored_state(day.database.uow_factory)

    with pytest.raises(StalePlan) as caught:
        plan_edits.move_orders(ben, b.DAY, 1, [o[4]], van3, None)

    assert stored_state(day.database.uow_factory) == before
    assert [(c.user, c.entity, c.entity_id) for c in caught.value.theirs] == [
        ("anna", "order", str(o[4]))
    ]
    assert "anna changed order ORD-4 at " in str(caught.value)


def test_an_optimizer_result_is_refused_after_a_save_of_another_route(
    day: TeamDay,
) -> None:
    anna, ben = day.as_user("anna"), day.as_user("ben")
    van2, van3, o = day.vans[1], day.vans[2], day.orders
    plan_edits.move_orders(anna, b.DAY, 1, [o[5]], van3, None)
    before = stored_state(day.database.uow_factory)

    with pytest.raises(StalePlan) as caught:
        plan_edits.replace_routes(ben, b.DAY, 1, {van2: [o[4], o[3]]})

    assert stored_state(day.database.uow_factory) == before
    assert [(c.user, c.entity) for c in caught.value.theirs] == [("anna", "route")]
