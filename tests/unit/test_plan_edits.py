"""Plan edit services over the fake storage: one checked transaction, change rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from dispatcher import plan_edits, plan_merge, services
from dispatcher.errors import LockedStop, StalePlan, ValidationError
from dispatcher.model import (
    ChangeAction,
    OrderId,
    OrderStatus,
    Plan,
    Route,
    RouteId,
    Stop,
    StopId,
    TimeWindow,
    VehicleId,
)
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.fakes import FakeUnitOfWork, fake_uow_factory

if TYPE_CHECKING:
    from dispatcher.model import Change


@dataclasses.dataclass
class Day:
    """A fake database with three vans and six orders of ``b.DAY``.

    Van 1 drives ORD-1 and ORD-2 (planned); ORD-3..ORD-5 are new; ORD-6 was
    delivered; ORD-7 is an order of the next day.
    """

    factory: Any
    vans: list[VehicleId]
    orders: dict[str, OrderId]

    @property
    def store(self) -> Any:
        """The committed state."""
        return self.factory.store

    def plan(self) -> Plan:
        """The stored plan of the day."""
        return self.store.plans[b.DAY]  # type: ignore[no-any-return]

    def lanes(self) -> dict[str, list[str]]:
        """Vehicle name -> references of its route."""
        refs = {o.id: o.reference for o in self.store.orders.values()}
        names = {v.id: v.name for v in self.store.vehicles.values()}
        return {
            names[r.vehicle_id]: [refs[oid] for oid in r.order_ids]
            for r in self.plan().routes
        }

    def status(self, reference: str) -> OrderStatus:
        """The stored status of an order."""
        return self.store.orders[self.orders[reference]].status  # type: ignore[no-any-return]

    def changes(self) -> list[Change]:
        """Every change row, oldest first."""
        return [self.store.changes[k] for k in sorted(self.store.changes)]

    def ids(self, *references: str) -> list[OrderId]:
        """Order ids by reference."""
        return [self.orders[r] for r in references]


@pytest.fixture
def day() -> Day:
    """The fake day described in ``Day``."""
    factory = fake_uow_factory()
    with factory() as uow:
        depot = uow.fleet.add_depot(b.depot())
        vans = [
            uow.fleet.add_vehicle(b.vehicle(name=f"Van {i}", depot_id=depot.id)).id
            for i in (1, 2, 3)
        ]
        (customer,) = uow.customers.add_many([b.customer()])
        statuses = [OrderStatus.PLANNED] * 2 + [OrderStatus.NEW] * 3
        statuses.append(OrderStatus.DELIVERED)
        orders = uow.orders.add_many(
            [
                b.order(reference=f"ORD-{i}", customer_id=customer.id, status=s)
                for i, s in enumerate(statuses, start=1)
            ]
            + [
                b.order(
                    reference="ORD-7",
                    customer_id=customer.id,
                    date=b.DAY + dt.timedelta(days=1),
                )
            ]
        )
        stops = tuple(
            Stop(StopId(NEW_ID), o.id, seq) for seq, o in enumerate(orders[:2], 1)
        )
        uow.plans.save(Plan(b.DAY, (Route(RouteId(NEW_ID), b.DAY, vans[0], stops),)))
        uow.commit()
    return Day(factory, vans, {o.reference: o.id for o in orders})


def test_move_from_unassigned_creates_the_route_and_plans_the_order(day: Day) -> None:
    """ORD-3 onto idle Van 2: a new route, status planned, two change rows."""
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[1], None
    )
    assert day.lanes() == {"Van 1": ["ORD-1", "ORD-2"], "Van 2": ["ORD-3"]}
    assert day.status("ORD-3") is OrderStatus.PLANNED
    assert edit.plan.version == day.plan().version == 2
    assert edit.changes.vehicles == {day.vans[1]}
    assert edit.changes.orders == set(day.ids("ORD-3"))
    assert edit.changes.plan_version == 2
    assert edit.before == {day.vans[1]: plan_edits.ABSENT}
    assert [o.status for o in edit.orders] == [OrderStatus.PLANNED]
    assert edit.orders[0].version == 2

    route_row, order_row = day.changes()
    assert (route_row.entity, route_row.action) == ("route", ChangeAction.CREATE)
    assert route_row.entity_id == str(day.plan().route_of_vehicle(day.vans[1]).id)
    assert route_row.before is None
    assert route_row.after is not None
    assert route_row.after["order_ids"] == [day.orders["ORD-3"]]
    assert route_row.plan_date == b.DAY
    assert (order_row.entity, order_row.entity_id) == (
        "order",
        str(day.orders["ORD-3"]),
    )
    assert (order_row.before, order_row.after) == (
        {"status": "new"},
        {"status": "planned", "plan_version": 2},
    )
    assert order_row.plan_date == b.DAY
    assert all(c.user == "tester" for c in day.changes())


def test_move_between_routes_records_both_routes(day: Day) -> None:
    """ORD-2 from Van 1 to Van 2 changes two routes and no status."""
    plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-4"), day.vans[1], 0)
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 2, day.ids("ORD-2"), day.vans[1], 0
    )
    assert day.lanes() == {"Van 1": ["ORD-1"], "Van 2": ["ORD-2", "ORD-4"]}
    assert edit.changes.vehicles == set(day.vans[:2])
    assert edit.changes.orders == set(day.ids("ORD-1", "ORD-2", "ORD-4"))
    assert edit.orders == ()
    rows = day.changes()[2:]
    assert [(c.entity, c.action) for c in rows] == [("route", ChangeAction.UPDATE)] * 2
    van1 = next(c for c in rows if c.after and c.after["vehicle_id"] == day.vans[0])
    assert van1.before is not None
    assert van1.after is not None
    assert van1.before["order_ids"] == day.ids("ORD-1", "ORD-2")
    assert van1.after["order_ids"] == day.ids("ORD-1")


def test_unassigning_makes_the_order_new_again(day: Day) -> None:
    """ORD-1 off the plan: Van 1 keeps ORD-2, ORD-1 is new."""
    edit = plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-1"), None, None)
    assert day.lanes() == {"Van 1": ["ORD-2"]}
    assert day.status("ORD-1") is OrderStatus.NEW
    assert edit.before_statuses == {day.orders["ORD-1"]: OrderStatus.PLANNED}
    assert edit.after_statuses == {day.orders["ORD-1"]: OrderStatus.NEW}


def _state(day: Day) -> tuple[object, ...]:
    """Commits, plan, change rows and statuses: what a refused edit must not move."""
    statuses = {ref: day.status(ref) for ref in day.orders}
    return (day.store.commits, day.plan(), [c.id for c in day.changes()], statuses)


def _assert_nothing_written(day: Day, commits: int, plan: Plan) -> None:
    assert day.store.commits == commits
    assert day.plan() == plan
    assert day.changes() == []
    assert day.status("ORD-3") is OrderStatus.NEW


@pytest.mark.parametrize(
    ("version", "refs", "van", "error", "message"),
    [
        pytest.param(0, ["ORD-3"], 1, StalePlan, "changed by someone else", id="stale"),
        pytest.param(5, ["ORD-3"], 1, StalePlan, "changed by someone else", id="ahead"),
        pytest.param(1, ["ORD-3", "ORD-7"], 1, ValidationError, "ORD-7 is an order of"),
        pytest.param(1, ["ORD-3", "ORD-6"], 1, ValidationError, "ORD-6 is delivered"),
        pytest.param(1, ["ORD-3"], 99, ValidationError, "Vehicle 99 does not exist"),
    ],
)
def test_refused_moves_write_nothing(
    day: Day,
    version: int,
    refs: list[str],
    van: int,
    error: type[Exception],
    message: str,
) -> None:
    """A stale version or a bad order or vehicle: an error, and nothing stored."""
    commits, plan = day.store.commits, day.plan()
    vehicle = day.vans[van - 1] if van <= len(day.vans) else VehicleId(van)
    with pytest.raises(error, match=message):
        plan_edits.move_orders(day.factory, b.DAY, version, day.ids(*refs), vehicle, 0)
    _assert_nothing_written(day, commits, plan)


def test_unknown_order_is_refused(day: Day) -> None:
    """An order id nobody knows is named, and nothing is stored."""
    commits, plan = day.store.commits, day.plan()
    with pytest.raises(ValidationError, match="Order 999 does not exist"):
        plan_edits.move_orders(day.factory, b.DAY, 1, [OrderId(999)], day.vans[0], 0)
    _assert_nothing_written(day, commits, plan)


def test_locked_stop_refuses_the_move_and_writes_nothing(day: Day) -> None:
    """Moving a locked stop raises LockedStop naming its reference and vehicle."""
    plan_edits.set_stops_locked(day.factory, b.DAY, 1, day.ids("ORD-2"), True)
    commits, plan, rows = day.store.commits, day.plan(), len(day.changes())
    with pytest.raises(LockedStop, match="ORD-2 is locked on Van 1"):
        plan_edits.move_orders(
            day.factory, b.DAY, 2, day.ids("ORD-3", "ORD-2"), day.vans[1], 0
        )
    assert (day.store.commits, day.plan(), len(day.changes())) == (commits, plan, rows)


def test_a_move_that_changes_nothing_is_not_saved(day: Day) -> None:
    """Dropping a stop on its own place keeps the version and writes nothing."""
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 1, day.ids("ORD-2"), day.vans[0], 1
    )
    assert not edit.changed
    assert edit.changes.empty
    assert edit.plan.version == day.plan().version == 1
    assert day.changes() == []


def test_undo_by_restoring_the_before_state(day: Day) -> None:
    """restore_routes(before) puts routes, stops, locks and statuses back."""
    plan_edits.set_stops_locked(day.factory, b.DAY, 1, day.ids("ORD-1"), True)
    original = day.plan()
    statuses = {ref: day.status(ref) for ref in day.orders}
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 2, day.ids("ORD-2", "ORD-5", "ORD-4"), day.vans[2], 0
    )
    assert day.lanes()["Van 3"] == ["ORD-2", "ORD-5", "ORD-4"]
    undo = plan_edits.restore_routes(
        day.factory, b.DAY, 3, edit.before, edit.before_statuses
    )
    restored = day.plan()
    assert [(r.vehicle_id, r.stops, r.locked) for r in restored.routes] == [
        (r.vehicle_id, r.stops, r.locked) for r in original.routes
    ]
    assert {ref: day.status(ref) for ref in day.orders} == statuses
    assert restored.version == 4  # undo is a new transaction
    assert undo.changes.vehicles == edit.changes.vehicles
    assert undo.changes.orders == edit.changes.orders
    redo = plan_edits.restore_routes(
        day.factory, b.DAY, 4, edit.after, edit.after_statuses
    )
    assert day.lanes()["Van 3"] == ["ORD-2", "ORD-5", "ORD-4"]
    assert redo.changes.vehicles == edit.changes.vehicles
    assert day.status("ORD-5") is OrderStatus.PLANNED


def test_an_undo_whose_route_someone_changed_since_is_refused(day: Day) -> None:
    """Undo goes through the route-level check: nothing is put back over theirs."""
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[1], 0
    )
    plan_edits.move_orders(day.factory, b.DAY, 2, day.ids("ORD-4"), day.vans[1], 0)
    state = _state(day)
    with pytest.raises(StalePlan) as caught:
        plan_edits.restore_routes(day.factory, b.DAY, 2, edit.before)
    assert [c.entity for c in caught.value.theirs] == ["route"]
    assert _state(day) == state


def test_an_undo_goes_on_top_of_a_change_of_another_route(day: Day) -> None:
    """Someone put ORD-4 on Van 3 since: undoing ORD-3 onto Van 2 keeps theirs."""
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[1], 0
    )
    plan_edits.move_orders(day.factory, b.DAY, 2, day.ids("ORD-4"), day.vans[2], 0)
    undo = plan_edits.restore_routes(
        day.factory, b.DAY, 2, edit.before, edit.before_statuses
    )
    assert day.lanes() == {"Van 1": ["ORD-1", "ORD-2"], "Van 3": ["ORD-4"]}
    assert (day.status("ORD-3"), day.status("ORD-4")) == (
        OrderStatus.NEW,
        OrderStatus.PLANNED,
    )
    assert undo.plan.version == 4
    assert [c.entity for c in undo.merged] == ["route", "order"]
    assert undo.changes.vehicles == {day.vans[1], day.vans[2]}


def test_edits_of_different_routes_from_one_version_both_succeed(day: Day) -> None:
    """Both read version 1; the second goes on top and says what it merged."""
    first = plan_edits.move_orders(
        day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[1], 0
    )
    second = plan_edits.move_orders(
        day.factory, b.DAY, 1, day.ids("ORD-4"), day.vans[2], 0
    )
    assert day.lanes() == {
        "Van 1": ["ORD-1", "ORD-2"],
        "Van 2": ["ORD-3"],
        "Van 3": ["ORD-4"],
    }
    assert (first.plan.version, second.plan.version) == (2, 3)
    assert not first.merged
    assert [(c.entity, c.entity_id) for c in second.merged] == [
        ("route", str(day.plan().route_of_vehicle(day.vans[1]).id)),
        ("order", str(day.orders["ORD-3"])),
    ]
    assert [o.status for o in second.merged_orders] == [OrderStatus.PLANNED]
    assert second.changes.vehicles == {day.vans[1], day.vans[2]}
    assert set(day.ids("ORD-3", "ORD-4")) <= second.changes.orders
    assert second.before == {day.vans[2]: plan_edits.ABSENT}  # undo: only its own


def test_an_edit_of_the_same_route_is_refused_naming_the_other(day: Day) -> None:
    """Both change Van 1 from version 1: the second is told, nothing written."""
    plan_edits.set_stops_locked(day.factory, b.DAY, 1, day.ids("ORD-1"), True)
    state = _state(day)
    with pytest.raises(StalePlan, match="changed the route of Van 1") as caught:
        plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[0], 0)
    assert [(c.entity, c.plan_date) for c in caught.value.theirs] == [("route", b.DAY)]
    assert _state(day) == state


def test_an_edit_naming_an_order_the_other_moved_is_refused(day: Day) -> None:
    """They took ORD-1 off Van 1; moving it to Van 2 touches no route of theirs."""
    plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-1"), None, None)
    state = _state(day)
    with pytest.raises(StalePlan, match="ORD-1 removed") as caught:
        plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-1"), day.vans[1], 0)
    assert [c.entity for c in caught.value.theirs] == ["route"]
    assert _state(day) == state


def test_an_edit_naming_an_order_edited_since_the_read_is_refused(day: Day) -> None:
    """ORD-3's window was edited, then Van 1 changed: moving ORD-3 is refused."""
    with day.factory() as uow:
        order = uow.orders.get(day.orders["ORD-3"])
    services.update_order(
        day.factory, dataclasses.replace(order, windows=(TimeWindow(600, 660),))
    )
    plan_edits.set_route_locked(day.factory, b.DAY, 1, day.vans[0], True)
    with pytest.raises(StalePlan, match="changed order ORD-3") as caught:
        plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[1], 0)
    assert [c.entity for c in caught.value.theirs] == ["order"]
    # An order they did not touch still goes on top of the locked route.
    plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-4"), day.vans[1], 0)
    assert day.lanes()["Van 2"] == ["ORD-4"]


def test_a_refusal_caused_by_their_change_is_told_as_stale(day: Day) -> None:
    """They locked Van 1; locking ORD-2 on it is stale, not a lock error."""
    plan_edits.set_route_locked(day.factory, b.DAY, 1, day.vans[0], True)
    with pytest.raises(StalePlan, match="changed the route of Van 1") as caught:
        plan_edits.set_stops_locked(day.factory, b.DAY, 1, day.ids("ORD-2"), True)
    assert [c.entity for c in caught.value.theirs] == ["route"]


def test_a_refusal_about_orders_they_did_not_touch_stays_as_it_is(day: Day) -> None:
    """They changed Van 3; ORD-6 is delivered whatever they did: that is said."""
    plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-5"), day.vans[2], 0)
    with pytest.raises(ValidationError, match="ORD-6 is delivered"):
        plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-6"), day.vans[1], 0)


def test_the_rows_since_the_read_are_read_in_growing_windows(
    day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two saves since the read, a window of one row: it grows to reach them."""
    monkeypatch.setattr(plan_merge, "FIRST_WINDOW", 1)
    plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[1], 0)
    plan_edits.set_route_locked(day.factory, b.DAY, 2, day.vans[1], True)
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 1, day.ids("ORD-4"), day.vans[2], 0
    )
    assert [c.entity for c in edit.merged] == ["route", "order", "route"]
    assert day.lanes()["Van 3"] == ["ORD-4"]


def test_more_rows_since_the_read_than_searched_is_stale(
    day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``SEARCHED`` rows the saves cannot all be told: refused, as before."""
    monkeypatch.setattr(plan_merge, "FIRST_WINDOW", 1)
    monkeypatch.setattr(plan_merge, "SEARCHED", 1)
    plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-3"), day.vans[1], 0)
    plan_edits.set_route_locked(day.factory, b.DAY, 2, day.vans[1], True)
    state = _state(day)
    with pytest.raises(StalePlan, match="changed by someone else"):
        plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-4"), day.vans[2], 0)
    assert _state(day) == state


class _AnnaSavesFirst(FakeUnitOfWork):
    """A unit of work whose first plan save loses the race to Anna's edit."""

    raced = False

    def __enter__(self) -> _AnnaSavesFirst:
        super().__enter__()
        save = self.plans.save

        def save_after_anna(plan: Plan) -> Plan:
            if not _AnnaSavesFirst.raced:
                _AnnaSavesFirst.raced = True
                anna = fake_uow_factory(self._store, actor="anna")
                ord4 = next(
                    o for o in self._store.orders.values() if o.reference == "ORD-4"
                )
                van3 = max(self._store.vehicles)
                plan_edits.move_orders(anna, b.DAY, plan.version, [ord4.id], van3, 0)
                raise StalePlan("saved meanwhile")
            return save(plan)

        self.plans.save = save_after_anna  # type: ignore[method-assign]
        return self


def test_a_save_lost_inside_its_transaction_is_tried_on_top(day: Day) -> None:
    """Anna saved between the read and the write: tried again, both stored."""
    _AnnaSavesFirst.raced = False
    racing = lambda: _AnnaSavesFirst(day.store)  # noqa: E731
    edit = plan_edits.move_orders(racing, b.DAY, 1, day.ids("ORD-3"), day.vans[1], 0)
    assert _AnnaSavesFirst.raced
    assert day.lanes() == {
        "Van 1": ["ORD-1", "ORD-2"],
        "Van 2": ["ORD-3"],
        "Van 3": ["ORD-4"],
    }
    assert [c.user for c in edit.merged] == ["anna", "anna"]
    assert edit.plan.version == 3


def test_an_optimizer_result_is_refused_after_any_save(day: Day) -> None:
    """replace_routes stays strict: a change of another van refuses it too."""
    plan_edits.move_orders(day.factory, b.DAY, 1, day.ids("ORD-5"), day.vans[2], 0)
    state = _state(day)
    with pytest.raises(StalePlan, match="created the route of Van 3"):
        plan_edits.replace_routes(
            day.factory, b.DAY, 1, {day.vans[1]: day.ids("ORD-3", "ORD-4")}
        )
    assert _state(day) == state


def test_lock_stops_and_route_record_changes(day: Day) -> None:
    """Lock services save the flags and log one route row each."""
    edit = plan_edits.set_stops_locked(
        day.factory, b.DAY, 1, day.ids("ORD-1", "ORD-2"), True
    )
    assert all(s.locked for s in day.plan().routes[0].stops)
    assert edit.changes.vehicles == {day.vans[0]}
    plan_edits.set_route_locked(day.factory, b.DAY, 2, day.vans[0], True)
    assert day.plan().routes[0].locked
    rows = day.changes()
    assert [c.entity for c in rows] == ["route", "route"]
    assert rows[0].after is not None
    assert rows[0].after["locked_order_ids"] == day.ids("ORD-1", "ORD-2")
    assert rows[1].after is not None
    assert rows[1].after["locked"] is True


def test_locking_an_unplanned_order_names_it(day: Day) -> None:
    """Locking ORD-3 (on no route) is refused with its reference."""
    with pytest.raises(ValidationError, match="ORD-3 is not on a route"):
        plan_edits.set_stops_locked(day.factory, b.DAY, 1, day.ids("ORD-3"), True)


def test_replace_routes_applies_a_result_in_one_edit(day: Day) -> None:
    """New sequences for two vans: statuses follow, one edit to undo."""
    edit = plan_edits.replace_routes(
        day.factory,
        b.DAY,
        1,
        {day.vans[0]: day.ids("ORD-3", "ORD-1"), day.vans[1]: day.ids("ORD-4")},
    )
    assert day.lanes() == {"Van 1": ["ORD-3", "ORD-1"], "Van 2": ["ORD-4"]}
    assert day.status("ORD-2") is OrderStatus.NEW
    assert day.status("ORD-4") is OrderStatus.PLANNED
    plan_edits.restore_routes(day.factory, b.DAY, 2, edit.before, edit.before_statuses)
    assert day.lanes() == {"Van 1": ["ORD-1", "ORD-2"]}
    assert day.status("ORD-2") is OrderStatus.PLANNED


def test_many_orders_are_read_with_the_whole_day(day: Day) -> None:
    """Past FEW_ORDERS the service reads the day at once and still moves them all."""
    with day.factory() as uow:
        extra = uow.orders.add_many(
            [b.order(reference=f"X-{i:02d}") for i in range(plan_edits.FEW_ORDERS + 1)]
        )
        uow.commit()
    edit = plan_edits.move_orders(
        day.factory, b.DAY, 1, [o.id for o in extra], day.vans[2], None
    )
    assert len(day.lanes()["Van 3"]) == len(extra)
    assert len(edit.orders) == len(extra)
