"""The workspace search: one query over every kind of record, showing only what the user may open.

Every kind registered with :mod:`core.registry` is searched with Wagtail's search backend
(the database backend: SQLite FTS5 or PostgreSQL full-text, ``WAGTAILSEARCH_BACKENDS``).
For each kind, the matches are narrowed to ``kind.visible_to(user)`` *in the same SQL
statement* that counts and lists them, so a record the user may not open is never loaded,
counted or shown, not even its title.

Why not ``backend.search(query, kind.visible_to(user))``: Wagtail's ``search()`` refuses a
queryset filtered on a field that is not an ``index.FilterField`` of the model
(``FilterFieldError``), a rule made for the Elasticsearch/OpenSearch backends, which copy the
filters into their own query. Permission rules filter on whatever they need (owner, unit,
status, related rows). So we search the model's whole index (no filter: always accepted)
and take the backend's queryset of matches (``results.get_queryset()``, which every
database backend provides), then filter it with ``pk__in=<visible records>`` as a subquery:
one statement. We also never restrict the search to named fields
(``fields=``): the SQLite backend fails on field-restricted searches ("no such column"),
because its FTS5 table only has the ``title``, ``body`` and ``autocomplete`` columns.

Matching: every word must match (AND), whole words, ignoring case and accents: SQLite's FTS5
``unicode61`` tokenizer removes diacritics; on PostgreSQL the text search configuration
``bi_search`` (migration ``core.0007_search``: ``simple`` + ``unaccent``) does the same.

Order: within a kind, the records come in the model's own order (``Meta.ordering``, then
primary key), the same on both databases, not by relevance. With every word required and
records named by a few words, relevance hardly separates the matches, and Wagtail's SQLite
backend scores relevance with one full-text evaluation per matching record: seconds for a
common name among 100,000 records (``bench/search.py``; README, "Benchmark"). On SQLite the
backend is Wagtail's with the full-text match run first (:mod:`core.search_backend`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend, get_search_backends
from wagtail.search.index import class_is_indexed

from .registry import AnyUser, RecordKind, record_kinds

#: Characters of the query considered; the rest is ignored (a pasted paragraph still answers).
MAX_QUERY_LENGTH = 200
#: Words searched at most (every word must match, so more words only narrow the results).
MAX_TERMS = 10
#: Results per page of a single-kind list.
PER_PAGE = 20
#: Records indexed per batch by :func:`search_index_update`.
INDEX_BATCH_SIZE = 1000

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchHit:
    """One record found: its title (``str(obj)``), its workspace address and one line of summary."""

    title: str
    url: str
    summary: str


@dataclass(frozen=True)
class SearchGroup:
    """The results of one kind of record.

    Attributes:
        key: the kind's key, e.g. ``"directory.person"``.
        label: the kind's plural label (translated).
        count: how many records of this kind the user may open match the query.
        hits: the first ``per_kind`` of them (in the model's order), or the requested page's.
        page: for a single-kind search, the Django ``Page`` of the results; else ``None``.
    """

    key: str
    label: Any
    count: int
    hits: list[SearchHit]
    page: Page[Any] | None = None


@dataclass(frozen=True)
class SearchResults:
    """What a workspace search found.

    Attributes:
        query: the text searched, cleaned (Unicode NFC, surrounding spaces removed, cut at
            :data:`MAX_QUERY_LENGTH` characters).
        terms: the words searched (letters and digits; punctuation separates words).
        groups: one group per kind with at least one result, in the kinds' display order;
            for a single-kind search, exactly one group (possibly with ``count == 0``).
        kind: the kind key of a single-kind search, else ``None``.
        truncated: whether the query was cut (too long or too many words).
    """

    query: str
    terms: tuple[str, ...]
    groups: list[SearchGroup] = field(default_factory=list)
    kind: str | None = None
    truncated: bool = False

    @property
    def total(self) -> int:
        """The number of results of every group."""
        return sum(group.count for group in self.groups)

    @property
    def searched(self) -> bool:
        """Whether there was anything to search for (at least one word)."""
        return bool(self.terms)


def search_terms(query: str) -> tuple[str, tuple[str, ...], bool]:
    """Split a typed query into the words to search.

    Args:
        query: the text as typed (any length, any characters).

    Returns:
        ``(cleaned, terms, truncated)``: the cleaned text (NFC, stripped, at most
        :data:`MAX_QUERY_LENGTH` characters), its words (runs of letters and digits, at most
        :data:`MAX_TERMS`), and whether anything was left out. Punctuation only gives no words.
    """
    text = unicodedata.normalize("NFC", query or "").strip()
    cleaned = text[:MAX_QUERY_LENGTH]
    words = _WORD.findall(cleaned)
    return cleaned, tuple(words[:MAX_TERMS]), len(text) > MAX_QUERY_LENGTH or len(words) > MAX_TERMS


def _matches(kind: RecordKind, user: AnyUser, terms: tuple[str, ...]) -> QuerySet[Any] | None:
    """The records of *kind* that *user* may open and that match every term, in the model's order.

    ``None`` when the user may open no record of this kind or the model is not indexed (no
    query is run then).
    """
    if not getattr(user, "is_authenticated", False) or not class_is_indexed(kind.model):
        return None
    visible = kind.visible_to(user)
    if visible.query.is_empty():
        return None
    results = get_search_backend().search(" ".join(terms), kind.model, operator="and", order_by_relevance=False)
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is None:  # an Elasticsearch/OpenSearch backend: see the module docstring
        raise ImproperlyConfigured("The workspace search needs Wagtail's database search backend.")
    matched: QuerySet[Any] = get_queryset()
    ordering = [*(kind.model._meta.ordering or []), "pk"]
    return matched.filter(pk__in=visible.values("pk")).order_by(*ordering).prefetch_related(*kind.related)


def _hits(kind: RecordKind, objects: Any) -> list[SearchHit]:
    return [SearchHit(title=str(obj), url=kind.url(obj), summary=kind.summary(obj)) for obj in objects]


def workspace_search(
    *,
    user: AnyUser,
    query: str,
    kind: str | None = None,
    page: int | str = 1,
    per_kind: int = 5,
) -> SearchResults:
    """Search every registered kind of record for *query*, as *user* may see them.

    Each kind is searched within ``kind.visible_to(user)``: the counts and hits only ever
    include records the user may open. Costs two queries per kind the user may see records of
    (count, then hits), plus one per ``kind.related`` lookup; none for an empty query, an
    anonymous user or a kind the user sees nothing of.

    Args:
        user: who searches; anonymous users get no results.
        query: the text typed (see :func:`search_terms`): empty or punctuation only gives
            results with no groups and ``searched == False``.
        kind: a registered kind key to list only that kind, one page at a time.
        page: page number of a single-kind search (1-based; out of range or not a number
            gives the nearest valid page, as ``Paginator.get_page``).
        per_kind: hits per group when searching every kind.

    Returns:
        A :class:`SearchResults`.

    Raises:
        LookupError: *kind* is not a registered kind key.
        ImproperlyConfigured: the default search backend is not a database backend.
    """
    cleaned, terms, truncated = search_terms(query)
    kinds = record_kinds()
    if kind is not None:
        kinds = [k for k in kinds if k.key == kind]
        if not kinds:
            raise LookupError(f"unknown record kind {kind!r}")
    groups: list[SearchGroup] = []
    for record_kind in kinds if terms else []:
        matches = _matches(record_kind, user, terms)
        if kind is not None:
            source = matches if matches is not None else record_kind.model._default_manager.none()
            page_obj = Paginator(source, PER_PAGE).get_page(page)
            hits = _hits(record_kind, page_obj.object_list)
            groups.append(SearchGroup(record_kind.key, record_kind.label, page_obj.paginator.count, hits, page_obj))
        elif matches is not None and (count := matches.count()):
            hits = _hits(record_kind, matches[:per_kind])
            groups.append(SearchGroup(record_kind.key, record_kind.label, count, hits))
    return SearchResults(query=cleaned, terms=terms, groups=groups, kind=kind, truncated=truncated)


def search_index_update(model: type[models.Model], pks: Any) -> int:
    """Bring the search index up to date for the records *pks* of *model*, in batches.

    For writes that send no ``post_save`` signal (``bulk_create``, ``update()``) or that must be
    searchable at once: Wagtail's signal handlers only queue a task per saved record, which the
    task worker (``db_worker``) runs later. Call it inside the writing transaction: with the
    database backend the index is a table of the same database, so it commits or rolls back
    with the records. Every configured backend is updated, also those with ``AUTO_UPDATE``
    off (that setting is about saves, not about explicit calls).

    Args:
        model: an indexed model (``wagtail.search.index.Indexed``); other models are ignored.
        pks: primary keys of the records to (re)index; records that no longer exist are skipped.

    Returns:
        The number of records indexed.
    """
    if not class_is_indexed(model):
        return 0
    pks = list(pks)
    backends = list(get_search_backends(with_auto_update=False))
    indexed = model.get_indexed_objects()  # type: ignore[attr-defined]
    done = 0
    for start in range(0, len(pks), INDEX_BATCH_SIZE):
        batch = list(indexed.filter(pk__in=pks[start : start + INDEX_BATCH_SIZE]))
        for backend in backends:
            backend.add_bulk(model, batch)
        done += len(batch)
    return done
