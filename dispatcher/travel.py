"""Travel matrices: how far and how long between every pair of places.

A ``TravelMatrixProvider`` turns a list of locations into a ``TravelMatrix``.
The default ``HaversineProvider`` works offline and is deterministic: great-circle
distance times a circuity factor (roads are not straight lines) divided by an
average speed. A road-network provider (OSRM, Valhalla, ...) can implement the
same Protocol later. Matrices are plain nested lists: element access from the
scheduler's Python loops is several times faster than on numpy arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dispatcher.model import Location

EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance between two locations in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """Distances (km) and durations (minutes) between ``size`` places.

    Row ``i``, column ``j`` is the trip from place ``i`` to place ``j``; the
    matrices may be asymmetric (one-way streets, VRPLIB instances).
    """

    distance_km: list[list[float]]
    duration_min: list[list[float]]

    def __post_init__(self) -> None:
        n = len(self.distance_km)
        if len(self.duration_min) != n or any(
            len(row) != n for row in (*self.distance_km, *self.duration_min)
        ):
            raise ValueError(
                "distance and duration matrices must both be square and equal"
            )

    @property
    def size(self) -> int:
        """Number of places."""
        return len(self.distance_km)

    def km(self, i: int, j: int) -> float:
        """Distance from place ``i`` to place ``j``."""
        return self.distance_km[i][j]

    def minutes(self, i: int, j: int) -> float:
        """Driving time from place ``i`` to place ``j``."""
        return self.duration_min[i][j]


class TravelMatrixProvider(Protocol):
    """Anything that can measure trips between places."""

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        """The matrix over ``locations``, indexed by their position in the list."""
        ...


@dataclass(frozen=True, slots=True)
class HaversineProvider:
    """Offline estimate: great-circle km × circuity, driven at an average speed.

    Parameters
    ----------
    circuity
        Road distance over straight-line distance; about 1.3 in European cities.
    speed_kmh
        Average door-to-door speed including traffic lights and parking search.
    """

    circuity: float = 1.3
    speed_kmh: float = 30.0

    def __post_init__(self) -> None:
        if self.circuity < 1.0:
            raise ValueError("circuity must be at least 1 (roads are never shorter)")
        if self.speed_kmh <= 0:
            raise ValueError("speed must be positive")

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        """Symmetric matrix over ``locations`` (vectorised: 2,000 places in < 1 s)."""
        lat = np.radians(np.fromiter((p.lat for p in locations), float, len(locations)))
        lon = np.radians(np.fromiter((p.lon for p in locations), float, len(locations)))
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        h = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        )
        km = (
            2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))) * self.circuity
        )
        return TravelMatrix(km.tolist(), (km * (60.0 / self.speed_kmh)).tolist())
