"""REST API of the inbox: list notifications (worded in the caller's language), mark read, e-mail preferences."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user

from marketplace.api_common import StrictSchema, api_blueprint
from marketplace.extensions import db
from marketplace.notifications import services, wording

notifications_blp = api_blueprint("notifications_api", __name__, "/notifications",
                                  "Notifications: the inbox and e-mail preferences")


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": list(wording.KINDS)})
    params = ma.fields.Dict()
    title = ma.fields.Function(lambda n: wording.title(n.kind, n.params))
    text = ma.fields.Function(lambda n: wording.line(n.kind, n.params))
    link = ma.fields.String()
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class InboxArgs(StrictSchema):
    unread = ma.fields.Boolean(load_default=False)
    before_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class InboxSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema))
    unread = ma.fields.Integer()


class MarkReadSchema(StrictSchema):
    ids = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1)),
                         validate=ma.validate.Length(max=500),
                         metadata={"description": "these notifications (default: all of yours)"})


class PreferencesSchema(StrictSchema):
    email = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.OneOf(wording.PREFERENCE_KINDS)),
                           values=ma.fields.Boolean(), required=True,
                           metadata={"description": "kind -> whether it reaches you by e-mail"})


@notifications_blp.route("")
class Inbox(MethodView):
    @notifications_blp.arguments(InboxArgs, location="query")
    @notifications_blp.response(200, InboxSchema)
    def get(self, args):
        """Your notifications, newest first"""
        items = services.inbox(current_user, unread_only=args["unread"], limit=args["limit"],
                               before_id=args.get("before_id"))
        return {"items": items, "unread": services.unread_count(current_user)}


@notifications_blp.route("/read")
class MarkRead(MethodView):
    @notifications_blp.arguments(MarkReadSchema)
    @notifications_blp.response(200, InboxSchema)
    def post(self, data):
        """Mark notifications read"""
        services.mark_read(current_user, data.get("ids"))
        db.session.commit()
        return {"items": [], "unread": services.unread_count(current_user)}


@notifications_blp.route("/preferences")
class Preferences(MethodView):
    @notifications_blp.response(200, PreferencesSchema)
    def get(self):
        """Which kinds reach you by e-mail (all, until you switch some off)"""
        return {"email": services.preferences(current_user)}

    @notifications_blp.arguments(PreferencesSchema)
    @notifications_blp.response(200, PreferencesSchema)
    def put(self, data):
        """Switch kinds on or off by e-mail (kinds left out keep their setting)"""
        services.set_preferences(current_user, data["email"])
        db.session.commit()
        return {"email": services.preferences(current_user)}


BLUEPRINTS = (notifications_blp,)
