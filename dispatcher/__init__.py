"""Dispatcher's pure core: domain model, planning, scheduling, services.

Nothing in this package imports Qt, SQLAlchemy or the ``db``/``ui`` packages;
it talks to storage through the Protocols in ``dispatcher.ports``.
"""

__version__ = "0.1.0"
