"""Where map tiles come from, and the request headers tile servers require.

The tile URL template and its attribution are settings (``map/tile_url``,
``map/tile_attribution``); the default is OpenStreetMap's standard layer. Its
tile usage policy requires a distinct User-Agent naming the application and an
accurate Referer, which a page served from ``app://`` does not send by itself
(recipes §3), so ``TileRequestInterceptor`` adds both. An empty template turns
tiles off: the map then draws on a plain light background, as it does offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor

from dispatcher import __version__

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo

# Placeholder until the project has a public home page; tile operators use it to
# reach whoever runs the application.
PROJECT_URL = "https://dispatcher.example.org"
"""Where tile server operators can learn who sends the requests."""

USER_AGENT = f"Dispatcher/{__version__} (+{PROJECT_URL})"
"""The distinct User-Agent the OSM tile policy asks for."""

OSM_TILE_HOST = "tile.openstreetmap.org"
"""Host of the OpenStreetMap standard tile layer (and its a/b/c mirrors)."""

TILE_URL_KEY = "map/tile_url"
TILE_ATTRIBUTION_KEY = "map/tile_attribution"
TILE_MAX_ZOOM_KEY = "map/tile_max_zoom"


@dataclass(frozen=True, slots=True)
class TileSource:
    """A raster tile layer: Leaflet URL template, attribution text, zoom limit."""

    url_template: str
    attribution: str
    max_zoom: int = 19

    @property
    def enabled(self) -> bool:
        """False when no tiles are wanted (the plain background is shown)."""
        return bool(self.url_template.strip())


OPENSTREETMAP = TileSource(
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "© OpenStreetMap contributors",
    19,
)
"""The default layer: OpenStreetMap's standard tiles."""

NO_TILES = TileSource("", "")
"""No tile layer: a plain background (tests, snapshots, offline use)."""


def tile_source(settings: QSettings | None) -> TileSource:
    """The tile layer the settings name, OpenStreetMap when they name none."""
    if settings is None or not settings.contains(TILE_URL_KEY):
        return OPENSTREETMAP
    url = str(settings.value(TILE_URL_KEY, "") or "")
    attribution = str(settings.value(TILE_ATTRIBUTION_KEY, "") or "")
    if url == OPENSTREETMAP.url_template and not attribution:
        attribution = OPENSTREETMAP.attribution
    try:
        max_zoom = int(settings.value(TILE_MAX_ZOOM_KEY, 19))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        max_zoom = 19
    return TileSource(url, attribution, max(1, min(max_zoom, 22)))


def is_osm_tile_host(host: str) -> bool:
    """True for OpenStreetMap's tile servers, which enforce Referer and User-Agent."""
    host = host.lower()
    return host == OSM_TILE_HOST or host.endswith("." + OSM_TILE_HOST)


class TileRequestInterceptor(QWebEngineUrlRequestInterceptor):
    """Adds our User-Agent to every remote request and a Referer for OSM tiles.

    Qt calls this on the UI thread for every request of the profile, and blocks
    the profile meanwhile, so it only compares strings.
    """

    def __init__(self, referer: str = PROJECT_URL + "/") -> None:
        super().__init__()
        self._user_agent = QByteArray(USER_AGENT.encode())
        self._referer = QByteArray(referer.encode())

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        """Set the headers tile servers ask for."""
        url = info.requestUrl()
        if url.scheme() not in ("http", "https"):
            return
        info.setHttpHeader(QByteArray(b"User-Agent"), self._user_agent)
        if is_osm_tile_host(url.host()):
            info.setHttpHeader(QByteArray(b"Referer"), self._referer)
