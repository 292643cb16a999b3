"""orders, order steps, bookings, plan runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 05:59:49.644818

"""
from alembic import op
import sqlalchemy as sa

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('buyer_firm_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('material_code', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('release_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('delivery_address', sa.String(length=300), nullable=False),
    sa.Column('delivery_latitude', sa.Float(), nullable=False),
    sa.Column('delivery_longitude', sa.Float(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('promised_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_orders_quantity_positive')),
    sa.CheckConstraint('weight >= 1 AND weight <= 100', name=op.f('ck_orders_weight_range')),
    sa.ForeignKeyConstraint(['buyer_firm_id'], ['firms.id'], name=op.f('fk_orders_buyer_firm_id_firms')),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_orders_cluster_id_clusters')),
    sa.ForeignKeyConstraint(['material_code'], ['materials.code'], name=op.f('fk_orders_material_code_materials')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('reference', name=op.f('uq_orders_reference'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_buyer_firm_id'), ['buyer_firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index('ix_orders_cluster_status', ['cluster_id', 'status'], unique=False)

    op.create_table('order_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('process_code', sa.String(length=32), nullable=False),
    sa.Column('setup_minutes', sa.Float(), nullable=False),
    sa.Column('run_minutes_per_unit', sa.Float(), nullable=False),
    sa.Column('envelope_x_mm', sa.Float(), nullable=False),
    sa.Column('envelope_y_mm', sa.Float(), nullable=False),
    sa.Column('envelope_z_mm', sa.Float(), nullable=False),
    sa.Column('tolerance_mm', sa.Float(), nullable=False),
    sa.Column('predecessors', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.CheckConstraint('run_minutes_per_unit > 0', name=op.f('ck_order_steps_run_positive')),
    sa.CheckConstraint('setup_minutes >= 0', name=op.f('ck_order_steps_setup_nonnegative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_steps_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_code'], ['processes.code'], name=op.f('fk_order_steps_process_code_processes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_steps')),
    sa.UniqueConstraint('order_id', 'sequence', name=op.f('uq_order_steps_order_id_sequence'))
    )
    with op.batch_alter_table('order_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_steps_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_steps_process_code'), ['process_code'], unique=False)

    op.create_table('plan_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('job_id', sa.String(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('epoch', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.Column('time_limit_s', sa.Float(), nullable=False),
    sa.Column('solver_status', sa.String(length=16), nullable=False),
    sa.Column('objective', sa.BigInteger(), nullable=True),
    sa.Column('best_bound', sa.BigInteger(), nullable=True),
    sa.Column('gap', sa.Float(), nullable=True),
    sa.Column('wall_s', sa.Float(), nullable=True),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('assignments', sa.Integer(), nullable=False),
    sa.Column('weighted_tardiness_min', sa.BigInteger(), nullable=True),
    sa.Column('cost_fen', sa.BigInteger(), nullable=True),
    sa.Column('greedy_objective', sa.BigInteger(), nullable=True),
    sa.Column('unplaced', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('started_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_plan_runs_cluster_id_clusters')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_plan_runs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_runs'))
    )
    with op.batch_alter_table('plan_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_runs_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=True),
    sa.Column('equipment_id', sa.Integer(), nullable=True),
    sa.Column('site_factory_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.Integer(), nullable=False),
    sa.Column('order_step_id', sa.Integer(), nullable=True),
    sa.Column('plan_run_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cost_fen', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('(machine_id IS NULL) <> (equipment_id IS NULL)', name=op.f('ck_bookings_machine_xor_equipment')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_bookings_ends_after_start')),
    sa.CheckConstraint('unit >= 0', name=op.f('ck_bookings_unit_nonnegative')),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_bookings_equipment_id_equipment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_bookings_machine_id_machines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_step_id'], ['order_steps.id'], name=op.f('fk_bookings_order_step_id_order_steps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_factory_id'], ['factories.id'], name=op.f('fk_bookings_site_factory_id_factories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_equipment_time', ['equipment_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_bookings_machine_time', ['machine_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_order_step_id'), ['order_step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_plan_run_id'), ['plan_run_id'], unique=False)




def downgrade():

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bookings_plan_run_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_order_step_id'))
        batch_op.drop_index('ix_bookings_machine_time')
        batch_op.drop_index('ix_bookings_equipment_time')

    op.drop_table('bookings')
    with op.batch_alter_table('plan_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_runs_cluster_id'))

    op.drop_table('plan_runs')
    with op.batch_alter_table('order_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_steps_process_code'))
        batch_op.drop_index(batch_op.f('ix_order_steps_order_id'))

    op.drop_table('order_steps')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_cluster_status')
        batch_op.drop_index(batch_op.f('ix_orders_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_orders_buyer_firm_id'))

    op.drop_table('orders')

