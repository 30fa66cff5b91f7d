"""Read VRPTW instances in VRPLIB format into a RoutingProblem.

The ``vrplib`` package parses the file; explicit edge weights (possibly
asymmetric) serve as both distance and travel time, as the VRPTW convention
says. Fleet size is ``VEHICLES`` when given, else one vehicle per customer.
The objective is vehicles first, then distance, like Solomon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatcher.errors import ValidationError
from dispatcher.model import Load, TimeWindow
from dispatcher.optimize.problem import FleetVehicle, Job, Objective, RoutingProblem
from dispatcher.scheduling import StopSpec, VehicleSpec
from dispatcher.travel import TravelMatrix

if TYPE_CHECKING:
    from pathlib import Path


def read_vrplib(path: Path) -> RoutingProblem:
    """Read a VRPLIB VRPTW file.

    Raises
    ------
    ValidationError
        If the file cannot be parsed or lacks VRPTW sections.
    """
    import vrplib

    try:
        data = vrplib.read_instance(str(path))
    except Exception as exc:  # the parser raises many kinds on bad input
        raise ValidationError(
            f"{path} is not a readable VRPLIB instance: {exc}"
        ) from exc
    return to_problem(data, source=str(path))


def to_problem(data: dict[str, Any], *, source: str = "instance") -> RoutingProblem:
    """The product's problem for parsed VRPLIB data (single depot)."""
    needed = ("edge_weight", "demand", "time_window", "capacity", "depot")
    missing = [key for key in needed if key not in data]
    if missing:
        raise ValidationError(f"{source} lacks VRPTW sections: {', '.join(missing)}")
    weights = [[float(x) for x in row] for row in data["edge_weight"]]
    depots = [int(d) for d in data["depot"]]
    if len(depots) != 1:
        raise ValidationError(
            f"{source} has {len(depots)} depots; only one is supported"
        )
    depot = depots[0]
    windows = data["time_window"]
    service = data.get("service_time")
    shift = TimeWindow(float(windows[depot][0]), float(windows[depot][1]))  # type: ignore[arg-type]
    jobs = tuple(
        Job(
            key=n,
            stop=StopSpec(
                node=n,
                service_min=float(service[n]) if service is not None else 0.0,
                windows=(TimeWindow(float(windows[n][0]), float(windows[n][1])),),  # type: ignore[arg-type]
                demand=Load(kg=float(data["demand"][n])),
            ),
        )
        for n in range(len(weights))
        if n != depot
    )
    count = int(data.get("vehicles", len(jobs)))
    spec = VehicleSpec(
        start_node=depot,
        end_node=depot,
        shift=shift,
        capacity=Load(kg=float(data["capacity"])),
    )
    return RoutingProblem(
        matrix=TravelMatrix(weights, [row[:] for row in weights]),
        jobs=jobs,
        vehicles=tuple(FleetVehicle(key=k, spec=spec) for k in range(count)),
        objective=Objective(minimize_vehicles=True, distance_only=True),
        name=str(data.get("name", source)),
    )
