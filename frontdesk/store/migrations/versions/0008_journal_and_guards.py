"""the journal: every append-only row that is not a register page sealed in one hash chain
(back-filled for the rows already there); on PostgreSQL the append-only tables refuse TRUNCATE

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from frontdesk.store import journal
from frontdesk.store.guards import append_only_triggers, truncate_trigger
from frontdesk.store.models import APPEND_ONLY

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('journal',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tbl', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('tbl', 'row_id')
    )
    bind = op.get_bind()
    dialect = bind.dialect.name
    for stmt in append_only_triggers(dialect, 'journal'):
        op.execute(stmt)
    present = set(sa.inspect(bind).get_table_names())
    if dialect != "sqlite":  # the tables made before TRUNCATE was refused (or again, where it already was)
        for table in APPEND_ONLY:
            if table in present and table != 'journal':
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
                op.execute(truncate_trigger(table))
    journal.backfill(bind, present)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.drop_table('journal')
