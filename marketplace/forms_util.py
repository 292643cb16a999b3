"""Helpers shared by the web forms."""

from __future__ import annotations

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
