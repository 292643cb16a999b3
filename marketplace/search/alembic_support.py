"""Teach Alembic's autogenerate about the full-text objects that only the hand-written migration 0003 creates.

The SQLite FTS5 virtual table (and its shadow tables) and the PostgreSQL pg_trgm GIN index have no ORM
counterpart, so autogenerate (and `compare_metadata`) would otherwise propose dropping them.
"""
from __future__ import annotations

from alembic.autogenerate import comparators
from alembic.operations import ops
from alembic.util.langhelpers import DispatchPriority

FTS_TABLE = "search_fts"
TRGM_INDEX = "ix_search_documents_text_trgm"
_registered = False


def _ours(op) -> bool:
    if isinstance(op, ops.DropTableOp):
        return op.table_name == FTS_TABLE or op.table_name.startswith(FTS_TABLE + "_")
    if isinstance(op, ops.DropIndexOp):
        return op.index_name == TRGM_INDEX
    return False


def _forget_full_text_objects(autogen_context, upgrade_ops, schemas):
    kept = []
    for op in upgrade_ops.ops:
        if isinstance(op, ops.ModifyTableOps):
            op.ops = [child for child in op.ops if not _ours(child)]
            if not op.ops:
                continue
        elif _ours(op):
            continue
        kept.append(op)
    upgrade_ops.ops[:] = kept


def register() -> None:
    global _registered
    if not _registered:
        comparators.dispatch_for("schema", priority=DispatchPriority.LAST)(_forget_full_text_objects)
        _registered = True
