"""Helpers shared by the web forms."""

from __future__ import annotations

from flask import flash
from werkzeug.exceptions import Conflict

from marketplace.errors import FieldError
from marketplace.extensions import db


def save_or_report(form, action) -> bool:
    """Run a service call and commit. A FieldError rolls back and becomes a message on the named form field."""
    try:
        action()
    except FieldError as exc:
        db.session.rollback()
        field = getattr(form, exc.field, None)
        (field.errors if field is not None else form.form_errors).append(exc.message)
        return False
    db.session.commit()
    return True


def commit_or_flash(action, success: str | None = None) -> bool:
    """Run a change and commit it; a business-rule refusal (FieldError) rolls back, nothing is stored, and its message
    becomes the page's error. Flashes ``success`` when given; returns whether it was stored."""
    try:
        action()
        db.session.commit()
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    if success:
        flash(success, "success")
    return True


def remove_or_flash(action) -> bool:
    """Run a removal and commit. A refusal (Conflict: work or history depends on it) rolls back and becomes the
    page's error message; returns whether it was removed."""
    try:
        action()
    except Conflict as refused:
        db.session.rollback()
        flash(refused.description, "error")
        return False
    db.session.commit()
    return True
