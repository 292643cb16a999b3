"""firm size: the headcount a firm states, and a voucher programme's limit for small firms (null: any size)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employees', sa.Integer(), nullable=True))

    with op.batch_alter_table('voucher_programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_employees', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('voucher_programmes', schema=None) as batch_op:
        batch_op.drop_column('max_employees')

    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.drop_column('employees')

