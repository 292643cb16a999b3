"""dashboard: machine-day minutes summed per factory and day and per process and day (kept with the machine days)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SUMS = ("SUM(offered_minutes), SUM(booked_minutes), SUM(booked_outside) FROM dashboard_machine_days")
MINUTES = "offered_minutes, booked_minutes, booked_outside"


def _minutes():
    return [sa.Column("offered_minutes", sa.Integer(), nullable=False),
            sa.Column("booked_minutes", sa.Integer(), nullable=False),
            sa.Column("booked_outside", sa.Integer(), nullable=False)]


def upgrade():
    op.create_table(
        "dashboard_factory_days",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=False),
        *_minutes(),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"],
                                name=op.f("fk_dashboard_factory_days_cluster_id_clusters"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["factory_id"], ["factories.id"],
                                name=op.f("fk_dashboard_factory_days_factory_id_factories"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", "day", "factory_id", name=op.f("pk_dashboard_factory_days")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "dashboard_process_days",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("process_code", sa.String(length=32), nullable=False),
        *_minutes(),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"],
                                name=op.f("fk_dashboard_process_days_cluster_id_clusters"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", "day", "process_code", name=op.f("pk_dashboard_process_days")),
        sqlite_with_rowid=False,
    )
    # existing machine days: sum them once
    op.execute(f"INSERT INTO dashboard_factory_days (cluster_id, factory_id, day, {MINUTES}) "
               f"SELECT cluster_id, factory_id, day, {SUMS} GROUP BY cluster_id, factory_id, day")
    op.execute(f"INSERT INTO dashboard_process_days (cluster_id, process_code, day, {MINUTES}) "
               f"SELECT cluster_id, process_code, day, {SUMS} GROUP BY cluster_id, process_code, day")


def downgrade():
    op.drop_table("dashboard_process_days")
    op.drop_table("dashboard_factory_days")
