"""REST API for the photos of a leased item: the lessor's at handover (while the lease is in use), either side's
at return (while it is returned, before the inspection closes it); both sides read them."""

from __future__ import annotations

import marshmallow as ma
from flask import abort, request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from capacity import lease_lifecycle
from capacity.lease_api import visible_lease
from marketplace.api_common import api_blueprint
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.leasing import photos
from marketplace.tenancy import current_firm

# the stage a photo may be added at, and the lease status it needs
OPEN_STAGE = {"handover": "active", "return": "returned"}


class LeasePhotoSchema(ma.Schema):
    public_id = ma.fields.String()
    stage = ma.fields.String(metadata={"description": "handover | return"})
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size_bytes = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    url = ma.fields.Method("_url")

    def _url(self, photo) -> str:
        return url_for("lease_photos_api.LeasePhotoContent", lease_id=photo.lease_id, photo_id=photo.public_id)


lease_photos_blp = api_blueprint("lease_photos_api", __name__, "/leases", "Photos of leased equipment")


def check_stage(record, stage: str) -> None:
    if stage not in OPEN_STAGE:
        raise FieldError("stage", _("Choose handover or return."))
    if record.status != OPEN_STAGE[stage]:
        raise FieldError("stage", _("Photos of this stage can be added while the lease is %(status)s.",
                                    status=lease_lifecycle.status_name(OPEN_STAGE[stage])))
    if stage == "handover" and not lease_lifecycle.is_lessor(record, current_firm()):
        raise FieldError("stage", _("Only the lessor adds the handover photos."))


@lease_photos_blp.route("/<int:lease_id>/photos")
class LeasePhotos(MethodView):
    @lease_photos_blp.response(200, LeasePhotoSchema(many=True))
    def get(self, lease_id):
        """The photos of the lease's handover and return"""
        return photos.of_lease(visible_lease(lease_id).id)

    @lease_photos_blp.response(201, LeasePhotoSchema(many=True))
    @lease_photos_blp.alt_response(413, description="Larger than the request limit (MAX_UPLOAD_MB)")
    def post(self, lease_id):
        """Add photos (multipart: `stage` = handover | return, files in `photos`; JPEG or PNG, at most 8)"""
        record = visible_lease(lease_id)
        stage = request.form.get("stage", "")
        check_stage(record, stage)
        uploads = [(f.filename or "", f.read()) for f in request.files.getlist("photos")]
        if not any(data for _, data in uploads):
            raise FieldError("photos", _("Choose at least one photo."))
        added = photos.attach(record, current_user, stage, uploads)
        db.session.commit()
        return added


@lease_photos_blp.route("/<int:lease_id>/photos/<photo_id>")
class LeasePhotoContent(MethodView):
    @lease_photos_blp.response(200, description="The photo", content_type="image/jpeg")
    def get(self, lease_id, photo_id):
        """One photo's content"""
        found = photos.find(visible_lease(lease_id).id, photo_id)
        if found is None:
            abort(404, f"No photo {photo_id} of lease {lease_id}.")
        return photos.response(found)


BLUEPRINTS = (lease_photos_blp,)
