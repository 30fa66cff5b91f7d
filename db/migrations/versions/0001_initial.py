"""Initial schema: fleet, customers, orders, plans, outcomes, change log, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 18:53:34.603776
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('plan_date', sa.Date(), nullable=True),
    sa.Column('before', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('after', sa.JSON(none_as_null=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_changes'))
    )
    op.create_index('ix_changes_entity_entity_id', 'changes', ['entity', 'entity_id'], unique=False)
    op.create_index(op.f('ix_changes_plan_date'), 'changes', ['plan_date'], unique=False)
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('service_minutes', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    op.create_table('depots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('open_from', sa.Integer(), nullable=False),
    sa.Column('open_until', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_depots'))
    )
    op.create_table('plans',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('dispatched_version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('date', name=op.f('pk_plans'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    op.create_table('customer_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_hours_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_hours'))
    )
    op.create_index(op.f('ix_customer_hours_customer_id'), 'customer_hours', ['customer_id'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('demand_kg', sa.Float(), nullable=False),
    sa.Column('demand_m3', sa.Float(), nullable=False),
    sa.Column('demand_pallets', sa.Float(), nullable=False),
    sa.Column('service_minutes', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('rebook_of', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers')),
    sa.ForeignKeyConstraint(['rebook_of'], ['orders.id'], name=op.f('fk_orders_rebook_of_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    op.create_index(op.f('ix_orders_customer_id'), 'orders', ['customer_id'], unique=False)
    op.create_index(op.f('ix_orders_date'), 'orders', ['date'], unique=False)
    op.create_index(op.f('ix_orders_rebook_of'), 'orders', ['rebook_of'], unique=False)
    op.create_index(op.f('ix_orders_reference'), 'orders', ['reference'], unique=False)
    op.create_index(op.f('ix_orders_status'), 'orders', ['status'], unique=False)
    op.create_table('vehicles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('depot_id', sa.Integer(), nullable=False),
    sa.Column('end_depot_id', sa.Integer(), nullable=True),
    sa.Column('open_route', sa.Boolean(), nullable=False),
    sa.Column('capacity_kg', sa.Float(), nullable=False),
    sa.Column('capacity_m3', sa.Float(), nullable=False),
    sa.Column('capacity_pallets', sa.Float(), nullable=False),
    sa.Column('shift_start', sa.Integer(), nullable=False),
    sa.Column('shift_end', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('fixed_cost', sa.Float(), nullable=False),
    sa.Column('cost_per_km', sa.Float(), nullable=False),
    sa.Column('cost_per_hour', sa.Float(), nullable=False),
    sa.Column('max_duration', sa.Integer(), nullable=True),
    sa.Column('max_distance_km', sa.Float(), nullable=True),
    sa.Column('max_stops', sa.Integer(), nullable=True),
    sa.Column('break_after_driving', sa.Integer(), nullable=True),
    sa.Column('break_duration', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['depot_id'], ['depots.id'], name=op.f('fk_vehicles_depot_id_depots')),
    sa.ForeignKeyConstraint(['end_depot_id'], ['depots.id'], name=op.f('fk_vehicles_end_depot_id_depots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicles'))
    )
    op.create_index(op.f('ix_vehicles_depot_id'), 'vehicles', ['depot_id'], unique=False)
    op.create_table('drivers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('device_id', sa.String(length=100), nullable=True),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_drivers_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drivers')),
    sa.UniqueConstraint('device_id', name=op.f('uq_drivers_device_id'))
    )
    op.create_index(op.f('ix_drivers_vehicle_id'), 'drivers', ['vehicle_id'], unique=False)
    op.create_table('order_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_windows_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_windows'))
    )
    op.create_index(op.f('ix_order_windows_order_id'), 'order_windows', ['order_id'], unique=False)
    op.create_table('routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=False),
    sa.Column('driver_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['date'], ['plans.date'], name=op.f('fk_routes_date_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['driver_id'], ['drivers.id'], name=op.f('fk_routes_driver_id_drivers')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_routes_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routes')),
    sa.UniqueConstraint('date', 'vehicle_id', name=op.f('uq_routes_date_vehicle_id'))
    )
    op.create_index(op.f('ix_routes_driver_id'), 'routes', ['driver_id'], unique=False)
    op.create_index(op.f('ix_routes_vehicle_id'), 'routes', ['vehicle_id'], unique=False)
    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_outcomes_order_id_orders')),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], name=op.f('fk_outcomes_route_id_routes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    op.create_index(op.f('ix_outcomes_at'), 'outcomes', ['at'], unique=False)
    op.create_index(op.f('ix_outcomes_order_id'), 'outcomes', ['order_id'], unique=False)
    op.create_index(op.f('ix_outcomes_route_id'), 'outcomes', ['route_id'], unique=False)
    op.create_table('stops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('planned_arrival', sa.Float(), nullable=True),
    sa.Column('planned_departure', sa.Float(), nullable=True),
    sa.Column('actual_arrival', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actual_departure', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_stops_order_id_orders')),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], name=op.f('fk_stops_route_id_routes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stops')),
    sa.UniqueConstraint('order_id', name=op.f('uq_stops_order_id')),
    sa.UniqueConstraint('route_id', 'sequence', name=op.f('uq_stops_route_id_sequence'))
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table('stops')
    op.drop_index(op.f('ix_outcomes_route_id'), table_name='outcomes')
    op.drop_index(op.f('ix_outcomes_order_id'), table_name='outcomes')
    op.drop_index(op.f('ix_outcomes_at'), table_name='outcomes')
    op.drop_table('outcomes')
    op.drop_index(op.f('ix_routes_vehicle_id'), table_name='routes')
    op.drop_index(op.f('ix_routes_driver_id'), table_name='routes')
    op.drop_table('routes')
    op.drop_index(op.f('ix_order_windows_order_id'), table_name='order_windows')
    op.drop_table('order_windows')
    op.drop_index(op.f('ix_drivers_vehicle_id'), table_name='drivers')
    op.drop_table('drivers')
    op.drop_index(op.f('ix_vehicles_depot_id'), table_name='vehicles')
    op.drop_table('vehicles')
    op.drop_index(op.f('ix_orders_status'), table_name='orders')
    op.drop_index(op.f('ix_orders_reference'), table_name='orders')
    op.drop_index(op.f('ix_orders_rebook_of'), table_name='orders')
    op.drop_index(op.f('ix_orders_date'), table_name='orders')
    op.drop_index(op.f('ix_orders_customer_id'), table_name='orders')
    op.drop_table('orders')
    op.drop_index(op.f('ix_customer_hours_customer_id'), table_name='customer_hours')
    op.drop_table('customer_hours')
    op.drop_table('users')
    op.drop_table('plans')
    op.drop_table('depots')
    op.drop_table('customers')
    op.drop_index(op.f('ix_changes_plan_date'), table_name='changes')
    op.drop_index('ix_changes_entity_entity_id', table_name='changes')
    op.drop_table('changes')
