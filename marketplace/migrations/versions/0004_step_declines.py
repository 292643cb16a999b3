"""step declines: a factory declined an order step on one of its machines

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "step_declines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_step_id", sa.Integer(), nullable=False),
        sa.Column("machine_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", marketplace.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.id"], name=op.f("fk_step_declines_firm_id_firms")),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"], name=op.f("fk_step_declines_machine_id_machines"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_step_id"], ["order_steps.id"],
                                name=op.f("fk_step_declines_order_step_id_order_steps"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_declines")),
        sa.UniqueConstraint("order_step_id", "machine_id", name=op.f("uq_step_declines_order_step_id_machine_id")),
    )
    with op.batch_alter_table("step_declines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_declines_order_step_id"), ["order_step_id"], unique=False)


def downgrade():
    with op.batch_alter_table("step_declines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_declines_order_step_id"))
    op.drop_table("step_declines")
