"""A Stripe-shaped payments server in memory, for httpx.MockTransport: what localstripe cannot do.

It honours Idempotency-Key like Stripe (same key + same parameters -> the saved response, replayed; same key +
other parameters -> 400 idempotency_error), and has Connect transfers (`connect=True`). Shapes follow Stripe's API
(PaymentIntent with `amount_received` and `latest_charge`, Refund, Transfer, error `{"error": {type, code,
message}}`). Used by the tests and available to other modules' tests:

    fake = FakeStripe()
    payments.init_app(app, transport=httpx.MockTransport(fake), sleep=lambda s: None)
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import defaultdict
from urllib.parse import parse_qsl

import httpx

DECLINED_METHODS = {"pm_card_visa_chargeDeclined", "pm_card_chargeDeclined"}
LISTS = {"/v1/payment_intents": "payment_intent", "/v1/refunds": "refund", "/v1/transfers": "transfer",
         "/v1/customers": "customer", "/v1/disputes": "dispute"}


def parse_form(body: bytes) -> dict:
    """Stripe form encoding back to nested dicts and lists."""
    data: dict = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        target = data
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                if part != "[]":
                    target[part] = value
            elif parts[i + 1] == "[]":
                target.setdefault(part, []).append(value)
                break
            else:
                target = target.setdefault(part, {})
    return data


def _error(status: int, message: str, type: str = "invalid_request_error", code: str | None = None, **extra):
    return httpx.Response(status, json={"error": {"type": type, "code": code, "message": message, **extra}})


class FakeStripe:
    def __init__(self, *, connect: bool = True):
        self.connect = connect
        self.objects: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[str, httpx.Response]] = {}
        self.requests: list[tuple[str, str, str | None]] = []
        self.refunded: dict[str, int] = defaultdict(int)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.refund_status = "succeeded"  # what a new refund answers: "pending" like a bank transfer refund

    # -- transport ----------------------------------------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            key = request.headers.get("Idempotency-Key")
            self.requests.append((request.method, request.url.path, key))
            body = request.content if request.method == "POST" else b""
            if key and request.method == "POST":
                fingerprint = f"{request.url.path}?{body.decode()}"
                if key in self.idempotent:
                    saved_fingerprint, saved = self.idempotent[key]
                    if saved_fingerprint != fingerprint:
                        return _error(400, "Keys for idempotent requests can only be used with the same parameters "
                                      "they were first used with.", type="idempotency_error")
                    return httpx.Response(saved.status_code, content=saved.content, headers={
                        "content-type": "application/json", "Idempotent-Replayed": "true"})
            form = parse_form(body) if body else dict(request.url.params)
            response = self._handle(request.method, request.url.path, form)
            if key and request.method == "POST" and response.status_code < 500:
                self.idempotent[key] = (fingerprint, response)
            return response

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):08d}"

    def _handle(self, method: str, path: str, form: dict) -> httpx.Response:
        query = form
        if method == "POST" and path == "/v1/customers":
            customer = {"id": self._id("cus"), "object": "customer", "name": form.get("name"),
                        "metadata": form.get("metadata", {})}
            self.objects[customer["id"]] = customer
            return httpx.Response(200, json=customer)
        if method == "POST" and path == "/v1/payment_intents":
            return self._create_intent(form)
        m = re.fullmatch(r"/v1/payment_intents/(\w+)(?:/(capture|cancel))?", path)
        if m:
            intent = self.objects.get(m.group(1))
            if intent is None:
                return _error(404, f"No such payment_intent: '{m.group(1)}'", code="resource_missing")
            if method == "GET" and not m.group(2):
                return httpx.Response(200, json=intent)
            if m.group(2) == "capture":
                return self._capture(intent, form)
            if m.group(2) == "cancel":
                return self._cancel(intent)
        if method == "POST" and path == "/v1/refunds":
            return self._refund(form)
        if method == "POST" and path == "/v1/transfers" and self.connect:
            return self._transfer(form)
        m = re.fullmatch(r"/v1/(events|refunds|disputes|customers|transfers)/(\w+)", path)
        if m and method == "GET" and m.group(2) in self.objects:
            return httpx.Response(200, json=self.objects[m.group(2)])
        if method == "GET" and path in LISTS and (path != "/v1/transfers" or self.connect):
            return self._list(LISTS[path], query)
        return httpx.Response(404, text="404: Not Found")

    def _list(self, kind: str, query: dict) -> httpx.Response:
        """Stripe's list shape, newest first, `limit` and `starting_after`; filters by the fields Stripe filters."""
        items = [o for o in reversed(list(self.objects.values())) if o.get("object") == kind]
        for name in ("customer", "payment_intent", "transfer_group"):
            if name in query:
                items = [o for o in items if o.get(name) == query[name]]
        if "starting_after" in query:
            ids = [o["id"] for o in items]
            items = items[ids.index(query["starting_after"]) + 1:] if query["starting_after"] in ids else []
        limit = int(query.get("limit", 10))
        return httpx.Response(200, json={"object": "list", "data": items[:limit], "has_more": len(items) > limit})

    # -- provider-side changes, as a dashboard or a bank would make them (webhook scenarios) --------------------
    def refund_at_provider(self, intent_id: str, amount: int, status: str = "succeeded") -> dict:
        intent = self.objects[intent_id]
        refund = {"id": self._id("re"), "object": "refund", "amount": amount, "payment_intent": intent_id,
                  "charge": intent["latest_charge"], "currency": intent["currency"], "status": status,
                  "metadata": {}, "created": next(self._ids)}
        if status == "succeeded":
            self.refunded[intent_id] += amount
        self.objects[refund["id"]] = refund
        return refund

    def set_refund_status(self, refund_id: str, status: str) -> dict:
        refund = self.objects[refund_id]
        if status == "succeeded" and refund["status"] != "succeeded":
            self.refunded[refund["payment_intent"]] += refund["amount"]
        refund["status"] = status
        return refund

    def dispute(self, intent_id: str, status: str = "needs_response", dispute_id: str | None = None) -> dict:
        intent = self.objects[intent_id]
        dispute = self.objects.get(dispute_id) if dispute_id else None
        if dispute is None:
            dispute = {"id": self._id("dp"), "object": "dispute", "amount": intent["amount_received"],
                       "charge": intent["latest_charge"], "payment_intent": intent_id, "currency": intent["currency"],
                       "reason": "product_not_received", "status": status}
            self.objects[dispute["id"]] = dispute
        dispute["status"] = status
        return dispute

    def _create_intent(self, form: dict) -> httpx.Response:
        try:
            amount = int(form["amount"])
            assert amount > 0 and form.get("currency")
        except (KeyError, ValueError, AssertionError):
            return _error(400, "Invalid amount or currency.", code="parameter_invalid_integer")
        intent = {"id": self._id("pi"), "object": "payment_intent", "amount": amount, "currency": form["currency"],
                  "customer": form.get("customer"), "metadata": form.get("metadata", {}),
                  "capture_method": form.get("capture_method", "automatic"), "amount_capturable": 0,
                  "amount_received": 0, "status": "requires_confirmation", "latest_charge": None,
                  "last_payment_error": None, "payment_method": form.get("payment_method")}
        self.objects[intent["id"]] = intent
        if form.get("confirm") == "true":
            if intent["payment_method"] in DECLINED_METHODS:
                intent["status"] = "requires_payment_method"
                intent["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
                return _error(402, "Your card was declined.", type="card_error", code="card_declined",
                              decline_code="generic_decline", payment_intent=intent)
            intent["latest_charge"] = self._id("ch")
            if intent["capture_method"] == "manual":
                intent["status"], intent["amount_capturable"] = "requires_capture", amount
            else:
                intent["status"], intent["amount_received"] = "succeeded", amount
            self._event("payment_intent.amount_capturable_updated" if intent["status"] == "requires_capture"
                        else "payment_intent.succeeded", intent)
        return httpx.Response(200, json=intent)

    def _capture(self, intent: dict, form: dict) -> httpx.Response:
        if intent["status"] != "requires_capture":
            return _error(400, f"This PaymentIntent could not be captured because it has a status of "
                          f"{intent['status']}.", code="payment_intent_unexpected_state")
        amount = int(form.get("amount_to_capture") or intent["amount_capturable"])
        if amount > intent["amount_capturable"]:
            return _error(400, "amount_to_capture exceeds the capturable amount.", code="amount_too_large")
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        self._event("payment_intent.succeeded", intent)
        return httpx.Response(200, json=intent)

    def _cancel(self, intent: dict) -> httpx.Response:
        if intent["status"] in ("succeeded", "canceled"):
            return _error(400, f"You cannot cancel this PaymentIntent because it has a status of "
                          f"{intent['status']}.", code="payment_intent_unexpected_state")
        intent.update(status="canceled", amount_capturable=0)
        self._event("payment_intent.canceled", intent)
        return httpx.Response(200, json=intent)

    def _refund(self, form: dict) -> httpx.Response:
        intent = self.objects.get(form.get("payment_intent", ""))
        if intent is None:
            return _error(404, "No such payment_intent.", code="resource_missing")
        amount = int(form.get("amount") or intent["amount_received"] - self.refunded[intent["id"]])
        if intent["status"] != "succeeded":
            return _error(400, "This PaymentIntent has nothing captured to refund.", code="charge_not_captured")
        if amount <= 0 or amount > intent["amount_received"] - self.refunded[intent["id"]]:
            return _error(400, f"Refund amount ({amount}) is greater than unrefunded amount on charge.",
                          code="amount_too_large")
        self.refunded[intent["id"]] += amount
        refund = {"id": self._id("re"), "object": "refund", "amount": amount, "payment_intent": intent["id"],
                  "charge": intent["latest_charge"], "currency": intent["currency"], "status": self.refund_status,
                  "metadata": form.get("metadata", {}), "created": next(self._ids)}
        if self.refund_status != "succeeded":
            self.refunded[intent["id"]] -= amount  # not refunded until it succeeds
        self.objects[refund["id"]] = refund
        return httpx.Response(200, json=refund)

    def _transfer(self, form: dict) -> httpx.Response:
        if not str(form.get("destination", "")).startswith("acct_"):
            return _error(400, "No such destination.", code="resource_missing")
        transfer = {"id": self._id("tr"), "object": "transfer", "amount": int(form["amount"]),
                    "currency": form["currency"], "destination": form["destination"],
                    "transfer_group": form.get("transfer_group"), "metadata": form.get("metadata", {})}
        self.objects[transfer["id"]] = transfer
        return httpx.Response(200, json=transfer)

    def _event(self, type: str, obj: dict) -> None:
        event = {"id": self._id("evt"), "object": "event", "type": type, "data": {"object": dict(obj)}}
        self.objects[event["id"]] = event

    # -- views for assertions -----------------------------------------------------------------------------------
    def of(self, kind: str) -> list[dict]:
        return [o for o in self.objects.values() if o.get("object") == kind]

    def balance(self) -> int:
        """Platform balance: captured - refunded - transferred."""
        captured = sum(i["amount_received"] for i in self.of("payment_intent"))
        return captured - sum(r["amount"] for r in self.of("refund")) - sum(t["amount"] for t in self.of("transfer"))
