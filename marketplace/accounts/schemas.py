"""Schemas of accounts: firms, the signed-in user and API tokens."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from marketplace.api_common import ListArgs, StrictSchema


class FirmSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    cluster_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(validate=v.Length(min=1, max=200))
    credit_code = ma.fields.String(
        validate=v.Regexp(r"^([0-9A-HJ-NPQRTUWXY]{18})?$", error="A unified social credit code has 18 characters.")
    )
    kinds = ma.fields.List(ma.fields.String(), dump_only=True)
    contact_name = ma.fields.String(validate=v.Length(max=100))
    phone = ma.fields.String(validate=v.Length(max=40))
    email = ma.fields.Email(validate=v.Length(max=254))
    address = ma.fields.String(validate=v.Length(max=300))
    employees = ma.fields.Integer(allow_none=True, validate=v.Range(min=1, max=10**6),
                                  metadata={"description": "Headcount; voucher programmes for small firms check it"})
    description = ma.fields.String(validate=v.Length(max=5000))
    created_at = ma.fields.AwareDateTime(dump_only=True)


class FirmListArgs(ListArgs):
    kind = ma.fields.String(validate=v.OneOf(("buyer", "factory", "lessor", "operator")))
    q = ma.fields.String(validate=v.Length(max=100))


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    role = ma.fields.String()
    firm = ma.fields.Nested(FirmSchema)


class TokenSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=100))
    prefix = ma.fields.String(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    last_used_at = ma.fields.AwareDateTime(dump_only=True)
    revoked_at = ma.fields.AwareDateTime(dump_only=True)


class NewTokenSchema(TokenSchema):
    token = ma.fields.String(dump_only=True, metadata={"description": "The secret; shown only once."})


class UserSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    email = ma.fields.Email(required=True, validate=v.Length(max=254))
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=100))
    role = ma.fields.String(load_default="staff", validate=v.OneOf(("owner", "staff")))
    active = ma.fields.Boolean(load_default=True)
    password = ma.fields.String(
        required=True,
        load_only=True,
        validate=v.Length(min=10, max=200),
        metadata={"description": "At least 10 characters"},
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    last_login_at = ma.fields.AwareDateTime(dump_only=True)


class InvitationSchema(StrictSchema):
    """An invitation to join the firm. The answer is the same whether or not the address has an account elsewhere."""
    id = ma.fields.Integer(dump_only=True)
    email = ma.fields.Email(required=True, validate=v.Length(max=254))
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=100))
    role = ma.fields.String(load_default="staff", validate=v.OneOf(("owner", "staff")))
    status = ma.fields.Constant("invited", dump_only=True)
    expires_at = ma.fields.AwareDateTime(dump_only=True)


class UserUpdateSchema(UserSchema):
    email = ma.fields.Email(dump_only=True)
    password = ma.fields.String(load_only=True, validate=v.Length(min=10, max=200),
                                metadata={"description": "A new password ends every other session of the user"})
    keep_tokens = ma.fields.Boolean(load_only=True, load_default=False, metadata={
        "description": "With a new password: keep the user's API tokens working (by default they are revoked)"})
