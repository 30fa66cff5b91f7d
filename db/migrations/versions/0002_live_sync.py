"""Live sync: the presence table, and a NOTIFY for every change row (PostgreSQL).

Every committed row of ``changes`` is announced on the ``dispatcher_changes``
channel with its id, plan date, entity, entity id and user, so open windows
learn about it at once. SQLite has no notifications (windows poll the table by
id there), so the trigger exists on PostgreSQL only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 03:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION dispatcher_notify_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('dispatcher_changes', json_build_object(
        'id', NEW.id,
        'plan_date', NEW.plan_date,
        'entity', NEW.entity,
        'entity_id', NEW.entity_id,
        'user', NEW."user"
    )::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

NOTIFY_TRIGGER = """
CREATE TRIGGER changes_notify AFTER INSERT ON changes
FOR EACH ROW EXECUTE FUNCTION dispatcher_notify_change()
"""


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('presence',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('login', sa.String(length=100), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('plan_date', sa.Date(), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_presence'))
    )
    op.create_index(op.f('ix_presence_seen_at'), 'presence', ['seen_at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)


def downgrade() -> None:
    """Undo this revision."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS changes_notify ON changes')
        op.execute('DROP FUNCTION IF EXISTS dispatcher_notify_change()')
    op.drop_index(op.f('ix_presence_seen_at'), table_name='presence')
    op.drop_table('presence')
