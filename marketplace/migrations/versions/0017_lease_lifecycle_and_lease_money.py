"""lease lifecycle and lease money: requested -> approved -> paid -> active -> returned -> closed, the notes of
both sides, the deposit kept; the lessee's charges and refunds. Leases booked before (status reserved) become
requests the lessor approves.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types

NEW_STATUSES = ("requested", "approved", "payment_failed", "paid", "active", "returned", "closed", "declined",
                "cancelled")
OLD_STATUSES = ("reserved", "active", "returned", "cancelled")


def _in(statuses):
    return "status in (" + ", ".join(f"'{s}'" for s in statuses) + ")"


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lease_charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lease_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('deposit_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('intent_id', sa.String(length=80), nullable=True),
    sa.Column('failure', sa.String(length=300), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_lease_charges_amount_positive')),
    sa.CheckConstraint('deposit_fen >= 0 AND deposit_fen <= amount_fen', name=op.f('ck_lease_charges_deposit_within_amount')),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= amount_fen', name=op.f('ck_lease_charges_refunded_within_amount')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_lease_charges_lease_id_leases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease_charges')),
    sa.UniqueConstraint('intent_id', name=op.f('uq_lease_charges_intent_id')),
    sa.UniqueConstraint('lease_id', 'number', name=op.f('uq_lease_charges_lease_id_number'))
    )
    with op.batch_alter_table('lease_charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_charges_lease_id'), ['lease_id'], unique=False)

    op.create_table('lease_refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lease_id', sa.Integer(), nullable=False),
    sa.Column('charge_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('deposit_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('refund_id', sa.String(length=80), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_lease_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['charge_id'], ['lease_charges.id'], name=op.f('fk_lease_refunds_charge_id_lease_charges')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_lease_refunds_lease_id_leases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease_refunds')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_lease_refunds_idempotency_key')),
    sa.UniqueConstraint('refund_id', name=op.f('uq_lease_refunds_refund_id'))
    )
    with op.batch_alter_table('lease_refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_refunds_charge_id'), ['charge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_refunds_lease_id'), ['lease_id'], unique=False)

    op.create_table('lease_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('lease_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploader_user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("stage in ('handover', 'return')", name=op.f('ck_lease_photos_stage_known')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_lease_photos_size_positive')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_lease_photos_lease_id_leases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_user_id'], ['users.id'], name=op.f('fk_lease_photos_uploader_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease_photos')),
    sa.UniqueConstraint('public_id', name=op.f('uq_lease_photos_public_id'))
    )
    with op.batch_alter_table('lease_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_photos_lease_id'), ['lease_id'], unique=False)

    with op.batch_alter_table('leases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('payment_attempt', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('decision_note', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('handover_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('return_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('kept_fen', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('kept_reason', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decided_at', marketplace.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('handed_over_at', marketplace.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('returned_at', marketplace.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', marketplace.db_types.UTCDateTime(), nullable=True))
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=10),
               type_=sa.String(length=16),
               existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_leases_status_known'), type_='check')
    op.execute("UPDATE leases SET status = 'requested' WHERE status = 'reserved'")
    with op.batch_alter_table('leases', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_leases_status_known'), _in(NEW_STATUSES))
        batch_op.create_check_constraint(batch_op.f('ck_leases_kept_within_deposit'),
                                         'kept_fen >= 0 AND kept_fen <= deposit_fen')



def downgrade():
    with op.batch_alter_table('leases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_leases_kept_within_deposit'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_leases_status_known'), type_='check')
    op.execute("UPDATE leases SET status = 'reserved' WHERE status IN ('requested', 'approved', 'payment_failed', "
               "'paid')")
    op.execute("UPDATE leases SET status = 'returned' WHERE status = 'closed'")
    op.execute("UPDATE leases SET status = 'cancelled' WHERE status = 'declined'")
    with op.batch_alter_table('leases', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_leases_status_known'), _in(OLD_STATUSES))
        batch_op.alter_column('status',
               existing_type=sa.String(length=16),
               type_=sa.VARCHAR(length=10),
               existing_nullable=False)
        batch_op.drop_column('closed_at')
        batch_op.drop_column('returned_at')
        batch_op.drop_column('handed_over_at')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('kept_reason')
        batch_op.drop_column('kept_fen')
        batch_op.drop_column('return_note')
        batch_op.drop_column('handover_note')
        batch_op.drop_column('decision_note')
        batch_op.drop_column('payment_attempt')
        batch_op.drop_column('delivery_address')

    with op.batch_alter_table('lease_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lease_photos_lease_id'))

    op.drop_table('lease_photos')
    with op.batch_alter_table('lease_refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lease_refunds_lease_id'))
        batch_op.drop_index(batch_op.f('ix_lease_refunds_charge_id'))

    op.drop_table('lease_refunds')
    with op.batch_alter_table('lease_charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lease_charges_lease_id'))

    op.drop_table('lease_charges')
