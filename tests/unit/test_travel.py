"""The offline travel-matrix provider."""

from __future__ import annotations

import pytest

from dispatcher.model import Location
from dispatcher.travel import HaversineProvider, TravelMatrix, haversine_km

LYON_PART_DIEU = Location(45.7606, 4.8590)
LYON_PERRACHE = Location(45.7485, 4.8255)
PARIS_NOTRE_DAME = Location(48.8530, 2.3499)


def test_haversine_matches_a_known_distance() -> None:
    """Lyon to Paris is about 392 km as the crow flies."""
    assert haversine_km(LYON_PART_DIEU, PARIS_NOTRE_DAME) == pytest.approx(392, abs=3)


def test_provider_applies_circuity_and_speed() -> None:
    """Road km = crow km × circuity; minutes = km / speed × 60."""
    provider = HaversineProvider(circuity=1.5, speed_kmh=20)
    matrix = provider.matrix([LYON_PART_DIEU, LYON_PERRACHE])
    crow = haversine_km(LYON_PART_DIEU, LYON_PERRACHE)
    assert matrix.km(0, 1) == pytest.approx(crow * 1.5)
    assert matrix.minutes(0, 1) == pytest.approx(crow * 1.5 / 20 * 60)
    assert matrix.km(1, 0) == pytest.approx(matrix.km(0, 1))
    assert matrix.km(0, 0) == 0


def test_provider_is_deterministic() -> None:
    """The same locations give the same matrix."""
    places = [LYON_PART_DIEU, LYON_PERRACHE, PARIS_NOTRE_DAME]
    assert HaversineProvider().matrix(places) == HaversineProvider().matrix(places)


@pytest.mark.parametrize(("circuity", "speed"), [(0.9, 30), (1.3, 0)])
def test_provider_rejects_impossible_settings(circuity: float, speed: float) -> None:
    """Roads shorter than straight lines or a zero speed are refused."""
    with pytest.raises(ValueError, match="must"):
        HaversineProvider(circuity=circuity, speed_kmh=speed)


def test_matrix_must_be_square() -> None:
    """A ragged matrix is refused."""
    with pytest.raises(ValueError, match="square"):
        TravelMatrix([[0.0, 1.0]], [[0.0, 1.0]])
