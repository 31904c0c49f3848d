"""Workspace screens of the Permits unit's casework (``/admin/licensing/``, namespace
``permits_cases``): the case queue, the case page with its actions, the confirmation before a
decision is issued, the applicant organisations, the denial records and their CSV export.

Every screen checks on the server that the user may see what it shows: the lists need the
view permission (others are sent back to the workspace home, as elsewhere in the workspace); a
case or an organisation the user may not open answers 404
(:func:`permits.selectors.applications_visible_to`, :func:`permits.kinds.organisations_visible_to`).
Changes go through :mod:`permits.case_services`; every form posts, then redirects (POST-redirect-GET).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from brussels_international.core.workflow import TransitionError, available_transitions
from brussels_international.screening.selectors import hit_get
from brussels_international.screening.services import ReviewError

from . import case_services as services
from .case_forms import (
    AssessmentForm,
    AssignForm,
    ClassifyForm,
    ConsultationAnswerForm,
    ConsultationForm,
    HitReviewForm,
    InformationRequestForm,
    NoteForm,
    ProposalForm,
    ReasonForm,
)
from .case_selectors import QUEUE_KEYS, QUEUES, case_queue, case_timeline, days_left, denial_records, registrations
from .kinds import organisations_visible_to
from .manifest import LICENCE_TYPES
from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Criterion,
    Organisation,
    OrganisationStatus,
)
from .screening import REVIEW_PERMISSION, case_hit_review, case_screen_again
from .screening_selectors import case_screening, destination_checks, screening_problems
from .selectors import applications_visible_to, destinations, proposal_problems
from .workflow import APPLICATION_TRANSITIONS, ORGANISATION_TRANSITIONS, case_manager, four_eyes

S = ApplicationStatus
PAGE_SIZE = 25
VIEW_CASES = "permits.view_application"
VIEW_ORGANISATIONS = "permits.view_organisation"
VIEW_DENIALS = "permits.view_denialnotification"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # workspace URLs require a signed-in user
    return user


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on *form*, on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _licence_type_name(key: str) -> str:
    spec = LICENCE_TYPES.get(key)
    return str(spec.name) if spec else key


def _due_label(due: Any, today: Any) -> dict[str, Any]:
    left = days_left(due, today)
    overdue = left is not None and left < 0
    return {"due": due, "days_left": left, "overdue": overdue, "days_late": -left if overdue and left else 0}


class _Screen(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "folder-open-inverse"
    permission = VIEW_CASES

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def crumbs(self, *items: tuple[str, str]) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, *({"url": url, "label": label} for url, label in items)]


# --- queue -----------------------------------------------------------------------------------


class QueueView(_Screen):
    """The unit's cases by tab (:data:`case_selectors.QUEUES`), 25 a page, by decision due date."""

    template_name = "permits/cases/queue.html"
    page_title = gettext_lazy("Licensing")

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs(("", str(self.page_title)))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        key = self.request.GET.get("queue", "")
        if key not in QUEUE_KEYS:
            key = "mine" if self.request.user.has_perm("permits.assess_application") else "open"
        page = Paginator(case_queue(self.request.user, key), PAGE_SIZE).get_page(self.request.GET.get("p"))
        today = timezone.localdate()
        rows = [
            {
                "case": case,
                "licence_type": _licence_type_name(case.licence_type),
                **_due_label(case.due_date if case.status in OPEN_STATUSES else None, today),
            }
            for case in page.object_list
        ]
        context.update(
            page=page,
            rows=rows,
            queue=key,
            queues=QUEUES,
            queue_label=next(str(q.label) for q in QUEUES if q.key == key),
            can_see_organisations=self.request.user.has_perm(VIEW_ORGANISATIONS),
            can_see_denials=self.request.user.has_perm(VIEW_DENIALS),
        )
        return context


# --- case page -------------------------------------------------------------------------------

ACTION_FORMS = ("assign", "rfi", "consult", "advice", "classify", "assess", "note", "propose", "send_back")
"""The case page's forms, by the ``action`` value they post (and their context name ``<action>_form``)."""

REASON_ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "send_back": (services.decision_send_back, gettext_lazy("The proposal is sent back to the case manager.")),
    "suspend": (services.licence_suspend, gettext_lazy("The licence is suspended.")),
    "lift": (services.licence_lift_suspension, gettext_lazy("The suspension of the licence is lifted.")),
    "revoke": (services.licence_revoke, gettext_lazy("The licence is revoked.")),
}
SIMPLE_ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "start_assessment": (services.case_start_assessment, gettext_lazy("The assessment has started.")),
    "resume": (services.case_resume_assessment, gettext_lazy("Back to the assessment.")),
    "countersign": (services.decision_countersign, gettext_lazy("The proposed decision is countersigned.")),
    "screen_again": (case_screen_again, gettext_lazy("The applicant and the parties are screened again.")),
}
LICENCE_ACTIONS = {S.SUSPENDED: "suspend", S.REVOKED: "revoke"}


class RevokeForm(ReasonForm):
    confirm = forms.BooleanField(label=gettext_lazy("I confirm that the licence is revoked: this cannot be undone."))


def _visible_case(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        applications_visible_to(request.user).select_related(
            "organisation", "case_manager", "deadline", "proposed_by", "countersigned_by", "licence", "denial"
        ),
        pk=pk,
    )


def _optional(application: Application, name: str) -> Any:
    try:
        return getattr(application, name)
    except Exception:  # RelatedObjectDoesNotExist: no licence or denial yet
        return None


class CaseView(_Screen):
    """A case: facts, applicant, parties, screening, goods, documents, assessment grid, requests,
    consultations, notes, proposal and decision buttons, timeline."""

    template_name = "permits/cases/case.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(VIEW_CASES):
            raise Http404
        self.application = _visible_case(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(self.application)

    def get_page_subtitle(self) -> str:
        return self.application.organisation.name

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs((reverse("permits_cases:queue"), _("Licensing")), ("", str(self.application)))

    def _forms(self, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
        application = self.application
        criteria = self.criteria
        made: dict[str, Callable[[], forms.Form]] = {
            "assign": lambda: AssignForm(initial={"case_manager": application.case_manager_id}),
            "rfi": InformationRequestForm,
            "consult": ConsultationForm,
            "advice": lambda: ConsultationAnswerForm(application=application),
            "classify": lambda: ClassifyForm(application=application),
            "assess": lambda: AssessmentForm(countries=self.countries, criteria=criteria),
            "note": NoteForm,
            "propose": lambda: ProposalForm(criteria=criteria, initial=self._proposal_initial()),
            "send_back": lambda: ReasonForm(prefix="send_back"),
            "suspend": lambda: ReasonForm(prefix="suspend"),
            "lift": lambda: ReasonForm(prefix="lift"),
            "revoke": lambda: RevokeForm(prefix="revoke"),
        }
        return {name: bound.get(name) or build() for name, build in made.items()}

    def _proposal_initial(self) -> dict[str, Any]:
        a = self.application
        return {
            "outcome": a.proposed_outcome or None,
            "conditions": a.proposed_conditions,
            "valid_from": a.proposed_valid_from,
            "valid_until": a.proposed_valid_until,
            "refusal_criteria": a.refusal_criteria,
            "refusal_reasons": a.refusal_reasons,
        }

    @property
    def criteria(self) -> list[Criterion]:
        if not hasattr(self, "_criteria"):
            self._criteria = list(Criterion.objects.order_by("number"))
        return self._criteria

    @property
    def parties(self) -> list[Any]:
        if not hasattr(self, "_parties"):
            self._parties = list(self.application.parties.all())
        return self._parties

    @property
    def countries(self) -> list[tuple[str, str]]:
        found = sorted(
            {p.country for p in self.parties if p.role in ("consignee", "end_user") and p.country}
        )  # as selectors.destinations, without a second query
        return [(code, code) for code in found]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = _user(self.request)
        a = self.application
        today = timezone.localdate()
        moves = {move.target for move in available_transitions(a, actor=user, transitions=APPLICATION_TRANSITIONS)}
        assess = user.has_perm("permits.assess_application")
        is_manager = assess and case_manager(a, user) is None
        goods = list(a.goods_lines.select_related("classified_by"))
        assessments = {(x.country, x.criterion_id): x for x in a.assessments.select_related("assessed_by", "criterion")}
        grid = [
            {"criterion": c, "cells": [assessments.get((country, c.pk)) for country, _label in self.countries]}
            for c in self.criteria
        ]
        requests = list(a.information_requests.select_related("asked_by", "answered_by"))
        consultations = list(a.consultations.select_related("asked_by", "recorded_by"))
        open_consultations = [c for c in consultations if c.answered_at is None]
        bound = {
            name: kwargs[f"{name}_form"]
            for name in (*ACTION_FORMS, "suspend", "lift", "revoke")
            if kwargs.get(f"{name}_form")
        }
        criterion_1 = {
            x.country for x in assessments.values() if x.criterion.number == 1 and x.outcome != "refusal_ground"
        }
        screening_rows = case_screening(a, self.parties)
        checks = destination_checks(a, [code for code, _label in self.countries], today)
        can_propose = is_manager and a.status == S.UNDER_ASSESSMENT
        can_review = user.has_perm(REVIEW_PERMISSION)
        if can_review:
            bound_review = kwargs.get("review_form")
            for row in screening_rows:
                for hit_row in row.unreviewed:
                    prefix = f"review-{hit_row.hit.pk}"
                    use_bound = bound_review is not None and bound_review.prefix == prefix
                    hit_row.form = bound_review if use_bound else HitReviewForm(prefix=prefix)
        countersign_refusal = None
        if a.status == S.DECISION_PROPOSED and user.has_perm("permits.countersign_application"):
            countersign_refusal = four_eyes(a, user)
        context.update(
            application=a,
            licence_type=LICENCE_TYPES.get(a.licence_type),
            due=_due_label(a.due_date if a.status in OPEN_STATUSES else None, today),
            licence=_optional(a, "licence"),
            denial=_optional(a, "denial"),
            parties=self.parties,
            goods=goods,
            countries=[code for code, _label in self.countries],
            grid=grid,
            requests=requests,
            consultations=consultations,
            notes=list(a.notes.select_related("author")),
            timeline=self._timeline(),
            forms=self._forms(bound),
            error_form=kwargs.get("error_form"),
            can_assign=user.has_perm(services.ASSIGN) and a.status in OPEN_STATUSES,
            can_start_assessment=a.status == S.INITIAL_CHECKS and S.UNDER_ASSESSMENT in moves,
            can_request=is_manager and a.status in services.REQUESTABLE,
            can_consult=is_manager and a.status in (S.UNDER_ASSESSMENT, S.CONSULTATION),
            can_record_advice=assess and a.status == S.CONSULTATION and bool(open_consultations),
            can_resume=a.status == S.CONSULTATION and S.UNDER_ASSESSMENT in moves,
            can_classify=assess and a.status in services.CLASSIFIABLE and bool(goods),
            can_assess=assess and a.status in services.ASSESSABLE and bool(self.countries),
            can_note=assess,
            can_propose=can_propose,
            proposal_problems=proposal_problems(
                a,
                screening_problems=screening_problems(
                    a,
                    rows=screening_rows,
                    checks=checks,
                    parties=self.parties,
                    assessed_criterion_1=criterion_1,
                ),
            )
            if can_propose
            else [],
            screening_rows=screening_rows,
            destination_checks=checks,
            also_check=checks[0].also_check if checks else [],
            can_review=can_review,
            can_screen_again=assess and a.status != S.DRAFT,
            can_countersign=S.COUNTERSIGNED in moves,
            countersign_refusal=countersign_refusal,
            can_send_back=a.status == S.DECISION_PROPOSED and S.UNDER_ASSESSMENT in moves,
            can_issue=bool({S.GRANTED, S.REFUSED} & moves) and a.status == S.COUNTERSIGNED,
            licence_moves=[LICENCE_ACTIONS[t] for t in (S.SUSPENDED, S.REVOKED) if t in moves]
            + (["lift"] if a.status == S.SUSPENDED and S.GRANTED in moves else []),
        )
        return context

    def _timeline(self) -> list[dict[str, Any]]:
        labels = dict(ApplicationStatus.choices)
        items = []
        for entry in case_timeline(self.application):
            payload = entry.payload or {}
            move = ""
            if "to" in payload and "from" in payload:
                move = f"{labels.get(payload['from'], payload['from'])} → {labels.get(payload['to'], payload['to'])}"
            detail = next(
                (
                    str(payload[key])
                    for key in ("note", "question", "text", "reference", "case_manager", "advice_text")
                    if payload.get(key)
                ),
                "",
            )
            items.append(
                {
                    "when": entry.created_at,
                    "who": entry.actor_label or "—",
                    "what": entry.get_verb_display(),
                    "kind": entry.object_type.name,
                    "object": entry.object_repr,
                    "move": move,
                    "detail": detail,
                }
            )
        return items

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = _user(request)
        a = self.application
        action = request.POST.get("action", "")
        try:
            if action in SIMPLE_ACTIONS:
                service, done = SIMPLE_ACTIONS[action]
                service(actor=user, application=a)
                messages.success(request, str(done))
            elif action in REASON_ACTIONS:
                form = (RevokeForm if action == "revoke" else ReasonForm)(request.POST, prefix=action)
                if not form.is_valid():
                    return self._invalid(action, form)
                service, done = REASON_ACTIONS[action]
                try:
                    service(actor=user, application=a, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    return self._invalid(action, form, error)
                messages.success(request, str(done))
            elif action == "review_hit":
                response = self._review_hit(user)
                if response is not None:
                    return response
            elif action in ACTION_FORMS:
                response = self._form_action(action, user)
                if response is not None:
                    return response
            else:
                raise Http404("Unknown action.")
        except TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You are not allowed to do this."))
        return redirect("permits_cases:case", a.pk)

    def _invalid(self, action: str, form: forms.Form, error: ValidationError | None = None) -> HttpResponse:
        if error is not None:
            _form_errors(form, error)
        return self.render_to_response(
            self.get_context_data(**{f"{action}_form": form, "error_form": form}), status=400
        )

    def _review_hit(self, user: User) -> HttpResponse | None:
        """The review of one screening hit of this case (``review-<hit id>-decision``/``-reason``)."""
        try:
            hit_id = int(self.request.POST.get("hit", ""))
        except ValueError:
            raise Http404("Unknown hit.") from None
        hit = hit_get(hit_id)
        if hit is None:
            raise Http404
        form = HitReviewForm(self.request.POST, prefix=f"review-{hit.pk}")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(review_form=form, error_form=form), status=400)
        try:
            case_hit_review(actor=user, application=self.application, hit=hit, **form.cleaned_data)
        except ReviewError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return self.render_to_response(self.get_context_data(review_form=form, error_form=form), status=400)
        messages.success(self.request, _("The review of the hit is recorded."))
        return None

    def _form_action(self, action: str, user: User) -> HttpResponse | None:
        a = self.application
        post = self.request.POST
        form: forms.Form
        call: Callable[[dict[str, Any]], Any]
        if action == "assign":
            form = AssignForm(post)
            call = lambda d: services.case_assign(actor=user, application=a, case_manager=d["case_manager"])  # noqa: E731
            done = _("Case manager saved.")
        elif action == "rfi":
            form = InformationRequestForm(post)
            call = lambda d: services.information_request_send(actor=user, application=a, question=d["question"])  # noqa: E731
            done = _("The request for information is sent; the clock stands still until the answer.")
        elif action == "consult":
            form = ConsultationForm(post)
            call = lambda d: services.consultation_send(actor=user, application=a, **d)  # noqa: E731
            done = _("The consultation is recorded.")
        elif action == "advice":
            form = ConsultationAnswerForm(post, application=a)
            call = lambda d: services.consultation_record_answer(actor=user, **d)  # noqa: E731
            done = _("The authority's answer is recorded.")
        elif action == "classify":
            form = ClassifyForm(post, application=a)
            call = lambda d: services.goods_line_classify(actor=user, **d)  # noqa: E731
            done = _("The control list entry is saved.")
        elif action == "assess":
            form = AssessmentForm(post, countries=self.countries, criteria=self.criteria)
            call = lambda d: services.assessment_record(actor=user, application=a, **d)  # noqa: E731
            done = _("The finding is saved.")
        elif action == "note":
            form = NoteForm(post)
            call = lambda d: services.case_note_add(actor=user, application=a, text=d["text"])  # noqa: E731
            done = _("The note is added.")
        else:  # propose
            form = ProposalForm(post, criteria=self.criteria)
            call = lambda d: services.decision_propose(actor=user, application=a, **d)  # noqa: E731
            done = _("The decision is proposed; another officer countersigns it.")
        if not form.is_valid():
            return self._invalid(action, form)
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            return self._invalid(action, form, error)
        messages.success(self.request, done)
        return None


class IssueView(_Screen):
    """The confirmation before the countersigned decision is issued (a licence or a refusal)."""

    template_name = "permits/cases/issue.html"
    permission = "permits.decide_application"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(VIEW_CASES):
            raise Http404
        self.application = _visible_case(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Issue the decision on %(reference)s") % {"reference": self.application}

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs(
            (reverse("permits_cases:queue"), _("Licensing")),
            (reverse("permits_cases:case", args=[self.application.pk]), str(self.application)),
            ("", _("Issue the decision")),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        a = self.application
        criteria = {c.number: c for c in Criterion.objects.filter(number__in=a.refusal_criteria or [])}
        context.update(
            application=a,
            ready=a.status == S.COUNTERSIGNED,
            refusal_criteria=[criteria[n] for n in a.refusal_criteria or [] if n in criteria],
            destinations=destinations(a),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            decision = services.decision_issue(actor=_user(request), application=self.application)
        except TransitionError as error:
            messages.error(request, str(error))
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You are not allowed to do this."))
        else:
            reference = getattr(decision, "number", None) or getattr(decision, "reference", "")
            messages.success(request, _("The decision is issued: %(reference)s.") % {"reference": reference})
        return redirect("permits_cases:case", self.application.pk)


# --- organisations ---------------------------------------------------------------------------

ORGANISATION_ACTIONS: dict[str, tuple[str, Callable[..., Organisation], bool]] = {
    "approve": (OrganisationStatus.APPROVED, services.organisation_approve, False),
    "reject": (OrganisationStatus.REJECTED, services.organisation_reject, True),
    "suspend": (OrganisationStatus.SUSPENDED, services.organisation_suspend, True),
    "reinstate": (OrganisationStatus.APPROVED, services.organisation_reinstate, False),
}
"""action → (target status, service, reason required)."""


class OrganisationListView(_Screen):
    """The applicant organisations, pending registrations first, 25 a page."""

    template_name = "permits/cases/organisations.html"
    page_title = gettext_lazy("Applicant organisations")
    permission = VIEW_ORGANISATIONS

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs((reverse("permits_cases:queue"), _("Licensing")), ("", str(self.page_title)))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        organisations = registrations()
        if status in OrganisationStatus.values:
            organisations = organisations.filter(status=status)
        else:
            status = ""
        context.update(
            page=Paginator(organisations, PAGE_SIZE).get_page(self.request.GET.get("p")),
            status=status,
            statuses=OrganisationStatus.choices,
        )
        return context


class OrganisationView(_Screen):
    """An organisation: its details, people, applications, and the approval buttons."""

    template_name = "permits/cases/organisation.html"
    permission = VIEW_ORGANISATIONS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.organisation = get_object_or_404(organisations_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return self.organisation.name

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs(
            (reverse("permits_cases:organisations"), _("Applicant organisations")), ("", self.organisation.name)
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        org = self.organisation
        user = _user(self.request)
        targets = {
            (m.source, m.target) for m in available_transitions(org, actor=user, transitions=ORGANISATION_TRANSITIONS)
        }
        actions = []
        for action, (target, _service, required) in ORGANISATION_ACTIONS.items():
            if (org.status, target) in targets and not (action == "reinstate" and org.status != "suspended"):
                if action == "approve" and org.status != OrganisationStatus.PENDING:
                    continue
                form = kwargs.get("bound") if kwargs.get("bound_action") == action else None
                actions.append(
                    {
                        "action": action,
                        "form": form or ReasonForm(prefix=action, required=required),
                        "label": _label(action),
                    }
                )
        applications = applications_visible_to(user).filter(organisation=org).order_by("-submitted_at", "-pk")
        context.update(
            organisation=org,
            members=list(org.memberships.select_related("user").order_by("role", "user__last_name", "pk")),
            page=Paginator(applications, PAGE_SIZE).get_page(self.request.GET.get("p")),
            actions=actions,
            error_form=kwargs.get("bound"),
            licence_type_names={key: str(spec.name) for key, spec in LICENCE_TYPES.items()},
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        action = request.POST.get("action", "")
        if action not in ORGANISATION_ACTIONS:
            raise Http404("Unknown action.")
        _target, service, required = ORGANISATION_ACTIONS[action]
        form = ReasonForm(request.POST, prefix=action, required=required)
        if form.is_valid():
            try:
                service(actor=_user(request), organisation=self.organisation, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _form_errors(form, error)
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect("permits_cases:organisation", self.organisation.pk)
            except PermissionDenied as error:
                messages.error(request, str(error) or _("You are not allowed to do this."))
                return redirect("permits_cases:organisation", self.organisation.pk)
            else:
                messages.success(request, _("Saved: the organisation's administrators are told."))
                return redirect("permits_cases:organisation", self.organisation.pk)
        return self.render_to_response(self.get_context_data(bound=form, bound_action=action), status=400)


def _label(action: str) -> str:
    return {
        "approve": _("Approve the registration"),
        "reject": _("Reject the registration"),
        "suspend": _("Suspend the organisation"),
        "reinstate": _("Lift the suspension"),
    }[action]


# --- denial records --------------------------------------------------------------------------

CSV_HEADER = (
    "reference",
    "denied_on",
    "destination",
    "consignee",
    "end_user",
    "goods",
    "control_list_entries",
    "criteria",
    "reasons",
    "application",
)


class DenialListView(_Screen):
    """The denial notifications (refusals to exchange with the other member states), 25 a page."""

    template_name = "permits/cases/denials.html"
    page_title = gettext_lazy("Denial records")
    permission = VIEW_DENIALS

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs((reverse("permits_cases:queue"), _("Licensing")), ("", str(self.page_title)))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page"] = Paginator(denial_records(), PAGE_SIZE).get_page(self.request.GET.get("p"))
        return context


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection")."""


def csv_cell(value: str) -> str:
    """*value* safe to open in a spreadsheet: a text starting with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a leading apostrophe, so that a party name typed by an applicant,
    such as ``=HYPERLINK(...)``, is shown as text and never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def denials_csv(request: HttpRequest) -> HttpResponseBase:
    """Every denial record as CSV (UTF-8, comma-separated, one line per denial; criteria as
    ``1;7``), for the exchange with the other member states (Common Position 2008/944/CFSP, Art. 4).
    Texts that come from applicants (parties, goods) are written with :func:`csv_cell`."""
    if not request.user.has_perm(VIEW_DENIALS):
        return permission_denied(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="denial-records.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for denial in denial_records().iterator(chunk_size=500):
        writer.writerow(
            [
                denial.reference,
                denial.denied_on.isoformat(),
                denial.destination,
                csv_cell(denial.consignee),
                csv_cell(denial.end_user),
                csv_cell(denial.goods),
                csv_cell(denial.control_codes),
                ";".join(str(n) for n in denial.criteria or []),
                csv_cell(denial.reasons),
                denial.application.reference or "",
            ]
        )
    return response
