"""Indexes on the change log for the audit trail and conflict messages.

The audit dialog filters by person and by time span; a refused edit looks up
the rows of one plan date and kind that are newer than what the user read.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    'ix_changes_user_id': ['user', 'id'],
    'ix_changes_at': ['at'],
    'ix_changes_plan_date_entity_id': ['plan_date', 'entity', 'id'],
}


def upgrade() -> None:
    """Apply this revision."""
    for name, columns in INDEXES.items():
        op.create_index(name, 'changes', columns, unique=False)


def downgrade() -> None:
    """Revert this revision."""
    for name in INDEXES:
        op.drop_index(name, table_name='changes')
