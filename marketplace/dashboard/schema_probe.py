"""Which tables and columns exist: KPIs whose data lands later (quotes, payments, vouchers) check here first."""

from __future__ import annotations

from sqlalchemy import inspect

_cache: dict[tuple, tuple[frozenset, dict]] = {}


def _snapshot(session):
    bind = session.get_bind()
    key = (id(bind), str(bind.url))
    if key not in _cache:
        inspector = inspect(bind)
        names = frozenset(inspector.get_table_names())
        _cache[key] = (names, {})
    return _cache[key]


def has_table(session, name: str) -> bool:
    return name in _snapshot(session)[0]


def has_column(session, table: str, column: str) -> bool:
    names, columns = _snapshot(session)
    if table not in names:
        return False
    if table not in columns:
        columns[table] = frozenset(c["name"] for c in inspect(session.get_bind()).get_columns(table))
    return column in columns[table]


def forget() -> None:
    """Drop the cache (after a migration, and between tests)."""
    _cache.clear()
