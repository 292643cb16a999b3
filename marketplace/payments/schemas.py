"""Schemas of refund requests, payables and payouts."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from marketplace.api_common import StrictSchema

MAX_FEN = 10**13  # ten billion yuan: more than any order, far below the database's BigInteger


class RefundRequestCreateSchema(StrictSchema):
    amount_fen = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=1, max=MAX_FEN))
    reason = ma.fields.String(required=True, validate=v.Length(min=2, max=300))


class RefundDecisionSchema(StrictSchema):
    approve = ma.fields.Boolean(required=True)
    note = ma.fields.String(load_default="", validate=v.Length(max=300))


class RefundRequestSchema(ma.Schema):
    id = ma.fields.Integer()
    order_id = ma.fields.Integer()
    amount_fen = ma.fields.Integer()
    reason = ma.fields.String()
    status = ma.fields.String(metadata={"description": "requested, approved or declined"})
    decision_note = ma.fields.String()
    refund_status = ma.fields.String(allow_none=True, metadata={"description": "the refund's own status once "
                                                                "approved: pending, succeeded or failed"})
    created_at = ma.fields.AwareDateTime()
    decided_at = ma.fields.AwareDateTime(allow_none=True)


class PayoutSchema(ma.Schema):
    id = ma.fields.Integer()
    order_id = ma.fields.Integer()
    order_reference = ma.fields.String()
    firm_id = ma.fields.Integer()
    gross_fen = ma.fields.Integer()
    fee_fen = ma.fields.Integer()
    amount_fen = ma.fields.Integer()
    currency = ma.fields.String()
    status = ma.fields.String()
    transfer_id = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class PayablesSchema(ma.Schema):
    owed_fen = ma.fields.Integer()
    payouts = ma.fields.List(ma.fields.Nested(PayoutSchema))
