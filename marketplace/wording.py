"""What the pure libraries report — quoting's findings, assumptions, breakdown lines and errors, matching's reasons —
in the page's language.

The libraries return a ``Msg``: a ``str`` with its English text that keeps a ``code`` and ``params``. The app words
it from the library's template for that code, translated by gettext (Babel extracts the templates from
``quoting/messages.py`` and ``matching/reasons.py``), with process and material codes shown by name. Rows store
``coded(msg)``: ``{code, params, text}``; ``word`` reads a Msg, that JSON, or the plain text of an older row."""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow as ma
from flask import g
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

import matching.reasons
import quoting.messages
from capacity.models import Material, Process
from marketplace.extensions import db
from marketplace.i18n import is_chinese

N_ = quoting.messages.N_
# the app's own findings stored beside the libraries' (a list parameter is worded item by item, joined by "; ")
APP_TEMPLATES = {
    "quote.no_capacity": N_("no idle capacity in the planning horizon: %(reasons)s"),
}
TEMPLATES: Mapping[str, str] = {**quoting.messages.TEMPLATES, **matching.reasons.TEMPLATES, **APP_TEMPLATES}
PROCESS_PARAMS = quoting.messages.PROCESS_PARAMS
MATERIAL_PARAMS = quoting.messages.MATERIAL_PARAMS
UNIT_PARAMS = quoting.messages.UNIT_PARAMS
UNIT_NAMES = {"millimetre": _l("millimetre"), "centimetre": _l("centimetre"), "decimetre": _l("decimetre"),
              "metre": _l("metre"), "micrometre": _l("micrometre"), "nanometre": _l("nanometre"),
              "kilometre": _l("kilometre"), "inch": _l("inch"), "foot": _l("foot")}


def _is_msg(value) -> bool:
    return isinstance(value, str) and getattr(value, "code", None) in TEMPLATES and hasattr(value, "params")


def coded(value):
    """A library message as the JSON a row keeps (``{code, params, text}``); other values unchanged."""
    if _is_msg(value):
        return {"code": value.code, "text": str(value), "params": {k: coded(v) for k, v in value.params.items()}}
    if isinstance(value, (list, tuple)):
        return [coded(v) for v in value]
    return value


def app_message(code: str, **params) -> dict:
    """One of the app's own findings as the JSON a row keeps (worded like a library message)."""
    english = {k: "; ".join(quoting.messages.text_of(x) for x in v) if isinstance(v, list) else v
               for k, v in params.items()}
    return {"code": code, "text": APP_TEMPLATES[code] % english, "params": coded(params)}


def _names(model, key: str) -> dict[str, str]:
    cache = g.setdefault("_catalogue_names", {})
    if key not in cache:
        zh = is_chinese()
        cache[key] = {row.code: (row.name_zh if zh else row.name_en)
                      for row in db.session.scalars(select(model).order_by(model.code))}
    return cache[key]


def process_names() -> dict[str, str]:
    """Every process code -> its name in the page's language, by code (form choices, lists)."""
    return dict(_names(Process, "processes"))


def process_name(code: str) -> str:
    """A process by its name in the page's language (never show a code like cnc_mill_3ax)."""
    return _names(Process, "processes").get(code, code)


def material_name(code: str) -> str:
    return _names(Material, "materials").get(code, code)


def _param(name: str, value):
    if isinstance(value, Mapping) or _is_msg(value):
        return word(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(word(v) for v in value)
    if name in PROCESS_PARAMS and isinstance(value, str):
        return process_name(value)
    if name in MATERIAL_PARAMS and isinstance(value, str):
        return material_name(value)
    if name in UNIT_PARAMS and isinstance(value, str):
        return str(UNIT_NAMES.get(value, value))
    return value


def word(value) -> str:
    """A Msg or its stored JSON in the page's language; plain text (older rows, typed text) as it is."""
    if _is_msg(value):
        code, params = value.code, value.params
    elif isinstance(value, Mapping) and value.get("code") in TEMPLATES:
        code, params = value["code"], value.get("params") or {}
    elif isinstance(value, Mapping):
        return str(value.get("text", ""))
    else:
        return "" if value is None else str(value)
    template = TEMPLATES[code]
    shown = {k: _param(k, v) for k, v in params.items()}
    try:
        return get_translations().gettext(template) % shown
    except (KeyError, TypeError, ValueError):  # a broken translation: the English template still works
        return template % shown


class Worded(ma.fields.Field):
    """API output of a stored message: its text in the request's language (``code`` fields name the finding)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else word(value)


def init_app(app) -> None:
    app.add_template_filter(word, "word")
    app.add_template_global(process_name)
    app.add_template_global(material_name)
