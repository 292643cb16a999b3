"""REST API of an order's message thread: read it, post (JSON, or multipart with an attachment), mark it read."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_login import current_user

from marketplace.api_common import StrictSchema, api_blueprint
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.messages import services
from marketplace.messages.models import MAX_BODY
from marketplace.orders.access import readable_order

messages_blp = api_blueprint("messages_api", __name__, "", "Messages: one thread per order")


class MessageSchema(ma.Schema):
    id = ma.fields.Integer()
    order_id = ma.fields.Integer()
    author_user_id = ma.fields.Integer()
    author_name = ma.fields.Function(lambda m: m.author.name)
    author_firm_id = ma.fields.Integer()
    author_firm_name = ma.fields.Function(lambda m: m.author_firm.name)
    body = ma.fields.String()
    attachment_id = ma.fields.Function(lambda m: m.document.public_id if m.document else None, allow_none=True,
                                       metadata={"description": "a document id: download at /documents/{id}"})
    created_at = ma.fields.DateTime()


class ThreadSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MessageSchema))
    unread = ma.fields.Integer(metadata={"description": "messages by others you have not marked read"})


class PostSchema(StrictSchema):
    body = ma.fields.String(required=True, validate=ma.validate.Length(max=MAX_BODY))


class MultipartPostSchema(ma.Schema):
    body = ma.fields.String()
    file = ma.fields.Raw(metadata={"type": "string", "format": "binary"})


@messages_blp.route("/orders/<int:order_id>/messages")
class Thread(MethodView):
    @messages_blp.response(200, ThreadSchema)
    def get(self, order_id):
        """The order's thread, oldest first, with how many messages are unread for you"""
        order = readable_order(order_id)
        return {"items": services.thread(order),
                "unread": services.unread_by_order(current_user, [order.id]).get(order.id, 0)}

    @messages_blp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": PostSchema}, "multipart/form-data": {"schema": MultipartPostSchema}}})
    @messages_blp.response(201, MessageSchema)
    def post(self, order_id):
        """Write to the buyer, the order's factories and the operator (attach a file with multipart/form-data)"""
        order = readable_order(order_id)
        attachment = None
        if request.mimetype == "multipart/form-data":
            body = request.form.get("body", "")
            upload = request.files.get("file")
            if upload is not None:
                attachment = (upload.filename or "attachment", upload.read())
        else:
            data = request.get_json(silent=True)
            if not isinstance(data, dict):
                raise FieldError("body", "Send a JSON object with `body`, or multipart/form-data.")
            try:
                body = PostSchema().load(data)["body"]
            except ma.ValidationError as exc:
                raise FieldError(next(iter(exc.messages)), str(next(iter(exc.messages.values()))[0])) from None
        message = services.post(order, current_user, current_user.firm, body, attachment)
        db.session.commit()
        return message


@messages_blp.route("/orders/<int:order_id>/messages/read")
class ThreadRead(MethodView):
    @messages_blp.response(204)
    def post(self, order_id):
        """Mark the thread read up to its newest message"""
        services.read_thread(readable_order(order_id), current_user)
        db.session.commit()


BLUEPRINTS = (messages_blp,)
