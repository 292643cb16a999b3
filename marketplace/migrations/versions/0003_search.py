"""search: documents, terms, idle days; SQLite FTS5 trigram table or PostgreSQL pg_trgm index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 09:00:00

Hand-written: the same file runs on SQLite and PostgreSQL and branches on the dialect for the full-text part.
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, tokenize='trigram')",
    "CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER search_documents_fts_update AFTER UPDATE OF text ON search_documents BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
]


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rate_fen', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Float(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('doc_key', name=op.f('uq_search_documents_doc_key'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_scope', ['cluster_id', 'kind'], unique=False)

    op.create_table('search_terms',
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['search_documents.id'],
                            name=op.f('fk_search_terms_doc_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id', 'field', 'value', name=op.f('pk_search_terms'))
    )
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.create_index('ix_search_terms_field_value', ['field', 'value'], unique=False)

    op.create_table('search_idle_days',
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['search_documents.id'],
                            name=op.f('fk_search_idle_days_doc_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id', 'day', name=op.f('pk_search_idle_days'))
    )

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == 'postgresql':
        # In the public schema (not the first one on search_path), under a lock: several databases or test
        # workers may migrate at once, and dropping a per-worker schema must not take the extension with it.
        bind = op.get_bind()
        bind.execute(sa.text("SELECT pg_advisory_xact_lock(60036)"))
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        schema = bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                      "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar_one()
        op.execute(f'CREATE INDEX ix_search_documents_text_trgm ON search_documents '
                   f'USING gin (text "{schema}".gin_trgm_ops)')


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for name in ('search_documents_fts_update', 'search_documents_fts_delete', 'search_documents_fts_insert'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_search_documents_text_trgm")
    op.drop_table('search_idle_days')
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_search_terms_field_value')
    op.drop_table('search_terms')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_scope')
    op.drop_table('search_documents')
