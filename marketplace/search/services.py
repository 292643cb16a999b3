"""Searches on behalf of a firm: the tenant scope, the job board's capabilities, facet labels.

No request, session cookie or `g` here; the API and the pages pass the firm, the arguments and the locale.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from capacity.models import Factory, Machine, Material, Process
from marketplace.extensions import db
from marketplace.search.query import IdleFilter, SearchQuery

FIRM_KIND_LABELS = {"buyer": _l("SME buyer"), "factory": _l("Factory"), "lessor": _l("Equipment lessor"),
                    "operator": _l("Cluster operator")}


class SearchUnavailable(RuntimeError):
    """The search backend could not answer (e.g. Elasticsearch is down)."""


def capabilities_of(firm) -> tuple[str, ...]:
    """"process|material" pairs the firm's active machines can do (the job board shows only these)."""
    rows = db.session.execute(
        select(Machine.process_code, Material.code).join(Factory, Machine.factory_id == Factory.id)
        .join(Machine.materials).where(Factory.firm_id == firm.id, Machine.active.is_(True))).all()
    return tuple(sorted({f"{p}|{m}" for p, m in rows}))


def build_query(kind: str, firm, args: dict) -> SearchQuery:
    near = (args["lat"], args["lon"]) if "lat" in args else None
    idle = None
    if "idle_from" in args:
        idle = IdleFilter(args["idle_from"], args["idle_to"], max(1, round(args.get("min_idle_hours", 0) * 60)))
    return SearchQuery(
        kind=kind, cluster_id=firm.cluster_id, text=args.get("q", ""),
        processes=tuple(args.get("process", ())), materials=tuple(args.get("material", ())),
        certifications=tuple(args.get("certification", ())), firm_kinds=tuple(args.get("kind", ())),
        capabilities=capabilities_of(firm) if kind == "job" else None,
        near=near, max_km=args.get("max_km"), min_rate_fen=args.get("min_rate_fen"),
        max_rate_fen=args.get("max_rate_fen"), min_rating=args.get("min_rating"), idle=idle,
        window=(args["window_from"], args["window_to"]) if "window_from" in args else None,
        sort=args.get("sort", "relevance"), offset=(args["page"] - 1) * args["page_size"], limit=args["page_size"])


def _labels(field: str, locale: str) -> dict[str, str]:
    zh = locale.startswith("zh")
    if field == "process":
        return {p.code: p.name_zh if zh else p.name_en for p in db.session.scalars(select(Process))}
    if field == "material":
        return {m.code: m.name_zh if zh else m.name_en for m in db.session.scalars(select(Material))}
    if field == "firm_kind":
        return {code: str(label) for code, label in FIRM_KIND_LABELS.items()}
    return {}


def run_search(kind: str, firm, args: dict, locale: str = "en") -> dict:
    """One page of results for `firm` (always inside its own cluster) as the API returns it."""
    query = build_query(kind, firm, args)
    backend = current_app.extensions["search"].backend
    if backend.transactional:  # the database itself: an error here is a bug, let it surface
        results = backend.search(query)
    else:
        try:
            results = backend.search(query)
        except Exception as exc:  # connection refused, timeouts, cluster errors of an outside service
            current_app.logger.exception("search backend %s failed", backend.name)
            raise SearchUnavailable(str(exc)) from exc
    facets = {}
    for field, buckets in results.facets.items():
        labels = _labels(field, locale)
        facets[field] = [{"value": b.value, "label": labels.get(b.value, b.value), "count": b.count}
                         for b in buckets]
    return {"items": list(results.hits), "page": args["page"], "page_size": args["page_size"],
            "total": results.total, "facets": facets, "backend": backend.name}
