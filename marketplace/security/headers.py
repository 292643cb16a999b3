"""Security headers on every response (Flask-Talisman): a strict Content-Security-Policy with no inline script,
`frame-ancestors 'none'`, nosniff, a referrer policy, and HSTS when cookies are HTTPS-only.

Styles allow 'unsafe-inline' because Leaflet and ECharts write style attributes into the markup they create; scripts
come only from this origin, so an injected `onerror=` or `<script>` never runs even where escaping was forgotten.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_talisman import Talisman


def content_security_policy(config) -> dict:
    images = ["'self'", "data:", "blob:"]
    tiles = config.get("SEARCH_MAP_TILE_URL") or ""
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "*"))  # Leaflet's subdomain placeholder is CSP's host wildcard
        images.append(f"{parts.scheme}://{parts.netloc}")
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def init_app(app) -> None:
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    Talisman(
        app,
        force_https=False,  # TLS ends at the reverse proxy; HSTS below tells browsers to stay on HTTPS
        strict_transport_security=secure,
        strict_transport_security_max_age=365 * 24 * 3600,
        content_security_policy=content_security_policy(app.config),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        x_content_type_options=True,
    )
