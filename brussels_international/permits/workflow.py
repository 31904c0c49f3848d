"""The status graphs of the permits module, written down in full (``core.workflow``).

``ORGANISATION_TRANSITIONS``: pending → approved or rejected; approved ⇄ suspended.

``APPLICATION_TRANSITIONS``::

    draft → submitted → initial_checks → under_assessment → decision_proposed → countersigned
                                                                                 → granted / refused
    initial_checks, under_assessment ⇄ waiting_for_applicant   (request for information: clock stopped)
    under_assessment ⇄ consultation                            (advice of another authority)
    decision_proposed → under_assessment                       (sent back by the countersigning officer)
    any open status → withdrawn                                (by the applicant)
    granted ⇄ suspended; granted, suspended → revoked; granted, suspended → expired (system)

Moves that come with data (a request for information, a consultation, a proposal, a decision)
are made by the services of :mod:`permits.case_services` and :mod:`permits.application_services`,
which write the data and call :func:`core.workflow.transition` in one transaction; the guards
below check, on the locked row, that the data is there.

Permissions (``core.groups``): the Permits unit holds ``assess_application``,
``countersign_application``, ``decide_application``, ``assign_application`` and
``approve_organisation``. Applicants are not staff: their moves are :data:`ANYONE` with a guard
that requires membership of the applying organisation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brussels_international.core.workflow import ANYONE, Transition

from .models import ApplicationStatus as S
from .models import OrganisationStatus, Outcome

ASSESS = "permits.assess_application"
COUNTERSIGN = "permits.countersign_application"
DECIDE = "permits.decide_application"
APPROVE = "permits.approve_organisation"


def is_member(application: Any, actor: Any) -> bool:
    """Whether *actor* is a portal user of the application's organisation."""
    membership = getattr(actor, "permits_membership", None) if actor is not None else None
    return membership is not None and membership.organisation_id == application.organisation_id


def applicant_member(application: Any, actor: Any) -> str | None:
    """Only a member of the applying organisation acts for the applicant."""
    if is_member(application, actor):
        return None
    return _("Only the applicant organisation's people can do this.")


def _is_case_manager(application: Any, actor: Any) -> bool:
    return actor is not None and (actor.is_superuser or application.case_manager_id == actor.pk)


def case_manager(application: Any, actor: Any) -> str | None:
    """Only the case manager moves the case through checks and assessment."""
    if application.case_manager_id is None:
        return _("Assign a case manager first.")
    if _is_case_manager(application, actor):
        return None
    return _("Only the case manager can do this.")


def has_case_manager(application: Any, actor: Any) -> str | None:
    """Initial checks start once a case manager is assigned."""
    if application.case_manager_id is None:
        return _("Assign a case manager first.")
    return None


def open_request(application: Any, actor: Any) -> str | None:
    """The case waits for the applicant only while a request for information is open."""
    reason = case_manager(application, actor)
    if reason:
        return reason
    if not application.information_requests.filter(answered_at__isnull=True).exists():
        return _("Write the request for information first.")
    return None


def _answered_back_to(target: str) -> Any:
    def guard(application: Any, actor: Any) -> str | None:
        if application.information_requests.filter(answered_at__isnull=True).exists():
            return _("The request for information has not been answered yet.")
        if application.resume_status != target:
            return _("The case goes back to “%(status)s”.") % {"status": application.get_resume_status_display()}
        if is_member(application, actor) or _is_case_manager(application, actor):
            return None
        return _("Only the applicant or the case manager can do this.")

    guard.__doc__ = f"Every request is answered and the case was in {target!r} before it."
    return guard


def open_consultation(application: Any, actor: Any) -> str | None:
    """The case is in consultation only while some authority's advice is awaited."""
    reason = case_manager(application, actor)
    if reason:
        return reason
    if not application.consultations.filter(answered_at__isnull=True).exists():
        return _("Write the consultation first.")
    return None


def consultations_answered(application: Any, actor: Any) -> str | None:
    """Assessment resumes once every consulted authority has answered."""
    reason = case_manager(application, actor)
    if reason:
        return reason
    if application.consultations.filter(answered_at__isnull=True).exists():
        return _("Record the answer of every consulted authority first.")
    return None


def proposal_complete(application: Any, actor: Any) -> str | None:
    """A decision is proposed by the case manager once every goods line is classified and every
    destination is assessed against the eight criteria; a refusal names its criteria
    (Common Position 2008/944/CFSP, Art. 2 and Art. 4(1))."""
    reason = case_manager(application, actor)
    if reason:
        return reason
    from .selectors import proposal_problems  # the rules of completeness live with the reads

    problems = proposal_problems(application)
    if problems:
        return problems[0]
    return None


def four_eyes(application: Any, actor: Any) -> str | None:
    """The person who proposed the decision or assessed the case cannot countersign it."""
    if actor is None:
        return _("Only an officer can countersign.")
    if application.proposed_by_id == actor.pk or application.assessments.filter(assessed_by=actor).exists():
        return _("You assessed this case: another officer must countersign it (four-eyes principle).")
    return None


def _outcome(expected: str) -> Any:
    def guard(application: Any, actor: Any) -> str | None:
        if application.proposed_outcome != expected:
            return _("The countersigned decision is not this one.")
        return None

    guard.__doc__ = f"The countersigned proposal is {expected!r}."
    return guard


ORGANISATION_TRANSITIONS = (
    Transition(OrganisationStatus.PENDING, OrganisationStatus.APPROVED, APPROVE, label=gettext_lazy("Approve")),
    Transition(OrganisationStatus.PENDING, OrganisationStatus.REJECTED, APPROVE, label=gettext_lazy("Reject")),
    Transition(OrganisationStatus.APPROVED, OrganisationStatus.SUSPENDED, APPROVE, label=gettext_lazy("Suspend")),
    Transition(OrganisationStatus.SUSPENDED, OrganisationStatus.APPROVED, APPROVE, label=gettext_lazy("Reinstate")),
)

_WITHDRAWABLE = (
    S.SUBMITTED,
    S.INITIAL_CHECKS,
    S.UNDER_ASSESSMENT,
    S.WAITING_FOR_APPLICANT,
    S.CONSULTATION,
    S.DECISION_PROPOSED,
)

APPLICATION_TRANSITIONS = (
    Transition(S.DRAFT, S.SUBMITTED, ANYONE, applicant_member, label=gettext_lazy("Submit")),
    Transition(S.SUBMITTED, S.INITIAL_CHECKS, ASSESS, has_case_manager, label=gettext_lazy("Start initial checks")),
    Transition(S.INITIAL_CHECKS, S.UNDER_ASSESSMENT, ASSESS, case_manager, label=gettext_lazy("Start assessment")),
    Transition(
        S.INITIAL_CHECKS, S.WAITING_FOR_APPLICANT, ASSESS, open_request, label=gettext_lazy("Ask for information")
    ),
    Transition(
        S.UNDER_ASSESSMENT, S.WAITING_FOR_APPLICANT, ASSESS, open_request, label=gettext_lazy("Ask for information")
    ),
    Transition(
        S.WAITING_FOR_APPLICANT,
        S.INITIAL_CHECKS,
        ANYONE,
        _answered_back_to(S.INITIAL_CHECKS),
        label=gettext_lazy("Resume"),
    ),
    Transition(
        S.WAITING_FOR_APPLICANT,
        S.UNDER_ASSESSMENT,
        ANYONE,
        _answered_back_to(S.UNDER_ASSESSMENT),
        label=gettext_lazy("Resume"),
    ),
    Transition(S.UNDER_ASSESSMENT, S.CONSULTATION, ASSESS, open_consultation, label=gettext_lazy("Consult")),
    Transition(
        S.CONSULTATION, S.UNDER_ASSESSMENT, ASSESS, consultations_answered, label=gettext_lazy("Resume assessment")
    ),
    Transition(
        S.UNDER_ASSESSMENT, S.DECISION_PROPOSED, ASSESS, proposal_complete, label=gettext_lazy("Propose the decision")
    ),
    Transition(S.DECISION_PROPOSED, S.UNDER_ASSESSMENT, COUNTERSIGN, label=gettext_lazy("Send back")),
    Transition(S.DECISION_PROPOSED, S.COUNTERSIGNED, COUNTERSIGN, four_eyes, label=gettext_lazy("Countersign")),
    Transition(S.COUNTERSIGNED, S.GRANTED, DECIDE, _outcome(Outcome.GRANT), label=gettext_lazy("Issue the licence")),
    Transition(S.COUNTERSIGNED, S.REFUSED, DECIDE, _outcome(Outcome.REFUSE), label=gettext_lazy("Send the refusal")),
    *(Transition(s, S.WITHDRAWN, ANYONE, applicant_member, label=gettext_lazy("Withdraw")) for s in _WITHDRAWABLE),
    Transition(S.GRANTED, S.SUSPENDED, DECIDE, label=gettext_lazy("Suspend the licence")),
    Transition(S.SUSPENDED, S.GRANTED, DECIDE, label=gettext_lazy("Lift the suspension")),
    Transition(S.GRANTED, S.REVOKED, DECIDE, label=gettext_lazy("Revoke the licence")),
    Transition(S.SUSPENDED, S.REVOKED, DECIDE, label=gettext_lazy("Revoke the licence")),
    Transition(S.GRANTED, S.EXPIRED, None, label=gettext_lazy("Expire")),
    Transition(S.SUSPENDED, S.EXPIRED, None, label=gettext_lazy("Expire")),
)
"""The status graph of a licence application (see the module docstring)."""
