"""Depots, vehicles and drivers."""

from __future__ import annotations

import dataclasses

from db import mapping as m
from db.errors import translating_methods
from db.repositories.base import SqlRepository, select_records
from db.schema import DepotRow, DriverRow, VehicleRow
from dispatcher.model import Depot, DepotId, Driver, DriverId, Vehicle, VehicleId


@translating_methods
class SqlFleetRepository(SqlRepository):
    """Depots, vehicles and drivers."""

    def depots(self) -> list[Depot]:
        """All depots, by id."""
        return [
            m.depot_from_row(r)
            for r in self._all(select_records(DepotRow).order_by(DepotRow.id))
        ]

    def vehicles(self, *, active_only: bool = False) -> list[Vehicle]:
        """All vehicles (or only active ones), by id."""
        stmt = select_records(VehicleRow).order_by(VehicleRow.id)
        if active_only:
            stmt = stmt.where(VehicleRow.active.is_(True))
        return [m.vehicle_from_row(r) for r in self._all(stmt)]

    def drivers(self) -> list[Driver]:
        """All drivers, by id."""
        return [
            m.driver_from_row(r)
            for r in self._all(select_records(DriverRow).order_by(DriverRow.id))
        ]

    def add_depot(self, depot: Depot) -> Depot:
        """Store a new depot; returns it with its id."""
        (new_id,) = self._insert(DepotRow, [m.depot_values(depot)])
        return dataclasses.replace(depot, id=DepotId(new_id))

    def add_vehicle(self, vehicle: Vehicle) -> Vehicle:
        """Store a new vehicle; returns it with its id."""
        (new_id,) = self._insert(VehicleRow, [m.vehicle_values(vehicle)])
        return dataclasses.replace(vehicle, id=VehicleId(new_id))

    def add_driver(self, driver: Driver) -> Driver:
        """Store a new driver; returns it with its id."""
        (new_id,) = self._insert(DriverRow, [m.driver_values(driver)])
        return dataclasses.replace(driver, id=DriverId(new_id))
