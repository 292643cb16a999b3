"""dashboard: materialised offered and booked minutes per machine per local day, and each cluster's coverage

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dashboard_machine_days",
        sa.Column("machine_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=False),
        sa.Column("process_code", sa.String(length=32), nullable=False),
        sa.Column("offered_minutes", sa.Integer(), nullable=False),
        sa.Column("booked_minutes", sa.Integer(), nullable=False),
        sa.Column("booked_outside", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"],
                                name=op.f("fk_dashboard_machine_days_cluster_id_clusters"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["factory_id"], ["factories.id"],
                                name=op.f("fk_dashboard_machine_days_factory_id_factories"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"],
                                name=op.f("fk_dashboard_machine_days_machine_id_machines"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("machine_id", "day", name=op.f("pk_dashboard_machine_days")),
    )
    with op.batch_alter_table("dashboard_machine_days", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_machine_days_cluster_day",
                              ["cluster_id", "day", "factory_id", "machine_id", "process_code", "offered_minutes",
                               "booked_minutes", "booked_outside"], unique=False)
    op.create_table(
        "dashboard_coverage",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("refreshed_at", marketplace.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"],
                                name=op.f("fk_dashboard_coverage_cluster_id_clusters"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", name=op.f("pk_dashboard_coverage")),
    )


def downgrade():
    op.drop_table("dashboard_coverage")
    with op.batch_alter_table("dashboard_machine_days", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_machine_days_cluster_day")
    op.drop_table("dashboard_machine_days")
