"""The demo fleet: two depots, a mixed fleet with skills and shifts, drivers.

Capacities are those of common real vehicles: an electric cargo trike, a small
electric van (Kangoo class), 3.5 t panel vans (Master/Sprinter class, some with
a tail lift or a refrigerated body) and 7.5 t rigid box trucks with a tail lift
(one ADR-equipped for dangerous goods, one refrigerated). Larger fleets repeat
the same 14-vehicle mix, so every skill exists from five vehicles up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.demo.geography import DEPOT_SITES
from dispatcher.demo.hours import windows
from dispatcher.demo.names import mobile, person_name, plate
from dispatcher.demo.sampling import stream
from dispatcher.model import (
    BreakRule,
    Depot,
    DepotId,
    Driver,
    DriverId,
    Load,
    TimeWindow,
    Vehicle,
    VehicleId,
)

if TYPE_CHECKING:
    from dispatcher.demo.config import DemoConfig

TAIL_LIFT = "tail_lift"
COLD_CHAIN = "cold_chain"
ADR = "adr"
SKILLS = (TAIL_LIFT, COLD_CHAIN, ADR)

EU_BREAK = BreakRule(after_driving=270, duration=45)
"""45 minutes after 4 h 30 of driving."""


@dataclass(frozen=True, slots=True)
class VehicleType:
    """A kind of vehicle with its capacity, equipment, costs and limits."""

    label: str
    capacity: Load
    skills: frozenset[str]
    fixed_cost: float
    cost_per_km: float
    cost_per_hour: float
    max_distance_km: float | None = None
    max_stops: int | None = None


CARGO_BIKE = VehicleType(
    "Cargo bike",
    Load(180, 1.5, 0),
    frozenset(),
    25,
    0.04,
    24,
    max_distance_km=45,
    max_stops=30,
)
SMALL_VAN = VehicleType(
    "Small e-van", Load(600, 3.3, 1), frozenset(), 45, 0.10, 28, max_distance_km=160
)
VAN = VehicleType("Van", Load(1100, 13, 4), frozenset(), 70, 0.22, 30)
VAN_TAIL_LIFT = VehicleType(
    "Van tail-lift", Load(850, 12, 4), frozenset({TAIL_LIFT}), 80, 0.24, 30
)
REEFER_VAN = VehicleType(
    "Reefer van", Load(900, 10, 3), frozenset({COLD_CHAIN}), 90, 0.27, 30
)
TRUCK = VehicleType(
    "7.5 t truck",
    Load(2800, 36, 15),
    frozenset({TAIL_LIFT}),
    125,
    0.38,
    34,
    max_stops=25,
)
TRUCK_ADR = VehicleType(
    "7.5 t ADR truck",
    Load(2800, 36, 15),
    frozenset({TAIL_LIFT, ADR}),
    135,
    0.40,
    35,
    max_stops=25,
)
TRUCK_REEFER = VehicleType(
    "7.5 t reefer",
    Load(2400, 30, 12),
    frozenset({TAIL_LIFT, COLD_CHAIN}),
    140,
    0.42,
    34,
    max_stops=25,
)

SUD_EST, CENTRE = 0, 1
"""Indexes into ``DEPOT_SITES``."""

EARLY, DAY, LATE = windows("06:00-14:00, 07:00-16:00, 10:00-19:00")
BIKE_SHIFT = TimeWindow(8 * 60, 16 * 60)

FLEET_MIX: tuple[tuple[VehicleType, int, TimeWindow], ...] = (
    (VAN, SUD_EST, DAY),
    (SMALL_VAN, CENTRE, DAY),
    (TRUCK, SUD_EST, EARLY),
    (REEFER_VAN, SUD_EST, EARLY),
    (CARGO_BIKE, CENTRE, BIKE_SHIFT),
    (VAN_TAIL_LIFT, SUD_EST, DAY),
    (SMALL_VAN, CENTRE, LATE),
    (TRUCK_ADR, SUD_EST, DAY),
    (VAN, SUD_EST, LATE),
    (CARGO_BIKE, CENTRE, BIKE_SHIFT),
    (SMALL_VAN, SUD_EST, EARLY),
    (TRUCK_REEFER, SUD_EST, EARLY),
    (REEFER_VAN, CENTRE, EARLY),
    (VAN, SUD_EST, DAY),
)
"""Type, home depot and shift of each vehicle of a 14-vehicle fleet, most
essential first (a fleet of N takes the first N, then repeats)."""

SPARE_DRIVER_EVERY = 7
"""One spare driver per this many vehicles covers holidays and sick days."""


@dataclass(frozen=True, slots=True)
class Fleet:
    """Depots, vehicles and drivers of the demo (local ids from 1)."""

    depots: tuple[Depot, ...]
    vehicles: tuple[Vehicle, ...]
    drivers: tuple[Driver, ...]

    def depot(self, depot_id: DepotId) -> Depot:
        """The depot with this local id."""
        return self.depots[depot_id - 1]

    @property
    def regular_drivers(self) -> dict[VehicleId, Driver]:
        """Each vehicle's usual driver."""
        return {d.vehicle_id: d for d in self.drivers if d.vehicle_id is not None}

    @property
    def spare_drivers(self) -> tuple[Driver, ...]:
        """Drivers without a vehicle of their own."""
        return tuple(d for d in self.drivers if d.vehicle_id is None)


def build_fleet(config: DemoConfig) -> Fleet:
    """The depots, vehicles and drivers of a demo data set.

    Parameters
    ----------
    config
        Fleet size and seed.

    Returns
    -------
    Fleet
        Two depots, ``config.fleet_size`` vehicles, one driver per vehicle plus
        spares.
    """
    rng = stream(config.seed, "fleet")
    depots = tuple(
        Depot(
            DepotId(i + 1),
            site.name,
            site.address,
            site.location,
            TimeWindow(site.opens, site.closes),
        )
        for i, site in enumerate(DEPOT_SITES)
    )
    vehicles: list[Vehicle] = []
    per_label: dict[str, int] = {}
    for i in range(config.fleet_size):
        kind, depot_index, shift = FLEET_MIX[i % len(FLEET_MIX)]
        per_label[kind.label] = per_label.get(kind.label, 0) + 1
        vehicles.append(
            Vehicle(
                id=VehicleId(i + 1),
                name=f"{kind.label} {per_label[kind.label]:02d} · {plate(rng)}",
                depot_id=depots[depot_index].id,
                capacity=kind.capacity,
                shift=shift,
                skills=kind.skills,
                fixed_cost=kind.fixed_cost,
                cost_per_km=kind.cost_per_km,
                cost_per_hour=kind.cost_per_hour,
                max_distance_km=kind.max_distance_km,
                max_stops=kind.max_stops,
                break_rule=EU_BREAK,
            )
        )
    spares = max(1, len(vehicles) // SPARE_DRIVER_EVERY)
    device_numbers = rng.sample(range(100_000, 1_000_000), len(vehicles) + spares)
    drivers = tuple(
        Driver(
            id=DriverId(i + 1),
            name=person_name(rng),
            phone=mobile(rng),
            device_id=str(device_numbers[i]),
            vehicle_id=vehicles[i].id if i < len(vehicles) else None,
        )
        for i in range(len(vehicles) + spares)
    )
    return Fleet(depots, tuple(vehicles), drivers)
