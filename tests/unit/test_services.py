"""Use cases over the fake storage: all-or-nothing writes and the change log."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatcher import services
from dispatcher.errors import ConcurrencyConflict, ValidationError
from dispatcher.model import ChangeAction, Load, Priority, Role, TimeWindow
from tests import builders as b
from tests.fakes import FakeStore, fake_uow_factory


@pytest.fixture
def factory():  # type: ignore[no-untyped-def]
    """A fake database with one customer open 08:00–18:00."""
    factory = fake_uow_factory(actor="alice")
    with factory() as uow:
        uow.customers.add_many([b.customer()])
        uow.commit()
    return factory


def test_create_orders_stores_all_and_logs_each(factory) -> None:  # type: ignore[no-untyped-def]
    """Two valid orders are stored with ids and two create rows by the actor."""
    stored = services.create_orders(
        factory, [b.order(reference="A"), b.order(reference="B")]
    )
    assert [o.reference for o in stored] == ["A", "B"]
    assert all(o.id > 0 for o in stored)
    store: FakeStore = factory.store
    changes = list(store.changes.values())
    assert [(c.action, c.user, c.entity) for c in changes] == [
        (ChangeAction.CREATE, "alice", "order")
    ] * 2
    assert changes[0].after is not None
    assert changes[0].after["reference"] == "A"


def test_create_orders_is_all_or_nothing(factory) -> None:  # type: ignore[no-untyped-def]
    """A bad second order names row 2 and its field, and nothing is stored."""
    bad = b.order(reference="B", demand=Load(-1, 0, 0))
    with pytest.raises(ValidationError) as caught:
        services.create_orders(factory, [b.order(reference="A"), bad])
    assert (caught.value.row, caught.value.field) == (2, "demand")
    assert "row 2" in str(caught.value)
    assert factory.store.orders == {}
    assert factory.store.changes == {}


def test_unknown_customer_is_refused(factory) -> None:  # type: ignore[no-untyped-def]
    """An order for a customer that does not exist is a row error."""
    with pytest.raises(ValidationError, match="customer 99 does not exist"):
        services.create_orders(factory, [b.order(customer_id=99)])


def test_update_order_logs_before_and_after(factory) -> None:  # type: ignore[no-untyped-def]
    """An edit bumps the version and records both sides."""
    (order,) = services.create_orders(factory, [b.order()])
    saved = services.update_order(factory, replace(order, priority=Priority.MUST))
    assert saved.version == order.version + 1
    last = max(factory.store.changes.values(), key=lambda c: c.id)
    assert last.action == ChangeAction.UPDATE
    assert last.before is not None
    assert last.after is not None
    assert (last.before["priority"], last.after["priority"]) == ("normal", "must")


def test_update_order_refuses_a_stale_version(factory) -> None:  # type: ignore[no-untyped-def]
    """A second edit made from the old version is a conflict, not an overwrite."""
    (order,) = services.create_orders(factory, [b.order()])
    services.update_order(factory, replace(order, notes="first"))
    with pytest.raises(ConcurrencyConflict):
        services.update_order(factory, replace(order, notes="second"))
    (stored,) = factory.store.orders.values()
    assert stored.notes == "first"


def test_update_order_validates_against_receiving_hours(factory) -> None:  # type: ignore[no-untyped-def]
    """A window at night, when the customer is closed, is refused with the reason."""
    (order,) = services.create_orders(factory, [b.order()])
    night = replace(order, windows=(TimeWindow(1200, 1300),))
    with pytest.raises(ValidationError, match=r"outside .* receiving hours"):
        services.update_order(factory, night)
    (stored,) = factory.store.orders.values()
    assert stored.windows == order.windows


def test_ensure_user_creates_once(factory) -> None:  # type: ignore[no-untyped-def]
    """The first call creates the user; the second returns the same one."""
    first = services.ensure_user(factory, "bob", Role.STAFF)
    second = services.ensure_user(factory, "bob", Role.ADMIN)
    assert first == second
    assert second.role == Role.STAFF
