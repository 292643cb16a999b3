"""The HTTP client: Stripe form encoding, retries with one Idempotency-Key, error mapping, Retry-After."""

from __future__ import annotations

import httpx
import pytest

from marketplace.payments.client import PaymentError, PaymentsClient, RetryPolicy, encode_form


def test_encode_form_nests_like_stripe():
    assert encode_form({"amount": 5, "metadata": {"order": 12}, "payment_method_types": ["card"],
                        "confirm": True, "skip": None, "items": [{"price": "p1"}]}) == [
        ("amount", "5"), ("metadata[order]", "12"), ("payment_method_types[]", "card"), ("confirm", "true"),
        ("items[0][price]", "p1")]


def _client(handler, attempts=4):
    sleeps = []
    client = PaymentsClient("http://127.0.0.1:9", "sk_test_x", transport=httpx.MockTransport(handler),
                            retry=RetryPolicy(max_attempts=attempts, base_delay_s=0.1), sleep=sleeps.append, seed=3)
    return client, sleeps


def test_retries_network_errors_409_5xx_and_a_429_it_is_told_to_with_the_same_key():
    seen = []
    answers = iter(["connect", 409, 429, 503, 200])

    def handler(request):
        seen.append((request.headers.get("Idempotency-Key"), request.content))
        answer = next(answers)
        if answer == "connect":
            raise httpx.ConnectError("refused", request=request)
        if answer == 429:
            return httpx.Response(429, headers={"Retry-After": "2", "Stripe-Should-Retry": "true"},
                                  json={"error": {"type": "rate_limit_error"}})
        return httpx.Response(answer, json={"id": "pi_1"} if answer == 200 else {"error": {"type": "api_error"}})

    client, sleeps = _client(handler, attempts=5)
    assert client.request("POST", "/v1/payment_intents", {"amount": 1}, idempotency_key="order:1:charge") == {
        "id": "pi_1"}
    assert {key for key, _ in seen} == {"order:1:charge"} and len({body for _, body in seen}) == 1
    assert len(sleeps) == 4 and sleeps[2] >= 2  # Retry-After honoured
    assert all(s <= 0.1 * 2 ** i or s >= 2 for i, s in enumerate(sleeps))
    assert seen[0][1] == b"amount=1"


def test_stripe_should_retry_decides_and_a_plain_429_is_not_retried():
    for headers, status, attempts in (({}, 429, 1), ({"Stripe-Should-Retry": "false"}, 503, 1),
                                      ({"Stripe-Should-Retry": "true"}, 400, 3), ({}, 409, 3)):
        client, _ = _client(lambda r: httpx.Response(status, headers=headers, json={"error": {"type": "api_error"}}),
                            attempts=3)
        with pytest.raises(PaymentError) as info:
            client.request("POST", "/v1/refunds", {}, idempotency_key="k")
        assert client.attempts == attempts, (headers, status)
        assert info.value.retryable == (attempts > 1 or status == 429)  # 429: the caller tries again later


def test_keys_carry_the_deployment_prefix():
    seen = []

    def handler(request):
        seen.append(request.headers.get("Idempotency-Key"))
        return httpx.Response(200, json={})

    client = PaymentsClient("http://127.0.0.1:9", "sk", transport=httpx.MockTransport(handler), key_prefix="prod-gd")
    client.request("POST", "/v1/refunds", {}, idempotency_key="order:1:refund:1")
    assert seen == ["prod-gd:order:1:refund:1"]


def test_list_all_pages_and_find_by_metadata_falls_back_when_a_filter_is_refused():
    items = [{"id": f"pi_{i}", "metadata": {"order": str(i % 3)}} for i in range(250)]

    def handler(request):
        params = dict(request.url.params)
        if "customer" in params:
            return httpx.Response(400, json={"error": {"type": "invalid_request_error", "message": "Unexpected"}})
        start = 0 if "starting_after" not in params else int(params["starting_after"][3:]) + 1
        page = items[start:start + int(params["limit"])]
        return httpx.Response(200, json={"data": page, "has_more": start + len(page) < len(items)})

    client, _ = _client(handler)
    assert len(client.list_all("/v1/payment_intents")) == 250
    found = client.find_by_metadata("/v1/payment_intents", {"order": 1}, {"customer": "cus_1"})
    assert [o["id"] for o in found] == [f"pi_{i}" for i in range(250) if i % 3 == 1]


def test_gives_up_after_bounded_attempts_and_maps_errors():
    client, sleeps = _client(lambda r: httpx.Response(500, json={"error": {"type": "api_error", "message": "boom"}}))
    with pytest.raises(PaymentError) as info:
        client.request("POST", "/v1/refunds", {}, idempotency_key="k")
    assert info.value.retryable and info.value.status == 500 and client.attempts == 4 and len(sleeps) == 3

    client, _ = _client(lambda r: httpx.Response(402, json={"error": {
        "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Declined."}}))
    with pytest.raises(PaymentError) as info:
        client.request("POST", "/v1/payment_intents", {})
    assert (info.value.type, info.value.code, info.value.decline_code) == ("card_error", "card_declined",
                                                                           "insufficient_funds")
    assert info.value.is_card_error and client.attempts == 1

    client, _ = _client(lambda r: httpx.Response(404, text="404: Not Found"))
    with pytest.raises(PaymentError) as info:
        client.request("POST", "/v1/transfers", {})
    assert info.value.status == 404 and not info.value.retryable


def test_basic_auth_with_the_secret_key():
    def handler(request):
        assert request.headers["Authorization"].startswith("Basic ")
        return httpx.Response(200, json={})

    client, _ = _client(handler)
    client.request("GET", "/v1/balance")
