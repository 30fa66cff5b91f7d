"""Builders of domain values for tests: sensible defaults, override what matters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dispatcher.model import (
    Customer,
    CustomerId,
    Depot,
    DepotId,
    Load,
    Location,
    Order,
    OrderId,
    TimeWindow,
    Vehicle,
    VehicleId,
)
from dispatcher.ports import NEW_ID

DAY = dt.date(2026, 11, 24)  # a Tuesday
LYON = Location(45.7640, 4.8357)


def depot(**overrides: Any) -> Depot:
    """A depot in central Lyon."""
    values: dict[str, Any] = {
        "id": DepotId(NEW_ID),
        "name": "Lyon Central",
        "address": "1 Place Bellecour, 69002 Lyon",
        "location": LYON,
    }
    values.update(overrides)
    return Depot(**values)


def vehicle(**overrides: Any) -> Vehicle:
    """A van: 1,000 kg, 10 m³, 4 pallets, shift 08:00–17:00."""
    values: dict[str, Any] = {
        "id": VehicleId(NEW_ID),
        "name": "Van 1",
        "depot_id": DepotId(1),
        "capacity": Load(1000, 10, 4),
        "shift": TimeWindow(480, 1020),
        "fixed_cost": 50.0,
        "cost_per_km": 0.4,
        "cost_per_hour": 30.0,
    }
    values.update(overrides)
    return Vehicle(**values)


def customer(**overrides: Any) -> Customer:
    """A customer a few kilometres from the depot, open 08:00–18:00 every day."""
    values: dict[str, Any] = {
        "id": CustomerId(NEW_ID),
        "name": "Boulangerie Martin",
        "address": "10 Rue de la République, 69001 Lyon",
        "location": Location(45.7670, 4.8360),
        "receiving_hours": tuple((TimeWindow(480, 1080),) for _ in range(7)),
    }
    values.update(overrides)
    return Customer(**values)


def order(**overrides: Any) -> Order:
    """A 50 kg delivery with a 09:00–12:00 window and 10 minutes of service."""
    values: dict[str, Any] = {
        "id": OrderId(NEW_ID),
        "reference": "ORD-1",
        "customer_id": CustomerId(1),
        "date": DAY,
        "demand": Load(50, 0.5, 0),
        "windows": (TimeWindow(540, 720),),
        "service_minutes": 10,
    }
    values.update(overrides)
    return Order(**values)
