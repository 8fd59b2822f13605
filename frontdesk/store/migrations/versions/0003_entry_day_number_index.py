"""index today's register pages by (project, book, day, number)

The desk lists today's pages newest first; without the number in this index SQLite walked
the whole register backwards through the unique (project, book, number) index on a quiet
day (1.2 s at a million clients, bench/run.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registerentry', schema=None) as batch_op:
        batch_op.drop_index('ix_entry_project_day')
        batch_op.create_index('ix_entry_project_day_number', ['project_id', 'book', 'day', 'number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('registerentry', schema=None) as batch_op:
        batch_op.drop_index('ix_entry_project_day_number')
        batch_op.create_index('ix_entry_project_day', ['project_id', 'book', 'day'], unique=False)
