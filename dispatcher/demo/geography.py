"""Greater Lyon: where the demo's depots and customers are.

Customers cluster in real business districts and industrial parks of the Lyon
metropolitan area. Centres are real approximate coordinates; spreads are the
standard deviations (km, north–south and east–west) of a Gaussian around them.
Street names are real streets of each area, combined with made-up numbers, so
addresses look right on a map without pointing at any real company.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from dispatcher.model import Location

if TYPE_CHECKING:
    import random

KM_PER_DEGREE_LAT = 111.32

CITY_CENTRE = Location(45.7578, 4.8320)
"""Place Bellecour: the pole of the route-construction sweep."""


class CustomerKind(StrEnum):
    """The trade of a B2B customer; drives hours, demand and names."""

    OFFICE = "office"
    RETAIL = "retail"
    FOOD = "food"
    INDUSTRIAL = "industrial"
    HEALTH = "health"
    TRADE = "trade"


@dataclass(frozen=True, slots=True)
class District:
    """A business district or industrial park where customers cluster."""

    name: str
    postcode: str
    commune: str
    centre: Location
    spread_north_km: float
    spread_east_km: float
    weight: float
    kinds: tuple[tuple[CustomerKind, float], ...]
    streets: tuple[str, ...]
    pedestrian: bool = False
    """Pedestrian streets and bollards: access only in the early morning."""

    def sample_location(self, rng: random.Random) -> Location:
        """A point of the district (Gaussian around the centre, cut at 2.2 sd)."""
        north = max(-2.2, min(2.2, rng.gauss(0.0, 1.0))) * self.spread_north_km
        east = max(-2.2, min(2.2, rng.gauss(0.0, 1.0))) * self.spread_east_km
        lat = self.centre.lat + north / KM_PER_DEGREE_LAT
        lon = self.centre.lon + east / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
        return Location(round(lat, 6), round(lon, 6))


@dataclass(frozen=True, slots=True)
class DepotSite:
    """Where a depot is and what it looks like."""

    name: str
    address: str
    location: Location
    opens: int
    closes: int


K = CustomerKind


def _streets(text: str) -> tuple[str, ...]:
    """The semicolon-separated street names of a district."""
    return tuple(" ".join(name.split()) for name in text.split(";") if name.strip())


DEPOT_SITES: tuple[DepotSite, ...] = (
    DepotSite(
        "Hub Lyon Sud-Est (Corbas)",
        "14 Rue des Frères Lumière, 69960 Corbas",
        Location(45.6780, 4.9150),
        5 * 60,
        21 * 60,
    ),
    DepotSite(
        "Urban hub Lyon Centre (Port Édouard Herriot)",
        "Port Édouard Herriot, 18 Rue de Cronstadt, 69007 Lyon",
        Location(45.7300, 4.8400),
        5 * 60 + 30,
        20 * 60,
    ),
)
"""A big warehouse in the south-eastern logistics belt and an urban hub."""

DISTRICTS: tuple[District, ...] = (
    District(
        "Part-Dieu",
        "69003",
        "Lyon",
        Location(45.7610, 4.8560),
        spread_north_km=0.7,
        spread_east_km=0.8,
        weight=11,
        kinds=((K.OFFICE, 0.55), (K.RETAIL, 0.2), (K.FOOD, 0.15), (K.HEALTH, 0.1)),
        streets=_streets(
            """
            Boulevard Marius Vivier-Merle; Rue Garibaldi; Rue de Bonnel; Rue
            Servient; Cours Lafayette; Rue Paul Bert; Rue Moncey; Rue de la
            Villette; Rue Maurice Flandin; Avenue Félix Faure
            """
        ),
    ),
    District(
        "Presqu'île",
        "69002",
        "Lyon",
        Location(45.7600, 4.8330),
        spread_north_km=0.9,
        spread_east_km=0.3,
        weight=12,
        kinds=((K.RETAIL, 0.45), (K.FOOD, 0.3), (K.OFFICE, 0.15), (K.HEALTH, 0.1)),
        streets=_streets(
            """
            Rue de la République; Rue Édouard Herriot; Rue Mercière; Rue du
            Président Carnot; Rue Victor Hugo; Rue des Marronniers;
            Quai Saint-Antoine; Rue de Brest; Rue Grenette; Rue d'Algérie;
            Rue Auguste Comte; Rue de la Charité
            """
        ),
        pedestrian=True,
    ),
    District(
        "Confluence",
        "69002",
        "Lyon",
        Location(45.7410, 4.8180),
        spread_north_km=0.5,
        spread_east_km=0.4,
        weight=6,
        kinds=((K.OFFICE, 0.4), (K.RETAIL, 0.35), (K.FOOD, 0.2), (K.HEALTH, 0.05)),
        streets=_streets(
            """
            Cours Charlemagne; Quai Rambaud; Rue Smith; Rue Denuzière; Quai
            Perrache; Rue Casimir Périer; Rue Hrant Dink
            """
        ),
    ),
    District(
        "Gerland",
        "69007",
        "Lyon",
        Location(45.7290, 4.8330),
        spread_north_km=0.8,
        spread_east_km=0.6,
        weight=7,
        kinds=(
            (K.OFFICE, 0.3),
            (K.HEALTH, 0.35),
            (K.INDUSTRIAL, 0.15),
            (K.FOOD, 0.1),
            (K.TRADE, 0.1),
        ),
        streets=_streets(
            """
            Avenue Tony Garnier; Avenue Jean Jaurès; Rue de Gerland; Boulevard Yves
            Farge; Rue Jacques Monod; Allée d'Italie; Rue du Vercors; Rue Crépet
            """
        ),
    ),
    District(
        "Vaise",
        "69009",
        "Lyon",
        Location(45.7810, 4.8060),
        spread_north_km=0.6,
        spread_east_km=0.5,
        weight=6,
        kinds=(
            (K.OFFICE, 0.45),
            (K.INDUSTRIAL, 0.15),
            (K.FOOD, 0.15),
            (K.RETAIL, 0.15),
            (K.TRADE, 0.1),
        ),
        streets=_streets(
            """
            Rue de Bourgogne; Rue du 24 Mars 1852; Rue Marietton; Quai Paul
            Sédallian; Rue Saint-Pierre de Vaise; Rue des Docks; Rue Joannès Carret
            """
        ),
    ),
    District(
        "Villeurbanne – La Doua",
        "69100",
        "Villeurbanne",
        Location(45.7825, 4.8725),
        spread_north_km=0.5,
        spread_east_km=0.6,
        weight=4,
        kinds=((K.OFFICE, 0.35), (K.HEALTH, 0.35), (K.FOOD, 0.15), (K.TRADE, 0.15)),
        streets=_streets(
            """
            Boulevard du 11 Novembre 1918; Avenue Albert Einstein; Avenue Gaston
            Berger; Rue de la Doua; Boulevard Niels Bohr
            """
        ),
    ),
    District(
        "Villeurbanne – Gratte-Ciel",
        "69100",
        "Villeurbanne",
        Location(45.7695, 4.8800),
        spread_north_km=0.6,
        spread_east_km=0.7,
        weight=7,
        kinds=((K.RETAIL, 0.45), (K.FOOD, 0.3), (K.OFFICE, 0.15), (K.HEALTH, 0.1)),
        streets=_streets(
            """
            Avenue Henri Barbusse; Cours Émile Zola; Rue Paul Verlaine; Rue Francis
            de Pressensé; Cours Tolstoï; Rue Anatole France
            """
        ),
    ),
    District(
        "Brotteaux",
        "69006",
        "Lyon",
        Location(45.7680, 4.8500),
        spread_north_km=0.5,
        spread_east_km=0.5,
        weight=7,
        kinds=((K.RETAIL, 0.35), (K.OFFICE, 0.3), (K.FOOD, 0.25), (K.HEALTH, 0.1)),
        streets=_streets(
            """
            Boulevard des Belges; Avenue Foch; Rue Masséna; Cours Vitton; Rue
            Vendôme; Rue Tête d'Or; Rue Duguesclin
            """
        ),
    ),
    District(
        "Croix-Rousse",
        "69004",
        "Lyon",
        Location(45.7745, 4.8310),
        spread_north_km=0.4,
        spread_east_km=0.5,
        weight=5,
        kinds=((K.RETAIL, 0.5), (K.FOOD, 0.4), (K.HEALTH, 0.1)),
        streets=_streets(
            """
            Boulevard de la Croix-Rousse; Grande Rue de la Croix-Rousse; Rue
            d'Austerlitz; Rue Belfort; Rue Dumenge; Rue Hénon
            """
        ),
    ),
    District(
        "Monplaisir",
        "69008",
        "Lyon",
        Location(45.7450, 4.8700),
        spread_north_km=0.6,
        spread_east_km=0.6,
        weight=5,
        kinds=((K.RETAIL, 0.3), (K.HEALTH, 0.3), (K.FOOD, 0.2), (K.OFFICE, 0.2)),
        streets=_streets(
            """
            Avenue des Frères Lumière; Route de Vienne; Avenue Berthelot; Rue Marius
            Berliet; Rue Villon; Rue Saint-Maurice
            """
        ),
    ),
    District(
        "Vénissieux – Saint-Fons",
        "69200",
        "Vénissieux",
        Location(45.7020, 4.8720),
        spread_north_km=0.9,
        spread_east_km=1.0,
        weight=6,
        kinds=((K.INDUSTRIAL, 0.6), (K.TRADE, 0.3), (K.FOOD, 0.1)),
        streets=_streets(
            """
            Boulevard Irène Joliot-Curie; Avenue de la République; Boulevard
            Ambroise Croizat; Chemin du Charbonnier; Rue Paul Bert; Avenue Jean
            Jaurès
            """
        ),
    ),
    District(
        "Corbas – Montmartin",
        "69960",
        "Corbas",
        Location(45.6750, 4.9120),
        spread_north_km=0.8,
        spread_east_km=1.0,
        weight=4,
        kinds=((K.INDUSTRIAL, 0.7), (K.TRADE, 0.3)),
        streets=_streets(
            """
            Rue de Montmartin; Chemin des Grandes Terres; Rue Jean Moulin; Avenue
            Général de Gaulle; Route de Lyon; Rue des Frères Lumière
            """
        ),
    ),
    District(
        "Saint-Priest – Parc Technologique",
        "69800",
        "Saint-Priest",
        Location(45.7230, 4.9350),
        spread_north_km=0.7,
        spread_east_km=0.9,
        weight=5,
        kinds=((K.INDUSTRIAL, 0.45), (K.OFFICE, 0.3), (K.TRADE, 0.25)),
        streets=_streets(
            """
            Boulevard des Droits de l'Homme; Route de Grenoble; Rue Louis Blériot;
            Rue Jean Zay; Avenue Pierre Mendès France; Rue du Dauphiné
            """
        ),
    ),
    District(
        "Chassieu – Mi-Plaine",
        "69680",
        "Chassieu",
        Location(45.7400, 4.9620),
        spread_north_km=0.7,
        spread_east_km=0.9,
        weight=4,
        kinds=((K.INDUSTRIAL, 0.5), (K.TRADE, 0.4), (K.FOOD, 0.1)),
        streets=_streets(
            """
            Avenue de l'Europe; Rue de la Perrière; Route de Lyon; Rue Pierre
            Sémard; Rue du Dauphiné
            """
        ),
    ),
    District(
        "Meyzieu – ZI",
        "69330",
        "Meyzieu",
        Location(45.7780, 5.0200),
        spread_north_km=0.7,
        spread_east_km=0.9,
        weight=4,
        kinds=((K.INDUSTRIAL, 0.6), (K.TRADE, 0.3), (K.FOOD, 0.1)),
        streets=_streets(
            """
            Rue Antoine Becquerel; Rue Lavoisier; Avenue Victor Hugo; Rue de la
            République; Rue Ampère
            """
        ),
    ),
    District(
        "Genay – Lyon Nord",
        "69730",
        "Genay",
        Location(45.8900, 4.8500),
        spread_north_km=0.8,
        spread_east_km=0.9,
        weight=3,
        kinds=((K.INDUSTRIAL, 0.7), (K.TRADE, 0.3)),
        streets=_streets(
            """
            Route de Trévoux; Avenue des Bruyères; Rue des Chênes; Chemin du Bois;
            Rue Claude Bernard
            """
        ),
    ),
    District(
        "Techlid (Limonest – Dardilly)",
        "69760",
        "Limonest",
        Location(45.8220, 4.7700),
        spread_north_km=0.9,
        spread_east_km=0.8,
        weight=4,
        kinds=((K.OFFICE, 0.7), (K.HEALTH, 0.15), (K.FOOD, 0.15)),
        streets=_streets(
            """
            Avenue de la Porte de Lyon; Chemin de la Bruyère; Allée des Parcs; Rue
            du Puy d'Or; Route de Saint-Didier
            """
        ),
    ),
)
"""Where customers are, with how many (``weight``) and of which trade."""


def project_km(
    location: Location, origin: Location = CITY_CENTRE
) -> tuple[float, float]:
    """Local flat coordinates (east km, north km) of a point around ``origin``."""
    east = (
        (location.lon - origin.lon)
        * KM_PER_DEGREE_LAT
        * math.cos(math.radians(origin.lat))
    )
    north = (location.lat - origin.lat) * KM_PER_DEGREE_LAT
    return east, north
