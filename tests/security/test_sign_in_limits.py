"""Brute force and enumeration: failed sign-ins are limited per account and per address (a clear 429 in both
languages); an unknown e-mail costs the same password hashing as a known one; adding a colleague does not tell
whether an address has an account in another cluster."""

from __future__ import annotations

import pytest

PASSWORD = "correct horse battery"


@pytest.fixture
def limited(app):
    app.config.update(RATELIMIT_SIGN_IN_ACCOUNT="3 per 15 minutes", RATELIMIT_SIGN_IN_ADDRESS="6 per 15 minutes")
    return app


@pytest.fixture
def user(create_firm, create_user):
    return create_user(create_firm("buyer"))


def attempt(client, email, password="wrong password", language="en", address="10.0.0.1"):
    client.post(f"/language/{language}")
    return client.post("/sign-in", data={"email": email, "password": password},
                       environ_overrides={"REMOTE_ADDR": address})


def test_failures_per_account_are_limited_even_for_the_right_password(limited, client, user):
    for _ in range(3):
        assert attempt(client, user.email).status_code == 422
    blocked = attempt(client, user.email, PASSWORD, address="10.0.0.2")  # another address, the same account
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Too many attempts" in blocked.get_data(as_text=True)
    chinese = attempt(client, user.email, PASSWORD, language="zh_Hans_CN", address="10.0.0.3")
    assert chinese.status_code == 429
    assert "尝试次数过多" in chinese.get_data(as_text=True)


def test_failures_per_address_are_limited_across_accounts(limited, client, user):
    for n in range(6):
        assert attempt(client, f"nobody{n}@example.com").status_code == 422
    assert attempt(client, user.email, PASSWORD).status_code == 429
    assert attempt(client, user.email, PASSWORD, address="10.9.9.9").status_code == 302  # others are not locked out


def test_successful_sign_ins_are_not_counted(limited, app, user):
    for _ in range(5):
        client = app.test_client()
        assert attempt(client, user.email, PASSWORD).status_code == 302


def test_unknown_email_costs_one_password_hash(monkeypatch, client, user):
    from marketplace.accounts import services

    checks = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: checks.append(h) or real(h, p))
    assert attempt(client, "nobody@example.com").status_code == 422
    assert len(checks) == 1 and checks[0].startswith("scrypt:")  # the same work as for a known address


def test_inactive_user_is_refused_after_the_same_hash_check(db, client, user):
    user.active = False
    db.session.commit()
    assert attempt(client, user.email, PASSWORD).status_code == 422


def test_token_creation_is_limited(app, client, sign_in, user, token_for):
    app.config["RATELIMIT_TOKENS"] = "2 per hour"
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    assert [client.post("/api/v1/tokens", json={"name": f"t{n}"}, headers=headers).status_code
            for n in range(3)] == [201, 201, 429]
    response = client.post("/api/v1/tokens", json={"name": "t"}, headers=headers)
    assert response.get_json()["code"] == 429 and "Retry-After" in response.headers


@pytest.mark.redis
def test_limits_are_shared_by_every_worker_through_redis(app_config, redis_url):
    """Two app instances (two gunicorn workers) count failures in one Redis."""
    import uuid

    from marketplace import create_app

    config = app_config | {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
                           "RATELIMIT_SIGN_IN_ACCOUNT": "2 per 15 minutes"}
    first, second = create_app(config), create_app(config)
    email = "someone@example.com"
    assert attempt(first.test_client(), email).status_code == 422
    assert attempt(second.test_client(), email).status_code == 422
    assert attempt(first.test_client(), email).status_code == 429


def test_search_pages_and_api_share_one_limit_per_user(app, client, sign_in, user, token_for):
    app.config["RATELIMIT_SEARCH"] = "3 per minute"
    sign_in(client, user)
    assert [client.get("/search/").status_code for _ in range(2)] == [200, 200]
    api = app.test_client()
    assert api.get("/api/v1/search/capacity", headers={"Authorization": f"Bearer {token_for(user)}"}).status_code \
        == 200
    assert client.get("/search/supplier").status_code == 429


def test_quote_uploads_are_limited_per_user(app, api_as, user):
    app.config["RATELIMIT_QUOTES"] = "2 per minute"
    api = api_as(user)
    codes = [api.post("/api/v1/quotes", json={"material": "al6061"}).status_code for _ in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429
