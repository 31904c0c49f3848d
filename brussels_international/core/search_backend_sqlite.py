"""The SQLite part of :mod:`core.search_backend` (importable only when the database is SQLite:
Wagtail's SQLite search modules look up the FTS5 index model when imported)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FloatField, Func, OuterRef, Subquery
from wagtail.search.backends.database.sqlite.query import MatchExpression, normalize
from wagtail.search.backends.database.sqlite.sqlite import (
    IndexEntry,
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from wagtail.search.query import MatchAll, Not
from wagtail.search.utils import get_descendants_content_types_pks


class Unindexed(Func):
    """``+column``: the column's value, which SQLite may not look up through an index."""

    template = "+%(expressions)s"


class FTSFirstMixin:
    """The search of Wagtail's SQLite query compilers, finding matches with the MATCH first."""

    queryset: Any
    fields: Any
    order_by_relevance: bool
    FTS_TABLE_FIELDS: list[str]

    def search(self, config: Any, start: Any, stop: Any, score_field: str | None = None) -> Any:
        """Same contract and results as ``SQLiteSearchQueryCompiler.search`` (Wagtail)."""
        normalized_query = normalize(self.query)  # type: ignore[attr-defined]
        if isinstance(normalized_query, MatchAll) or (
            isinstance(normalized_query, Not) and isinstance(normalized_query.subquery, MatchAll)
        ):
            return super().search(config, start, stop, score_field=score_field)  # type: ignore[misc]
        negated = isinstance(normalized_query, Not)
        if negated:
            normalized_query = normalized_query.subquery
        search_query = self.build_search_query(normalized_query, config=config)  # type: ignore[attr-defined]
        match_expression = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, search_query)
        content_types = get_descendants_content_types_pks(self.queryset.model)

        matched_entries = SQLiteFTSIndexEntry.objects.filter(match_expression).values("pk")
        object_ids = (
            IndexEntry.objects.alias(unindexed_content_type=Unindexed(F("content_type_id")))
            .filter(pk__in=matched_entries, unindexed_content_type__in=content_types)
            .values("object_id")
        )
        queryset = self.queryset.exclude(pk__in=object_ids) if negated else self.queryset.filter(pk__in=object_ids)

        if self.order_by_relevance and score_field is None and not negated:
            score_field = "_score"
        if score_field is not None and not negated:
            rank_expression = self._build_rank_expression(self.get_search_vectors(), config)  # type: ignore[attr-defined]
            scores = (
                SQLiteFTSIndexEntry.objects.filter(match_expression)
                .filter(index_entry__content_type__in=content_types, index_entry__object_id=OuterRef("pk"))
                .annotate(score=rank_expression)
                .values("score")[:1]
            )
            queryset = queryset.annotate(**{score_field: Subquery(scores, output_field=FloatField())})
            if self.order_by_relevance:
                queryset = queryset.order_by(score_field, "-pk")
        if not self.order_by_relevance and not queryset.query.order_by:
            queryset = queryset.order_by("-pk")  # stable pages, as Wagtail does (wagtail#3729)
        return queryset[start:stop]


class FTSFirstSearchQueryCompiler(FTSFirstMixin, SQLiteSearchQueryCompiler):
    """Whole-word searches."""


class FTSFirstAutocompleteQueryCompiler(FTSFirstMixin, SQLiteAutocompleteQueryCompiler):
    """Prefix (autocomplete) searches."""


class FTSFirstSQLiteSearchBackend(SQLiteSearchBackend):
    """Wagtail's SQLite FTS5 search backend with :class:`FTSFirstMixin`'s query."""

    query_compiler_class = FTSFirstSearchQueryCompiler
    autocomplete_query_compiler_class = FTSFirstAutocompleteQueryCompiler
