"""Payments: the Stripe-compatible client, charges/captures/refunds/payouts, the ledger and the webhook.

`init_app(app)` builds the one `PaymentsClient` (app.extensions["payments"]) from STRIPE_API_BASE and
STRIPE_API_KEY; tests call it again with `transport=` (httpx.MockTransport) to replace it.
"""

from __future__ import annotations

from marketplace.errors import error_body
from marketplace.payments.client import PaymentError, PaymentsClient, RetryPolicy


def init_app(app, *, transport=None, sleep=None, seed=None) -> PaymentsClient:
    config = app.config
    old = app.extensions.get("payments")
    if old is not None:
        old.close()
    kwargs = {"sleep": sleep} if sleep is not None else {}
    client = PaymentsClient(
        config["STRIPE_API_BASE"], config["STRIPE_API_KEY"], transport=transport, seed=seed,
        retry=RetryPolicy(max_attempts=config["PAYMENTS_MAX_ATTEMPTS"], base_delay_s=config["PAYMENTS_BACKOFF_S"]),
        timeout=config["PAYMENTS_TIMEOUT_S"], key_prefix=config["PAYMENTS_KEY_PREFIX"], **kwargs)
    app.extensions["payments"] = client
    if not app.extensions.get("payments_handlers"):
        app.extensions["payments_handlers"] = True
        app.register_error_handler(PaymentError, _payment_error)
    return client


def _payment_error(exc: PaymentError):
    from flask import jsonify


    response = jsonify(error_body(502, "The payments service did not accept the request.",
                                  {"payment": [exc.message]}))
    response.status_code = 502
    return response


__all__ = ["PaymentError", "PaymentsClient", "init_app"]
