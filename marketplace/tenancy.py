"""Tenant isolation: a firm reads and changes only its own records; an operator reads its own cluster.

Every object lookup of the API and the pages goes through these helpers, so "another firm's object" and
"no such object" are the same 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select

from marketplace.extensions import db

T = TypeVar("T")


def current_firm():
    return current_user.firm


def _owner(obj, owner: Callable[[object], int] | str) -> int:
    return owner(obj) if callable(owner) else getattr(obj, owner)


def get_readable(model: type[T], object_id: int, owner="firm_id") -> T:
    """The object if the current firm owns it, or the current firm operates the object's cluster; else 404."""
    obj = db.session.get(model, object_id)
    firm = current_firm()
    if obj is None:
        abort(404, f"No {model.__name__.lower()} with id {object_id}.")
    if _owner(obj, owner) == firm.id:
        return obj
    if firm.is_operator and getattr(obj, "cluster_id", None) == firm.cluster_id:
        return obj
    abort(404, f"No {model.__name__.lower()} with id {object_id}.")


def get_writable(model: type[T], object_id: int, owner="firm_id") -> T:
    """The object if the current firm owns it; 403 for the cluster's operator (read-only); else 404."""
    obj = get_readable(model, object_id, owner)
    if _owner(obj, owner) != current_firm().id:
        abort(403, _("Cluster operators can read but not change a firm's records."))
    return obj


def delete_child(model, child_id: int, **parent) -> None:
    """Delete one row of a parent's list (a machine's weekly window, an item's instalment plan) and commit; 404
    when the row does not exist or belongs to another parent. The caller has checked it may write the parent."""
    (column, parent_id), = parent.items()
    child = db.session.get(model, child_id)
    if child is None or getattr(child, column) != parent_id:
        abort(404, f"No {model.__tablename__.replace('_', ' ').rstrip('s')} with id {child_id} here.")
    db.session.delete(child)
    db.session.commit()


def scope(stmt: Select, model, firm_column="firm_id") -> Select:
    """Restrict a list query to what the current firm may read."""
    firm = current_firm()
    if firm.is_operator:
        return stmt.where(model.cluster_id == firm.cluster_id)
    return stmt.where(getattr(model, firm_column) == firm.id)
