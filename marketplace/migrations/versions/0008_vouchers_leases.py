"""vouchers and leases

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 06:14:19.608629

"""
from alembic import op
import sqlalchemy as sa

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voucher_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('budget_fen', sa.BigInteger(), nullable=False),
    sa.Column('spent_fen', sa.BigInteger(), nullable=False),
    sa.Column('per_firm_cap_fen', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('percent_bp', sa.Integer(), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('eligible_processes', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind in ('percent', 'fixed')", name=op.f('ck_voucher_programmes_kind_known')),
    sa.CheckConstraint('budget_fen > 0', name=op.f('ck_voucher_programmes_budget_positive')),
    sa.CheckConstraint('per_firm_cap_fen > 0', name=op.f('ck_voucher_programmes_cap_positive')),
    sa.CheckConstraint('spent_fen >= 0 AND spent_fen <= budget_fen', name=op.f('ck_voucher_programmes_never_overspent')),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_voucher_programmes_valid_range')),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_voucher_programmes_cluster_id_clusters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_programmes')),
    sa.UniqueConstraint('cluster_id', 'name', name=op.f('uq_voucher_programmes_cluster_id_name'))
    )
    with op.batch_alter_table('voucher_programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_programmes_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('vouchers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('cap_fen', sa.BigInteger(), nullable=False),
    sa.Column('used_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('issued_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('used_fen >= 0 AND used_fen <= cap_fen', name=op.f('ck_vouchers_never_over_cap')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_vouchers_firm_id_firms')),
    sa.ForeignKeyConstraint(['programme_id'], ['voucher_programmes.id'], name=op.f('fk_vouchers_programme_id_voucher_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouchers')),
    sa.UniqueConstraint('code', name=op.f('uq_vouchers_code')),
    sa.UniqueConstraint('programme_id', 'firm_id', name=op.f('uq_vouchers_programme_id_firm_id'))
    )
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vouchers_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vouchers_programme_id'), ['programme_id'], unique=False)

    op.create_table('voucher_redemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reversed_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_voucher_redemptions_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_voucher_redemptions_order_id_orders')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_voucher_redemptions_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_redemptions')),
    sa.UniqueConstraint('order_id', name=op.f('uq_voucher_redemptions_order_id'))
    )
    with op.batch_alter_table('voucher_redemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_redemptions_voucher_id'), ['voucher_id'], unique=False)

    op.create_table('leases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('lessee_firm_id', sa.Integer(), nullable=False),
    sa.Column('site_factory_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('daily_rate_fen', sa.BigInteger(), nullable=False),
    sa.Column('rent_fen', sa.BigInteger(), nullable=False),
    sa.Column('deposit_fen', sa.BigInteger(), nullable=False),
    sa.Column('instalment_months', sa.Integer(), nullable=True),
    sa.Column('annual_rate_bp', sa.Integer(), nullable=True),
    sa.Column('total_payable_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status in ('reserved', 'active', 'returned', 'cancelled')", name=op.f('ck_leases_status_known')),
    sa.CheckConstraint('days >= 1', name=op.f('ck_leases_days_positive')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_leases_end_after_start')),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_leases_equipment_id_equipment')),
    sa.ForeignKeyConstraint(['lessee_firm_id'], ['firms.id'], name=op.f('fk_leases_lessee_firm_id_firms')),
    sa.ForeignKeyConstraint(['site_factory_id'], ['factories.id'], name=op.f('fk_leases_site_factory_id_factories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leases')),
    sa.UniqueConstraint('reference', name=op.f('uq_leases_reference'))
    )
    with op.batch_alter_table('leases', schema=None) as batch_op:
        batch_op.create_index('ix_leases_equipment_dates', ['equipment_id', 'start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_leases_lessee_firm_id'), ['lessee_firm_id'], unique=False)

    op.create_table('lease_instalments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lease_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('principal_fen', sa.BigInteger(), nullable=False),
    sa.Column('interest_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_lease_instalments_lease_id_leases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease_instalments'))
    )
    with op.batch_alter_table('lease_instalments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_instalments_lease_id'), ['lease_id'], unique=False)

    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.drop_column('lease_version')

    with op.batch_alter_table('lease_instalments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lease_instalments_lease_id'))

    op.drop_table('lease_instalments')
    with op.batch_alter_table('leases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leases_lessee_firm_id'))
        batch_op.drop_index('ix_leases_equipment_dates')

    op.drop_table('leases')
    with op.batch_alter_table('voucher_redemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_redemptions_voucher_id'))

    op.drop_table('voucher_redemptions')
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vouchers_programme_id'))
        batch_op.drop_index(batch_op.f('ix_vouchers_firm_id'))

    op.drop_table('vouchers')
    with op.batch_alter_table('voucher_programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_programmes_cluster_id'))

    op.drop_table('voucher_programmes')
