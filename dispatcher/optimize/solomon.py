"""Read Solomon VRPTW instances (the classic text format) into a RoutingProblem.

The file holds a name, the fleet size and capacity, and one row per node:
number, x, y, demand, ready time, due date, service time; node 0 is the depot.
Distances and travel times are the exact Euclidean distances (floats); the
objective is the literature's: fewest vehicles first, then total distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.errors import ValidationError
from dispatcher.model import Load, TimeWindow
from dispatcher.optimize.problem import FleetVehicle, Job, Objective, RoutingProblem
from dispatcher.scheduling import StopSpec, VehicleSpec
from dispatcher.travel import TravelMatrix

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True, slots=True)
class SolomonInstance:
    """The raw numbers of one instance."""

    name: str
    vehicles: int
    capacity: float
    rows: tuple[tuple[float, ...], ...]
    """(number, x, y, demand, ready, due, service) per node, depot first."""


def parse_solomon(text: str, *, source: str = "instance") -> SolomonInstance:
    """Parse the text of a Solomon instance.

    Raises
    ------
    ValidationError
        If the text is not in the Solomon format.
    """
    lines = [line.strip() for line in text.splitlines()]
    name = next((line for line in lines if line), "")
    numeric = [line.split() for line in lines if line and line[0].isdigit()]
    try:
        vehicles, capacity = int(numeric[0][0]), float(numeric[0][1])
        rows = tuple(tuple(float(x) for x in row) for row in numeric[1:])
    except (IndexError, ValueError) as exc:
        raise ValidationError(f"{source} is not a Solomon instance: {exc}") from exc
    if not rows or any(len(row) != 7 for row in rows):
        raise ValidationError(
            f"{source} is not a Solomon instance: node rows need 7 numbers"
        )
    return SolomonInstance(name, vehicles, capacity, rows)


def read_solomon(path: Path) -> RoutingProblem:
    """Read a Solomon instance file into a problem (see ``to_problem``)."""
    return to_problem(parse_solomon(path.read_text(), source=str(path)))


def to_problem(instance: SolomonInstance) -> RoutingProblem:
    """The product's problem for an instance: vehicles first, then distance."""
    rows = instance.rows
    coords = [(row[1], row[2]) for row in rows]
    dist = [[math.dist(a, b) for b in coords] for a in coords]
    depot = rows[0]
    shift = TimeWindow(depot[4], depot[5])  # type: ignore[arg-type]
    spec = VehicleSpec(
        start_node=0, end_node=0, shift=shift, capacity=Load(kg=instance.capacity)
    )
    jobs = tuple(
        Job(
            key=int(row[0]),
            stop=StopSpec(
                node=n,
                service_min=row[6],
                windows=(TimeWindow(row[4], row[5]),),  # type: ignore[arg-type]
                demand=Load(kg=row[3]),
            ),
        )
        for n, row in enumerate(rows)
        if n > 0
    )
    fleet = tuple(FleetVehicle(key=k, spec=spec) for k in range(instance.vehicles))
    return RoutingProblem(
        matrix=TravelMatrix(dist, dist),
        jobs=jobs,
        vehicles=fleet,
        objective=Objective(minimize_vehicles=True, distance_only=True),
        name=instance.name,
    )
