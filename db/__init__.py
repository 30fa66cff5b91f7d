"""Persistence: SQLAlchemy models, repositories, unit of work, migrations.

The application needs two names: ``resolve_url`` (which database the user
asked for) and ``open_database`` (check, upgrade and open it).
"""

from __future__ import annotations

from db.database import Database, open_database
from db.engine import resolve_url

__all__ = ["Database", "open_database", "resolve_url"]
