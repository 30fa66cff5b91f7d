"""Dispatch: the service over fake storage, and the pure diff since a dispatch."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dispatcher import dispatching, plan_edits
from dispatcher.dispatch_diff import (
    DispatchSnapshot,
    EtaShifted,
    ShiftRun,
    StopAdded,
    StopRemoved,
    StopReordered,
    shift_runs,
    shift_text,
)
from dispatcher.dispatching import changes_since_dispatch, dispatch, last_dispatch
from dispatcher.errors import StalePlan, ValidationError
from dispatcher.model import ChangeAction, OrderId, OrderStatus, RouteStatus
from tests import builders as b
from tests.dispatch_data import AT, DispatchDay, dispatch_day, held, with_arrival


@pytest.fixture
def day() -> DispatchDay:
    """The fake day of ``tests.dispatch_data``."""
    return dispatch_day()


# -- the service -------------------------------------------------------------------


def test_dispatch_marks_routes_and_orders_and_stores_planned_times(
    day: DispatchDay,
) -> None:
    """Both routes dispatched, open orders dispatched, every stop timed as shown."""
    view = day.view()
    result = dispatch(day.factory, b.DAY, view.plan_version)

    plan = day.plan()
    assert plan.version == view.plan_version + 1
    assert plan.dispatched_version == plan.version
    assert result.plan == plan
    assert {r.status for r in plan.routes} == {RouteStatus.DISPATCHED}
    for ref in ("ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-5"):
        assert day.status(ref) is OrderStatus.DISPATCHED
    assert day.status("ORD-6") is OrderStatus.DELIVERED  # done stays done
    assert day.status("ORD-7") is OrderStatus.NEW  # on no route
    for line in view.routes:
        stored = day.route(line.vehicle.name)
        assert [(s.planned_arrival, s.planned_departure) for s in stored.stops] == [
            (t.arrival, t.departure) for t in line.schedule.stops
        ]
    assert result.changes.vehicles == {day.vans["Van 1"], day.vans["Van 2"]}
    assert result.changes.orders == set(day.ids(*[f"ORD-{i}" for i in range(1, 7)]))
    assert {o.id for o in result.orders} == set(
        day.ids("ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-5")
    )


def test_dispatch_records_a_snapshot_and_one_row_per_order(day: DispatchDay) -> None:
    """The change log holds the dispatched sequences with times, and status rows."""
    view = day.view()
    result = dispatch(day.factory, b.DAY, view.plan_version)

    rows = day.changes()
    snapshot_rows = [c for c in rows if c.entity == "dispatch"]
    assert len(snapshot_rows) == 1
    row = snapshot_rows[0]
    assert (row.entity_id, row.action, row.plan_date) == (
        "2026-11-24",
        ChangeAction.CREATE,
        b.DAY,
    )
    assert row.before is None
    assert row.after is not None
    assert [r["vehicle"] for r in row.after["routes"]] == ["Van 1", "Van 2"]
    van1 = row.after["routes"][0]
    assert van1["driver"] == "Alice"
    assert [s["reference"] for s in van1["stops"]] == [
        "ORD-1",
        "ORD-2",
        "ORD-3",
        "ORD-4",
    ]
    first_timing = view.routes[0].schedule.stops[0]
    assert van1["stops"][0]["arrival"] == first_timing.arrival
    assert van1["stops"][0]["departure"] == first_timing.departure

    status_rows = [c for c in rows if c.entity == "order"]
    assert len(status_rows) == 5
    assert {(c.before["status"], c.after["status"]) for c in status_rows} == {  # type: ignore[index]
        ("planned", "dispatched")
    }
    assert all(c.user == "alice" for c in rows)

    snapshot = result.snapshot
    assert (snapshot.user, snapshot.plan_version) == ("alice", result.plan.version)
    assert snapshot.at.tzinfo is not None
    assert snapshot.sent == {day.vans["Van 1"], day.vans["Van 2"]}
    assert last_dispatch(day.factory, b.DAY) == snapshot


def test_last_dispatch_is_none_before_the_first(day: DispatchDay) -> None:
    """A day never dispatched has no snapshot."""
    assert last_dispatch(day.factory, b.DAY) is None


@pytest.mark.parametrize(
    ("version", "vehicles", "error", "message"),
    [
        pytest.param(0, None, StalePlan, "changed by someone else", id="stale"),
        pytest.param(1, ["Van 3"], ValidationError, "Van 3 has no stops", id="idle"),
        pytest.param(1, [], ValidationError, "at least one route", id="none"),
    ],
)
def test_refused_dispatches_write_nothing(
    day: DispatchDay,
    version: int,
    vehicles: list[str] | None,
    error: type[Exception],
    message: str,
) -> None:
    """Stale version, an idle van or no van chosen: an error and nothing stored."""
    commits, plan = day.store.commits, day.plan()
    chosen = None if vehicles is None else [day.vans[v] for v in vehicles]
    with pytest.raises(error, match=message):
        dispatch(day.factory, b.DAY, version, chosen)
    assert day.store.commits == commits
    assert day.plan() == plan
    assert day.changes() == []
    assert day.status("ORD-1") is OrderStatus.PLANNED


def test_a_day_without_stops_cannot_be_dispatched() -> None:
    """No route has stops: a clear refusal naming the date."""
    day = dispatch_day()
    day.set_routes({"Van 1": [], "Van 2": []})
    with pytest.raises(ValidationError, match="No route of 2026-11-24 has stops"):
        dispatch(day.factory, b.DAY, day.plan().version)


def test_partial_dispatches_keep_what_other_drivers_hold(day: DispatchDay) -> None:
    """Van 2 alone, then Van 1 alone: the snapshot holds both, Van 3's new route not."""
    first = dispatch(day.factory, b.DAY, 1, [day.vans["Van 2"]])
    assert day.route("Van 2").status is RouteStatus.DISPATCHED
    assert day.route("Van 1").status is RouteStatus.DRAFT
    assert day.status("ORD-1") is OrderStatus.PLANNED
    assert [r.vehicle_name for r in first.snapshot.routes] == ["Van 2"]

    second = dispatch(day.factory, b.DAY, 2, [day.vans["Van 1"]])
    assert [r.vehicle_name for r in second.snapshot.routes] == ["Van 1", "Van 2"]
    assert second.snapshot.sent == {day.vans["Van 1"]}
    van2 = second.snapshot.route_of(day.vans["Van 2"])
    assert van2 == first.snapshot.routes[0]  # as sent the first time
    assert day.changes()[-1].action is ChangeAction.UPDATE
    assert last_dispatch(day.factory, b.DAY) == second.snapshot


def test_a_full_dispatch_replaces_the_snapshot(day: DispatchDay) -> None:
    """Dispatch all, empty Van 2, dispatch all: Van 2 is recalled, no longer held."""
    dispatch(day.factory, b.DAY, 1)
    day.set_routes({"Van 2": [], "Van 3": ["ORD-5"]})
    result = dispatch(day.factory, b.DAY, day.plan().version)
    assert [r.vehicle_name for r in result.snapshot.routes] == ["Van 1", "Van 3"]
    assert result.snapshot.sent == set(day.vans.values())
    assert day.route("Van 2").status is RouteStatus.PLANNED


def test_an_emptied_route_can_be_recalled_alone(day: DispatchDay) -> None:
    """Van 2 emptied after dispatch: dispatching Van 2 tells its driver, and only it."""
    dispatch(day.factory, b.DAY, 1)
    day.set_routes({"Van 2": []})
    result = dispatch(day.factory, b.DAY, day.plan().version, [day.vans["Van 2"]])
    assert [r.vehicle_name for r in result.snapshot.routes] == ["Van 1"]
    assert result.snapshot.sent == {day.vans["Van 2"]}
    assert result.changes.vehicles == {day.vans["Van 2"]}
    assert day.route("Van 2").status is RouteStatus.PLANNED
    assert day.route("Van 1").status is RouteStatus.DISPATCHED
    assert changes_since_dispatch(day.view(), result.snapshot).empty


def test_a_day_emptied_after_dispatch_recalls_everything(day: DispatchDay) -> None:
    """Every stop taken off after a dispatch: a full dispatch recalls both vans."""
    dispatch(day.factory, b.DAY, 1)
    day.set_routes({"Van 1": [], "Van 2": []})
    result = dispatch(day.factory, b.DAY, day.plan().version)
    assert result.snapshot.routes == ()
    assert result.snapshot.sent == {day.vans["Van 1"], day.vans["Van 2"]}


def test_a_route_under_way_keeps_its_status(day: DispatchDay) -> None:
    """Re-dispatching a route in progress sends it but does not reset its status."""
    with day.factory() as uow:
        plan = uow.plans.get(b.DAY)
        routes = tuple(
            dataclasses.replace(r, status=RouteStatus.IN_PROGRESS)
            if r.vehicle_id == day.vans["Van 1"]
            else r
            for r in plan.routes
        )
        uow.plans.save(dataclasses.replace(plan, routes=routes))
        uow.commit()
    dispatch(day.factory, b.DAY, 2)
    assert day.route("Van 1").status is RouteStatus.IN_PROGRESS
    assert day.route("Van 2").status is RouteStatus.DISPATCHED
    assert day.route("Van 1").stops[0].planned_arrival is not None


def test_edits_after_dispatch_show_up_in_the_diff(day: DispatchDay) -> None:
    """Dispatch, then move ORD-7 onto Van 1: the diff says it, the route stays sent."""
    result = dispatch(day.factory, b.DAY, 1)
    assert changes_since_dispatch(day.view(), result.snapshot).empty
    plan_edits.move_orders(
        day.factory, b.DAY, result.plan.version, day.ids("ORD-7"), day.vans["Van 1"], 1
    )
    assert day.route("Van 1").status is RouteStatus.DISPATCHED
    assert day.status("ORD-7") is OrderStatus.PLANNED  # not with the driver yet
    diff = changes_since_dispatch(day.view(), result.snapshot)
    van1 = diff.vehicle(day.vans["Van 1"])
    assert van1 is not None
    assert [(a.reference, a.position) for a in van1.added] == [("ORD-7", 2)]
    assert diff.changed_vehicles == {day.vans["Van 1"]}


# -- the diff -------------------------------------------------------------------------


def test_an_unchanged_day_has_no_differences(day: DispatchDay) -> None:
    """Same routes, same times: nothing to tell the drivers."""
    view = day.view()
    diff = changes_since_dispatch(view, held(view))
    assert diff.empty
    assert diff.vehicles == ()
    assert diff.sentences() == []


def test_a_stop_moved_to_another_van_is_removed_and_added(day: DispatchDay) -> None:
    """ORD-2 from Van 1 to the front of Van 2: taken off one, added to the other."""
    snapshot = held(day.view())
    day.set_routes({"Van 1": ["ORD-1", "ORD-3", "ORD-4"]})
    day.set_routes({"Van 2": ["ORD-2", "ORD-6", "ORD-5"]})
    view = day.view()
    diff = changes_since_dispatch(view, snapshot, threshold=10_000)

    van1 = diff.vehicle(day.vans["Van 1"])
    van2 = diff.vehicle(day.vans["Van 2"])
    assert van1 is not None
    assert van2 is not None
    (oid,) = day.ids("ORD-2")
    assert van1.removed == (StopRemoved(oid, "ORD-2", 2, "Van 2"),)
    assert (van1.added, van1.reordered) == ((), ())
    eta = view.routes[1].schedule.stops[0].arrival
    assert van2.added == (StopAdded(oid, "ORD-2", 1, eta, "Van 1"),)
    assert van2.removed == ()
    assert diff.unassigned == ()
    assert diff.sentences()[0] == "Van 1: ORD-2 taken off stop 2 (now on Van 2)"


def test_unassigned_orders_are_listed(day: DispatchDay) -> None:
    """ORD-3 off every route: removed from Van 1 and listed as unassigned."""
    snapshot = held(day.view())
    day.set_routes({"Van 1": ["ORD-1", "ORD-2", "ORD-4"]})
    diff = changes_since_dispatch(day.view(), snapshot, threshold=10_000)
    expected = StopRemoved(day.orders["ORD-3"], "ORD-3", 3, None)
    assert diff.unassigned == (expected,)
    van1 = diff.vehicle(day.vans["Van 1"])
    assert van1 is not None
    assert van1.removed == (expected,)
    assert expected.text == "ORD-3 taken off stop 3 (now unassigned)"


def test_a_reorder_names_only_the_stop_that_moved(day: DispatchDay) -> None:
    """ORD-3 to the front: one stop moved (from 3 to 1), not the two it passed."""
    snapshot = held(day.view())
    day.set_routes({"Van 1": ["ORD-3", "ORD-1", "ORD-2", "ORD-4"]})
    view = day.view()
    diff = changes_since_dispatch(view, snapshot, threshold=10_000)
    van1 = diff.vehicle(day.vans["Van 1"])
    assert van1 is not None
    assert [(r.reference, r.old_position, r.position) for r in van1.reordered] == [
        ("ORD-3", 3, 1)
    ]
    moved = van1.reordered[0]
    assert moved.eta == view.routes[0].schedule.stops[0].arrival
    assert moved.old_eta == snapshot.routes[0].stops[2].arrival
    assert moved.text.startswith("ORD-3 moved from stop 3 to stop 1, ETA ")


def test_swapped_neighbours_count_as_one_move(day: DispatchDay) -> None:
    """ORD-1 and ORD-2 swapped: one of them is reported, not both."""
    snapshot = held(day.view())
    day.set_routes({"Van 1": ["ORD-2", "ORD-1", "ORD-3", "ORD-4"]})
    van1 = changes_since_dispatch(day.view(), snapshot, threshold=10_000).vehicle(
        day.vans["Van 1"]
    )
    assert van1 is not None
    assert len(van1.reordered) == 1


def test_eta_shifts_beyond_the_threshold_are_reported(day: DispatchDay) -> None:
    """Dispatched 25 min earlier: reported; 5 min earlier: not."""
    view = day.view()
    snapshot = with_arrival(held(view), day.orders["ORD-2"], -25)
    snapshot = with_arrival(snapshot, day.orders["ORD-4"], -5)
    diff = changes_since_dispatch(view, snapshot)
    van1 = diff.vehicle(day.vans["Van 1"])
    assert van1 is not None
    eta = view.routes[0].schedule.stops[1].arrival
    assert van1.shifted == (EtaShifted(day.orders["ORD-2"], "ORD-2", 2, eta - 25, eta),)
    assert van1.shifted[0].text.endswith("(+25 min)")
    assert diff.vehicle(day.vans["Van 2"]) is None
    assert not changes_since_dispatch(view, snapshot, threshold=30).vehicles


def test_a_route_never_dispatched_is_flagged(day: DispatchDay) -> None:
    """Van 3 got ORD-7 and ORD-8 after the dispatch: not dispatched yet, 2 stops."""
    snapshot = held(day.view())
    day.set_routes({"Van 3": ["ORD-7", "ORD-8"]})
    diff = changes_since_dispatch(day.view(), snapshot)
    van3 = diff.vehicle(day.vans["Van 3"])
    assert van3 is not None
    assert not van3.dispatched
    assert [a.reference for a in van3.added] == ["ORD-7", "ORD-8"]
    assert van3.summary == "not dispatched yet · 2 stops"
    assert van3.lines()[0].startswith("Not dispatched yet: 2 stops, first at ")
    assert diff.changed_vehicles == frozenset()


def test_an_emptied_route_loses_every_stop(day: DispatchDay) -> None:
    """Van 2 emptied after dispatch: both its stops are taken off."""
    snapshot = held(day.view())
    day.set_routes({"Van 2": []})
    van2 = changes_since_dispatch(day.view(), snapshot).vehicle(day.vans["Van 2"])
    assert van2 is not None
    assert [(r.reference, r.old_position) for r in van2.removed] == [
        ("ORD-6", 1),
        ("ORD-5", 2),
    ]
    assert van2.stops_now == 0


def _shift(position: int, delta: float) -> EtaShifted:
    return EtaShifted(OrderId(position), f"ORD-{position}", position, 600, 600 + delta)


def test_neighbouring_equal_shifts_are_said_once() -> None:
    """Stops 2-4 all +19 min: one line; stop 6 alone and stop 7 (+30) stay separate."""
    shifts = [_shift(2, 19), _shift(3, 19.2), _shift(4, 18.9), _shift(6, 19)]
    shifts.append(_shift(7, 30))
    runs = shift_runs(shifts)
    assert [len(r.shifts) for r in runs] == [3, 1, 1]
    assert runs[0].text == "ETAs of stops 2–4 now +19 min (ORD-2 … ORD-4)"
    assert runs[1] == ShiftRun((shifts[3],))
    assert runs[2].text == "ETA of ORD-7 now 10:30 (+30 min)"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(25, "+25 min"), (-5.4, "−5 min"), (65, "+1 h 05 min"), (-120, "−2 h 00 min")],
)
def test_shift_text(minutes: float, text: str) -> None:
    """ETA moves read as signed minutes, hours past an hour."""
    assert shift_text(minutes) == text


def test_reordered_text_names_the_eta_change() -> None:
    """A moved stop says where from, where to and how its ETA moved."""
    moved = StopReordered(OrderId(5), "ORD-5", 4, 2, 660, 625)
    assert moved.text == "ORD-5 moved from stop 4 to stop 2, ETA 10:25 (−35 min)"


def test_snapshots_survive_a_json_round_trip(day: DispatchDay) -> None:
    """What the change log stores reads back as the same snapshot."""
    snapshot = held(day.view())
    payload = json.loads(json.dumps(snapshot.to_payload()))
    naive = AT.replace(tzinfo=None)
    assert DispatchSnapshot.from_payload(b.DAY, naive, "alice", payload) == snapshot


@pytest.mark.parametrize(
    "payload",
    [{}, {"plan_version": 3, "sent": [], "routes": [{"vehicle": "Van 1"}]}],
)
def test_a_malformed_snapshot_is_refused(payload: dict[str, object]) -> None:
    """A change row that is not a snapshot raises ValueError, not KeyError."""
    with pytest.raises(ValueError, match="not a dispatch snapshot"):
        DispatchSnapshot.from_payload(b.DAY, AT, "alice", payload)


def test_the_public_names_are_exported() -> None:
    """The service module re-exports the diff API the UI uses."""
    for name in dispatching.__all__:
        assert hasattr(dispatching, name), name
