"""counter-offers: a factory answers an assignment with a later start on the same machine; the buyer decides

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counter_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('order_step_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('planned_start', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('planned_end', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('proposed_start', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('proposed_end', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('decided_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_counter_offers_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_counter_offers_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_counter_offers_decided_by_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_counter_offers_firm_id_firms')),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_counter_offers_machine_id_machines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_counter_offers_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_step_id'], ['order_steps.id'], name=op.f('fk_counter_offers_order_step_id_order_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter_offers'))
    )
    with op.batch_alter_table('counter_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_offers_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counter_offers_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counter_offers_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counter_offers_order_step_id'), ['order_step_id'], unique=False)



def downgrade():
    with op.batch_alter_table('counter_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_offers_order_step_id'))
        batch_op.drop_index(batch_op.f('ix_counter_offers_order_id'))
        batch_op.drop_index(batch_op.f('ix_counter_offers_firm_id'))
        batch_op.drop_index(batch_op.f('ix_counter_offers_booking_id'))

    op.drop_table('counter_offers')
