"""The database schema: one ``*Row`` class per table, SQLAlchemy 2 declarative style.

These classes are the single source of truth for Alembic autogenerate. They
never leave the ``db`` package: repositories convert them to the frozen values
of ``dispatcher.model`` (see ``db.mapping``).

Portable choices, so one schema serves SQLite and PostgreSQL alike:

* enums are stored as their string values (no native ENUM types to migrate);
* times of day are whole minutes after midnight (``Integer``);
* skill sets are sorted JSON lists;
* instants are stored in UTC and read back timezone-aware (``UtcDateTime``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, so migrations can refer to them on every backend."""

ENUM_LENGTH = 20
"""Width of columns holding a ``StrEnum`` value."""


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A point in time stored in UTC and always read back timezone-aware.

    SQLite has no time zones and returns naive values; PostgreSQL returns aware
    ones. Normalising here means the domain sees one kind of value. A naive
    value written by the application is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dt.datetime | None:
        """Convert to UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        utc = value.astimezone(dt.UTC)
        # SQLite would store the offset as text; keep the column uniform.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        """Attach UTC to naive values read back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum() -> Mapped[str]:
    return mapped_column(String(ENUM_LENGTH), nullable=False)


class DepotRow(Base):
    """A depot: where routes start and end."""

    __tablename__ = "depots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    open_from: Mapped[int] = mapped_column(Integer, nullable=False)
    open_until: Mapped[int] = mapped_column(Integer, nullable=False)


class VehicleRow(Base):
    """A vehicle: capacity, skills, shift, costs, limits and break rule."""

    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    depot_id: Mapped[int] = mapped_column(
        ForeignKey("depots.id"), nullable=False, index=True
    )
    end_depot_id: Mapped[int | None] = mapped_column(
        ForeignKey("depots.id"), nullable=True
    )
    open_route: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    capacity_kg: Mapped[float] = mapped_column(Float, nullable=False)
    capacity_m3: Mapped[float] = mapped_column(Float, nullable=False)
    capacity_pallets: Mapped[float] = mapped_column(Float, nullable=False)
    shift_start: Mapped[int] = mapped_column(Integer, nullable=False)
    shift_end: Mapped[int] = mapped_column(Integer, nullable=False)
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    fixed_cost: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    cost_per_km: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    cost_per_hour: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    max_duration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_distance_km: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_stops: Mapped[int | None] = mapped_column(Integer, nullable=True)
    break_after_driving: Mapped[int | None] = mapped_column(Integer, nullable=True)
    break_duration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class DriverRow(Base):
    """A driver and the tracker they carry."""

    __tablename__ = "drivers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    device_id: Mapped[str | None] = mapped_column(
        String(100), nullable=True, unique=True
    )
    vehicle_id: Mapped[int | None] = mapped_column(
        ForeignKey("vehicles.id"), nullable=True, index=True
    )


class CustomerRow(Base):
    """A B2B customer; receiving hours live in ``customer_hours``."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    service_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CustomerHoursRow(Base):
    """One receiving window of a customer on one weekday (0 = Monday)."""

    __tablename__ = "customer_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)


class OrderRow(Base):
    """One delivery or pickup; time windows live in ``order_windows``."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), nullable=False, index=True
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    demand_kg: Mapped[float] = mapped_column(Float, nullable=False)
    demand_m3: Mapped[float] = mapped_column(Float, nullable=False)
    demand_pallets: Mapped[float] = mapped_column(Float, nullable=False)
    service_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = _enum()
    priority: Mapped[str] = _enum()
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH), nullable=False, index=True)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    rebook_of: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id"), nullable=True, index=True
    )
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class OrderWindowRow(Base):
    """One time window of an order."""

    __tablename__ = "order_windows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)


class PlanRow(Base):
    """The plan of a date: its version is the optimistic lock of all its routes."""

    __tablename__ = "plans"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    dispatched_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RouteRow(Base):
    """One vehicle's route on one date."""

    __tablename__ = "routes"
    __table_args__ = (UniqueConstraint("date", "vehicle_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(
        ForeignKey("plans.date", ondelete="CASCADE"), nullable=False
    )
    vehicle_id: Mapped[int] = mapped_column(
        ForeignKey("vehicles.id"), nullable=False, index=True
    )
    driver_id: Mapped[int | None] = mapped_column(
        ForeignKey("drivers.id"), nullable=True, index=True
    )
    status: Mapped[str] = _enum()
    locked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class StopRow(Base):
    """An order's place on a route; an order is on at most one route."""

    __tablename__ = "stops"
    __table_args__ = (UniqueConstraint("route_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[int] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"), nullable=False
    )
    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id"), nullable=False, unique=True
    )
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    locked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    planned_arrival: Mapped[float | None] = mapped_column(Float, nullable=True)
    planned_departure: Mapped[float | None] = mapped_column(Float, nullable=True)
    actual_arrival: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime, nullable=True
    )
    actual_departure: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime, nullable=True
    )


class OutcomeRow(Base):
    """What happened at one attempt to serve an order."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id"), nullable=False, index=True
    )
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    result: Mapped[str] = _enum()
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    # Outcomes are history: they outlive the route they happened on.
    route_id: Mapped[int | None] = mapped_column(
        ForeignKey("routes.id", ondelete="SET NULL"), nullable=True, index=True
    )
    reason: Mapped[str | None] = mapped_column(String(ENUM_LENGTH), nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recipient: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)


class ChangeRow(Base):
    """One append-only row of the change log; its id orders the feed."""

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_entity_entity_id", "entity", "entity_id"),
        # The audit trail filters by person or time; conflicts look up one
        # day's rows of one kind, newest first.
        Index("ix_changes_user_id", "user", "id"),
        Index("ix_changes_at", "at"),
        Index("ix_changes_plan_date_entity_id", "plan_date", "entity", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    user: Mapped[str] = mapped_column(String(100), nullable=False)
    entity: Mapped[str] = mapped_column(String(50), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(100), nullable=False)
    action: Mapped[str] = _enum()
    plan_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    # none_as_null: a missing snapshot is SQL NULL, not the JSON text 'null'.
    before: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    after: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )


class UserRow(Base):
    """Someone who signs in, with a role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = _enum()
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class PresenceRow(Base):
    """One open window: who works on which date, refreshed by a heartbeat.

    Rows whose ``seen_at`` is older than a few heartbeats belong to windows
    that closed without saying so (a crash, a lost connection) and are ignored.
    """

    __tablename__ = "presence"

    session_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    login: Mapped[str] = mapped_column(String(100), nullable=False)
    host: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    plan_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    seen_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime, nullable=False, index=True
    )


metadata = Base.metadata
"""The schema's MetaData, as Alembic's ``target_metadata``."""
