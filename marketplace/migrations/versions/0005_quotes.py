"""quotes: issued instant quotes, completed jobs (calibration history), quote calibrations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quote_calibrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("train_jobs", sa.Integer(), nullable=False),
        sa.Column("test_jobs", sa.Integer(), nullable=False),
        sa.Column("mape_before", sa.Float(), nullable=False),
        sa.Column("mape_after", sa.Float(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("created_at", marketplace.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_quote_calibrations_cluster_id_clusters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_calibrations")),
    )
    with op.batch_alter_table("quote_calibrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_calibrations_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "completed_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=True),
        sa.Column("process_code", sa.String(length=32), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("material_code", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("actual_cost_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column("completed_at", marketplace.db_types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("actual_cost_fen > 0", name=op.f("ck_completed_jobs_cost_positive")),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_completed_jobs_quantity_positive")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_completed_jobs_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["factory_id"], ["factories.id"], name=op.f("fk_completed_jobs_factory_id_factories")),
        sa.ForeignKeyConstraint(["material_code"], ["materials.code"],
                                name=op.f("fk_completed_jobs_material_code_materials")),
        sa.ForeignKeyConstraint(["process_code"], ["processes.code"],
                                name=op.f("fk_completed_jobs_process_code_processes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completed_jobs")),
        sa.UniqueConstraint("reference", name=op.f("uq_completed_jobs_reference")),
    )
    with op.batch_alter_table("completed_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_completed_jobs_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_completed_jobs_process_code"), ["process_code"], unique=False)

    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("buyer_firm_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", marketplace.db_types.UTCDateTime(), nullable=False),
        sa.Column("valid_until", marketplace.db_types.UTCDateTime(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column("material_code", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("quantities", sa.JSON(), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("route_proposed", sa.Boolean(), nullable=False),
        sa.Column("feasible", sa.Boolean(), nullable=False),
        sa.Column("lead_time_tier", sa.String(length=16), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("breaks", sa.JSON(), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("work_content", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("assumptions", sa.JSON(), nullable=False),
        sa.Column("plan_epoch", marketplace.db_types.UTCDateTime(), nullable=True),
        sa.Column("calibration_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_quotes_quantity_positive")),
        sa.ForeignKeyConstraint(["buyer_firm_id"], ["firms.id"], name=op.f("fk_quotes_buyer_firm_id_firms")),
        sa.ForeignKeyConstraint(["calibration_id"], ["quote_calibrations.id"],
                                name=op.f("fk_quotes_calibration_id_quote_calibrations")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_quotes_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["material_code"], ["materials.code"], name=op.f("fk_quotes_material_code_materials")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_quotes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("reference", name=op.f("uq_quotes_reference")),
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotes_buyer_firm_id"), ["buyer_firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quotes_cluster_id"), ["cluster_id"], unique=False)


def downgrade():
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotes_cluster_id"))
        batch_op.drop_index(batch_op.f("ix_quotes_buyer_firm_id"))
    op.drop_table("quotes")
    with op.batch_alter_table("completed_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_completed_jobs_process_code"))
        batch_op.drop_index(batch_op.f("ix_completed_jobs_cluster_id"))
    op.drop_table("completed_jobs")
    with op.batch_alter_table("quote_calibrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_calibrations_cluster_id"))
    op.drop_table("quote_calibrations")
