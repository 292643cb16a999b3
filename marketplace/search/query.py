"""What a search asks and what it returns: plain frozen dataclasses shared by both backends (no IO here)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

KINDS = ("capacity", "supplier", "job", "firm")
SORTS = ("relevance", "distance", "rate", "rating")
FACETS = {
    "capacity": ("process", "material", "certification"),
    "supplier": ("process", "material", "certification"),
    "job": ("process", "material"),
    "firm": ("firm_kind",),
}
MAX_TERMS = 8
MAX_TERM_LENGTH = 64
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class IdleFilter:
    """At least `min_minutes` idle machine minutes on the cluster-local days date_from..date_to (inclusive)."""

    date_from: date
    date_to: date
    min_minutes: int = 1


@dataclass(frozen=True)
class SearchQuery:
    kind: str
    cluster_id: int
    text: str = ""
    processes: tuple[str, ...] = ()  # any of
    materials: tuple[str, ...] = ()  # any of
    certifications: tuple[str, ...] = ()  # all of
    firm_kinds: tuple[str, ...] = ()  # any of
    capabilities: tuple[str, ...] | None = None  # job board: any of these "process|material" (None: no limit)
    near: tuple[float, float] | None = None  # (lat, lon)
    max_km: float | None = None
    min_rate_fen: int | None = None
    max_rate_fen: int | None = None
    min_rating: float | None = None
    idle: IdleFilter | None = None
    window: tuple[date, date] | None = None  # documents whose [date_start, date_end] overlaps this
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown search kind {self.kind!r}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}")
        if (self.sort == "distance" or self.max_km is not None) and self.near is None:
            raise ValueError("distance needs a point to measure from")

    @property
    def terms(self) -> list[str]:
        return split_terms(self.text)

    @property
    def facet_fields(self) -> tuple[str, ...]:
        return FACETS[self.kind]


@dataclass(frozen=True)
class SearchHit:
    key: str
    kind: str
    object_id: int
    firm_id: int
    title: str
    score: float
    rate_fen: int | None
    rating: float | None
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    idle_minutes: int | None
    payload: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class FacetBucket:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, tuple[FacetBucket, ...]]


_SPACE = re.compile(r"\s+")


def split_terms(text: str) -> list[str]:
    """Whitespace-separated terms, each matched as a (case-insensitive) substring; all must match.

    Everything else is literal: quotes, *, :, (, NEAR, AND, - are just characters to look for.
    """
    terms = [t[:MAX_TERM_LENGTH] for t in _SPACE.split(text.strip()) if t]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def facet_buckets(counts: dict[str, int]) -> tuple[FacetBucket, ...]:
    """Most frequent first, then by value: the same order on every backend."""
    return tuple(FacetBucket(v, c) for v, c in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if c)
