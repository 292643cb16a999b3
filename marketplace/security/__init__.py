"""What protects every request: security headers and CSP, bounded request bodies, rate limits (docs/security.md)."""

from __future__ import annotations

from marketplace.security import guards, headers, ratelimit


def init_app(app) -> None:
    headers.init_app(app)
    guards.init_app(app)
    ratelimit.init_app(app)
