"""REST API of documents: list and attach an order's files (multipart), download one by its random id."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.api_common import api_blueprint
from marketplace.documents import services
from marketplace.documents.models import KINDS
from marketplace.documents.views import download_response
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.orders.access import readable_order

documents_blp = api_blueprint("documents_api", __name__, "", "Documents: drawings, CAD, specifications, reports")


class DocumentSchema(ma.Schema):
    id = ma.fields.String(attribute="public_id", metadata={"description": "random; the download is /documents/{id}"})
    order_id = ma.fields.Integer()
    step_id = ma.fields.Integer(attribute="order_step_id", allow_none=True)
    kind = ma.fields.String(metadata={"enum": list(KINDS)})
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size_bytes = ma.fields.Integer()
    sha256 = ma.fields.String()
    uploader_firm_id = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class DocumentUploadSchema(ma.Schema):
    kind = ma.fields.String(required=True, metadata={"enum": list(KINDS)})
    step_id = ma.fields.Integer(metadata={"description": "attach to one step of the order (default: the order)"})
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                  "description": "PDF, PNG, JPEG, STEP, STL or DXF"})


@documents_blp.route("/orders/<int:order_id>/documents")
class OrderDocuments(MethodView):
    @documents_blp.response(200, DocumentSchema(many=True))
    def get(self, order_id):
        """The order's documents you may read (a step's files: the buyer, the operator and that step's factory)"""
        return services.order_documents(readable_order(order_id))

    @documents_blp.doc(requestBody={"required": True,
                                    "content": {"multipart/form-data": {"schema": DocumentUploadSchema}}})
    @documents_blp.response(201, DocumentSchema)
    @documents_blp.alt_response(413, description="Larger than the request limit (MAX_UPLOAD_MB)")
    def post(self, order_id):
        """Attach a file to the order or to one of its steps; its type is read from its bytes, never its name"""
        order = readable_order(order_id)
        upload = request.files.get("file")
        if upload is None:
            raise FieldError("file", _("Choose a file to attach."))
        document = services.attach(order, current_user, current_user.firm, request.form.get("kind", ""),
                                   upload.filename or "", upload.read(),
                                   services.parse_step_id(request.form.get("step_id")))
        db.session.commit()
        return document


@documents_blp.route("/documents/<public_id>")
class DocumentContent(MethodView):
    @documents_blp.response(200, description="The file, as an attachment",
                            content_type="application/octet-stream")
    def get(self, public_id):
        """Download a document (404 for anyone who may not read it)"""
        return download_response(services.readable_document(public_id))


BLUEPRINTS = (documents_blp,)
