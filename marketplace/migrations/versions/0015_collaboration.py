"""collaboration on orders: documents of orders and steps (content-addressed blobs), one message thread per order,
notifications, saved delivery addresses, requests for bids and bids; an order step may be assigned to the firm whose
bid won

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180', name=op.f('ck_delivery_addresses_point_on_earth')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_delivery_addresses_firm_id_firms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_addresses'))
    )
    with op.batch_alter_table('delivery_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_addresses_firm_id'), ['firm_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_preferences_user_id_kind'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=200), nullable=False),
    sa.Column('source_key', sa.String(length=80), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('read_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.Column('emailed_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'source_key', name=op.f('uq_notifications_user_id_source_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('bid_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('buyer_firm_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('deadline_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('awarded_bid_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status in ('open', 'awarded', 'withdrawn')", name=op.f('ck_bid_requests_status_known')),
    sa.ForeignKeyConstraint(['buyer_firm_id'], ['firms.id'], name=op.f('fk_bid_requests_buyer_firm_id_firms')),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_bid_requests_cluster_id_clusters')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_bid_requests_order_id_orders')),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], name=op.f('fk_bid_requests_quote_id_quotes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bid_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_requests')),
    sa.UniqueConstraint('order_id', name=op.f('uq_bid_requests_order_id')),
    sa.UniqueConstraint('quote_id', name=op.f('uq_bid_requests_quote_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_bid_requests_reference'))
    )
    with op.batch_alter_table('bid_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_requests_buyer_firm_id'), ['buyer_firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bid_requests_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('material_code', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('ship_by', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_order_lines_qty_positive')),
    sa.ForeignKeyConstraint(['material_code'], ['materials.code'], name=op.f('fk_order_lines_material_code_materials')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], name=op.f('fk_order_lines_quote_id_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines')),
    sa.UniqueConstraint('order_id', 'position', name=op.f('uq_order_lines_order_id_position')),
    sa.UniqueConstraint('quote_id', name=op.f('uq_order_lines_quote_id'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)

    op.create_table('thread_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('last_read_message_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_thread_reads_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_reads')),
    sa.UniqueConstraint('user_id', 'order_id', name=op.f('uq_thread_reads_user_id_order_id'))
    )
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_reads_order_id'), ['order_id'], unique=False)

    op.create_table('bid_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('asked_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('answered_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_bid_questions_firm_id_firms')),
    sa.ForeignKeyConstraint(['request_id'], ['bid_requests.id'], name=op.f('fk_bid_questions_request_id_bid_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bid_questions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_questions'))
    )
    with op.batch_alter_table('bid_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_questions_request_id'), ['request_id'], unique=False)

    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status in ('active', 'withdrawn', 'won', 'lost')", name=op.f('ck_bids_status_known')),
    sa.CheckConstraint('lead_days >= 1', name=op.f('ck_bids_lead_positive')),
    sa.CheckConstraint('price_fen > 0', name=op.f('ck_bids_price_positive')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_bids_firm_id_firms')),
    sa.ForeignKeyConstraint(['request_id'], ['bid_requests.id'], name=op.f('fk_bids_request_id_bid_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bids_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('request_id', 'firm_id', name=op.f('uq_bids_request_id_firm_id'))
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_request_id'), ['request_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('order_step_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=80), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploader_user_id', sa.Integer(), nullable=False),
    sa.Column('uploader_firm_id', sa.Integer(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_documents_size_nonnegative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_documents_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_step_id'], ['order_steps.id'], name=op.f('fk_documents_order_step_id_order_steps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_firm_id'], ['firms.id'], name=op.f('fk_documents_uploader_firm_id_firms')),
    sa.ForeignKeyConstraint(['uploader_user_id'], ['users.id'], name=op.f('fk_documents_uploader_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('public_id', name=op.f('uq_documents_public_id'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_order_step_id'), ['order_step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_sha256'), ['sha256'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=False),
    sa.Column('author_firm_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_firm_id'], ['firms.id'], name=op.f('fk_messages_author_firm_id_firms')),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_messages_author_user_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_messages_document_id_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_messages_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('order_steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_firm_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_order_steps_line_id'), ['line_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_order_steps_assigned_firm_id_firms'), 'firms', ['assigned_firm_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_order_steps_line_id_order_lines'), 'order_lines', ['line_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('order_steps', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_steps_line_id_order_lines'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_order_steps_assigned_firm_id_firms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_steps_line_id'))
        batch_op.drop_column('assigned_firm_id')
        batch_op.drop_column('line_id')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_order_id'))

    op.drop_table('messages')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_documents_order_step_id'))
        batch_op.drop_index(batch_op.f('ix_documents_order_id'))

    op.drop_table('documents')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bids_request_id'))
        batch_op.drop_index(batch_op.f('ix_bids_firm_id'))

    op.drop_table('bids')
    with op.batch_alter_table('bid_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_questions_request_id'))

    op.drop_table('bid_questions')
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_reads_order_id'))

    op.drop_table('thread_reads')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))

    op.drop_table('order_lines')
    with op.batch_alter_table('bid_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_requests_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_bid_requests_buyer_firm_id'))

    op.drop_table('bid_requests')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')

    op.drop_table('notifications')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('delivery_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_addresses_firm_id'))

    op.drop_table('delivery_addresses')
