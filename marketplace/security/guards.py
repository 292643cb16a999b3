"""Request bodies are bounded before anything parses them: JSON by size and depth (and its numbers by length), so
a 6,000-deep array or a 5,000-digit integer is a 400 naming the body, on every path, before authentication. The
body is scanned once here and decoded once, by whoever reads it."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from marketplace import bounded


def _looks_like_json() -> bool:
    return request.is_json or request.path.startswith(("/api/", "/webhooks/"))


def bounded_json_body() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS") or not _looks_like_json() or request.files:
        return
    if (request.content_length or 0) > current_app.config["MAX_JSON_BYTES"]:
        raise RequestEntityTooLarge(f"A JSON body may have at most {current_app.config['MAX_JSON_BYTES']} bytes.")
    if request.mimetype == "multipart/form-data":
        return
    raw = request.get_data(cache=True)
    if not raw.strip() or not request.is_json and raw.lstrip()[:1] not in (b"{", b"["):
        return
    try:
        bounded.check_json(raw)  # malformed JSON passes: the schema's loader answers it with its own 400/422
    except bounded.JsonTooDeep as exc:
        raise _bad_body(f"{exc}.") from None
    except bounded.NumberTooLarge as exc:
        raise _bad_body(f"A number in the body is too long ({exc}).") from None


def _bad_body(message: str) -> BadRequest:
    error = BadRequest(message)
    error.data = {"messages": {"json": {"_schema": [message]}}, "message": message}
    return error


def init_app(app) -> None:
    # first, so that no other before_request hook (the NUL check reads JSON too) sees an unbounded body
    app.before_request_funcs.setdefault(None, []).insert(0, bounded_json_body)
