"""Configuration, read from the environment inside the app factory (never at import time).

Every setting and its default is here, once; the rest of the code reads `current_app.config[NAME]`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _database_url(env: dict) -> str:
    url = env.get("DATABASE_URL")
    if not url:
        INSTANCE_DIR.mkdir(exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'marketplace.db'}"
    # Heroku-style URLs and the bare driver name both mean psycopg 3 here.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _secret_key(env: dict) -> str:
    key = env.get("SECRET_KEY")
    if key:
        return key
    # Development default: a key kept in instance/ so sessions survive restarts.
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment(env: dict | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    return {
        "SECRET_KEY": _secret_key(env),
        "SQLALCHEMY_DATABASE_URI": _database_url(env),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CLUSTER_TIMEZONE": env.get("CLUSTER_TIMEZONE", "Asia/Shanghai"),
        "ELASTICSEARCH_URL": env.get("ELASTICSEARCH_URL") or None,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE", "http://127.0.0.1:8420"),
        "STRIPE_API_KEY": env.get("STRIPE_API_KEY", "sk_test_local"),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", "whsec_local"),
        "STRIPE_WEBHOOK_TOLERANCE_S": int(env.get("STRIPE_WEBHOOK_TOLERANCE_S", "300")),
        "STRIPE_TEST_PAYMENT_METHOD": env.get("STRIPE_TEST_PAYMENT_METHOD", "pm_card_visa"),
        "PAYMENTS_MAX_ATTEMPTS": int(env.get("PAYMENTS_MAX_ATTEMPTS", "5")),
        "PAYMENTS_BACKOFF_S": float(env.get("PAYMENTS_BACKOFF_S", "0.25")),
        "PAYMENTS_TIMEOUT_S": float(env.get("PAYMENTS_TIMEOUT_S", "10")),
        "PLATFORM_FEE_BP": int(env.get("PLATFORM_FEE_BP", "500")),  # inside the buyer's price (marketplace/fees.py)
        "MANUAL_CAPTURE_MAX_DAYS": int(env.get("MANUAL_CAPTURE_MAX_DAYS", "6")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        "PLANNING_TIME_LIMIT_S": float(env.get("PLANNING_TIME_LIMIT_S", "20")),
        "PLANNING_HORIZON_DAYS": int(env.get("PLANNING_HORIZON_DAYS", "28")),
        "SOLVER_WORKERS": int(env.get("SOLVER_WORKERS", "2")),
        "PLANNING_QUEUE": env.get("PLANNING_QUEUE", "planning"),
        # durable work (marketplace/outbox): thread | rq | off (off: nothing runs until `flask jobs drain`)
        "OUTBOX_WORKER": env.get("OUTBOX_WORKER") or ("rq" if env.get("REDIS_URL") else "thread"),
        "OUTBOX_QUEUE": env.get("OUTBOX_QUEUE", "outbox"),
        "OUTBOX_POLL_S": float(env.get("OUTBOX_POLL_S", "0.5")),
        "OUTBOX_LEASE_S": float(env.get("OUTBOX_LEASE_S", "30")),
        "OUTBOX_MAX_ATTEMPTS": int(env.get("OUTBOX_MAX_ATTEMPTS", "20")),
        "OUTBOX_BACKOFF_S": float(env.get("OUTBOX_BACKOFF_S", "1")),
        "OUTBOX_BACKOFF_MAX_S": float(env.get("OUTBOX_BACKOFF_MAX_S", "300")),
        "PAYMENTS_KEY_PREFIX": env.get("PAYMENTS_KEY_PREFIX", "smp"),
        "PAYMENTS_SYNC_AFTER_S": float(env.get("PAYMENTS_SYNC_AFTER_S", "60")),
        "RECONCILE_EVERY_S": float(env.get("RECONCILE_EVERY_S", "3600")),
        "CHAOS_CRASH_RATE": float(env.get("CHAOS_CRASH_RATE", "0")),
        "QUOTE_VALID_DAYS": int(env.get("QUOTE_VALID_DAYS", "14")),
        "QUOTE_UPLOAD_DIR": env.get("QUOTE_UPLOAD_DIR") or None,  # None: instance/uploads
        "SEARCH_INDEX": env.get("SEARCH_INDEX", "marketplace-search"),
        "SEARCH_ES_TIMEOUT": float(env.get("SEARCH_ES_TIMEOUT", "10")),
        "SEARCH_ES_REFRESH": env.get("SEARCH_ES_REFRESH", "0") == "1",
        "SEARCH_IDLE_HORIZON_DAYS": int(env.get("SEARCH_IDLE_HORIZON_DAYS", "60")),
        "SEARCH_AUTO_INDEX": env.get("SEARCH_AUTO_INDEX", "1") == "1",
        "SEARCH_MAP_TILE_URL": env.get("SEARCH_MAP_TILE_URL", ""),
        "SEARCH_MAP_ATTRIBUTION": env.get("SEARCH_MAP_ATTRIBUTION", ""),
        "DASHBOARD_PAST_DAYS": int(env.get("DASHBOARD_PAST_DAYS", "120")),
        "DASHBOARD_FUTURE_DAYS": int(env.get("DASHBOARD_FUTURE_DAYS", "90")),
        "BLOB_DIR": env.get("BLOB_DIR") or None,  # None: instance/blobs (marketplace/documents/blobs.py)
        "S3_BUCKET": env.get("S3_BUCKET") or None,  # set: documents in this S3-compatible bucket
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL") or None,
        "S3_PREFIX": env.get("S3_PREFIX", "blobs/"),
        "DOCUMENT_MAX_MB": int(env.get("DOCUMENT_MAX_MB", "50")),
        "SMTP_URL": env.get("SMTP_URL") or None,
        "MAIL_FROM": env.get("MAIL_FROM", "共享制造平台 <noreply@smp.local>"),
        "MAIL_DIR": env.get("MAIL_DIR") or str(INSTANCE_DIR / "mail"),
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:5000"),  # links in e-mails
        "INVITATION_VALID_DAYS": int(env.get("INVITATION_VALID_DAYS", "7")),
        "MAX_JSON_BYTES": int(env.get("MAX_JSON_KB", "1024")) * 1024,
        "PROXY_HOPS": int(env.get("PROXY_HOPS", "0")),  # reverse proxies in front (X-Forwarded-For is trusted)
        "CAD_PARSE_CPU_S": int(env.get("CAD_PARSE_CPU_S", "20")),
        "CAD_PARSE_MEMORY_MB": int(env.get("CAD_PARSE_MEMORY_MB", "2048")),
        **rate_limits(env),
    }


DEFAULTS = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ("zh_Hans_CN", "en"),
    "API_TITLE": "Shared Manufacturing Platform API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
    "API_SPEC_OPTIONS": {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
            }
        },
        "security": [{"bearerAuth": []}],
        "info": {
            "description": "REST API of the shared-manufacturing platform. Authenticate with "
            "`Authorization: Bearer <token>`; create tokens on your account page."
        },
    },
    "PAGINATION_MAX_PAGE_SIZE": 200,
}


def rate_limits(env: dict) -> dict:
    """Flask-Limiter's settings; the limits are "N per period" strings (see docs/security.md)."""
    return {
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") == "1",
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "smp-limits"),
        "RATELIMIT_SIGN_IN_ACCOUNT": env.get("RATELIMIT_SIGN_IN_ACCOUNT", "10 per 15 minutes"),
        "RATELIMIT_SIGN_IN_ADDRESS": env.get("RATELIMIT_SIGN_IN_ADDRESS", "50 per 15 minutes"),
        "RATELIMIT_TOKENS": env.get("RATELIMIT_TOKENS", "20 per hour"),
        "RATELIMIT_QUOTES": env.get("RATELIMIT_QUOTES", "30 per minute;300 per hour"),
        "RATELIMIT_SEARCH": env.get("RATELIMIT_SEARCH", "120 per minute"),
    }
