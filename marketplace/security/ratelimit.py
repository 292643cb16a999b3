"""Rate limits (Flask-Limiter): memory storage in one process by default, Redis when `REDIS_URL` is set (one count
for every gunicorn worker and host). The limits themselves are settings (config.py, `RATELIMIT_*`).

- sign-in: failed attempts per account (the e-mail typed) and per address; a success is not counted;
- API tokens, quote uploads and search: per signed-in user (per address before sign-in).

Views are marked with `@limited(RULE)` (blueprints with `limit_blueprint`) where they are defined; each app gets its
own Limiter in `init_app`, which applies the marked rules to that app's views, so apps never share counters.
A refused request is a 429 with `Retry-After`, in the user's language (JSON under /api).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user


def account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "address:" + (get_remote_address() or "")


def failed(response) -> bool:
    """A sign-in attempt that did not sign anyone in (the form answers 422; a success redirects)."""
    return response.status_code != 302 and request.method == "POST"


@dataclass(frozen=True)
class Rule:
    setting: str                                # the config key holding "N per period[;M per period]"
    scope: str                                  # endpoints with one scope share one count
    key: Callable[[], str] = get_remote_address
    methods: tuple[str, ...] | None = ("POST",)
    deduct_when: Callable | None = None


SIGN_IN_PER_ACCOUNT = Rule("RATELIMIT_SIGN_IN_ACCOUNT", "sign-in-account", account_key, deduct_when=failed)
SIGN_IN_PER_ADDRESS = Rule("RATELIMIT_SIGN_IN_ADDRESS", "sign-in-address", deduct_when=failed)
TOKEN_CREATION = Rule("RATELIMIT_TOKENS", "tokens", user_key)
QUOTE_UPLOADS = Rule("RATELIMIT_QUOTES", "quotes", user_key)
SEARCHES = Rule("RATELIMIT_SEARCH", "search", user_key, methods=None)

_blueprint_rules: dict[str, tuple[Rule, ...]] = {}


def limited(*rules: Rule):
    """Mark a view function (or, in a MethodView's `decorators`, its view) with rate-limit rules."""
    def mark(view):
        view._rate_rules = getattr(view, "_rate_rules", ()) + rules
        return view
    return mark


def limit_blueprint(blueprint, *rules: Rule) -> None:
    _blueprint_rules[blueprint.name] = _blueprint_rules.get(blueprint.name, ()) + rules


def _limit(limiter: Limiter, rule: Rule):
    return limiter.shared_limit(lambda: current_app.config[rule.setting], rule.scope, key_func=rule.key,
                                methods=list(rule.methods) if rule.methods else None, deduct_when=rule.deduct_when)


def init_app(app) -> None:
    config = app.config
    limiter = Limiter(get_remote_address, app=app, key_prefix=config["RATELIMIT_KEY_PREFIX"],
                      storage_uri=config["RATELIMIT_STORAGE_URI"], strategy=config["RATELIMIT_STRATEGY"],
                      enabled=config["RATELIMIT_ENABLED"], headers_enabled=True)
    for endpoint, view in list(app.view_functions.items()):
        for rule in getattr(view, "_rate_rules", ()):
            view = _limit(limiter, rule)(view)
        app.view_functions[endpoint] = view
    for name, rules in _blueprint_rules.items():
        if name in app.blueprints:
            for rule in rules:
                _limit(limiter, rule)(app.blueprints[name])
    app.extensions["rate_limiter"] = limiter
