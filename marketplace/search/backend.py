"""The one interface both search backends implement."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from marketplace.search.documents import SearchDocument
from marketplace.search.query import SearchQuery, SearchResults


class SearchBackend(ABC):
    """Stores documents and answers `SearchQuery`s with `SearchResults` (same shape on every backend).

    `transactional` backends write inside the caller's database transaction (so a rollback undoes the index
    change too); the others are sent the changes after the transaction commits.
    """

    name: str = ""
    transactional: bool = False

    @abstractmethod
    def index_documents(self, documents: Iterable[SearchDocument], session=None) -> int:
        """Insert or replace documents; returns how many were written."""

    @abstractmethod
    def delete(self, keys: Iterable[str], session=None) -> None:
        """Remove documents by key (missing keys are fine)."""

    @abstractmethod
    def search(self, query: SearchQuery, session=None) -> SearchResults:
        """Run a query, already scoped to one cluster by `query.cluster_id`."""

    @abstractmethod
    def reset(self, session=None) -> None:
        """Drop every document (the start of a full reindex)."""

    def refresh(self) -> None:
        """Make recent writes visible to searches (no-op where writes are visible at once)."""
        return None

    def close(self) -> None:
        """Release connections (the app's teardown in tests; a no-op for the database)."""
        return None
