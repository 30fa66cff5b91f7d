"""Change rows in words: before → after per field, summaries, conflict sentences."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dispatcher import audit, services
from dispatcher.audit import Names, describe
from dispatcher.change_log import snapshot
from dispatcher.model import Change, ChangeAction, ChangeQuery, TimeWindow
from tests import builders as b
from tests.fakes import FakeStore, fake_uow_factory

AT = dt.datetime(2026, 11, 24, 9, 42)
NAMES = Names(vehicles={2: "Van 2"}, orders={11: "A-11", 12: "A-12", 13: "A-13"})


def _change(entity: str, before: object, after: object, **kw: object) -> Change:
    values: dict[str, object] = {
        "id": 1,
        "at": AT,
        "user": "anna",
        "entity": entity,
        "entity_id": "5",
        "action": ChangeAction.UPDATE,
        "plan_date": b.DAY,
        "before": before,
        "after": after,
    }
    values.update(kw)
    return Change(**values)  # type: ignore[arg-type]


def _order_row(**after: object) -> Change:
    before = snapshot(b.order(reference="A-11"))
    return _change("order", before, before | after)


def test_a_window_change_reads_before_and_after_in_hh_mm() -> None:
    row = _order_row(windows=[{"start": 540, "end": 660}], notes="ring twice")
    entry = describe(row, NAMES)
    assert entry.lines == ("window 09:00–12:00 → 09:00–11:00", "notes – → ring twice")
    assert entry.headline == "anna changed order A-11"
    assert entry.summary == "notes, window"


def test_one_changed_field_is_the_summary() -> None:
    entry = describe(_order_row(priority="high"))
    assert entry.summary == "priority normal → high"


def test_a_route_change_counts_added_removed_and_reordered_stops() -> None:
    row = _change(
        "route",
        {"vehicle_id": 2, "plan_version": 3, "order_ids": [11, 12], "locked": False},
        {"vehicle_id": 2, "plan_version": 4, "order_ids": [13, 12], "locked": False},
    )
    entry = describe(row, NAMES)
    assert entry.subject == "the route of Van 2"
    assert entry.summary == "A-13 added, A-11 removed"
    assert audit.route_summary([1, 2, 3, 4], [5, 6, 7, 8], NAMES) == (
        "4 stops added, 4 stops removed"
    )
    assert entry.lines == ("stops A-11, A-12 → A-13, A-12",)
    reordered = dataclasses.replace(
        row, after={"vehicle_id": 2, "order_ids": [12, 11], "locked": True}
    )
    assert describe(reordered, NAMES).summary == "reordered, locked"


def test_a_created_route_has_no_before() -> None:
    row = _change(
        "route",
        None,
        {"vehicle_id": 2, "order_ids": [11], "locked": False},
        action=ChangeAction.CREATE,
    )
    entry = describe(row, NAMES)
    assert entry.sentence().startswith("anna created the route of Van 2 at ")
    assert entry.summary == "A-11 added"
    assert "stops – → A-11" in entry.lines


def test_unknown_ids_fall_back_to_numbers() -> None:
    row = _change("route", None, {"vehicle_id": 9, "order_ids": [99]})
    entry = describe(row)
    assert entry.subject == "the route of vehicle 9"
    assert "stops – → #99" in entry.lines


def test_conflict_message_tells_the_story_before_the_advice() -> None:
    entry = describe(_order_row(priority="high"), NAMES)
    message = audit.conflict_message(
        [entry], "Order A-11 was changed by someone else; reload it and retry."
    )
    local = audit.local_time(AT)
    assert message == (
        "Order A-11 was changed by someone else: anna changed order A-11 at "
        f"{local:%H:%M} (priority normal → high); reload it and retry."
    )
    assert audit.conflict_message([], "Refused; reload.") == "Refused; reload."


def test_conflict_message_lists_the_last_few_changes() -> None:
    entries = [describe(_order_row(notes=str(i)), NAMES) for i in range(5)]
    message = audit.conflict_message(entries, "Stale; reload.")
    assert message.count("anna changed") == audit.MAX_LISTED
    assert "and 2 more changes; reload." in message


def test_history_searches_newest_first_in_words() -> None:
    factory = fake_uow_factory(FakeStore())
    with factory() as uow:
        (customer,) = uow.customers.add_many([b.customer()])
        uow.commit()
    (order,) = services.create_orders(
        factory, [b.order(reference="A-11", customer_id=customer.id)]
    )
    services.update_order(
        factory, dataclasses.replace(order, windows=(TimeWindow(600, 660),))
    )
    entries = audit.history(
        factory, ChangeQuery(entity="order", entity_id=str(order.id))
    )
    assert [e.change.action for e in entries] == [
        ChangeAction.UPDATE,
        ChangeAction.CREATE,
    ]
    assert entries[0].lines == ("window 09:00–12:00 → 10:00–11:00",)
    assert audit.history(factory, ChangeQuery(text="10:00")) == []  # JSON holds minutes
    assert len(audit.history(factory, ChangeQuery(text="600"))) == 1
