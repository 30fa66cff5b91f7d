"""The ``app://`` URL scheme that serves the map page and its files, offline.

The map page, Leaflet (from the ``django-js-lib-leaflet`` package), Qt's
``qwebchannel.js`` and our own ``bridge.js``/``map.css`` are answered from
memory by one scheme handler, so the page never touches ``file://`` (whose
pages cannot load remote tiles by default) and never a CDN. Qt needs the
scheme registered before the QApplication exists: the composition root and the
Qt tests call ``register_schemes()`` first thing.
"""

from __future__ import annotations

import logging
import mimetypes
from functools import cache
from pathlib import Path

import js_lib_leaflet
from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from ui.assets import resource_path
from ui.map.render import render_page

log = logging.getLogger(__name__)

SCHEME = b"app"
"""Name of our URL scheme."""

MAP_HOST = "map"
"""Host part of every map URL: ``app://map/...``."""

MAP_PAGE_URL = QUrl("app://map/index.html")
"""Where the map page is loaded from."""

LEAFLET_DIR = (
    Path(js_lib_leaflet.__file__).resolve().parent / "static" / "js_lib_leaflet"
)
"""Leaflet's files as installed by the ``django-js-lib-leaflet`` package."""

QWEBCHANNEL_RESOURCE = ":/qtwebchannel/qwebchannel.js"
"""Qt's own copy of the QWebChannel client, compiled into QtWebChannel."""

_LEAFLET_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)


def register_schemes() -> None:
    """Declare ``app://`` to QtWebEngine; call before the QApplication exists.

    Calling it again is harmless. The flags are those of the tested recipe: a
    secure, CORS-enabled scheme whose pages may load remote tiles.
    """
    if QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME)).name():
        return
    scheme = QWebEngineUrlScheme(QByteArray(SCHEME))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def _qt_resource(name: str) -> bytes:
    """The bytes of a file compiled into Qt's resources (``:/...``)."""
    file = QFile(name)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"Qt resource {name} is missing; reinstall PySide6")
    try:
        return bytes(file.readAll().data())
    finally:
        file.close()


@cache
def map_assets() -> dict[str, tuple[bytes, bytes]]:
    """Every file the map page may ask for: URL path -> (MIME type, content).

    Read once per process; the page is the same for every map view, its data
    arrives later over the web channel.
    """
    assets: dict[str, tuple[bytes, bytes]] = {
        "/index.html": (b"text/html", render_page().encode("utf-8")),
        "/qwebchannel.js": (b"text/javascript", _qt_resource(QWEBCHANNEL_RESOURCE)),
    }
    for name in ("bridge.js", "map.css"):
        path = resource_path("map", name)
        assets[f"/{name}"] = (_mime(path), path.read_bytes())
    for name in _LEAFLET_FILES:
        path = LEAFLET_DIR / name
        assets[f"/leaflet/{name}"] = (_mime(path), path.read_bytes())
    return assets


def _mime(path: Path) -> bytes:
    """The MIME type of a file by its suffix."""
    if path.suffix == ".js":  # mimetypes may say application/javascript or nothing
        return b"text/javascript"
    return (mimetypes.guess_type(path.name)[0] or "application/octet-stream").encode()


class MapSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``app://map/...`` requests from ``map_assets()``; anything else fails."""

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        """Reply with the asset, or fail the job (never leave it unanswered)."""
        url = job.requestUrl()
        found = map_assets().get(url.path()) if url.host() == MAP_HOST else None
        if found is None or bytes(job.requestMethod().data()) != b"GET":
            log.warning("Map page asked for an unknown resource: %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        mime, content = found
        buffer = QBuffer(parent=job)  # freed with the job, after Qt read it
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(mime), buffer)
