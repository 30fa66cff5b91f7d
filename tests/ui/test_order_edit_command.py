"""Order edits through the plan document: one undoable, version-checked save each.

On the fake day of ``tests.ui.plan_day`` and on a real SQLite demo database:
an edit saves the field with a change row, undo saves the old value back, and
a refused or stale edit saves nothing and leaves nothing on the undo stack.
"""

from __future__ import annotations

import dataclasses
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from db.database import open_database
from db.engine import sqlite_url
from dispatcher.day_view import load_day
from dispatcher.demo import DemoConfig, generate, load_dataset
from dispatcher.model import OrderStatus, Priority, TimeWindow
from tests import builders as b
from tests.ui.plan_day import fake_day, order_id
from ui.commands import UpdateOrderCommand
from ui.document import PlanDocument
from ui.models.order_edits import OrderField

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from db.database import Database
    from dispatcher.model import Order, OrderId


@pytest.fixture
def factory() -> Any:
    """The fake day of ``tests.ui.plan_day`` (ORD-1, ORD-2 planned; 3..5 new)."""
    return fake_day()


@pytest.fixture
def document(qtbot: QtBot, factory: Any) -> PlanDocument:
    """A document with the fake day open."""
    doc = PlanDocument(factory)
    doc.open(b.DAY)
    return doc


def stored(factory: Any, reference: str) -> Order:
    """The committed order with this reference."""
    with factory() as uow:
        return uow.orders.get(order_id(factory, reference))


def order_changes(factory: Any, oid: OrderId) -> int:
    """How many change rows the order has."""
    with factory() as uow:
        return len(uow.changes.for_entity("order", str(oid)))


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        (OrderField.WINDOWS, (TimeWindow(600, 660),), "Change window of ORD-3"),
        (
            OrderField.WINDOWS,
            (TimeWindow(480, 540), TimeWindow(840, 900)),
            "Change windows of ORD-3",
        ),
        (OrderField.WINDOWS, (), "Clear windows of ORD-3"),
        (OrderField.PRIORITY, Priority.MUST, "Set priority of ORD-3 to Must"),
        (OrderField.NOTES, "Dock 3", "Edit notes of ORD-3"),
    ],
)
def test_an_edit_saves_one_field_and_undo_puts_it_back(
    qtbot: QtBot,
    document: PlanDocument,
    factory: Any,
    field: OrderField,
    value: object,
    text: str,
) -> None:
    """Edit, undo, redo: the field, a change row per step, the view, the text."""
    oid = order_id(factory, "ORD-3")
    before = stored(factory, "ORD-3")
    changes = order_changes(factory, oid)
    with qtbot.waitSignal(document.sig_plan_changed) as changed:
        document.request_order_edit(oid, field.value, value)
    assert oid in changed.args[0].orders
    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == text
    after = stored(factory, "ORD-3")
    assert getattr(after, field.value) == value
    assert after == dataclasses.replace(
        before, version=before.version + 1, **{field.value: value}
    )
    assert document.view.line_of(oid).order == after
    assert order_changes(factory, oid) == changes + 1

    document.undo_stack.undo()
    undone = stored(factory, "ORD-3")
    assert undone == dataclasses.replace(before, version=before.version + 2)
    assert document.view.line_of(oid).order == undone
    document.undo_stack.redo()
    assert getattr(stored(factory, "ORD-3"), field.value) == value
    assert order_changes(factory, oid) == changes + 3
    assert document.undo_stack.count() == 1


def test_an_edit_of_a_planned_order_retimes_its_route(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """A new window on a route's stop: the view matches a fresh read of the day."""
    oid = order_id(factory, "ORD-1")
    with qtbot.waitSignal(document.sig_plan_changed) as changed:
        document.request_order_edit(oid, "windows", (TimeWindow(900, 960),))
    assert changed.args[0].vehicles
    fresh = load_day(factory, b.DAY)
    assert document.view.lines == fresh.lines
    assert document.view.routes == fresh.routes


def test_edits_interleave_with_plan_edits_and_undo_in_order(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """A move between two edits bumps the order's version; undo still works."""
    oid = order_id(factory, "ORD-3")
    document.request_order_edit(oid, "priority", Priority.HIGH)
    vans = sorted(document.view.vehicles.values(), key=lambda v: v.name)
    document.request_move([oid], vans[1].id)
    document.request_order_edit(oid, "notes", "Call first")
    assert document.undo_stack.count() == 3
    for _ in range(3):
        document.undo_stack.undo()
    order = stored(factory, "ORD-3")
    assert (order.priority, order.notes, order.status) == (
        Priority.NORMAL,
        "",
        OrderStatus.NEW,
    )
    assert document.undo_stack.index() == 0


def test_a_closed_order_is_refused_and_nothing_pushed(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """A delivered order: sig_error names it; the store and the stack stay."""
    oid = order_id(factory, "ORD-4")
    with factory() as uow:
        uow.orders.update(
            dataclasses.replace(uow.orders.get(oid), status=OrderStatus.DELIVERED)
        )
        uow.commit()
    document.open(b.DAY)
    before = stored(factory, "ORD-4")
    with qtbot.waitSignal(document.sig_error) as error:
        document.request_order_edit(oid, "notes", "Too late")
    assert error.args == ["ORD-4 is delivered, so its notes can no longer be changed."]
    assert stored(factory, "ORD-4") == before
    assert document.undo_stack.count() == 0


def test_a_value_the_order_has_pushes_nothing(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Saving the current value is no step at all."""
    oid = order_id(factory, "ORD-3")
    with (
        qtbot.assertNotEmitted(document.sig_error),
        qtbot.assertNotEmitted(document.sig_plan_changed),
    ):
        document.request_order_edit(oid, "priority", Priority.NORMAL)
    assert document.undo_stack.count() == 0


def test_a_value_the_service_refuses_saves_nothing(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """The customer's hours changed since loading: the save is refused whole."""
    oid = order_id(factory, "ORD-3")
    customer_id = stored(factory, "ORD-3").customer_id
    with factory() as uow:
        customer = uow.customers.get(customer_id)
        afternoons = tuple((TimeWindow(780, 1080),) for _ in range(7))
        uow.customers.update(dataclasses.replace(customer, receiving_hours=afternoons))
        uow.commit()
    before = stored(factory, "ORD-3")
    changes = order_changes(factory, oid)
    with qtbot.waitSignal(document.sig_error) as error:
        document.request_order_edit(oid, "windows", (TimeWindow(600, 660),))
    assert error.args[0].startswith("“Change window of ORD-3” was not saved: window")
    assert "receiving hours (13:00–18:00)" in error.args[0]
    assert stored(factory, "ORD-3") == before
    assert order_changes(factory, oid) == changes
    assert document.undo_stack.count() == 0


def test_a_stale_order_is_refused_and_the_day_reloaded(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Someone else saved the order since it was read: nothing saved, day re-read."""
    oid = order_id(factory, "ORD-3")
    with factory() as uow:
        uow.orders.update(dataclasses.replace(uow.orders.get(oid), notes="Theirs"))
        uow.commit()
    theirs = stored(factory, "ORD-3")
    with qtbot.waitSignal(document.sig_error) as error:
        document.request_order_edit(oid, "notes", "Mine")
    assert error.args == [
        "ORD-3 was changed by someone else, so “Edit notes of ORD-3” was not saved; "
        "the day has been reloaded, make your change again."
    ]
    assert stored(factory, "ORD-3") == theirs
    assert document.undo_stack.count() == 0
    with qtbot.waitSignal(document.sig_reloaded):
        pass  # the reload is queued until the stack call has returned
    assert document.view.line_of(oid).order.notes == "Theirs"


def test_undo_against_a_changed_order_is_refused(
    qtbot: QtBot, document: PlanDocument, factory: Any
) -> None:
    """Undo after someone else's save: theirs stays, the history is cleared."""
    oid = order_id(factory, "ORD-3")
    document.request_order_edit(oid, "priority", Priority.MUST)
    with factory() as uow:
        uow.orders.update(dataclasses.replace(uow.orders.get(oid), notes="Theirs"))
        uow.commit()
    theirs = stored(factory, "ORD-3")
    with qtbot.waitSignal(document.sig_error):
        document.undo_stack.undo()
    assert stored(factory, "ORD-3") == theirs
    with qtbot.waitSignal(document.sig_reloaded):
        pass
    assert document.undo_stack.count() == 0


def test_the_command_refuses_an_order_not_on_the_day(document: PlanDocument) -> None:
    """A command for an order the day does not list cannot be made."""
    with pytest.raises(ValueError, match="not on the open day"):
        UpdateOrderCommand(document, 999_999, OrderField.NOTES, "x")  # type: ignore[arg-type]


def test_an_unknown_order_is_ignored(qtbot: QtBot, document: PlanDocument) -> None:
    """A request for an order the day does not list does nothing."""
    with qtbot.assertNotEmitted(document.sig_error):
        document.request_order_edit(999_999, "notes", "x")  # type: ignore[arg-type]
    assert document.undo_stack.count() == 0


# -- on a real SQLite demo database -------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo data set of ``b.DAY`` in a SQLite file, built once."""
    path = tmp_path_factory.mktemp("order-edit-demo") / "demo.sqlite3"
    database = open_database(sqlite_url(path), actor="demo")
    try:
        config = DemoConfig(date=b.DAY, orders_per_day=40, history_days=0)
        load_dataset(database.uow_factory, generate(config))
    finally:
        database.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A copy of the demo file for one test (edits never leak between tests)."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_file, path)
    database = open_database(sqlite_url(path), actor="dispatcher-1")
    yield database
    database.dispose()


def db_order(database: Database, oid: OrderId) -> Order:
    """The order as stored."""
    with database.uow_factory() as uow:
        return uow.orders.get(oid)


def db_changes(database: Database, oid: OrderId) -> list[Any]:
    """The order's change rows as stored."""
    with database.uow_factory() as uow:
        return uow.changes.for_entity("order", str(oid))


def planned_order(document: PlanDocument) -> OrderId:
    """The first order on a route of the open day with time windows of its own."""
    return next(
        line.order.id
        for line in document.view.lines
        if line.vehicle_name is not None and line.order.windows
    )


def test_edit_undo_redo_on_a_demo_database(qtbot: QtBot, demo: Database) -> None:
    """Windows edited: stored with a change row; undo stores the old windows."""
    document = PlanDocument(demo.uow_factory)
    document.open(b.DAY)
    oid = planned_order(document)
    before = db_order(demo, oid)
    changes_before = len(db_changes(demo, oid))
    new = (TimeWindow(before.windows[0].start, before.windows[0].start + 45),)
    assert new != before.windows

    with qtbot.waitSignal(document.sig_plan_changed):
        document.request_order_edit(oid, "windows", new)
    edited = db_order(demo, oid)
    assert edited == dataclasses.replace(
        before, windows=new, version=before.version + 1
    )
    rows = db_changes(demo, oid)
    assert len(rows) == changes_before + 1
    last = rows[-1]
    assert (last.user, last.action.value, last.plan_date) == (
        "dispatcher-1",
        "update",
        b.DAY,
    )
    assert last.before["windows"] != last.after["windows"]
    fresh = load_day(demo.uow_factory, b.DAY)
    assert document.view.lines == fresh.lines
    assert document.view.totals == fresh.totals

    document.undo_stack.undo()
    assert db_order(demo, oid) == dataclasses.replace(
        before, version=before.version + 2
    )
    assert document.view.lines == load_day(demo.uow_factory, b.DAY).lines
    document.undo_stack.redo()
    assert db_order(demo, oid).windows == new
    assert len(db_changes(demo, oid)) == changes_before + 3


def test_stale_version_on_a_demo_database_saves_nothing(
    qtbot: QtBot, demo: Database, tmp_path: Path
) -> None:
    """Another dispatcher saved the order first: refused, their save stays."""
    document = PlanDocument(demo.uow_factory)
    document.open(b.DAY)
    oid = planned_order(document)
    other = open_database(sqlite_url(tmp_path / "demo.sqlite3"), actor="dispatcher-2")
    try:
        with other.uow_factory() as uow:
            order = uow.orders.get(oid)
            uow.orders.update(dataclasses.replace(order, notes="Back door"))
            uow.commit()
    finally:
        other.dispose()
    theirs = db_order(demo, oid)
    changes = len(db_changes(demo, oid))
    with qtbot.waitSignal(document.sig_error) as error:
        document.request_order_edit(oid, "priority", Priority.OPTIONAL)
    assert "was changed by someone else" in error.args[0]
    assert db_order(demo, oid) == theirs
    assert len(db_changes(demo, oid)) == changes
    assert document.undo_stack.count() == 0


def test_refused_value_on_a_demo_database_saves_nothing(
    qtbot: QtBot, demo: Database
) -> None:
    """A window outside the customer's hours is refused before any write."""
    document = PlanDocument(demo.uow_factory)
    document.open(b.DAY)
    oid = planned_order(document)
    before = db_order(demo, oid)
    with qtbot.waitSignal(document.sig_error) as error:
        document.request_order_edit(oid, "windows", (TimeWindow(60, 90),))
    assert "not changed: window 01:00–01:30 lies outside" in error.args[0]
    assert db_order(demo, oid) == before
    assert document.undo_stack.count() == 0
