"""The permits module's use of the screening module: what is screened, when, and by whom.

Every party of a licence application and its applicant organisation are screened against the
sanctions lists (issue 5; Common Position 2008/944/CFSP, criterion 1 and criterion 7: the
end-user and the other parties must not be subject to restrictive measures):

- **on submission**: :func:`permits.application_services.application_submit` queues
  :func:`screen_application` once the submission commits (a django-tasks background task; the
  immediate backend of the tests runs it at once, the ``db_worker`` in ``make run``);
- **on demand**: the case page's "Screen again" button (:func:`case_screen_again`);
- **after a list change**: :func:`permits_subjects` is registered with
  :func:`screening.subjects.register_subject_provider` (``PermitsConfig.ready``); the screening
  module's re-screening task screens the parties of open cases and of active licences again and
  tells the case manager about new hits.

Subjects (``Screening.subject``; reviews are reused per subject): ``permits.organisation:<pk>`` for
the applicant organisation (schema organisation, country BE or the organisation's country),
``permits.party:<pk>`` for a party (no kind given: a party may be a company or a person, and our
model does not record which; country = the party's). The screening module never imports this
module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from brussels_international.core.background import retrying_task
from brussels_international.core.models import AuditVerb
from brussels_international.core.services import Actor, audit_record
from brussels_international.screening import services as screening_services
from brussels_international.screening.engine import QueryError
from brussels_international.screening.models import Hit, HitReview, Screening
from brussels_international.screening.selectors import subjects_screened_since
from brussels_international.screening.subjects import Subject

from .models import OPEN_STATUSES, Application, ApplicationStatus, Organisation, Party

logger = logging.getLogger(__name__)

USE = "permits"
"""The threshold profile of screenings made for a case (``settings.SCREENING_THRESHOLDS``)."""
REVIEW_PERMISSION = "screening.review_hit"
SCREEN_PERMISSION = "permits.assess_application"
LICENCE_STATUSES = (ApplicationStatus.GRANTED, ApplicationStatus.SUSPENDED)
"""Statuses of an application whose licence is still in force (re-screened after a list change)."""


def organisation_key(pk: int) -> str:
    """The screening subject of an applicant organisation: ``permits.organisation:<pk>``."""
    return f"permits.organisation:{pk}"


def party_key(pk: int) -> str:
    """The screening subject of a party: ``permits.party:<pk>``."""
    return f"permits.party:{pk}"


@dataclass(frozen=True)
class CaseSubject:
    """One thing a case screens: the applicant (``party`` is ``None``) or a party."""

    key: str
    name: str
    country: str
    role: str
    """``"applicant"`` or a :class:`~permits.models.PartyRole` value."""
    party: Party | None = None

    @property
    def role_label(self) -> str:
        if self.party is None:
            return _("applicant")
        return str(self.party.get_role_display())


def case_subjects(application: Application, parties: list[Party] | None = None) -> list[CaseSubject]:
    """The applicant organisation, then every party (in the model's order: role, id).

    Args:
        parties: the application's parties when already read (saves a query).
    """
    organisation: Organisation = application.organisation
    subjects = [
        CaseSubject(
            key=organisation_key(organisation.pk),
            name=organisation.name,
            country=organisation.country or "BE",
            role="applicant",
        )
    ]
    for party in application.parties.all() if parties is None else parties:
        subjects.append(
            CaseSubject(key=party_key(party.pk), name=party.name, country=party.country, role=party.role, party=party)
        )
    return subjects


def _screen(subject: CaseSubject, *, actor: Actor) -> Screening | None:
    try:
        return screening_services.party_screen(
            name=subject.name,
            country=subject.country,
            # The applicant is a registered organisation; a party may be a company or a person
            # (a broker, an end-user): its kind is not recorded, so the kind fact stays out.
            schema="organisation" if subject.party is None else "",
            subject=subject.key,
            use=USE,
            actor=actor,
        )
    except QueryError as error:
        # A stored name the matcher cannot read (a script it does not transliterate): the subject
        # stays "not screened", which blocks a proposal until someone looks at it.
        logger.warning("Screening of %s (%s) refused: %s", subject.key, subject.name, error)
        return None


def application_screen(
    *, actor: Actor, application: Application, only_missing: bool = False, reason: str = "submission"
) -> list[Screening]:
    """Screen the applicant and every party of *application* (use ``permits``).

    Args:
        actor: who asked (``None`` for the system: the submission task, the demo).
        application: a submitted application.
        only_missing: screen only the subjects without a screening since the application was
            submitted (the background task: a retried or repeated run screens nothing twice).
        reason: ``"submission"`` or ``"again"``, written in the case's audit entry.

    Returns:
        The new screenings (one per subject screened; a subject whose name cannot be screened is
        logged and left out).

    Side effects, in one transaction: the screenings with their hits and their audit entries
    (:func:`screening.services.party_screen`), and one audit entry on the application
    (``{"screening": {"reason", "subjects", "hits"}}``) for the case's timeline.
    """
    application = Application.objects.select_related("organisation").get(pk=application.pk)
    subjects = case_subjects(application)
    if only_missing and application.submitted_at is not None:
        done = subjects_screened_since([s.key for s in subjects], application.submitted_at)
        subjects = [s for s in subjects if s.key not in done]
    if not subjects:
        return []
    with transaction.atomic():
        screenings = [s for s in (_screen(subject, actor=actor) for subject in subjects) if s is not None]
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=application,
            payload={
                "screening": {
                    "reason": reason,
                    "subjects": [s.subject for s in screenings],
                    "hits": sum(s.hits.count() for s in screenings),
                }
            },
        )
    return screenings


@retrying_task(max_attempts=3, backoff_seconds=120)
def screen_application(application_id: int) -> int:
    """Background task queued when an application is submitted: screen its applicant and parties
    that have no screening since the submission (idempotent).

    Returns:
        How many subjects were screened (0 when the application no longer exists).
    """
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return 0
    return len(application_screen(actor=None, application=application, only_missing=True))


def screening_after_submission(application_id: int) -> None:
    """Queue :func:`screen_application` (called by ``transaction.on_commit`` after a submission)."""
    screen_application.enqueue(application_id)


def case_screen_again(*, actor: Actor, application: Application) -> list[Screening]:
    """The case page's "Screen again": screen the applicant and every party now, with the lists
    active now.

    Raises:
        PermissionDenied: *actor* may not manage licence cases (``permits.assess_application``).
        ValidationError: the application is a draft (nothing to screen yet).
    """
    if not (isinstance(actor, User) and actor.has_perm(SCREEN_PERMISSION)):
        raise PermissionDenied(_("Only the Permits unit can screen a case."))
    if application.status == ApplicationStatus.DRAFT:
        raise ValidationError(_("A draft is screened once it is submitted."))
    return application_screen(actor=actor, application=application, reason="again")


def case_hit_review(*, actor: Actor, application: Application, hit: Hit, decision: str, reason: str) -> HitReview:
    """Review a hit from the case page: :func:`screening.services.hit_review`, after checking that
    the hit is about this case's applicant or one of its parties, with an audit entry on the case.

    Raises:
        PermissionDenied: *actor* lacks ``screening.review_hit``, or the hit is not this case's.
        screening.services.ReviewError: no decision or no reason (``field`` says which); nothing
            is written.
    """
    if not (isinstance(actor, User) and actor.has_perm(REVIEW_PERMISSION)):
        raise PermissionDenied(_("You may not review screening hits."))
    keys = {s.key for s in case_subjects(application)}
    if hit.screening.subject not in keys:
        raise PermissionDenied(_("This hit is not about this case."))
    with transaction.atomic():
        review = screening_services.hit_review(actor=actor, hit=hit, decision=decision, reason=reason)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=application,
            payload={
                "hit_review": {
                    "subject": hit.screening.subject,
                    "list": hit.source,
                    "ref": hit.ref,
                    "caption": hit.caption,
                    "decision": decision,
                },
                "note": reason.strip(),
            },
        )
    return review


# -- re-screening ---------------------------------------------------------------------------


def permits_subjects() -> Iterator[Subject]:
    """The subjects re-screened after a list change (registered as provider ``"permits"``): the
    applicant and the parties of every open case (:data:`~permits.models.OPEN_STATUSES`) and of
    every application whose licence is in force (granted or suspended).

    ``notify``: the case manager when there is one; ``url``: the case page; ``label``:
    ``"<reference> – <role>: <name>"``. An organisation with several such cases is one subject
    (screened once), labelled with every reference, whose ``notify`` holds every case manager and
    whose ``url`` is its first case's page. Two queries, whatever the number of cases.
    """
    applications = (
        Application.objects.filter(status__in=[*OPEN_STATUSES, *LICENCE_STATUSES])
        .select_related("organisation")
        .prefetch_related("parties")
        .order_by("pk")
    )
    organisations: dict[str, tuple[CaseSubject, list[str], list[int], str]] = {}
    for application in applications:
        url = reverse("permits_cases:case", args=[application.pk])
        manager = application.case_manager_id
        applicant, *parties = case_subjects(application, list(application.parties.all()))
        entry = organisations.setdefault(applicant.key, (applicant, [], [], url))
        entry[1].append(application.reference or str(application.pk))
        if manager and manager not in entry[2]:
            entry[2].append(manager)
        for subject in parties:
            yield Subject(
                key=subject.key,
                name=subject.name,
                label=f"{application.reference} – {subject.role_label}: {subject.name}",
                url=url,
                country=subject.country,
                schema="",
                notify=(manager,) if manager else (),
            )
    for applicant, references, managers, url in organisations.values():
        yield Subject(
            key=applicant.key,
            name=applicant.name,
            label=f"{', '.join(references)} – {applicant.role_label}: {applicant.name}",
            url=url,
            country=applicant.country,
            schema="organisation",
            notify=tuple(managers),
        )
