"""The map's base page: a small static HTML document, built once per process.

The page only loads local files (Leaflet, Qt's web channel client, our bridge
and style sheet, all served by ``ui.map.scheme``) and holds no data: days,
routes and tile settings arrive over the web channel after the page says it is
ready, so the same page serves every map view and is never re-rendered per
edit. A Content-Security-Policy forbids inline and remote scripts, a second
line of defence behind the escaping of every text taken from data.
"""

from __future__ import annotations

from ui.assets import resource_path

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Leaflet positions everything with inline styles.
        "style-src 'self' 'unsafe-inline'",
        # Tiles come from whichever server the settings name.
        "img-src 'self' data: https: http:",
        "connect-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)
"""What the page may load and run."""


def render_page() -> str:
    """The HTML of the map page (``resources/map/index.html`` with its policy)."""
    template = resource_path("map", "index.html").read_text(encoding="utf-8")
    return template.replace("{{CSP}}", CONTENT_SECURITY_POLICY)
