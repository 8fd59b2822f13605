"""setting requests (R2.2): a PM asks for more than 10 protection days; the GM signs or refuses

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from frontdesk.store.guards import append_only_triggers

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settingrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('settingrequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settingrequest_project_id'), ['project_id'], unique=False)
    for stmt in append_only_triggers(op.get_bind().dialect.name, 'settingrequest'):
        op.execute(stmt)


def downgrade() -> None:
    with op.batch_alter_table('settingrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settingrequest_project_id'))
    op.drop_table('settingrequest')
