"""outbox: notices on their way to the project's webhook, with their delivery log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from frontdesk.store.guards import append_only_triggers


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# delivery is a log of attempts and outcomes, never an edit (R2.1)
APPEND_ONLY = ("outboxitem", "outboxattempt", "outboxoutcome")


def upgrade() -> None:
    op.create_table('outboxitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('payload', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notification.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outboxitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outboxitem_project_id'), ['project_id'], unique=False)

    op.create_table('outboxattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('lease_until', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['outboxitem.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_id', 'n')
    )
    op.create_table('outboxoutcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('next_try', sa.DateTime(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['outboxattempt.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['outboxitem.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id')
    )
    with op.batch_alter_table('outboxoutcome', schema=None) as batch_op:
        batch_op.create_index('ix_outboxoutcome_item_ok', ['item_id', 'ok'], unique=False)

    for table in APPEND_ONLY:
        for stmt in append_only_triggers(op.get_bind().dialect.name, table):
            op.execute(stmt)


def downgrade() -> None:
    with op.batch_alter_table('outboxoutcome', schema=None) as batch_op:
        batch_op.drop_index('ix_outboxoutcome_item_ok')

    op.drop_table('outboxoutcome')
    op.drop_table('outboxattempt')
    with op.batch_alter_table('outboxitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxitem_project_id'))

    op.drop_table('outboxitem')
