"""Where a form may send the browser next: a path on this site, never another host (`//evil.example`,
`/\\evil.example`, `https://…`, a scheme hidden behind control characters)."""

from __future__ import annotations

from urllib.parse import urlsplit


def same_site(target: str | None, fallback: str) -> str:
    if not target or len(target) > 2000 or any(ord(c) < 32 or c == "\\" for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
