"""programme reimbursements (兑付): what a voucher programme paid the platform back, by bank reference

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme_reimbursements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_programme_reimbursements_amount_positive')),
    sa.ForeignKeyConstraint(['programme_id'], ['voucher_programmes.id'], name=op.f('fk_programme_reimbursements_programme_id_voucher_programmes')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_programme_reimbursements_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_reimbursements')),
    sa.UniqueConstraint('programme_id', 'reference', name=op.f('uq_programme_reimbursements_programme_id_reference'))
    )
    with op.batch_alter_table('programme_reimbursements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_reimbursements_programme_id'), ['programme_id'], unique=False)



def downgrade():
    with op.batch_alter_table('programme_reimbursements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_reimbursements_programme_id'))

    op.drop_table('programme_reimbursements')
