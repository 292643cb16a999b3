"""One error shape everywhere.

API callers (paths under /api, /webhooks) get `{"code", "status", "message", "errors": {field: [messages]}}`;
browsers get an error page. Services raise `FieldError` for a bad value they can only see with the database
(duplicate name, overlapping blackout); it maps to 422 naming the field.
"""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_smorest import Api
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, UnprocessableEntity
from werkzeug.http import HTTP_STATUS_CODES

from marketplace.extensions import db


class FieldError(ValueError):
    """A value rejected by business rules: maps to HTTP 422 with `errors = {field: [message]}`."""

    def __init__(self, field: str, message: str, reason: str | None = None):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.reason = reason  # a machine-readable code for API callers (e.g. a geometry error's not_watertight)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {self.field: [self.message]}


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested {location: {field: [...]}} -> {"field": [...], "items.0.code": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_schema"] = list(messages)
            return flat
        for i, m in enumerate(messages):
            flat.update(flatten_errors(m, f"{prefix}.{i}" if prefix else str(i)))
        return flat
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            sub = key if not prefix else f"{prefix}.{key}"
            flat.update(flatten_errors(value, sub))
        return flat
    flat[prefix or "_schema"] = [str(messages)]
    return flat


LOCATIONS = ("json", "query", "form", "files", "headers", "path", "view_args", "querystring")


def errors_of(exc: HTTPException) -> dict[str, list[str]]:
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if not messages:
        return {}
    if isinstance(messages, dict) and set(messages) <= set(LOCATIONS):
        merged: dict[str, list[str]] = {}
        for location_messages in messages.values():
            merged.update(flatten_errors(location_messages))
        return merged
    return flatten_errors(messages)


def is_api_request() -> bool:
    return request.path.startswith(("/api/", "/webhooks/")) or request.accept_mimetypes.best == "application/json"


def error_body(code: int, message: str, errors: dict | None = None) -> dict:
    return {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message, "errors": errors or {}}


def render_http_error(exc: HTTPException):
    code = exc.code or 500
    if is_api_request():
        message = exc.description if exc.description else HTTP_STATUS_CODES.get(code, "")
        data = getattr(exc, "data", None) or {}
        message = data.get("message", message)
        if code == 429:
            message = f"Too many requests (at most {exc.description}); try again after Retry-After seconds."
        body = error_body(code, message, errors_of(exc))
        if data.get("reasons"):
            body["reasons"] = data["reasons"]  # {field: code}
        response = jsonify(body)
        response.status_code = code
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        if code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    return render_template("error.html", code=code, description=exc.description), code


class PlatformApi(Api):
    """flask-smorest's Api with the platform's error shape."""

    def handle_http_exception(self, error):
        return render_http_error(error)


def _nul_field(value, path: str = "") -> str | None:
    """The first field (dotted path) whose text contains a NUL character, which no database column can store."""
    if isinstance(value, str):
        return path or "_schema" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_field(item, f"{path}.{key}" if path else str(key)) or (
                str(key) if "\x00" in str(key) else None)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_field(item, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def reject_nul_characters():
    """before_request: a NUL in any query, form or JSON text is refused up front (422 naming the field)."""
    from flask import request

    sources = [request.args.to_dict(flat=False), request.form.to_dict(flat=False)]
    if request.is_json:
        sources.append(request.get_json(silent=True))
    for source in sources:
        field = _nul_field(source)
        if field:
            raise FieldError(field.split(".")[0] if field.split(".")[-1].isdigit() else field,
                             _("Must not contain NUL characters."))


def unprocessable(errors: dict, message: str = "Validation failed") -> UnprocessableEntity:
    """The 422 of the API's error shape for `errors` ({field: [messages]}, marshmallow's nesting allowed)."""
    http = UnprocessableEntity(message)
    http.data = {"messages": errors, "message": message}
    return http


def register_error_handlers(app) -> None:
    app.before_request(reject_nul_characters)

    @app.errorhandler(FieldError)
    def _field_error(exc: FieldError):
        db.session.rollback()  # a refusal stores nothing of what the request had begun (e.g. the first of two photos)
        http = unprocessable(exc.errors)
        if exc.reason:
            http.data["reasons"] = {exc.field: exc.reason}
        return render_http_error(http)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return render_http_error(exc)

    @app.errorhandler(StaleDataError)
    def _changed_meanwhile(exc: StaleDataError):
        db.session.rollback()
        return render_http_error(Conflict(_("This changed while you were working on it; reload and try again.")))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if app.config.get("TESTING") and not app.config.get("RENDER_500_IN_TESTS"):
            raise exc
        app.logger.exception("unhandled error")
        if is_api_request():
            response = jsonify(error_body(500, "Internal server error"))
            response.status_code = 500
            return response
        return render_template("error.html", code=500, description=None), 500
