"""the office's one lockout: every wrong PIN, refused attempt and unlock, append-only

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from frontdesk.store.guards import append_only_triggers

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pinevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('door', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('terminal', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pinevent', schema=None) as batch_op:
        batch_op.create_index('ix_pinevent_project_at', ['project_id', 'at'], unique=False)
        batch_op.create_index('ix_pinevent_staff_at', ['staff_id', 'at'], unique=False)
    for stmt in append_only_triggers(op.get_bind().dialect.name, 'pinevent'):
        op.execute(stmt)


def downgrade() -> None:
    with op.batch_alter_table('pinevent', schema=None) as batch_op:
        batch_op.drop_index('ix_pinevent_staff_at')
        batch_op.drop_index('ix_pinevent_project_at')
    op.drop_table('pinevent')
