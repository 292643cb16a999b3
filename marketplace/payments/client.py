"""The one adapter to the payments service: a Stripe-compatible REST API over httpx.

`PaymentsClient` form-encodes nested parameters the way Stripe expects (`metadata[order]=12`,
`payment_method_types[]=card`), sends the business action's Idempotency-Key (behind the deployment's
`key_prefix`, so two databases on one provider account never share a key) on every attempt, and retries as
Stripe's own clients do: `Stripe-Should-Retry: true|false` decides when present; otherwise connection errors,
timeouts, 409 and 5xx are retried and 429 is not; bounded attempts, capped exponential backoff with full jitter,
Retry-After honoured. Anything else that is not 2xx becomes a `PaymentError` carrying Stripe's error type, code and
message. `list_all` pages through a list endpoint (`starting_after`), for look-ups before a resend and for
reconciliation.

Built by `marketplace.payments.init_app` from STRIPE_API_BASE / STRIPE_API_KEY; tests pass `transport=` (an
`httpx.MockTransport`) and `sleep=` to run without waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

RETRY_STATUSES = frozenset({409, 500, 502, 503, 504})  # 429 only when Stripe-Should-Retry says so


def should_retry(response: httpx.Response) -> bool:
    header = response.headers.get("Stripe-Should-Retry")
    if header is not None:
        return header.strip().lower() == "true"
    return response.status_code in RETRY_STATUSES or response.status_code >= 500


class PaymentError(Exception):
    """The payments API refused a request, or could not be reached after every retry."""

    def __init__(self, message: str, *, status: int | None = None, type: str | None = None,
                 code: str | None = None, decline_code: str | None = None, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.decline_code = decline_code
        self.retryable = retryable

    @property
    def is_card_error(self) -> bool:
        return self.status == 402 or self.type == "card_error"

    def __repr__(self) -> str:
        return f"PaymentError({self.message!r}, status={self.status}, type={self.type}, code={self.code})"


def received_fen(intent: Mapping) -> int:
    """What a PaymentIntent has captured: Stripe's `amount_received`; servers without that field (localstripe)
    capture the whole amount once it has succeeded."""
    if intent.get("status") != "succeeded":
        return int(intent.get("amount_received") or 0)
    received = intent.get("amount_received")
    return int(received if received is not None else intent.get("amount") or 0)


def encode_form(params: Mapping, prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: nested dicts as `a[b][c]=v`, lists as `a[]=v` (scalars) or `a[0][k]=v` (dicts).

    Booleans become "true"/"false"; None values are left out.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            pairs.extend(encode_form(value, name))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    pairs.extend(encode_form(item, f"{name}[{i}]"))
                else:
                    pairs.append((f"{name}[]", _scalar(item)))
        else:
            pairs.append((name, _scalar(value)))
    return pairs


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay_s: float = 0.25
    max_delay_s: float = 8.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Full jitter: uniform(0, min(cap, base * 2**(attempt-1))); a server's Retry-After wins when longer."""
        backoff = rng.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))
        if retry_after is not None:
            return min(max(backoff, retry_after), self.max_delay_s * 4)
        return backoff


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class PaymentsClient:
    """One client per app (app.extensions["payments"]); thread-safe like the httpx.Client it wraps."""

    def __init__(self, base_url: str, api_key: str, *, transport: httpx.BaseTransport | None = None,
                 retry: RetryPolicy | None = None, timeout: float = 10.0,
                 sleep: Callable[[float], None] = time.sleep, seed: int | None = None, key_prefix: str = ""):
        self.base_url = base_url
        self.key_prefix = key_prefix
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = random.Random(seed)
        self.http = httpx.Client(base_url=base_url, auth=(api_key, ""), transport=transport,
                                 timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
                                 headers={"Stripe-Version": "2024-06-20", "User-Agent": "smp-payments/1"})
        self.attempts = 0  # every HTTP attempt, for tests and metrics

    def close(self) -> None:
        self.http.close()

    # -- transport with retries ---------------------------------------------------------------------------------
    def request(self, method: str, path: str, params: Mapping | None = None, *,
                idempotency_key: str | None = None) -> dict:
        headers = {}
        if idempotency_key:
            headers["Idempotency-Key"] = f"{self.key_prefix}:{idempotency_key}" if self.key_prefix else idempotency_key
        form = encode_form(params or {})
        last: PaymentError | None = None
        uncertain = False  # an earlier attempt may have reached the server: a later refusal proves nothing
        for attempt in range(1, self.retry.max_attempts + 1):
            retry_after = None
            self.attempts += 1
            try:
                if method == "GET":
                    response = self.http.request(method, path, params=form, headers=headers)
                else:
                    response = self.http.request(method, path, data=dict(_multi(form)), headers=headers)
            except httpx.TransportError as exc:  # connect errors, timeouts, broken connections
                last = PaymentError(f"payments API unreachable: {exc.__class__.__name__}: {exc}", retryable=True)
                uncertain = uncertain or not isinstance(exc, httpx.ConnectError)
            else:
                if response.status_code < 300:
                    return response.json()
                retry = should_retry(response)
                # 429 is not retried here, but it is "try again later" to the caller, like an unknown outcome
                last = _error_of(response, retry or uncertain or response.status_code == 429)
                if not retry:
                    raise last
                uncertain = uncertain or response.status_code >= 500
                retry_after = _retry_after(response)
            if attempt < self.retry.max_attempts:
                self._sleep(self.retry.delay(attempt, self._rng, retry_after))
        assert last is not None
        raise last

    # -- resources -----------------------------------------------------------------------------------------------
    def create_customer(self, *, name: str, metadata: Mapping, idempotency_key: str) -> dict:
        return self.request("POST", "/v1/customers", {"name": name, "metadata": metadata},
                            idempotency_key=idempotency_key)

    def create_payment_intent(self, params: Mapping, *, idempotency_key: str) -> dict:
        return self.request("POST", "/v1/payment_intents", params, idempotency_key=idempotency_key)

    def retrieve_payment_intent(self, intent_id: str) -> dict:
        return self.request("GET", f"/v1/payment_intents/{intent_id}")

    def capture_payment_intent(self, intent_id: str, amount_to_capture: int | None, *, idempotency_key: str) -> dict:
        return self.request("POST", f"/v1/payment_intents/{intent_id}/capture",
                            {"amount_to_capture": amount_to_capture}, idempotency_key=idempotency_key)

    def cancel_payment_intent(self, intent_id: str, *, idempotency_key: str) -> dict:
        return self.request("POST", f"/v1/payment_intents/{intent_id}/cancel", {}, idempotency_key=idempotency_key)

    def create_refund(self, *, payment_intent: str, amount: int, metadata: Mapping, idempotency_key: str) -> dict:
        return self.request("POST", "/v1/refunds",
                            {"payment_intent": payment_intent, "amount": amount, "metadata": metadata},
                            idempotency_key=idempotency_key)

    def create_transfer(self, *, amount: int, currency: str, destination: str, transfer_group: str,
                        metadata: Mapping, idempotency_key: str) -> dict:
        return self.request("POST", "/v1/transfers",
                            {"amount": amount, "currency": currency, "destination": destination,
                             "transfer_group": transfer_group, "metadata": metadata},
                            idempotency_key=idempotency_key)

    def retrieve_event(self, event_id: str) -> dict:
        return self.request("GET", f"/v1/events/{event_id}")

    def retrieve_refund(self, refund_id: str) -> dict:
        return self.request("GET", f"/v1/refunds/{refund_id}")

    def retrieve_dispute(self, dispute_id: str) -> dict:
        return self.request("GET", f"/v1/disputes/{dispute_id}")

    def list_all(self, path: str, params: Mapping | None = None, *, max_pages: int = 1000) -> list[dict]:
        """Every object of a list endpoint, 100 a page, newest first as the API returns them."""
        items: list[dict] = []
        query = dict(params or {}, limit=100)
        for _ in range(max_pages):
            page = self.request("GET", path, query)
            data = page.get("data") or []
            items.extend(data)
            if not page.get("has_more") or not data:
                break
            query["starting_after"] = data[-1]["id"]
        return items

    def find_by_metadata(self, path: str, metadata: Mapping, params: Mapping | None = None) -> list[dict]:
        """Objects of a list endpoint whose metadata has every given key and value (strongly consistent, unlike
        Stripe's search API). Servers that refuse a list filter (localstripe) are asked for the whole list."""
        try:
            items = self.list_all(path, params)
        except PaymentError as exc:
            if not params or exc.status != 400:
                raise
            items = self.list_all(path)
        wanted = {str(k): str(v) for k, v in metadata.items()}
        return [o for o in items if all(str((o.get("metadata") or {}).get(k)) == v for k, v in wanted.items())]


def _multi(pairs: list[tuple[str, str]]):
    # httpx's `data=` takes a dict of str -> str | list[str]; keep repeated `a[]` keys as lists.
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return [(k, v if len(v) > 1 or k.endswith("[]") else v[0]) for k, v in grouped.items()]


def _error_of(response: httpx.Response, retryable: bool) -> PaymentError:
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        text = response.text.strip()[:200] or response.reason_phrase
        return PaymentError(f"payments API answered {response.status_code}: {text}", status=response.status_code,
                            retryable=retryable)
    return PaymentError(error.get("message") or f"payments API answered {response.status_code}",
                        status=response.status_code, type=error.get("type"), code=error.get("code"),
                        decline_code=error.get("decline_code"), retryable=retryable)
