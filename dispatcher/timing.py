"""Timing of domain routes: turns orders, customers and depots into scheduler input.

``dispatcher.scheduling`` works on plain nodes and numbers; this module maps a
domain ``Route`` onto it. Each route gets its own small travel matrix over just
its depots and stops, so timing one route costs O(stops) whatever the size of
the day — the route board re-times the touched routes on every edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.scheduling import StopSpec, VehicleSpec, schedule_route
from dispatcher.travel import HaversineProvider

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dispatcher.model import (
        Customer,
        CustomerId,
        Depot,
        DepotId,
        Order,
        OrderId,
        TimeWindow,
        Vehicle,
    )
    from dispatcher.scheduling import RouteSchedule
    from dispatcher.travel import TravelMatrixProvider


DEFAULT_PROVIDER = HaversineProvider()
"""The offline travel estimate used unless a road-network provider is configured."""


def effective_windows(order: Order, customer: Customer) -> tuple[TimeWindow, ...]:
    """The order's own windows, else the customer's receiving hours that day."""
    return order.windows or customer.hours_on(order.date)


def required_skills(order: Order, customer: Customer) -> frozenset[str]:
    """Skills the vehicle needs: the order's plus the customer's (e.g. a dock)."""
    return order.skills | customer.skills


@dataclass(frozen=True, slots=True)
class DayContext:
    """Everything needed to time any route of one day, looked up by id."""

    orders: Mapping[OrderId, Order]
    customers: Mapping[CustomerId, Customer]
    depots: Mapping[DepotId, Depot]
    provider: TravelMatrixProvider = DEFAULT_PROVIDER

    def time_route(
        self, vehicle: Vehicle, order_ids: Sequence[OrderId]
    ) -> RouteSchedule:
        """Schedule ``vehicle`` serving ``order_ids`` in that order."""
        orders = [self.orders[oid] for oid in order_ids]
        customers = [self.customers[o.customer_id] for o in orders]
        start = self.depots[vehicle.depot_id].location
        end = self.depots[vehicle.end_depot].location
        matrix = self.provider.matrix([start, end, *(c.location for c in customers)])
        stops = [
            StopSpec(
                node=2 + i,
                service_min=order.service_minutes,
                windows=effective_windows(order, customer),
                demand=order.demand,
                skills=required_skills(order, customer),
                pickup=order.kind == "pickup",
            )
            for i, (order, customer) in enumerate(zip(orders, customers, strict=True))
        ]
        spec = VehicleSpec.from_vehicle(vehicle, start_node=0, end_node=1)
        return schedule_route(spec, stops, matrix)
