"""The colours of routes, shared by the route board and the map.

A route keeps its colour in every view and across edits: the colour belongs to
the vehicle, picked from the fleet's vehicle ids in ascending order, so adding
or emptying one route never recolours the others. The palette is built from
Okabe–Ito and Paul Tol's "muted" scheme, which stay distinguishable for the
common kinds of colour blindness; grey is kept out of it because grey means
"unassigned". With more vehicles than colours the palette repeats, so views
always show the vehicle's name next to its colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dispatcher.model import VehicleId

ROUTE_COLORS: tuple[str, ...] = (
    "#0072b2",  # blue (Okabe–Ito)
    "#d55e00",  # vermillion (Okabe–Ito)
    "#009e73",  # bluish green (Okabe–Ito)
    "#cc79a7",  # reddish purple (Okabe–Ito)
    "#e69f00",  # orange (Okabe–Ito)
    "#332288",  # indigo (Tol muted)
    "#56b4e9",  # sky blue (Okabe–Ito)
    "#882255",  # wine (Tol muted)
    "#999933",  # olive (Tol muted)
    "#44aa99",  # teal (Tol muted)
    "#cc6677",  # rose (Tol muted)
    "#117733",  # green (Tol muted)
)
"""Route colours, ``#rrggbb``, neighbours chosen to contrast with each other."""

UNASSIGNED_COLOR = "#697386"
"""Outline colour of orders on no route (they are drawn hollow)."""

DEPOT_COLOR = "#1f2933"
"""Fill colour of depot markers."""

INK, WHITE = "#1f2933", "#ffffff"


def route_color(index: int) -> str:
    """The colour at ``index`` of ``ROUTE_COLORS``, repeating past its end."""
    return ROUTE_COLORS[index % len(ROUTE_COLORS)]


def vehicle_colors(vehicle_ids: Iterable[VehicleId]) -> dict[VehicleId, str]:
    """A colour per vehicle, by ascending id, stable while the fleet is unchanged.

    Pass every vehicle of the fleet (not only those with a route today), so a
    vehicle's colour does not change when another route appears or empties.
    """
    return {vid: route_color(i) for i, vid in enumerate(sorted(set(vehicle_ids)))}


def text_color_on(background: str) -> str:
    """Ink or white, whichever reads better on ``background`` (``#rrggbb``).

    Uses the WCAG relative luminance: white text from about 0.18 downwards,
    which keeps numbers legible on both the dark and the light route colours.
    """
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return WHITE if luminance < 0.18 else INK
