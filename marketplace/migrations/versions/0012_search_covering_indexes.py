"""search: covering indexes for idle sums (doc_id, day, minutes) and facet counts (field, value, doc_id)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 07:20:00

The (field, value, doc_id) index replaces (field, value), its prefix. Plain CREATE/DROP INDEX: SQLite and PostgreSQL.
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_search_idle_days_doc_day_minutes', 'search_idle_days', ['doc_id', 'day', 'minutes'])
    op.create_index('ix_search_terms_field_value_doc', 'search_terms', ['field', 'value', 'doc_id'])
    op.drop_index('ix_search_terms_field_value', table_name='search_terms')


def downgrade():
    op.create_index('ix_search_terms_field_value', 'search_terms', ['field', 'value'])
    op.drop_index('ix_search_terms_field_value_doc', table_name='search_terms')
    op.drop_index('ix_search_idle_days_doc_day_minutes', table_name='search_idle_days')
