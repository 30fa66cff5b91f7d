"""Demo customers: B2B accounts clustered in Lyon's business districts.

Besides the stored ``Customer`` the generator keeps a few traits the model has
no field for (trade, loading dock, how often they order); they shape demands,
required skills and notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.demo.fleet import COLD_CHAIN
from dispatcher.demo.geography import DISTRICTS, CustomerKind, District
from dispatcher.demo.hours import HOURS_BY_KIND
from dispatcher.demo.names import (
    FIRST_NAMES,
    company_name,
    door_code,
    email,
    landline,
    person_name,
)
from dispatcher.demo.sampling import lognormal_factor, pick, stream
from dispatcher.model import Customer, CustomerId

if TYPE_CHECKING:
    import random

    from dispatcher.demo.config import DemoConfig
    from dispatcher.demo.fleet import Fleet

K = CustomerKind

DOCK_SHARE = {
    K.OFFICE: 0.1,
    K.RETAIL: 0.05,
    K.FOOD: 0.05,
    K.INDUSTRIAL: 0.85,
    K.HEALTH: 0.35,
    K.TRADE: 0.6,
}
"""Share of customers of each trade with a loading dock (no tail lift needed)."""

SERVICE_MINUTES = {
    K.OFFICE: 3,
    K.RETAIL: 4,
    K.FOOD: 5,
    K.INDUSTRIAL: 6,
    K.HEALTH: 4,
    K.TRADE: 5,
}
"""Fixed time at the door before any handling: park, walk, sign."""

ORDER_FREQUENCY = {
    K.OFFICE: 0.7,
    K.RETAIL: 1.0,
    K.FOOD: 1.3,
    K.INDUSTRIAL: 1.2,
    K.HEALTH: 1.3,
    K.TRADE: 1.1,
}
"""Relative ordering frequency: restaurants restock almost daily."""

COLD_SHARE = {K.FOOD: 0.45, K.HEALTH: 0.15}
"""Share of customers of a trade whose goods need a refrigerated vehicle."""


@dataclass(frozen=True, slots=True)
class CustomerTraits:
    """What the generator knows about a customer beyond the stored fields."""

    kind: CustomerKind
    district: District
    has_dock: bool
    activity: float


def _notes(rng: random.Random, traits: CustomerTraits, contact: str) -> str:
    """Delivery instructions a dispatcher would keep for this customer."""
    notes: list[str] = []
    if traits.has_dock:
        notes.append(f"Dock {rng.randrange(1, 13)}, ring goods-in at the gate")
    elif traits.kind in (K.OFFICE, K.RETAIL, K.HEALTH):
        notes.append(f"Door code {door_code(rng)}")
    else:
        notes.append("No loading dock: unload at the kerb")
    if traits.district.pedestrian and rng.random() < 0.7:
        notes.append("Pedestrian street: bollards down until 11:00")
    extra = pick(
        rng,
        (
            ("", 4),
            (f"Ask for {contact.split()[0]} at reception", 1),
            ("Call 10 min before arrival", 1),
            ("Badge required at the gate house", 0.6 if traits.has_dock else 0.1),
            ("Forklift on site", 0.8 if traits.has_dock else 0.0),
            ("Goods lift max 400 kg", 0.4),
            ("Delivery entrance at the back of the building", 0.6),
            (f"Weekend contact: {rng.choice(FIRST_NAMES)}", 0.2),
        ),
    )
    if extra:
        notes.append(extra)
    return "; ".join(notes)


def build_customers(
    config: DemoConfig, fleet: Fleet
) -> tuple[tuple[Customer, ...], tuple[CustomerTraits, ...]]:
    """The customers of a demo data set and their traits, in the same order.

    Parameters
    ----------
    config
        Size (``customer_count``) and seed.
    fleet
        Only skills some vehicle has are ever required.

    Returns
    -------
    tuple
        Customers with local ids from 1, and their traits.
    """
    rng = stream(config.seed, "customers")
    fleet_skills = frozenset().union(*(v.skills for v in fleet.vehicles))
    districts = tuple((d, d.weight) for d in DISTRICTS)
    customers: list[Customer] = []
    traits: list[CustomerTraits] = []
    for i in range(config.customer_count):
        district = pick(rng, districts)
        kind = pick(rng, district.kinds)
        trait = CustomerTraits(
            kind=kind,
            district=district,
            has_dock=rng.random() < DOCK_SHARE[kind],
            activity=ORDER_FREQUENCY[kind] * lognormal_factor(rng, 0.8),
        )
        name = company_name(rng, kind)
        contact = person_name(rng)
        cold = COLD_CHAIN in fleet_skills and rng.random() < COLD_SHARE.get(kind, 0.0)
        number = rng.randrange(1, 180)
        customers.append(
            Customer(
                id=CustomerId(i + 1),
                name=name,
                address=f"{number} {rng.choice(district.streets)}, "
                f"{district.postcode} {district.commune}",
                location=district.sample_location(rng),
                receiving_hours=pick(rng, HOURS_BY_KIND[kind]),
                service_minutes=SERVICE_MINUTES[kind] + rng.randrange(0, 3),
                skills=frozenset({COLD_CHAIN}) if cold else frozenset(),
                contact_name=contact,
                email=email(contact, name),
                phone=landline(rng),
                notes=_notes(rng, trait, contact),
            )
        )
        traits.append(trait)
    return tuple(customers), tuple(traits)
