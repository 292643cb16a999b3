"""Shared by the security tests."""

from __future__ import annotations

import pytest

CSP_PARTS = ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'")


def check_secured(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert all(part in csp for part in CSP_PARTS), (response.request.path, csp)
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.fixture
def assert_secured():
    """assert_secured(response): the security headers of docs/security.md are all there."""
    return check_secured
