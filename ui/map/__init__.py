"""The live map: a Leaflet page served offline and kept in step over QWebChannel.

``MapView`` is the widget; call ``register_schemes()`` before the QApplication
exists so the page's ``app://`` scheme is known to QtWebEngine.
"""
