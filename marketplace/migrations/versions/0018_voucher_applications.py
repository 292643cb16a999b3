"""voucher applications: an SME applies to a programme with a purpose; the operator approves (a voucher is issued)
or rejects with a note

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voucher_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('requested_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_note', sa.String(length=300), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('decided_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status in ('applied', 'approved', 'rejected')", name=op.f('ck_voucher_applications_status_known')),
    sa.CheckConstraint('requested_fen > 0', name=op.f('ck_voucher_applications_requested_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_voucher_applications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_voucher_applications_firm_id_firms')),
    sa.ForeignKeyConstraint(['programme_id'], ['voucher_programmes.id'], name=op.f('fk_voucher_applications_programme_id_voucher_programmes')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_voucher_applications_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_applications'))
    )
    with op.batch_alter_table('voucher_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_applications_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_applications_programme_id'), ['programme_id'], unique=False)



def downgrade():
    with op.batch_alter_table('voucher_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_applications_programme_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_applications_firm_id'))

    op.drop_table('voucher_applications')
