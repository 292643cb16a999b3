"""payments: payments, refunds, payouts, idempotency records, webhook events, the double-entry ledger; firms'
payment ids

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC = marketplace.db_types.UTCDateTime


def upgrade():
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stripe_customer_id", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("stripe_account_id", sa.String(length=80), nullable=True))

    op.create_table(
        "payment_idempotency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("response_id", sa.String(length=80), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_payment_idempotency_order_id_orders"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_idempotency")),
        sa.UniqueConstraint("key", name=op.f("uq_payment_idempotency_key")),
    )
    op.create_index(op.f("ix_payment_idempotency_order_id"), "payment_idempotency", ["order_id"])

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("payer_firm_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("captured_fen", sa.BigInteger(), nullable=False),
        sa.Column("refunded_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column("capture_method", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("intent_id", sa.String(length=80), nullable=True),
        sa.Column("customer_id", sa.String(length=80), nullable=True),
        sa.Column("failure", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint("captured_fen >= 0 AND captured_fen <= amount_fen",
                           name=op.f("ck_payments_captured_within_amount")),
        sa.CheckConstraint("refunded_fen >= 0 AND refunded_fen <= captured_fen",
                           name=op.f("ck_payments_refunded_within_captured")),
        sa.CheckConstraint("capture_method in ('manual', 'automatic')", name=op.f("ck_payments_capture_method_known")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_payments_order_id_orders")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_payments_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["payer_firm_id"], ["firms.id"], name=op.f("fk_payments_payer_firm_id_firms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("order_id", name=op.f("uq_payments_order_id")),
        sa.UniqueConstraint("intent_id", name=op.f("uq_payments_intent_id")),
    )
    op.create_index(op.f("ix_payments_cluster_id"), "payments", ["cluster_id"])
    op.create_index(op.f("ix_payments_payer_firm_id"), "payments", ["payer_firm_id"])

    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("refund_id", sa.String(length=80), nullable=True),
        sa.Column("failure", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payment_refunds_amount_positive")),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], name=op.f("fk_payment_refunds_payment_id_payments")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_payment_refunds_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refunds")),
        sa.UniqueConstraint("payment_id", "number", name=op.f("uq_payment_refunds_payment_id_number")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payment_refunds_idempotency_key")),
    )
    op.create_index(op.f("ix_payment_refunds_payment_id"), "payment_refunds", ["payment_id"])
    op.create_index(op.f("ix_payment_refunds_order_id"), "payment_refunds", ["order_id"])

    op.create_table(
        "payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("gross_fen", sa.BigInteger(), nullable=False),
        sa.Column("fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("transfer_id", sa.String(length=80), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.CheckConstraint("gross_fen >= 0 AND fee_fen >= 0 AND amount_fen = gross_fen - fee_fen",
                           name=op.f("ck_payouts_net_of_fee")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_payouts_order_id_orders")),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.id"], name=op.f("fk_payouts_firm_id_firms")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_payouts_cluster_id_clusters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
        sa.UniqueConstraint("order_id", "firm_id", name=op.f("uq_payouts_order_id_firm_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payouts_idempotency_key")),
    )
    op.create_index(op.f("ix_payouts_order_id"), "payouts", ["order_id"])
    op.create_index(op.f("ix_payouts_firm_id"), "payouts", ["firm_id"])
    op.create_index(op.f("ix_payouts_cluster_id"), "payouts", ["cluster_id"])

    op.create_table(
        "payment_webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("object_id", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.Column("received_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_webhook_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_payment_webhook_events_event_id")),
    )

    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.id"], name=op.f("fk_ledger_accounts_firm_id_firms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_accounts_code")),
    )
    op.create_index(op.f("ix_ledger_accounts_firm_id"), "ledger_accounts", ["firm_id"])

    op.create_table(
        "ledger_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False),
        sa.Column("memo", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_ledger_transactions_order_id_orders"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_ledger_transactions_cluster_id_clusters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transactions")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_transactions_key")),
    )
    op.create_index(op.f("ix_ledger_transactions_order_id"), "ledger_transactions", ["order_id"])
    op.create_index("ix_ledger_transactions_cluster_kind", "ledger_transactions", ["cluster_id", "kind", "created_at"])

    op.create_table(
        "ledger_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("debit_fen", sa.BigInteger(), nullable=False),
        sa.Column("credit_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0) <> (credit_fen = 0)",
                           name=op.f("ck_ledger_lines_one_side_positive")),
        sa.ForeignKeyConstraint(["transaction_id"], ["ledger_transactions.id"],
                                name=op.f("fk_ledger_lines_transaction_id_ledger_transactions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_id"], ["ledger_accounts.id"],
                                name=op.f("fk_ledger_lines_account_id_ledger_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lines")),
    )
    op.create_index(op.f("ix_ledger_lines_transaction_id"), "ledger_lines", ["transaction_id"])
    op.create_index(op.f("ix_ledger_lines_account_id"), "ledger_lines", ["account_id"])


def downgrade():
    for table in ("ledger_lines", "ledger_transactions", "ledger_accounts", "payment_webhook_events", "payouts",
                  "payment_refunds", "payments", "payment_idempotency"):
        op.drop_table(table)
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.drop_column("stripe_account_id")
        batch_op.drop_column("stripe_customer_id")
