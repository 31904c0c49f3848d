"""Screening reads: the review that covers a hit, the review queue, a screening with its hits."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Hit, HitReview


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
    """Hits of each subject's latest screening (and of every ad-hoc screening) that no review
    covers, newest first: the review queue."""
    from django.db.models import Exists, OuterRef

    from .models import Screening

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
        .exclude(Exists(covered))
        .order_by("-screening__created_at", "-score", "pk")
    )
