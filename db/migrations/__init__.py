"""Alembic migrations of the Dispatcher schema (run through ``db.migrate``)."""
