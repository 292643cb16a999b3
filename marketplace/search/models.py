"""The embedded search index: one row per searchable document, its facet terms and its idle minutes per day.

Documents are denormalised copies built from the real rows (see `documents.py`); the database backend searches
them with SQLite FTS5 (trigram) or PostgreSQL pg_trgm. The FTS5 table and the trigram index are created by the
migration 0003 only (they have no ORM counterpart; `alembic_support.py` keeps autogenerate from dropping them).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db


class SearchDocumentRow(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_scope", "cluster_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    cluster_id: Mapped[int] = mapped_column(Integer, nullable=False)
    firm_id: Mapped[int] = mapped_column(Integer, nullable=False)
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    rate_fen: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    date_start: Mapped[date | None] = mapped_column(Date)
    date_end: Mapped[date | None] = mapped_column(Date)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)


class SearchTerm(db.Model):
    """A keyword of a document: field 'process', 'material', 'certification', 'capability' or 'firm_kind'."""

    __tablename__ = "search_terms"
    __table_args__ = (Index("ix_search_terms_field_value_doc", "field", "value", "doc_id"),)  # covering: facets
    doc_id: Mapped[int] = mapped_column(ForeignKey("search_documents.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(80), primary_key=True)


class SearchIdleDay(db.Model):
    """Idle machine minutes of a document on one cluster-local day (calendars minus bookings)."""

    __tablename__ = "search_idle_days"
    __table_args__ = (Index("ix_search_idle_days_doc_day_minutes", "doc_id", "day", "minutes"),)  # covering: sums
    doc_id: Mapped[int] = mapped_column(ForeignKey("search_documents.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
