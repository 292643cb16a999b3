"""REST API of saved delivery addresses (buyers): list, add, remove. Orders and awards take `delivery_address_id`."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView

from marketplace.accounts.auth import require_kind
from marketplace.addresses import services
from marketplace.api_common import StrictSchema, api_blueprint
from marketplace.extensions import db
from marketplace.tenancy import current_firm

addresses_blp = api_blueprint("addresses_api", __name__, "/addresses", "Saved delivery addresses")


class AddressSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    label = ma.fields.String(load_default="", validate=ma.validate.Length(max=60))
    address = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    contact = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    latitude = ma.fields.Float(required=True, validate=ma.validate.Range(min=-90, max=90))
    longitude = ma.fields.Float(required=True, validate=ma.validate.Range(min=-180, max=180))


@addresses_blp.route("")
class Addresses(MethodView):
    @addresses_blp.response(200, AddressSchema(many=True))
    def get(self):
        """Your firm's saved delivery addresses, newest first"""
        return services.saved(current_firm())

    @addresses_blp.arguments(AddressSchema)
    @addresses_blp.response(201, AddressSchema)
    def post(self, data):
        """Save a delivery address"""
        require_kind("buyer")
        row = services.add(current_firm(), data["address"], data["latitude"], data["longitude"], data["label"],
                           data["contact"])
        db.session.commit()
        return row


@addresses_blp.route("/<int:address_id>")
class AddressItem(MethodView):
    @addresses_blp.response(204)
    def delete(self, address_id):
        """Remove one of your addresses (orders placed to it keep their copy)"""
        if not services.remove(current_firm(), address_id):
            abort(404, f"No address with id {address_id}.")
        db.session.commit()


BLUEPRINTS = (addresses_blp,)
