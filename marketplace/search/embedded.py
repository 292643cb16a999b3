"""The embedded backend: the application's own database.

SQLite: an FTS5 table with the trigram tokenizer (kept in step with `search_documents` by triggers) answers terms
of 3 or more characters; shorter terms (many Chinese words have 2 characters: 铣削, 车削) use LIKE on the
document text, because FTS5 trigram cannot match fewer than 3 characters. PostgreSQL: ILIKE per term, served by a
pg_trgm GIN index. Filters, facets, idle minutes and distance are plain SQL on both.

Writes happen inside the caller's transaction: a rolled-back change never reaches this index.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Float,
    Integer,
    String,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    literal_column,
    null,
    select,
    text,
    union_all,
)

from marketplace.search.backend import SearchBackend
from marketplace.search.documents import SearchDocument
from marketplace.search.models import SearchDocumentRow, SearchIdleDay, SearchTerm
from marketplace.search.query import EARTH_RADIUS_KM, SearchHit, SearchQuery, SearchResults, facet_buckets

D = SearchDocumentRow.__table__
T = SearchTerm.__table__
I = SearchIdleDay.__table__  # noqa: E741
BATCH = 500
FACET_SCAN_ABOVE = 4000   # matching documents above which facets scan the term index (SQLite)


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_phrase(term: str) -> str:
    """A term as an FTS5 string: inside double quotes every character is literal (quotes are doubled)."""
    return '"' + term.replace('"', '""') + '"'


class DatabaseBackend(SearchBackend):
    name = "database"
    transactional = True

    def __init__(self, session_getter):
        self._session = session_getter

    def _s(self, session):
        return session if session is not None else self._session()

    # ---- writing ----------------------------------------------------------------------------------------------

    def index_documents(self, documents: Iterable[SearchDocument], session=None) -> int:
        session = self._s(session)
        docs = list(documents)
        for i in range(0, len(docs), BATCH):
            self._write(session, docs[i:i + BATCH])
        return len(docs)

    def _write(self, session, docs: list[SearchDocument]) -> None:
        if not docs:
            return
        self.delete([d.key for d in docs], session)
        rows = session.execute(insert(D).returning(D.c.id, D.c.doc_key), [{
            "doc_key": d.key, "kind": d.kind, "cluster_id": d.cluster_id, "firm_id": d.firm_id,
            "object_id": d.object_id, "title": d.title[:300], "text": d.text, "rate_fen": d.rate_fen,
            "rating": d.rating, "latitude": d.latitude, "longitude": d.longitude, "date_start": d.date_start,
            "date_end": d.date_end, "payload": d.payload} for d in docs]).all()
        ids = {key: doc_id for doc_id, key in rows}
        terms = [{"doc_id": ids[d.key], "field": f, "value": v[:80]}
                 for d in docs for f, values in d.terms.items() for v in dict.fromkeys(values)]
        idle = [{"doc_id": ids[d.key], "day": day, "minutes": m} for d in docs for day, m in d.idle.items()]
        if terms:
            session.execute(insert(T), terms)
        if idle:
            session.execute(insert(I), idle)

    def delete(self, keys: Iterable[str], session=None) -> None:
        session = self._s(session)
        keys = list(keys)
        for i in range(0, len(keys), BATCH):
            chunk = keys[i:i + BATCH]
            ids = select(D.c.id).where(D.c.doc_key.in_(chunk)).scalar_subquery()
            session.execute(delete(T).where(T.c.doc_id.in_(ids)))
            session.execute(delete(I).where(I.c.doc_id.in_(ids)))
            session.execute(delete(D).where(D.c.doc_key.in_(chunk)))

    def reset(self, session=None) -> None:
        session = self._s(session)
        session.execute(delete(T))
        session.execute(delete(I))
        session.execute(delete(D))

    # ---- searching --------------------------------------------------------------------------------------------

    def search(self, q: SearchQuery, session=None) -> SearchResults:
        session = self._s(session)
        dialect = session.get_bind().dialect.name
        conds = [D.c.kind == q.kind, D.c.cluster_id == q.cluster_id]

        def has_term(field, values):
            return exists().where(T.c.doc_id == D.c.id, T.c.field == field, T.c.value.in_(list(values)))

        if q.processes:
            conds.append(has_term("process", q.processes))
        if q.materials:
            conds.append(has_term("material", q.materials))
        for cert in q.certifications:
            conds.append(has_term("certification", [cert]))
        if q.firm_kinds:
            conds.append(has_term("firm_kind", q.firm_kinds))
        if q.capabilities is not None:
            conds.append(has_term("capability", q.capabilities) if q.capabilities else false())
        if q.min_rate_fen is not None:
            conds.append(D.c.rate_fen >= q.min_rate_fen)
        if q.max_rate_fen is not None:
            conds.append(D.c.rate_fen <= q.max_rate_fen)
        if q.min_rating is not None:
            conds.append(D.c.rating >= q.min_rating)
        if q.window is not None:
            conds += [D.c.date_start <= q.window[1], D.c.date_end >= q.window[0]]

        distance = None
        if q.near is not None:
            distance = self._distance(dialect, *q.near)
            if q.max_km is not None:
                lat0, _ = q.near
                margin = q.max_km / 111.0 + 0.01
                conds += [D.c.latitude.between(lat0 - margin, lat0 + margin), distance <= q.max_km]
            conds.append(D.c.latitude.is_not(None))

        score, fts = self._text(dialect, q.terms, conds)
        source = D.join(fts, fts.c.doc_id == D.c.id) if fts is not None else D

        # One statement: the matching documents are computed once (CTE `m`, only the sort keys), then the page,
        # the total and the facet counts are read from it. The wide columns are fetched for the page alone.
        idle = cast(null(), Integer)
        if q.idle is not None:   # summed once per candidate (covering index doc_id, day, minutes), filtered below
            idle = (select(func.coalesce(func.sum(I.c.minutes), 0))
                    .where(I.c.doc_id == D.c.id, I.c.day >= q.idle.date_from, I.c.day <= q.idle.date_to)
                    .scalar_subquery())
        m = select(D.c.id.label("id"), D.c.object_id.label("object_id"), D.c.rate_fen.label("rate_fen"),
                   D.c.rating.label("rating"), score.label("score"),
                   (distance if distance is not None else cast(null(), Float)).label("distance"),
                   idle.label("idle")).select_from(source).where(*conds).cte("m").prefix_with("MATERIALIZED")
        if q.idle is not None:
            m = select(m).where(m.c.idle >= q.idle.min_minutes).cte("m_idle")

        def order(c):
            by_score = [c.score.desc()] if q.terms else []   # PostgreSQL refuses ORDER BY a constant
            return {
                "relevance": [*by_score, c.object_id],
                "distance": [c.distance.asc() if distance is not None else c.object_id, c.object_id],
                "rate": [c.rate_fen.asc().nulls_last(), c.object_id],
                "rating": [c.rating.desc().nulls_last(), *by_score, c.object_id],
            }[q.sort]

        page = select(m).order_by(*order(m.c)).offset(q.offset).limit(q.limit).subquery("page")
        no_int, no_float, no_str = cast(null(), Integer), cast(null(), Float), cast(null(), String)
        parts = [
            select(literal_column("0", Integer).label("part"), page.c.id, page.c.object_id, page.c.rate_fen,
                   page.c.rating, page.c.score, page.c.distance, page.c.idle,
                   no_str.label("field"), no_str.label("value"), no_int.label("n")),
            select(literal_column("1", Integer), no_int, no_int, no_int, no_float, no_float, no_float, no_int,
                   no_str, no_str, func.count()).select_from(m),
        ]
        if q.facet_fields:
            def facet_counts(field, *where):
                return (select(literal_column("2", Integer), no_int, no_int, no_int, no_float, no_float, no_float,
                               no_int, T.c.field, T.c.value, func.count())
                        .where(T.c.doc_id.in_(select(m.c.id)), field.in_(q.facet_fields), *where)
                        .group_by(T.c.field, T.c.value))
            if dialect == "sqlite":
                # Few matches: from each one to its terms (primary key doc_id, field, value; `field || ''` keeps
                # the planner off the field index). Many: one pass over the covering index (field, value,
                # doc_id), testing membership. SQLite evaluates the constant count condition once.
                many = select(func.count()).select_from(m).scalar_subquery() > FACET_SCAN_ABOVE
                parts += [facet_counts(T.c.field.op("||")(literal_column("''")), ~many),
                          facet_counts(T.c.field, many)]
            else:
                parts.append(facet_counts(T.c.field))
        u = union_all(*parts).subquery("u")
        rows = session.execute(select(u).order_by(u.c.part, *order(u.c))).all()

        page_rows = [r for r in rows if r.part == 0]
        total = next((r.n for r in rows if r.part == 1), 0)
        facets = {field: {} for field in q.facet_fields}
        for r in rows:
            if r.part == 2:
                facets[r.field][r.value] = r.n
        docs = {}
        if page_rows:
            docs = {d.id: d for d in session.execute(
                select(D.c.id, D.c.doc_key, D.c.kind, D.c.firm_id, D.c.title, D.c.latitude, D.c.longitude,
                       D.c.payload).where(D.c.id.in_([r.id for r in page_rows])))}
        hits = tuple(SearchHit(
            key=d.doc_key, kind=d.kind, object_id=r.object_id, firm_id=d.firm_id, title=d.title,
            score=float(r.score or 0), rate_fen=r.rate_fen, rating=r.rating, latitude=d.latitude,
            longitude=d.longitude, distance_km=None if r.distance is None else round(float(r.distance), 3),
            idle_minutes=None if q.idle is None else int(r.idle), payload=d.payload)
            for r in page_rows for d in (docs[r.id],))
        return SearchResults(total=total or 0, hits=hits,
                             facets={f: facet_buckets(counts) for f, counts in facets.items()})

    @staticmethod
    def _distance(dialect: str, lat0: float, lon0: float):
        """Great-circle distance in km (haversine) as an SQL expression."""
        dlat = func.sin((func.radians(D.c.latitude) - func.radians(lat0)) / 2)
        dlon = func.sin((func.radians(D.c.longitude) - func.radians(lon0)) / 2)
        a = dlat * dlat + func.cos(func.radians(lat0)) * func.cos(func.radians(D.c.latitude)) * dlon * dlon
        capped = func.least(a, 1.0) if dialect == "postgresql" else func.min(a, 1.0)
        return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(capped))

    @staticmethod
    def _text(dialect: str, terms: list[str], conds: list):
        """Adds the free-text conditions; returns (score expression, FTS subquery or None).

        The FTS5 match is a MATERIALIZED CTE: run once, then joined by id. As a plain subquery SQLite's planner
        put the virtual-table scan in the inner loop (once per document: seconds instead of milliseconds)."""
        score = literal_column("0.0", Float)   # SQL constants, not parameters: PostgreSQL must know their type
        fts = None
        if dialect == "sqlite":
            long_terms = [t for t in terms if len(t) >= 3]
            if long_terms:
                fts = (text("SELECT rowid AS doc_id, bm25(search_fts) AS rank FROM search_fts "
                            "WHERE search_fts MATCH :match")
                       .bindparams(match=" AND ".join(_fts_phrase(t) for t in long_terms))
                       .columns(doc_id=Integer, rank=Float).cte("fts").prefix_with("MATERIALIZED"))
                score = -fts.c.rank
            like_terms, like = [t for t in terms if len(t) < 3], D.c.text.like
        else:
            like_terms, like = terms, D.c.text.ilike
        for term in like_terms:
            pattern = _like_pattern(term)
            conds.append(like(pattern, escape="\\"))
            title_like = D.c.title.like if dialect == "sqlite" else D.c.title.ilike
            score = score + case((title_like(pattern, escape="\\"), literal_column("2.0", Float)),
                                 else_=literal_column("1.0", Float))
        return score, fts
