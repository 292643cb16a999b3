"""programme report: a cluster's plans (programme and period) and their targets, one per metric

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_report_plans_period_range')),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_report_plans_cluster_id_clusters')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_report_plans_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_plans')),
    sa.UniqueConstraint('cluster_id', 'name', 'period_start', name=op.f('uq_report_plans_cluster_id_name_period_start'))
    )
    with op.batch_alter_table('report_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_plans_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('report_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=30), nullable=False),
    sa.Column('stored_value', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('stored_value >= 0', name=op.f('ck_report_targets_target_not_negative')),
    sa.ForeignKeyConstraint(['plan_id'], ['report_plans.id'], name=op.f('fk_report_targets_plan_id_report_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_targets')),
    sa.UniqueConstraint('plan_id', 'metric', name=op.f('uq_report_targets_plan_id_metric'))
    )
    with op.batch_alter_table('report_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_targets_plan_id'), ['plan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_targets_plan_id'))

    op.drop_table('report_targets')
    with op.batch_alter_table('report_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_plans_cluster_id'))

    op.drop_table('report_plans')
