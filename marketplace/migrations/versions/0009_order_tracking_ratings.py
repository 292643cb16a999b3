"""order tracking and ratings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 06:17:31.572604

"""
from alembic import op
import sqlalchemy as sa

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('buyer_firm_id', sa.Integer(), nullable=False),
    sa.Column('supplier_firm_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('score >= 1 AND score <= 5', name=op.f('ck_ratings_score_range')),
    sa.ForeignKeyConstraint(['buyer_firm_id'], ['firms.id'], name=op.f('fk_ratings_buyer_firm_id_firms')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ratings_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_firm_id'], ['firms.id'], name=op.f('fk_ratings_supplier_firm_id_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('order_id', 'supplier_firm_id', name=op.f('uq_ratings_order_id_supplier_firm_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_supplier_firm_id'), ['supplier_firm_id'], unique=False)

    with op.batch_alter_table('order_steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', marketplace.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', marketplace.db_types.UTCDateTime(), nullable=True))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tier', sa.String(length=16), server_default='standard', nullable=False))
        batch_op.add_column(sa.Column('delivered_at', marketplace.db_types.UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_orders_quote_id'), ['quote_id'])
        batch_op.create_foreign_key(batch_op.f('fk_orders_quote_id_quotes'), 'quotes', ['quote_id'], ['id'])




def downgrade():

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_orders_quote_id_quotes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_orders_quote_id'), type_='unique')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('tier')
        batch_op.drop_column('quote_id')

    with op.batch_alter_table('order_steps', schema=None) as batch_op:
        batch_op.drop_column('finished_at')
        batch_op.drop_column('started_at')

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_supplier_firm_id'))

    op.drop_table('ratings')

