"""The Elasticsearch backend (elasticsearch-py), used when ELASTICSEARCH_URL is set.

One index holds every document kind. CJK text: the standard tokenizer plus the cjk_bigram filter (as the built-in
`cjk` analyser, without its English stop words), so "铣削" matches "数控铣削"; a sub-field keeps single characters for
one-character queries (铝, 钢). Keywords for facets, geo_point for distance,
date_range for an order's release..due window, nested per-day idle minutes.

Free text: every whitespace-separated term must match (see `_term_query`). The embedded backend matches terms as
substrings; here Latin-script terms match word prefixes ("mill" finds "milling", "ill" does not).

The minimum-idle-hours filter sums per-day minutes over a date range, which a plain query cannot do: the first
request fetches the candidates' idle days (all other filters applied, at most MAX_IDLE_CANDIDATES), Python sums
them, and the real request is restricted to the ids that pass.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from marketplace.search.backend import SearchBackend
from marketplace.search.documents import SearchDocument
from marketplace.search.query import SearchHit, SearchQuery, SearchResults, facet_buckets, haversine_km

log = logging.getLogger(__name__)
MAX_IDLE_CANDIDATES = 10_000
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
KEYWORD_FIELDS = ("process", "material", "certification", "capability", "firm_kind")

SETTINGS = {
    "analysis": {
        "filter": {"word_prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20}},
        "analyzer": {
            # CJK runs become overlapping bigrams (数控铣削 -> 数控 控铣 铣削); other words stay words
            "cjk_bigrams": {"type": "custom", "tokenizer": "standard",
                            "filter": ["cjk_width", "lowercase", "cjk_bigram"]},
            # single CJK characters and whole words (for one-character queries such as 铝 or 钢)
            "words": {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase"]},
            # every prefix of every word (so "mill" finds "milling")
            "word_prefixes": {"type": "custom", "tokenizer": "standard",
                              "filter": ["cjk_width", "lowercase", "word_prefixes"]},
        },
    }
}
MAPPINGS = {
    "properties": {
        "kind": {"type": "keyword"},
        "object_id": {"type": "integer"},
        "cluster_id": {"type": "integer"},
        "firm_id": {"type": "integer"},
        "title": {"type": "keyword", "index": False},
        "text": {"type": "text", "analyzer": "cjk_bigrams",
                 "fields": {"chars": {"type": "text", "analyzer": "words"},
                            "prefix": {"type": "text", "analyzer": "word_prefixes", "search_analyzer": "words"}}},
        **{name: {"type": "keyword"} for name in KEYWORD_FIELDS},
        "rate_fen": {"type": "integer"},
        "rating": {"type": "float"},
        "location": {"type": "geo_point"},
        "window": {"type": "date_range", "format": "yyyy-MM-dd"},
        "idle": {"type": "nested", "properties": {"day": {"type": "date", "format": "yyyy-MM-dd"},
                                                  "minutes": {"type": "integer"}}},
        "payload": {"type": "object", "enabled": False},
    }
}


def to_source(doc: SearchDocument) -> dict:
    source = {"kind": doc.kind, "object_id": doc.object_id, "cluster_id": doc.cluster_id, "firm_id": doc.firm_id,
              "title": doc.title, "text": doc.text, "rate_fen": doc.rate_fen, "rating": doc.rating,
              "idle": [{"day": day.isoformat(), "minutes": m} for day, m in doc.idle.items()],
              "payload": doc.payload}
    for name in KEYWORD_FIELDS:
        source[name] = list(doc.terms.get(name, ()))
    if doc.latitude is not None and doc.longitude is not None:
        source["location"] = {"lat": doc.latitude, "lon": doc.longitude}
    if doc.date_start is not None and doc.date_end is not None:
        source["window"] = {"gte": doc.date_start.isoformat(), "lte": doc.date_end.isoformat()}
    return source


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"
    transactional = False

    def __init__(self, client, index: str, refresh: bool = False):
        self.client = client
        self.index = index
        self.refresh_on_write = refresh
        self._ready = False

    # ---- index management -------------------------------------------------------------------------------------

    def ensure_index(self) -> None:
        if self._ready:
            return
        if not self.client.indices.exists(index=self.index):
            self.client.indices.create(index=self.index, settings=SETTINGS, mappings=MAPPINGS)
        self._ready = True

    def reset(self, session=None) -> None:
        self.client.indices.delete(index=self.index, ignore_unavailable=True)
        self._ready = False
        self.ensure_index()

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.index)

    def close(self) -> None:
        self.client.close()

    # ---- writing ----------------------------------------------------------------------------------------------

    def _bulk(self, operations: list) -> None:
        if not operations:
            return
        self.ensure_index()
        response = self.client.bulk(operations=operations, refresh="true" if self.refresh_on_write else "false")
        if response.get("errors"):
            failed = [item for item in response["items"] if next(iter(item.values())).get("error")
                      and next(iter(item.values())).get("status") != 404]
            if failed:
                raise RuntimeError(f"Elasticsearch bulk request failed for {len(failed)} items: {failed[:3]}")

    def index_documents(self, documents: Iterable[SearchDocument], session=None, chunk: int = 1000) -> int:
        operations, count = [], 0
        for doc in documents:
            operations += [{"index": {"_index": self.index, "_id": doc.key}}, to_source(doc)]
            count += 1
            if len(operations) >= 2 * chunk:
                self._bulk(operations)
                operations = []
        self._bulk(operations)
        return count

    def delete(self, keys: Iterable[str], session=None) -> None:
        self._bulk([{"delete": {"_index": self.index, "_id": key}} for key in keys])

    # ---- searching --------------------------------------------------------------------------------------------

    def _filters(self, q: SearchQuery) -> list[dict]:
        filters = [{"term": {"kind": q.kind}}, {"term": {"cluster_id": q.cluster_id}}]
        if q.processes:
            filters.append({"terms": {"process": list(q.processes)}})
        if q.materials:
            filters.append({"terms": {"material": list(q.materials)}})
        filters += [{"term": {"certification": cert}} for cert in q.certifications]
        if q.firm_kinds:
            filters.append({"terms": {"firm_kind": list(q.firm_kinds)}})
        if q.capabilities is not None:
            filters.append({"terms": {"capability": list(q.capabilities)}} if q.capabilities
                           else {"match_none": {}})
        rate = {k: v for k, v in (("gte", q.min_rate_fen), ("lte", q.max_rate_fen)) if v is not None}
        if rate:
            filters.append({"range": {"rate_fen": rate}})
        if q.min_rating is not None:
            filters.append({"range": {"rating": {"gte": q.min_rating}}})
        if q.window is not None:
            filters.append({"range": {"window": {"gte": q.window[0].isoformat(), "lte": q.window[1].isoformat(),
                                                 "relation": "intersects"}}})
        if q.near is not None:
            filters.append({"exists": {"field": "location"}})
            if q.max_km is not None:
                filters.append({"geo_distance": {"distance": f"{q.max_km}km",
                                                 "location": {"lat": q.near[0], "lon": q.near[1]}}})
        return filters

    @staticmethod
    def _term_query(term: str) -> dict:
        """One term: CJK of 2+ characters as bigrams, a single CJK character as itself, anything else as
        word prefixes. `match` has no query syntax, so quotes, *, :, ( or NEAR are just text."""
        if not CJK.search(term):
            field = "text.prefix"
        elif len(term) == 1:
            field = "text.chars"
        else:
            field = "text"
        return {"match": {field: {"query": term, "operator": "and"}}}

    def _query(self, q: SearchQuery, filters: list[dict]) -> dict:
        return {"bool": {"must": [self._term_query(t) for t in q.terms], "filter": filters}}

    @staticmethod
    def _idle_sum(source: dict, q: SearchQuery) -> int:
        low, high = q.idle.date_from.isoformat(), q.idle.date_to.isoformat()
        return sum(item["minutes"] for item in source.get("idle") or () if low <= item["day"] <= high)

    def search(self, q: SearchQuery, session=None) -> SearchResults:
        self.ensure_index()
        filters = self._filters(q)
        if q.idle is not None:
            low, high = q.idle.date_from.isoformat(), q.idle.date_to.isoformat()
            nested = {"nested": {"path": "idle", "query": {"range": {"idle.day": {"gte": low, "lte": high}}}}}
            candidates = self.client.search(index=self.index, query=self._query(q, filters + [nested]),
                                            size=MAX_IDLE_CANDIDATES, source=["idle"], track_total_hits=True)
            passing = [h["_id"] for h in candidates["hits"]["hits"]
                       if self._idle_sum(h["_source"], q) >= q.idle.min_minutes]
            filters.append({"ids": {"values": passing}} if passing else {"match_none": {}})

        sort = {
            "relevance": ["_score", {"object_id": "asc"}],
            "distance": ([{"_geo_distance": {"location": {"lat": q.near[0], "lon": q.near[1]}, "order": "asc",
                                             "unit": "km"}}] if q.near else []) + [{"object_id": "asc"}],
            "rate": [{"rate_fen": {"order": "asc", "missing": "_last"}}, {"object_id": "asc"}],
            "rating": [{"rating": {"order": "desc", "missing": "_last"}}, "_score", {"object_id": "asc"}],
        }[q.sort]
        aggs = {field: {"terms": {"field": field, "size": 200}} for field in q.facet_fields}
        response = self.client.search(index=self.index, query=self._query(q, filters), sort=sort,
                                      from_=q.offset, size=q.limit, aggs=aggs, track_total_hits=True)
        hits = []
        for h in response["hits"]["hits"]:
            src = h["_source"]
            loc = src.get("location")
            hits.append(SearchHit(
                key=h["_id"], kind=src["kind"], object_id=src["object_id"], firm_id=src["firm_id"],
                title=src["title"], score=float(h.get("_score") or 0.0), rate_fen=src.get("rate_fen"),
                rating=src.get("rating"), latitude=loc["lat"] if loc else None, longitude=loc["lon"] if loc else None,
                distance_km=round(haversine_km(q.near[0], q.near[1], loc["lat"], loc["lon"]), 3)
                if (loc and q.near) else None,
                idle_minutes=self._idle_sum(src, q) if q.idle is not None else None,
                payload=src.get("payload") or {}))
        facets = {field: facet_buckets({b["key"]: b["doc_count"]
                                        for b in response.get("aggregations", {}).get(field, {}).get("buckets", [])})
                  for field in q.facet_fields}
        return SearchResults(total=response["hits"]["total"]["value"], hits=tuple(hits), facets=facets)

    def keys(self) -> list[str]:
        """Every document key (for tests and the reindex report)."""
        self.ensure_index()
        response = self.client.search(index=self.index, size=MAX_IDLE_CANDIDATES, source=False,
                                      query={"match_all": {}})
        return sorted(h["_id"] for h in response["hits"]["hits"])


