"""discount requests (R7): an advisor asks, the PM approves or refuses in the console

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from frontdesk.store.guards import append_only_triggers

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('discountrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('advisor_id', sa.Integer(), nullable=False),
    sa.Column('discount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['advisor_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('discountrequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discountrequest_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discountrequest_unit_id'), ['unit_id'], unique=False)
    for stmt in append_only_triggers(op.get_bind().dialect.name, 'discountrequest'):
        op.execute(stmt)


def downgrade() -> None:
    with op.batch_alter_table('discountrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discountrequest_unit_id'))
        batch_op.drop_index(batch_op.f('ix_discountrequest_project_id'))
    op.drop_table('discountrequest')
