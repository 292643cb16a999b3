"""A CAD file of several separate parts quoted part by part: each part becomes its own quote (its own STL, in mm),
ready to be ordered together as the lines of one multi-part order (marketplace/orders/multipart.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import gettext as _

import quoting
from marketplace.errors import FieldError
from marketplace.quotes.models import Quote
from marketplace.quotes.services import Upload, check_size, issue_quote, rejected
from quoting.isolation import split_parts_isolated


def issue_split_quotes(firm, user, inputs: dict, upload: Upload | None, now: datetime, *, upload_dir: Path,
                       max_upload_bytes: int, valid_days: int) -> list[Quote]:
    """One quote per separate part of the uploaded file, with the same material, quantity and options (the caller
    commits). FieldError naming `file` when there is no file, one part only, or the file cannot be read."""
    if upload is None:
        raise FieldError("file", _("Choose the CAD file to split into its parts."))
    check_size(upload, max_upload_bytes)
    try:
        parts = split_parts_isolated(upload.data, upload.filename, cpu_s=current_app.config["CAD_PARSE_CPU_S"],
                                     memory_mb=current_app.config["CAD_PARSE_MEMORY_MB"], unit=inputs.get("unit"))
    except quoting.GeometryError as exc:
        raise rejected(exc, "file") from None
    stem = PurePosixPath(upload.filename or "part").stem[:80] or "part"
    per_part = inputs | {"unit": "mm"}  # each part is written out in millimetres
    return [issue_quote(firm, user, per_part, Upload(f"{stem}-{n}.stl", data), now, upload_dir=upload_dir,
                        max_upload_bytes=max_upload_bytes, valid_days=valid_days)
            for n, data in enumerate(parts, start=1)]
