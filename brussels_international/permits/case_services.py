"""Writes of the Permits unit's casework: registrations of applicant organisations, and a licence
application from assignment to the decision and the licence's later life.

Each service runs in one transaction, writes the audit trail in it (child records such as a
request for information carry the application as the audit entry's *target*, so the case
timeline reads one query), moves statuses only through :func:`core.workflow.transition` with
the tables of :mod:`permits.workflow`, keeps the statutory clock (:mod:`permits.clock`) in step,
and tells people through :func:`core.notifications.notify` (in-app row in the transaction, mail
after the commit). Bad input raises ``ValidationError({field: message})`` before anything is
written; a refused move raises :class:`~core.workflow.TransitionError`; a missing permission
:class:`~django.core.exceptions.PermissionDenied`.

The applicant's side (drafts, submission, answers to requests, licence-use reports) lives in
:mod:`permits.application_services`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from brussels_international.core.models import AuditVerb
from brussels_international.core.notifications import notify_many
from brussels_international.core.sequences import sequence_next
from brussels_international.core.services import Actor, audit_record
from brussels_international.core.workflow import TransitionError, transition

from . import clock
from .manifest import licence_type
from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    AssessmentOutcome,
    Authority,
    CaseNote,
    ClassificationStatus,
    Consultation,
    ConsultationAdvice,
    Criterion,
    CriterionAssessment,
    DenialNotification,
    GoodsLine,
    InformationRequest,
    Licence,
    MemberRole,
    Organisation,
    OrganisationStatus,
    Outcome,
    PartyRole,
)
from .selectors import control_list_entry, destinations
from .workflow import (
    APPLICATION_TRANSITIONS,
    ASSESS,
    ORGANISATION_TRANSITIONS,
    case_manager,
)

S = ApplicationStatus

ASSIGN = "permits.assign_application"
LICENCE_SEQUENCE = "permits.licence"
"""Sequence key of licence numbers ``BRU/<year>/<nnnnn>``."""
DENIAL_SEQUENCE = "permits.denial"
"""Sequence key of denial references ``BE-BRU-<year>-<nnnn>``."""

CLASSIFIABLE = (S.INITIAL_CHECKS, S.UNDER_ASSESSMENT)
"""Statuses in which the unit confirms or corrects the control list entries of the goods."""
ASSESSABLE = (S.UNDER_ASSESSMENT, S.CONSULTATION)
"""Statuses in which the criteria are assessed."""
REQUESTABLE = (S.INITIAL_CHECKS, S.UNDER_ASSESSMENT)
"""Statuses from which a request for information may go out."""


# --- helpers ---------------------------------------------------------------------------------


def _today() -> dt.date:
    """Today in Europe/Brussels (``TIME_ZONE``)."""
    return timezone.localdate()


def add_months(start: dt.date, months: int) -> dt.date:
    """*start* plus *months* calendar months; the day is clamped to the end of a shorter month
    (31 January + 1 month = 28 or 29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _require(actor: Actor, permission: str, message: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied(message)


def _officer(actor: Actor) -> User:
    """*actor* as an officer of the unit (``permits.assess_application``)."""
    if not isinstance(actor, User) or not actor.has_perm(ASSESS):
        raise PermissionDenied(_("You are not allowed to manage licence cases."))
    return actor


def _lock(application: Application) -> Application:
    """The row of *application*, locked until the end of the caller's transaction."""
    return Application.objects.select_for_update(of=("self",)).select_related("deadline").get(pk=application.pk)


def _moved(obj: Any) -> Application:
    assert isinstance(obj, Application)
    return obj


def _members(organisation_id: int, *, administrators_only: bool = False) -> list[User]:
    users = User.objects.filter(permits_membership__organisation_id=organisation_id, is_active=True)
    if administrators_only:
        users = users.filter(permits_membership__role=MemberRole.ADMINISTRATOR)
    return list(users.order_by("pk"))


def _portal_url(name: str, *args: Any) -> str:
    """The applicant portal's address *name* (namespace ``portal``), or ``""`` while the portal
    has no such page: the notification then opens nothing, the mail still says what happened."""
    try:
        return reverse(f"portal:{name}", args=args)
    except NoReverseMatch:
        return ""


def _case_url(application: Application) -> str:
    return reverse("permits_cases:case", args=[application.pk])


def _tell_applicant(actor: Actor, application: Application, kind: str, context: dict[str, Any]) -> None:
    notify_many(
        recipients=_members(application.organisation_id),
        kind=kind,
        context={"application": application, **context},
        url=_portal_url("application", application.pk),
        actor=actor,
        obj=application,
    )


def _required_text(errors: dict[str, str], field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- organisations ---------------------------------------------------------------------------


def _organisation_move(
    *, actor: Actor, organisation: Organisation, to: str, reason: str, reason_required: bool, kind: str
) -> Organisation:
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationError({"reason": _("Give the reason: the organisation's administrators receive it.")})
    with transaction.atomic():
        locked = transition(actor=actor, obj=organisation, to=to, transitions=ORGANISATION_TRANSITIONS, note=reason)
        assert isinstance(locked, Organisation)
        locked.status_reason = reason if reason_required else ""
        locked.save(update_fields=["status_reason"])
        notify_many(
            recipients=_members(locked.pk, administrators_only=True),
            kind=kind,
            context={"organisation": locked, "reason": reason},
            url=_portal_url("home"),
            actor=actor,
            obj=locked,
        )
    return locked


def organisation_approve(*, actor: Actor, organisation: Organisation, reason: str = "") -> Organisation:
    """Approve a pending registration: the organisation's people may apply from now on.

    Args:
        actor: an officer with ``permits.approve_organisation``.
        reason: optional note kept with the status change.

    Raises:
        TransitionError: the organisation is not pending. PermissionDenied: no permission.

    Source: registration checked and approved by the unit (issue 4; Arrêté of 3 April 2014, Title I).
    """
    return _organisation_move(
        actor=actor,
        organisation=organisation,
        to=OrganisationStatus.APPROVED,
        reason=reason,
        reason_required=False,
        kind="organisation_approved",
    )


def organisation_reject(*, actor: Actor, organisation: Organisation, reason: str) -> Organisation:
    """Reject a pending registration, giving the reason (sent to its administrators).

    Raises:
        ValidationError: ``{"reason": ...}`` blank reason. TransitionError: not pending.
        PermissionDenied: no ``permits.approve_organisation``.
    """
    return _organisation_move(
        actor=actor,
        organisation=organisation,
        to=OrganisationStatus.REJECTED,
        reason=reason,
        reason_required=True,
        kind="organisation_rejected",
    )


def organisation_suspend(*, actor: Actor, organisation: Organisation, reason: str) -> Organisation:
    """Suspend an approved organisation (it may no longer apply), giving the reason.

    Raises:
        ValidationError: ``{"reason": ...}`` blank reason. TransitionError: not approved.
        PermissionDenied: no ``permits.approve_organisation``.
    """
    return _organisation_move(
        actor=actor,
        organisation=organisation,
        to=OrganisationStatus.SUSPENDED,
        reason=reason,
        reason_required=True,
        kind="organisation_suspended",
    )


def organisation_reinstate(*, actor: Actor, organisation: Organisation, reason: str = "") -> Organisation:
    """Lift the suspension of an organisation (back to approved).

    Raises:
        TransitionError: not suspended. PermissionDenied: no ``permits.approve_organisation``.
    """
    return _organisation_move(
        actor=actor,
        organisation=organisation,
        to=OrganisationStatus.APPROVED,
        reason=reason,
        reason_required=False,
        kind="organisation_approved",
    )


# --- assignment and the course of the case ---------------------------------------------------


def case_assign(*, actor: Actor, application: Application, case_manager: User) -> Application:
    """Make *case_manager* responsible for *application* (and for its statutory deadline); a
    submitted case moves to initial checks.

    Args:
        actor: needs ``permits.assign_application`` (and ``permits.assess_application`` to start
            the initial checks of a submitted case).
        case_manager: an active officer holding ``permits.assess_application``.

    Raises:
        PermissionDenied: *actor* may not assign cases.
        ValidationError: ``{"case_manager": ...}`` the person cannot manage cases;
            ``{"__all__": ...}`` the case is closed.
    """
    _require(actor, ASSIGN, _("You are not allowed to assign licence cases."))
    if not case_manager.is_active or not case_manager.has_perm(ASSESS):
        raise ValidationError(
            {"case_manager": _("%(name)s cannot manage licence cases.") % {"name": _name(case_manager)}}
        )
    with transaction.atomic():
        locked = _lock(application)
        if locked.status not in OPEN_STATUSES:
            raise ValidationError(_("Only an open case can be assigned."))
        before = locked.case_manager_id
        locked.case_manager = case_manager
        locked.save(update_fields=["case_manager", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            payload={"changes": {"case_manager": [before, case_manager.pk]}, "case_manager": _name(case_manager)},
        )
        clock.clock_assign(actor=actor, application=locked)
        if locked.status == S.SUBMITTED:
            locked = _moved(
                transition(actor=actor, obj=locked, to=S.INITIAL_CHECKS, transitions=APPLICATION_TRANSITIONS)
            )
        if case_manager.pk != getattr(actor, "pk", None):
            notify_many(
                recipients=[case_manager],
                kind="case_assigned",
                context={"application": locked},
                url=_case_url(locked),
                actor=actor,
                obj=locked,
            )
    return locked


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def case_start_assessment(*, actor: Actor, application: Application) -> Application:
    """Initial checks done: the case is under assessment (``initial_checks → under_assessment``).

    Raises:
        TransitionError: not in initial checks, or *actor* is not the case manager.
        PermissionDenied: no ``permits.assess_application``.
    """
    return _moved(transition(actor=actor, obj=application, to=S.UNDER_ASSESSMENT, transitions=APPLICATION_TRANSITIONS))


def information_request_send(*, actor: Actor, application: Application, question: str) -> InformationRequest:
    """Ask the applicant for information: the case waits for them and the statutory clock stops
    today (Brussels) until they answer (:func:`permits.application_services.information_request_answer`
    restarts it and puts the case back where it was, ``resume_status``).

    Raises:
        ValidationError: ``{"question": ...}`` blank question.
        TransitionError: the case is not in initial checks or under assessment, or *actor* is
            not its case manager. PermissionDenied: no ``permits.assess_application``.
    """
    officer = _officer(actor)
    errors: dict[str, str] = {}
    question = _required_text(errors, "question", question, _("Write the question to the applicant."))
    _raise(errors)
    with transaction.atomic():
        locked = _lock(application)
        if locked.status not in REQUESTABLE:
            raise TransitionError(
                _("A request for information goes out during the initial checks or the assessment only.")
            )
        request = InformationRequest.objects.create(application=locked, question=question, asked_by=officer)
        locked.resume_status = locked.status
        locked.save(update_fields=["resume_status", "updated_at"])
        clock.clock_stop(application=locked, on=_today())
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=request,
            target=locked,
            payload={"question": question, "clock_stopped_on": _today()},
        )
        locked = _moved(
            transition(actor=actor, obj=locked, to=S.WAITING_FOR_APPLICANT, transitions=APPLICATION_TRANSITIONS)
        )
        _tell_applicant(actor, locked, "information_requested", {"request": request})
    return request


def consultation_send(
    *, actor: Actor, application: Application, authority: str, question: str, authority_other: str = ""
) -> Consultation:
    """Ask another authority's advice (Arrêté of 3 April 2014, Title IX): the case goes to
    consultation (or stays there when another authority is already consulted).

    Args:
        authority: a :class:`~permits.models.Authority` value; ``"other"`` needs *authority_other*.

    Raises:
        ValidationError: ``{"authority"|"authority_other"|"question": ...}``.
        TransitionError: the case is not under assessment or in consultation, or *actor* is not
            its case manager. PermissionDenied: no ``permits.assess_application``.
    """
    officer = _officer(actor)
    errors: dict[str, str] = {}
    if authority not in Authority.values:
        errors["authority"] = _("Choose the authority to consult.")
    authority_other = (authority_other or "").strip()
    if authority == Authority.OTHER and not authority_other:
        errors["authority_other"] = _("Name the authority.")
    question = _required_text(errors, "question", question, _("Write the question to the authority."))
    _raise(errors)
    with transaction.atomic():
        locked = _lock(application)
        if locked.status not in (S.UNDER_ASSESSMENT, S.CONSULTATION):
            raise TransitionError(_("Other authorities are consulted during the assessment only."))
        reason = case_manager(locked, actor)
        if reason:
            raise TransitionError(reason)
        consultation = Consultation.objects.create(
            application=locked,
            authority=authority,
            authority_other=authority_other if authority == Authority.OTHER else "",
            question=question,
            asked_by=officer,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=consultation,
            target=locked,
            payload={"authority": authority, "authority_other": authority_other, "question": question},
        )
        if locked.status == S.UNDER_ASSESSMENT:
            transition(actor=actor, obj=locked, to=S.CONSULTATION, transitions=APPLICATION_TRANSITIONS)
    return consultation


def consultation_record_answer(
    *, actor: Actor, consultation: Consultation, advice: str, advice_text: str
) -> Consultation:
    """Record the advice a consulted authority gave.

    Args:
        consultation: an unanswered consultation of a case in status ``consultation`` (a case
            leaves it only once every authority answered, or when the applicant withdraws).
        advice: a :class:`~permits.models.ConsultationAdvice` value.
        advice_text: a summary of the answer, required.

    Raises:
        ValidationError: ``{"advice"|"advice_text": ...}``; ``{"__all__": ...}`` already answered,
            or the case is no longer in consultation (withdrawn). Nothing is stored.
        PermissionDenied: no ``permits.assess_application``.
    """
    officer = _officer(actor)
    errors: dict[str, str] = {}
    if advice not in ConsultationAdvice.values:
        errors["advice"] = _("Choose what the authority advised.")
    advice_text = _required_text(errors, "advice_text", advice_text, _("Summarise the authority's answer."))
    _raise(errors)
    with transaction.atomic():
        application = _lock(consultation.application)
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.answered_at is not None:
            raise ValidationError(_("The answer of this authority is already recorded."))
        if application.status != S.CONSULTATION:
            raise ValidationError(
                _("The case is no longer in consultation (%(status)s): the answer is not recorded.")
                % {"status": application.get_status_display()}
            )
        locked.advice = advice
        locked.advice_text = advice_text
        locked.recorded_by = officer
        locked.answered_at = timezone.now()
        locked.save(update_fields=["advice", "advice_text", "recorded_by", "answered_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            target=application,
            payload={"advice": advice, "advice_text": advice_text},
        )
    return locked


def case_resume_assessment(*, actor: Actor, application: Application) -> Application:
    """Every consulted authority answered: back to the assessment (``consultation → under_assessment``).

    Raises:
        TransitionError: an answer is missing, or *actor* is not the case manager.
    """
    return _moved(transition(actor=actor, obj=application, to=S.UNDER_ASSESSMENT, transitions=APPLICATION_TRANSITIONS))


# --- classification, assessment, notes -------------------------------------------------------


def goods_line_classify(*, actor: Actor, goods_line: GoodsLine, code: str) -> GoodsLine:
    """Confirm (same code as the applicant's) or correct (another code) the control list entry of
    *goods_line*; the licence lists the unit's code.

    Args:
        code: a code of the current control list of one of the licence type's regimes
            (:func:`permits.selectors.control_list_entry`; case ignored, stored as listed).

    Raises:
        ValidationError: ``{"code": ...}`` blank or unknown code; ``{"__all__": ...}`` the case
            is not in initial checks or under assessment.
        PermissionDenied: no ``permits.assess_application``.

    Source: Regulation (EU) 2021/821, Annex I; EU Common Military List (Council, yearly).
    """
    officer = _officer(actor)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("Enter the control list entry.")})
    with transaction.atomic():
        application = _lock(goods_line.application)
        if application.status not in CLASSIFIABLE:
            raise ValidationError(_("Goods are classified during the initial checks or the assessment only."))
        entry = None
        problem: ValidationError | None = None
        for regime in licence_type(application.licence_type).regimes:
            try:
                entry = control_list_entry(code, regime)
                break
            except ValidationError as error:
                problem = problem or error
        if entry is None:
            assert problem is not None
            raise ValidationError({"code": problem.messages[0]})
        line = GoodsLine.objects.select_for_update().get(pk=goods_line.pk)
        before = {"classification_status": line.classification_status, "confirmed_code": line.confirmed_code}
        same = entry.code.casefold() == line.control_code.strip().casefold()
        line.classification_status = ClassificationStatus.CONFIRMED if same else ClassificationStatus.CORRECTED
        line.confirmed_code = entry.code
        line.classified_by = officer
        line.classified_at = timezone.now()
        line.save(update_fields=["classification_status", "confirmed_code", "classified_by", "classified_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=line,
            target=application,
            payload={
                "changes": {
                    "classification_status": [before["classification_status"], line.classification_status],
                    "confirmed_code": [before["confirmed_code"], line.confirmed_code],
                },
                "applicant_code": line.control_code,
            },
        )
    return line


def assessment_record(
    *, actor: Actor, application: Application, country: str, criterion_number: int, outcome: str, note: str
) -> CriterionAssessment:
    """Write (or rewrite) the finding on one criterion for one destination of *application*.

    Args:
        country: a destination (:func:`permits.selectors.destinations`), ISO alpha-2.
        criterion_number: 1 to 8 (a loaded :class:`~permits.models.Criterion`).
        outcome: a :class:`~permits.models.AssessmentOutcome` value.
        note: the reasoning, required.

    Raises:
        ValidationError: ``{"country"|"criterion_number"|"outcome"|"note": ...}``;
            ``{"__all__": ...}`` the case is not under assessment or in consultation.
        PermissionDenied: no ``permits.assess_application``.

    Source: Common Position 2008/944/CFSP, Art. 2 (the eight criteria, applied to every destination).
    """
    officer = _officer(actor)
    errors: dict[str, str] = {}
    country = (country or "").strip().upper()
    criterion = Criterion.objects.filter(number=criterion_number).first()
    if criterion is None:
        errors["criterion_number"] = _("Choose one of the eight criteria.")
    if outcome not in AssessmentOutcome.values:
        errors["outcome"] = _("Choose the finding.")
    note = _required_text(errors, "note", note, _("Write the reasoning of the finding."))
    with transaction.atomic():
        locked = _lock(application)
        if country not in destinations(locked):
            errors["country"] = _("Choose one of the destinations of the application.")
        _raise(errors)
        if locked.status not in ASSESSABLE:
            raise ValidationError(_("The criteria are assessed while the case is under assessment only."))
        assert criterion is not None
        assessment, created = CriterionAssessment.objects.update_or_create(
            application=locked,
            country=country,
            criterion=criterion,
            defaults={"outcome": outcome, "note": note, "assessed_by": officer},
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED if created else AuditVerb.UPDATED,
            obj=assessment,
            target=locked,
            payload={"country": country, "criterion": criterion.number, "outcome": outcome, "note": note},
        )
    return assessment


def case_note_add(*, actor: Actor, application: Application, text: str) -> CaseNote:
    """Add an internal note to the case (never shown to the applicant).

    Raises:
        ValidationError: ``{"text": ...}`` blank. PermissionDenied: no ``permits.assess_application``.
    """
    officer = _officer(actor)
    errors: dict[str, str] = {}
    text = _required_text(errors, "text", text, _("Write the note."))
    _raise(errors)
    with transaction.atomic():
        locked = _lock(application)
        note = CaseNote.objects.create(application=locked, author=officer, text=text)
        audit_record(actor=actor, verb=AuditVerb.CREATED, obj=note, target=locked, payload={"text": text})
    return note


# --- decision --------------------------------------------------------------------------------


def decision_propose(
    *,
    actor: Actor,
    application: Application,
    outcome: str,
    conditions: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    refusal_criteria: Iterable[int] = (),
    refusal_reasons: str = "",
) -> Application:
    """Propose the decision (``under_assessment → decision_proposed``); another officer countersigns.

    Args:
        outcome: ``"grant"`` or ``"refuse"``.
        conditions: a licence's conditions (grant), optional.
        valid_from: first day of validity (grant), default today (Brussels); not in the past.
        valid_until: last day (grant), default and latest *valid_from* + the licence type's
            ``validity_months`` calendar months (:func:`add_months`; :mod:`permits.manifest`).
        refusal_criteria: numbers of the criteria the refusal rests on (refuse), each assessed
            as a ground for refusal (checked by the guard ``proposal_complete``).
        refusal_reasons: the reasons given to the applicant (refuse), required.

    Raises:
        ValidationError: ``{field: ...}`` on the fields above.
        TransitionError: the case is incomplete (every goods line classified, every destination
            assessed on the eight criteria: :func:`permits.selectors.proposal_problems`), not
            under assessment, or *actor* is not its case manager.

    Source: Common Position 2008/944/CFSP, Art. 2 and Art. 4(1).
    """
    officer = _officer(actor)
    errors: dict[str, str] = {}
    criteria: list[int] = []
    today = _today()
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose to grant or to refuse.")
    elif outcome == Outcome.GRANT:
        valid_from = valid_from or today
        if valid_from < today:
            errors["valid_from"] = _("A licence cannot start in the past.")
        months = licence_type(application.licence_type).validity_months
        longest = add_months(valid_from, months)
        if valid_until is None:
            valid_until = longest
        elif valid_until < valid_from:
            errors["valid_until"] = _("The licence must end after it starts.")
        elif valid_until > longest:
            errors["valid_until"] = _(
                "A licence of this type is valid for at most %(months)s months: its last day is %(date)s at the latest."
            ) % {"months": months, "date": date_format(longest, "DATE_FORMAT")}
        refusal_reasons = ""
    else:
        try:
            criteria = sorted({int(number) for number in refusal_criteria})
        except (TypeError, ValueError):
            criteria = []
        if not criteria:
            errors["refusal_criteria"] = _("Choose the criteria the refusal rests on.")
        elif not set(criteria) <= set(Criterion.objects.values_list("number", flat=True)):
            errors["refusal_criteria"] = _("Choose among the eight criteria.")
        refusal_reasons = _required_text(
            errors, "refusal_reasons", refusal_reasons, _("Write the reasons of the refusal.")
        )
        conditions, valid_from, valid_until = "", None, None
    _raise(errors)
    with transaction.atomic():
        locked = _lock(application)
        locked.proposed_outcome = outcome
        locked.proposed_by = officer
        locked.proposed_at = timezone.now()
        locked.proposed_conditions = (conditions or "").strip()
        locked.proposed_valid_from = valid_from
        locked.proposed_valid_until = valid_until
        locked.refusal_criteria = criteria
        locked.refusal_reasons = refusal_reasons
        locked.countersigned_by = None
        locked.countersigned_at = None
        locked.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            payload={
                "proposal": {
                    "outcome": outcome,
                    "conditions": locked.proposed_conditions,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "refusal_criteria": criteria,
                    "refusal_reasons": refusal_reasons,
                }
            },
        )
        locked = _moved(
            transition(actor=actor, obj=locked, to=S.DECISION_PROPOSED, transitions=APPLICATION_TRANSITIONS)
        )
    return locked


def decision_countersign(*, actor: Actor, application: Application) -> Application:
    """Countersign the proposed decision (four eyes: the officer who proposed it or assessed the
    case cannot).

    Raises:
        TransitionError: not proposed, or *actor* proposed or assessed it.
        PermissionDenied: no ``permits.countersign_application``.
    """
    with transaction.atomic():
        locked = _moved(
            transition(actor=actor, obj=application, to=S.COUNTERSIGNED, transitions=APPLICATION_TRANSITIONS)
        )
        locked.countersigned_by = actor if isinstance(actor, User) else None
        locked.countersigned_at = timezone.now()
        locked.save(update_fields=["countersigned_by", "countersigned_at", "updated_at"])
    return locked


def decision_send_back(*, actor: Actor, application: Application, reason: str) -> Application:
    """Send the proposal back to the case manager (``decision_proposed → under_assessment``).

    Raises:
        ValidationError: ``{"reason": ...}`` blank. TransitionError: not proposed.
        PermissionDenied: no ``permits.countersign_application``.
    """
    errors: dict[str, str] = {}
    reason = _required_text(errors, "reason", reason, _("Say what must be reviewed."))
    _raise(errors)
    with transaction.atomic():
        locked = _moved(
            transition(
                actor=actor, obj=application, to=S.UNDER_ASSESSMENT, transitions=APPLICATION_TRANSITIONS, note=reason
            )
        )
        manager = locked.case_manager
        if manager is not None and manager.pk != getattr(actor, "pk", None):
            notify_many(
                recipients=[manager],
                kind="decision_sent_back",
                context={"application": locked, "reason": reason},
                url=_case_url(locked),
                actor=actor,
                obj=locked,
            )
    return locked


def _names(parties: Sequence[Any], role: str) -> str:
    return "; ".join(p.name for p in parties if p.role == role)[:200]


def decision_issue(*, actor: Actor, application: Application) -> Licence | DenialNotification:
    """Issue the countersigned decision: a licence, or a refusal with its denial notification.

    Grant (``countersigned → granted``): a :class:`Licence` numbered ``BRU/<year>/<nnnnn>``
    (gap-free per year of issue, :func:`core.sequences.sequence_next`), valid on the proposed
    dates, with the proposed conditions. Refusal (``countersigned → refused``): a
    :class:`DenialNotification` ``BE-BRU-<year>-<nnnn>`` naming the destination, the consignee
    and end-user, the goods and their control list entries, the criteria and the reasons
    (Common Position 2008/944/CFSP, Art. 4(1); Regulation (EU) 2021/821, Art. 16(5)). Either
    way the decision date is stamped, the statutory deadline is met and the applicant's people
    are told.

    "Decide" sent twice (a double click, two officers): the first call locks the case row; the
    second waits for it, then finds the case decided and raises :class:`TransitionError`;
    the one-to-one link of the licence and of the denial to the application is the last guard.

    Raises:
        TransitionError: not countersigned, or already decided.
        PermissionDenied: no ``permits.decide_application``.
    """
    with transaction.atomic():
        current = _lock(application)
        if current.status in (S.GRANTED, S.REFUSED, S.SUSPENDED, S.REVOKED, S.EXPIRED):
            raise TransitionError(
                _("The decision on %(reference)s was already issued.") % {"reference": current.reference}
            )
        target = S.GRANTED if current.proposed_outcome == Outcome.GRANT else S.REFUSED
        locked = _moved(transition(actor=actor, obj=current, to=target, transitions=APPLICATION_TRANSITIONS))
        now = timezone.now()
        today = timezone.localdate(now)
        decision: Licence | DenialNotification
        if target == S.GRANTED:
            assert locked.proposed_valid_from is not None and locked.proposed_valid_until is not None
            number = sequence_next(key=LICENCE_SEQUENCE, year=today.year)
            decision = Licence.objects.create(
                application=locked,
                number=f"BRU/{today.year}/{number:05d}",
                issued_at=now,
                valid_from=locked.proposed_valid_from,
                valid_until=locked.proposed_valid_until,
                conditions=locked.proposed_conditions,
            )
            reference = decision.number
        else:
            parties = list(locked.parties.all())
            goods = list(locked.goods_lines.all())
            countries = [p.country for p in parties if p.role == PartyRole.END_USER] or destinations(locked)
            number = sequence_next(key=DENIAL_SEQUENCE, year=today.year)
            decision = DenialNotification.objects.create(
                application=locked,
                reference=f"BE-BRU-{today.year}-{number:04d}",
                destination=countries[0] if countries else "",
                consignee=_names(parties, PartyRole.CONSIGNEE),
                end_user=_names(parties, PartyRole.END_USER),
                goods="\n".join(f"{line.description} ({line.quantity} {line.get_unit_display()})" for line in goods),
                control_codes=", ".join(sorted({line.code for line in goods if line.code}))[:500],
                criteria=list(locked.refusal_criteria or []),
                reasons=locked.refusal_reasons,
                denied_on=today,
            )
            reference = decision.reference
        locked.decided_at = now
        locked.save(update_fields=["decided_at", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=decision,
            target=locked,
            payload={"outcome": locked.proposed_outcome, "reference": reference},
        )
        clock.clock_finish(actor=actor, application=locked, note=reference)
        _tell_applicant(actor, locked, "decision_issued", {"decision": decision, "reference": reference})
    return decision


# --- the licence's later life ----------------------------------------------------------------


def _licence_move(*, actor: Actor, application: Application, to: str, reason: str) -> Application:
    errors: dict[str, str] = {}
    reason = _required_text(errors, "reason", reason, _("Give the reason: the licence holder receives it."))
    _raise(errors)
    with transaction.atomic():
        locked = _moved(
            transition(actor=actor, obj=application, to=to, transitions=APPLICATION_TRANSITIONS, note=reason)
        )
        _tell_applicant(actor, locked, "licence_status_changed", {"reason": reason})
    return locked


def licence_suspend(*, actor: Actor, application: Application, reason: str) -> Application:
    """Suspend the licence of a granted application (``granted → suspended``).

    Raises:
        ValidationError: ``{"reason": ...}`` blank. TransitionError: not granted.
        PermissionDenied: no ``permits.decide_application``.

    Source: Arrêté of 3 April 2014, Title V (suspension, withdrawal, limitation of licences).
    """
    return _licence_move(actor=actor, application=application, to=S.SUSPENDED, reason=reason)


def licence_lift_suspension(*, actor: Actor, application: Application, reason: str) -> Application:
    """Lift a licence's suspension (``suspended → granted``).

    Raises:
        ValidationError: ``{"reason": ...}`` blank. TransitionError: not suspended.
        PermissionDenied: no ``permits.decide_application``.
    """
    return _licence_move(actor=actor, application=application, to=S.GRANTED, reason=reason)


def licence_revoke(*, actor: Actor, application: Application, reason: str) -> Application:
    """Revoke a granted or suspended licence (``→ revoked``; final).

    Raises:
        ValidationError: ``{"reason": ...}`` blank. TransitionError: not granted or suspended.
        PermissionDenied: no ``permits.decide_application``.

    Source: Arrêté of 3 April 2014, Title V.
    """
    return _licence_move(actor=actor, application=application, to=S.REVOKED, reason=reason)


def licences_expire(*, today: dt.date | None = None) -> list[str]:
    """Expire (system move) every granted or suspended licence whose last valid day is before
    *today* (default: today in Brussels). Each case moves in its own transaction, so one
    failure does not hold back the others; running twice does nothing more.

    Returns:
        The references of the applications expired, in order of their licence's end.
    """
    today = today or _today()
    due = (
        Application.objects.filter(status__in=(S.GRANTED, S.SUSPENDED), licence__valid_until__lt=today)
        .order_by("licence__valid_until", "pk")
        .only("pk", "status", "reference")
    )
    expired = []
    for application in due:
        with transaction.atomic():
            try:
                transition(
                    actor=None,
                    obj=application,
                    to=S.EXPIRED,
                    transitions=APPLICATION_TRANSITIONS,
                    note=_("The licence's validity ended."),
                    system=True,
                )
            except TransitionError:  # moved meanwhile (revoked, expired by a parallel run)
                continue
        expired.append(str(application.reference))
    return expired
