"""Screening reads: the review that covers a hit, the review queue, a screening with its hits and
list versions, the recent screenings, a listed entity with its names."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from .models import Hit, HitReview, ListedEntity, ListVersion, Screening


def reviews_for(hits: Iterable[Hit]) -> dict[int, HitReview | None]:
    """The review covering each hit: its own latest review, else (when its screening has a
    subject) the latest review of the same subject, list, reference and fingerprint.

    Returns:
        ``{hit.pk: review or None}``. One query for all hits.
    """
    hits = list(hits)
    if not hits:
        return {}
    condition = Q(hit__in=[h.pk for h in hits])
    for hit in hits:
        subject = hit.screening.subject
        if subject:
            condition |= Q(subject=subject, source=hit.source, ref=hit.ref, fingerprint=hit.fingerprint)
    reviews = list(HitReview.objects.filter(condition).select_related("reviewer").order_by("-reviewed_at", "-pk"))
    found: dict[int, HitReview | None] = {}
    for hit in hits:
        subject = hit.screening.subject
        found[hit.pk] = next(
            (
                r
                for r in reviews
                if r.hit_id == hit.pk
                or (
                    subject
                    and (r.subject, r.source, r.ref, r.fingerprint) == (subject, hit.source, hit.ref, hit.fingerprint)
                )
            ),
            None,
        )
    return found


def unreviewed_hits() -> QuerySet[Hit]:
    """Hits of each subject's latest screening (and of every ad-hoc screening from the workspace
    or the API) that no review covers, newest first: the review queue. Batch screenings (the
    ``screen`` command, use ``batch``) stay out: their hits are in the command's output file."""
    from django.db.models import Exists, OuterRef

    latest = Screening.objects.filter(subject=OuterRef("screening__subject")).order_by("-pk").values("pk")[:1]
    covered = HitReview.objects.filter(
        Q(hit=OuterRef("pk"))
        | (
            ~Q(subject="")
            & Q(
                subject=OuterRef("screening__subject"),
                source=OuterRef("source"),
                ref=OuterRef("ref"),
                fingerprint=OuterRef("fingerprint"),
            )
        )
    )
    return (
        Hit.objects.select_related("screening")
        .filter(Q(screening__subject="") | Q(screening__pk=latest))
        .exclude(screening__use="batch")
        .exclude(Exists(covered))
        .order_by("-screening__created_at", "-score", "pk")
    )


def screening_versions(screening: Screening) -> list[ListVersion]:
    """The list versions *screening* was screened against (its ``versions``), by list; versions
    deleted since are left out. One query."""
    return list(ListVersion.objects.filter(pk__in=screening.versions).defer("diff").order_by("source", "pk"))


def screening_hits(screening: Screening) -> list[Hit]:
    """The hits of *screening*, best first, with their screening (for :func:`reviews_for`)."""
    return list(screening.hits.select_related("screening").order_by("-score", "pk"))


def recent_screenings(*, uses: tuple[str, ...] = ("workspace", "api"), limit: int = 20) -> list[Screening]:
    """The last *limit* screenings made for *uses*, newest first, each with ``hit_count`` and its
    actor. One query."""
    return list(
        Screening.objects.filter(use__in=uses)
        .annotate(hit_count=Count("hits"))
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def entity_with_names(pk: int) -> ListedEntity:
    """The listed entity *pk* with its version and its names (prefetched).

    Raises:
        ListedEntity.DoesNotExist: no such entity (deleted with its list version).
    """
    return ListedEntity.objects.select_related("version").prefetch_related("entity_names").get(pk=pk)


def latest_screenings(subjects: list[str]) -> dict[str, Screening]:
    """The latest screening of each of *subjects* (keys such as ``"permits.party:42"``), with
    its hits prefetched; subjects never screened are absent. Two queries."""
    from django.db.models import Max

    latest = dict(
        Screening.objects.filter(subject__in=subjects)
        .values("subject")
        .annotate(last=Max("pk"))
        .values_list("subject", "last")
    )
    if not latest:
        return {}
    return {s.subject: s for s in Screening.objects.filter(pk__in=latest.values()).prefetch_related("hits")}


def subjects_screened_since(subjects: list[str], since: datetime.datetime) -> set[str]:
    """Those of *subjects* screened at or after *since*."""
    return set(Screening.objects.filter(subject__in=subjects, created_at__gte=since).values_list("subject", flat=True))


def list_sources(version_ids: set[int]) -> dict[int, str]:
    """``{version id: list name}`` of the given list versions."""
    if not version_ids:
        return {}
    return dict(ListVersion.objects.filter(pk__in=version_ids).values_list("pk", "source"))


def hit_get(pk: int) -> Hit | None:
    """The hit *pk* with its screening, or ``None``."""
    return Hit.objects.select_related("screening").filter(pk=pk).first()
