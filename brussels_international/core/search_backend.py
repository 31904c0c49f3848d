"""Wagtail's database search backend, with SQLite's full-text match run first, once.

``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]`` names this module. On PostgreSQL (and MySQL)
it is exactly Wagtail's database backend. On SQLite it is Wagtail's FTS5 backend with one
change, in how the matching records are found:

- Wagtail's query is ``fts JOIN indexentry ON indexentry.id = fts.rowid WHERE fts MATCH '…'
  AND indexentry.content_type_id IN (…)``. Without table statistics (``ANALYZE``, which nothing
  runs), SQLite drives this join from the ``content_type_id`` index and evaluates the MATCH once
  per index entry of the model: 2.4 s for a word found nowhere among 80,000 people
  (``bench/search.py``). Statistics fix the plan only while they stay current.
- Here the MATCH runs alone, as an uncorrelated subquery that SQLite evaluates once
  (``indexentry.id IN (SELECT rowid FROM fts WHERE fts MATCH '…')``), and the content type test
  is written ``+content_type_id`` so that SQLite may not use its index and walks the matches
  instead of the whole index: about 1 ms for the same search.

The records found are the same (``core/tests/test_search.py`` compares both backends). The
relevance score (``order_by_relevance=True``, used by Wagtail's own admin searches) is still
Wagtail's: one correlated full-text evaluation per matching record. The workspace search does
not ask for it (:mod:`core.search`).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from wagtail.search.backends.database import SearchBackend as database_search_backend


def SearchBackend(params: dict[str, Any]) -> Any:  # the name Wagtail looks up in a backend module
    """Wagtail's database backend for the current database; on SQLite with FTS5, with the
    full-text match first (:class:`core.search_backend_sqlite.FTSFirstSQLiteSearchBackend`)."""
    backend = database_search_backend(params)
    if connection.vendor == "sqlite":
        # Wagtail's SQLite search modules can only be imported on SQLite.
        from .search_backend_sqlite import FTSFirstSQLiteSearchBackend, SQLiteSearchBackend

        if type(backend) is SQLiteSearchBackend:  # not the fallback used when FTS5 is missing
            return FTSFirstSQLiteSearchBackend(params)
    return backend
