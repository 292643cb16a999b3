"""Attach photos to a lease's handover or return, in the same transaction as the move (a bad photo refuses the
whole form: nothing partial is stored), and read them back for the lease's two sides."""

from __future__ import annotations

import io
import secrets

from flask import current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.documents import blobs
from marketplace.documents.filetypes import ALLOWED, sniff
from marketplace.documents.services import clean_filename
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.leasing.models import STAGES, LeasePhoto

MAX_PHOTOS = 8
IMAGE_TYPES = ("png", "jpg")


def attach(lease, user, stage: str, uploads: list[tuple[str, bytes]]) -> list[LeasePhoto]:
    """`uploads` are (filename, bytes); empty file inputs are skipped. The caller commits."""
    uploads = [(name, data) for name, data in uploads if data]
    if stage not in STAGES:
        raise ValueError(stage)
    if len(uploads) > MAX_PHOTOS:
        raise FieldError("photos", _("At most %(n)d photos.", n=MAX_PHOTOS))
    limit = current_app.config["DOCUMENT_MAX_MB"] * 1024 * 1024
    photos = []
    for name, data in uploads:
        if len(data) > limit:
            raise FieldError("photos", _("%(name)s is larger than %(mb)d MB.", name=clean_filename(name),
                                         mb=current_app.config["DOCUMENT_MAX_MB"]))
        kind = sniff(data)
        if kind not in IMAGE_TYPES:
            raise FieldError("photos", _("%(name)s is not a JPEG or PNG photo.", name=clean_filename(name)))
        photo = LeasePhoto(public_id=secrets.token_urlsafe(16), lease_id=lease.id, stage=stage,
                           filename=clean_filename(name), content_type=ALLOWED[kind], size_bytes=len(data),
                           sha256=blobs.store().put(data), uploader_user_id=user.id)
        db.session.add(photo)
        photos.append(photo)
    db.session.flush()
    return photos


def of_lease(lease_id: int) -> list[LeasePhoto]:
    return list(db.session.scalars(select(LeasePhoto).where(LeasePhoto.lease_id == lease_id)
                                   .order_by(LeasePhoto.id)))


def content(photo: LeasePhoto) -> bytes:
    return blobs.store().get(photo.sha256)


def find(lease_id: int, public_id: str) -> LeasePhoto | None:
    return db.session.scalar(select(LeasePhoto).where(LeasePhoto.lease_id == lease_id,
                                                      LeasePhoto.public_id == public_id))


def response(photo: LeasePhoto):
    """The photo for the lease's page and its API: never cached, never sniffed, sandboxed."""
    sent = send_file(io.BytesIO(content(photo)), mimetype=photo.content_type, max_age=0)
    sent.headers["Cache-Control"] = "private, no-store"
    sent.headers["X-Content-Type-Options"] = "nosniff"
    sent.headers["Content-Security-Policy"] = "sandbox"
    return sent
