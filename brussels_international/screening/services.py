"""Screening services: screen a party, store the hits, review them, re-screen after a list change.

- :func:`party_screen` checks one party (name, optional date of birth, country, kind) against
  every active list version through the candidate index, and stores a :class:`Screening` with
  its :class:`Hit` rows, each explained.
- :func:`hit_review` records an officer's decision (true or false match) with a reason. The
  decision is reused for later hits on the same subject and the same listing
  (:func:`.selectors.reviews_for`) until the entity's listing changes.
- :func:`rescreen_after_list_change` queues :func:`rescreen_subjects` after a list version
  became active: every subject that an app registered (:mod:`.subjects`; the permits module
  registers the parties of open cases and active licences) is screened again, and new hits
  that no review covers are sent to the people the subject names (the case manager).

Thresholds per use come from ``settings.SCREENING_THRESHOLDS`` (``{"workspace": 0.7, ...}``);
a use not listed takes the ``"default"`` entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from brussels_international.core.background import retrying_task
from brussels_international.core.models import AuditVerb
from brussels_international.core.services import Actor, audit_record

from . import engine
from .index import current_index
from .models import Hit, HitReview, ListedEntity, ReviewDecision, Screening
from .subjects import Subject, registered_subjects

logger = logging.getLogger(__name__)

USES = ("default", "workspace", "api", "batch", "permits", "rescreen")


class ReviewError(ValueError):
    """A review that cannot be recorded; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def threshold_for(use: str) -> float:
    """The score threshold (0-1) of *use* from ``settings.SCREENING_THRESHOLDS``."""
    thresholds: dict[str, float] = settings.SCREENING_THRESHOLDS
    return float(thresholds.get(use, thresholds["default"]))


def party_screen(
    *,
    name: str,
    birth_date: str = "",
    country: str = "",
    schema: str = "",
    subject: str = "",
    use: str = "workspace",
    actor: Actor = None,
    threshold: float | None = None,
) -> Screening:
    """Screen one party against the active lists and store the outcome.

    Args:
        name: the party's name, any script, at most 500 characters.
        birth_date: ``YYYY-MM-DD`` or ``YYYY`` (persons), or empty.
        country: ISO 3166-1 alpha-2 (nationality or country of the party), or empty.
        schema: ``person``, ``organisation``, ``vessel``, ``aircraft`` or empty.
        subject: what is screened, e.g. ``"permits.party:42"`` (reviews are reused per
            subject), or empty for an ad-hoc screening.
        use: the threshold profile (``settings.SCREENING_THRESHOLDS``).
        actor: who asked (``None`` for the system).
        threshold: overrides the use's threshold (0-1).

    Returns:
        The saved :class:`Screening`; its hits are ``screening.hits.all()``, best first.

    Raises:
        engine.QueryError: the input cannot be screened (empty name, too long, unknown
            script, bad date or country); nothing is written.
        ValueError: *threshold* outside 0-1.
    """
    query = engine.validate(engine.Query(name=name, birth_date=birth_date, country=country, schema=schema))
    limit = threshold_for(use) if threshold is None else threshold
    if not 0.0 <= limit <= 1.0:
        raise ValueError(_("The threshold must be between 0 and 1."))
    data = current_index()
    matches = engine.screen(data, query, threshold=limit)
    versions = [int(v) for v in data.versions.split(",") if v]
    with transaction.atomic():
        screening = Screening.objects.create(
            subject=subject,
            name=query.name,
            birth_date=query.birth_date,
            country=query.country,
            schema=query.schema,
            use=use,
            threshold=limit,
            versions=versions,
            actor=actor if isinstance(actor, User) else None,
        )
        existing = set(ListedEntity.objects.filter(pk__in=[m.entity.pk for m in matches]).values_list("pk", flat=True))
        Hit.objects.bulk_create(
            Hit(
                screening=screening,
                entity_id=m.entity.pk if m.entity.pk in existing else None,
                source=m.entity.source,
                ref=m.entity.ref,
                fingerprint=m.entity.fingerprint,
                caption=m.entity.caption,
                score=round(m.score, 4),
                explanation=m.explanation,
            )
            for m in matches
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=screening,
            payload={"subject": subject, "use": use, "hits": len(matches), "threshold": limit},
        )
    return screening


def hit_review(*, actor: User, hit: Hit, decision: str, reason: str) -> HitReview:
    """Record an officer's decision on *hit*.

    The decision applies to this hit and, when the screening has a subject, to every later hit
    on the same subject with the same list, reference and fingerprint (the listing unchanged).

    Args:
        actor: the reviewing officer (needs ``screening.review_hit``; checked by the caller).
        hit: the hit reviewed.
        decision: ``true_match`` or ``false_match``.
        reason: why, in words (required; kept in the audit trail).

    Raises:
        ReviewError: unknown decision or empty reason; nothing is written.
    """
    if decision not in ReviewDecision.values:
        raise ReviewError(_("Choose whether the hit is a true match or a false match."), field="decision")
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("Give the reason for your decision."), field="reason")
    with transaction.atomic():
        review = HitReview.objects.create(
            hit=hit,
            subject=hit.screening.subject,
            source=hit.source,
            ref=hit.ref,
            fingerprint=hit.fingerprint,
            decision=decision,
            reason=reason,
            reviewer=actor,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=review,
            target=hit.screening,
            payload={"decision": decision, "reason": reason, "source": hit.source, "ref": hit.ref},
        )
    return review


# -- re-screening -------------------------------------------------------------------------


@dataclass
class RescreenOutcome:
    """What a re-screening did: subjects screened, hits found, new unreviewed hits notified."""

    subjects: int = 0
    hits: int = 0
    new_hits: int = 0
    errors: int = 0


def _previous_keys(subject: str, before: int) -> set[tuple[str, str, str]]:
    """(source, ref, fingerprint) of the hits of the subject's last screening before *before*."""
    last = Screening.objects.filter(subject=subject, pk__lt=before).order_by("-pk").first()
    if last is None:
        return set()
    return set(last.hits.values_list("source", "ref", "fingerprint"))


def subjects_rescreen(subjects: Iterable[Subject], *, actor: Actor = None) -> RescreenOutcome:
    """Screen *subjects* again (use ``rescreen``) and tell each subject's people about hits that
    are new (not in the subject's previous screening) and not covered by a review.

    Returns:
        A :class:`RescreenOutcome`. A subject that cannot be screened (bad stored data) is
        logged and counted in ``errors``; the others go on.
    """
    from brussels_international.core.notifications import notify_many

    from .selectors import reviews_for

    outcome = RescreenOutcome()
    user_model = get_user_model()
    for subject in subjects:
        try:
            screening = party_screen(
                name=subject.name,
                birth_date=subject.birth_date,
                country=subject.country,
                schema=subject.schema,
                subject=subject.key,
                use="rescreen",
                actor=actor,
            )
        except engine.QueryError:
            logger.warning("Re-screening skipped %s: its stored name cannot be screened.", subject.key)
            outcome.errors += 1
            continue
        outcome.subjects += 1
        hits = list(screening.hits.all())
        outcome.hits += len(hits)
        previous = _previous_keys(subject.key, screening.pk)
        reviews = reviews_for(hits)
        new = [h for h in hits if (h.source, h.ref, h.fingerprint) not in previous and reviews.get(h.pk) is None]
        if not new or not subject.notify:
            outcome.new_hits += len(new)
            continue
        outcome.new_hits += len(new)
        recipients = list(user_model.objects.filter(pk__in=subject.notify, is_active=True))
        notify_many(
            recipients=recipients,
            kind="screening_new_hits",
            context={
                "subject_label": subject.label,
                "hits": [{"caption": h.caption, "source": h.source.upper(), "score": f"{h.score:.2f}"} for h in new],
                "count": len(new),
            },
            url=subject.url,
            obj=screening,
        )
    return outcome


@retrying_task(max_attempts=3, backoff_seconds=300)
def rescreen_subjects(version_id: int) -> dict[str, int]:
    """Background task: re-screen every registered subject after list version *version_id*
    became active. Returns the counts of :class:`RescreenOutcome`."""
    outcome = subjects_rescreen(registered_subjects())
    logger.info("Re-screening after list version %s: %s", version_id, outcome)
    return {"subjects": outcome.subjects, "hits": outcome.hits, "new_hits": outcome.new_hits, "errors": outcome.errors}


def rescreen_after_list_change(*, version_id: int) -> None:
    """Queue :func:`rescreen_subjects` (called after the commit of a list load)."""
    rescreen_subjects.enqueue(version_id)
