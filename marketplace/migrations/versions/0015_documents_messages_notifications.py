"""documents of orders and steps (content-addressed blobs), one message thread per order, notifications

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



def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_order_id'))

    op.drop_table('messages')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_documents_order_step_id'))
        batch_op.drop_index(batch_op.f('ix_documents_order_id'))

    op.drop_table('documents')
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_reads_order_id'))

    op.drop_table('thread_reads')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')

    op.drop_table('notifications')
    op.drop_table('notification_preferences')
