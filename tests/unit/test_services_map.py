"""The map's use case over the fake storage: moving a customer's pin."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dispatcher import services
from dispatcher.errors import NotFound
from dispatcher.model import ChangeAction, CustomerId, Location
from tests import builders as b
from tests.fakes import fake_uow_factory

NEW_PLACE = Location(45.7801, 4.8702)


@pytest.fixture
def factory() -> Any:
    """A fake database with two customers, as user "alice"."""
    factory = fake_uow_factory(actor="alice")
    with factory() as uow:
        uow.customers.add_many(
            [b.customer(name="Boulangerie Martin"), b.customer(name="Pharmacie")]
        )
        uow.commit()
    return factory


def test_move_customer_saves_only_the_location(factory: Any) -> None:
    """The customer gets the new place and keeps every other field."""
    with factory() as uow:
        before = uow.customers.get(CustomerId(1))
    saved = services.move_customer(factory, CustomerId(1), NEW_PLACE)
    assert saved == replace(before, location=NEW_PLACE)
    with factory() as uow:
        assert uow.customers.get(CustomerId(1)) == saved
        assert uow.customers.get(CustomerId(2)).location == b.customer().location


def test_move_customer_records_before_and_after(factory: Any) -> None:
    """One update row by the actor holds the old and the new coordinates."""
    services.move_customer(factory, CustomerId(1), NEW_PLACE)
    changes = [c for c in factory.store.changes.values() if c.entity == "customer"]
    assert [(c.action, c.user, c.entity_id) for c in changes] == [
        (ChangeAction.UPDATE, "alice", "1")
    ]
    old = b.customer().location
    assert changes[0].before is not None
    assert changes[0].after is not None
    assert changes[0].before["location"] == {"lat": old.lat, "lon": old.lon}
    assert changes[0].after["location"] == {"lat": NEW_PLACE.lat, "lon": NEW_PLACE.lon}


def test_move_unknown_customer_changes_nothing(factory: Any) -> None:
    """An unknown customer raises NotFound and writes no row."""
    commits = factory.store.commits
    with pytest.raises(NotFound):
        services.move_customer(factory, CustomerId(99), NEW_PLACE)
    assert factory.store.commits == commits
    assert factory.store.changes == {}
