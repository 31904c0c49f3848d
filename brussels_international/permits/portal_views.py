"""Views of the applicant portal up to submission (namespace ``portal``, ``/<language>/portal/``).

- Account: sign in and out (Django's auth views with the portal's templates; a workspace account
  is told to use the workspace), registration of a company (one page, then "registration
  received"), the organisation page of its administrators (members, add, remove).
- Home: the organisation's applications (25 a page), "Start a new application" once the
  organisation is approved.
- A draft as a task list (GOV.UK "complete multiple tasks"): licence type, goods (with a control
  list picker that works without JavaScript), parties, end use, documents, then "check your
  answers" with the declaration, and a confirmation page with the reference and the due date.
- The public browse page of the control lists (search and tree).

Every form posts to its page, the service (:mod:`permits.application_services`) saves or raises
``{field: message}``, shown in the error summary at the top and next to the field; success
redirects (POST-redirect-GET). A file is taken from :func:`selectors.applications_visible_to`,
so another company's file answers 404. A submitted application's own page (``portal:application``)
lives in ``portal_case_views.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from brussels_international.core.workflow import TransitionError

from . import application_services as services
from .manifest import LICENCE_TYPES
from .models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    DocumentKind,
    GoodsLine,
    Membership,
    OrganisationStatus,
    Party,
    PartyRole,
    Regime,
)
from .portal import portal_administrator, portal_member
from .portal_forms import (
    ConfirmForm,
    DeclarationForm,
    DocumentForm,
    EndUseForm,
    GoodsLineForm,
    LicenceTypeForm,
    MemberForm,
    PartyForm,
    PortalLoginForm,
    RegistrationForm,
    StartForm,
    apply_errors,
)
from .selectors import (
    APPLICATION_TASKS,
    TaskStatus,
    application_problems,
    application_task_statuses,
    applications_visible_to,
    control_list_entry,
    control_list_search,
    control_list_tree,
    current_versions,
    membership_of,
)

PAGE_SIZE = 25

TASK_LABELS = {
    "licence_type": gettext_lazy("Licence type"),
    "goods": gettext_lazy("Goods"),
    "parties": gettext_lazy("Parties"),
    "end_use": gettext_lazy("End use"),
    "documents": gettext_lazy("Documents"),
    "declaration": gettext_lazy("Declaration and submission"),
}
TASK_URLS = {
    "licence_type": "portal:draft_licence_type",
    "goods": "portal:draft_goods",
    "parties": "portal:draft_parties",
    "end_use": "portal:draft_end_use",
    "documents": "portal:draft_documents",
    "declaration": "portal:draft_check",
}
STATUS_LABELS = {
    TaskStatus.NOT_STARTED: gettext_lazy("Not started"),
    TaskStatus.IN_PROGRESS: gettext_lazy("In progress"),
    TaskStatus.COMPLETED: gettext_lazy("Completed"),
    TaskStatus.CANNOT_START: gettext_lazy("Cannot start yet"),
}


def _data(request: HttpRequest) -> Any:
    """The posted data (bound form, even when empty) or ``None`` for a GET (unbound form)."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


# --- Account ---------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Sign in with the portal's template; then the portal's home (or ``?next=``)."""

    template_name = "permits/portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = False
    next_page = reverse_lazy("portal:home")  # type: ignore[assignment]


class LogoutView(auth_views.LogoutView):
    """Sign out (POST) and go back to the portal's sign-in page."""

    next_page = reverse_lazy("portal:login")  # type: ignore[assignment]


@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    """Register a company and its first administrator (one page)."""
    form = RegistrationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_register(**form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("portal:registration_received")
    return render(request, "permits/portal/register.html", {"form": form})


def registration_received_view(request: HttpRequest) -> HttpResponse:
    """ "Registration received: the unit will check it"."""
    return render(request, "permits/portal/registration_received.html")


@portal_administrator
@require_http_methods(["GET", "POST"])
def organisation_view(request: HttpRequest) -> HttpResponse:
    """The organisation's details and people; an administrator adds a colleague."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    form = MemberForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            added = services.member_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s can now sign in with the user name %(username)s.")
                % {"name": added.user.get_full_name(), "username": added.user.username},
            )
            return redirect("portal:organisation")
    members = Membership.objects.filter(organisation_id=membership.organisation_id).select_related("user")
    return render(
        request,
        "permits/portal/organisation.html",
        {"organisation": membership.organisation, "members": members.order_by("user__last_name", "pk"), "form": form},
    )


@portal_administrator
@require_http_methods(["GET", "POST"])
def member_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then take a person out of the organisation."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    target = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation_id=membership.organisation_id
    )
    form = ConfirmForm(_data(request))
    if request.method == "POST":
        try:
            services.member_remove(actor=request.user, membership=target)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": target.user.get_full_name()})
            return redirect("portal:organisation")
    return _confirm(
        request,
        form,
        title=_("Remove %(name)s?") % {"name": target.user.get_full_name() or target.user.username},
        text=_("They will no longer be able to sign in to the portal."),
        button=_("Yes, remove"),
        back=reverse("portal:organisation"),
    )


# --- Home ------------------------------------------------------------------------------------


@portal_member
def home_view(request: HttpRequest) -> HttpResponse:
    """The organisation's applications, 25 a page, the latest changed first."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    applications = applications_visible_to(request.user).order_by("-updated_at", "-pk")
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page.object_list:
        spec = LICENCE_TYPES.get(application.licence_type)
        application.type_name = spec.name if spec else application.licence_type  # type: ignore[attr-defined]
    return render(
        request,
        "permits/portal/home.html",
        {
            "organisation": membership.organisation,
            "page": page,
            "can_apply": membership.organisation.status == OrganisationStatus.APPROVED,
            "pending": membership.organisation.status == OrganisationStatus.PENDING,
            "draft": ApplicationStatus.DRAFT,
        },
    )


@portal_member
@require_http_methods(["GET", "POST"])
def start_view(request: HttpRequest) -> HttpResponse:
    """Start an application: choose the licence type."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    if membership.organisation.status != OrganisationStatus.APPROVED:
        messages.warning(request, _("You can apply once the Permits unit has approved your organisation."))
        return redirect("portal:home")
    form = StartForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("portal:draft", pk=application.pk)
    return _form_page(
        request,
        form,
        title=_("Start a new application"),
        intro=_("Choose the type of licence. You can change it later, until you submit."),
        button=_("Start"),
        back=reverse("portal:home"),
    )


# --- Drafts ----------------------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(applications_visible_to(request.user).select_related("organisation"), pk=pk)


def _draft_or_redirect(request: HttpRequest, pk: int) -> Application | HttpResponse:
    """The draft *pk* of the user's organisation (404 for others'); for a submitted application,
    a redirect to its confirmation page with a message."""
    application = _visible(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        messages.info(
            request,
            _("Application %(reference)s has been submitted: it can no longer be changed.")
            % {"reference": application.reference},
        )
        return redirect("portal:application", pk=application.pk)
    return application


def _save_message(request: HttpRequest) -> None:
    messages.success(request, _("Your changes are saved."))


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "permits/portal/form_page.html", {"form": form, **context})


def _confirm(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "permits/portal/confirm.html", {"form": form, **context})


def _confirm_removal(
    request: HttpRequest,
    *,
    remove: Callable[[], Any],
    done: str,
    title: str,
    text: str,
    back: str,
) -> HttpResponse:
    """The "remove?" confirmation page of a draft's row; on POST, *remove* it (a service call),
    say *done* and go *back*; a refusal of the service is shown on the page."""
    form = ConfirmForm(_data(request))
    if request.method == "POST":
        try:
            remove()
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    return _confirm(request, form, title=title, text=text, button=_("Yes, remove"), back=back)


def _task_context(application: Application, task: str) -> dict[str, Any]:
    return {
        "application": application,
        "task_label": TASK_LABELS[task],
        "back": reverse("portal:draft", args=[application.pk]),
    }


@portal_member
def draft_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The task list of a draft."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    problems = application_problems(application)
    statuses = application_task_statuses(application, problems)
    tasks = [
        {
            "key": key,
            "label": TASK_LABELS[key],
            "url": reverse(TASK_URLS[key], args=[application.pk]),
            "status": statuses[key],
            "status_label": STATUS_LABELS[statuses[key]],
            "problems": [message for task, message in problems if task == key],
        }
        for key in APPLICATION_TASKS
    ]
    completed = sum(1 for task in tasks if task["status"] == TaskStatus.COMPLETED)
    spec = LICENCE_TYPES.get(application.licence_type)
    return render(
        request,
        "permits/portal/task_list.html",
        {
            "application": application,
            "spec": spec,
            "tasks": tasks,
            "completed": completed,
            "total": len(tasks),
            "cannot_start": TaskStatus.CANNOT_START,
            "completed_status": TaskStatus.COMPLETED,
        },
    )


@portal_member
@require_http_methods(["GET", "POST"])
def draft_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a draft."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    form = ConfirmForm(_data(request))
    if request.method == "POST":
        try:
            services.application_delete_draft(actor=request.user, application=application)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The draft was deleted."))
            return redirect("portal:home")
    return _confirm(
        request,
        form,
        title=_("Delete this draft?"),
        text=_("Its goods, parties and documents are deleted with it."),
        button=_("Yes, delete the draft"),
        back=reverse("portal:draft", args=[application.pk]),
    )


@portal_member
@require_http_methods(["GET", "POST"])
def licence_type_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Task "Licence type": type, short title, language of the decision."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    initial = {"licence_type": application.licence_type, "title": application.title, "language": application.language}
    form = LicenceTypeForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _save_message(request)
            return redirect("portal:draft", pk=application.pk)
    return _form_page(
        request,
        form,
        title=_("Licence type"),
        button=_("Save and continue"),
        **_task_context(application, "licence_type"),
    )


@portal_member
@require_http_methods(["GET", "POST"])
def end_use_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Task "End use"."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    form = EndUseForm(_data(request), initial={"end_use": application.end_use})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _save_message(request)
            return redirect("portal:draft", pk=application.pk)
    return _form_page(
        request, form, title=_("End use"), button=_("Save and continue"), **_task_context(application, "end_use")
    )


# --- Goods -----------------------------------------------------------------------------------


@portal_member
def goods_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Task "Goods": the lines with edit and remove, a link to add one."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    problems = [message for task, message in application_problems(application) if task == "goods"]
    return render(
        request,
        "permits/portal/goods.html",
        {**_task_context(application, "goods"), "lines": application.goods_lines.all(), "problems": problems},
    )


def _goods_form_page(request: HttpRequest, application: Application, line: GoodsLine | None) -> HttpResponse:
    if line is None:
        initial: dict[str, Any] = {"unit": "items"}
    else:
        initial = {
            "description": line.description,
            "control_code": line.control_code,
            "code_unknown": line.code_unknown,
            "quantity": line.quantity.normalize() if line.quantity else "",
            "unit": line.unit,
            "value_eur": line.value_eur,
        }
    if "code" in request.GET:  # back from the picker
        initial.update(control_code=request.GET["code"][:64], code_unknown=False)
    elif "unknown" in request.GET:
        initial.update(control_code="", code_unknown=True)
    form = GoodsLineForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if line is None:
                services.goods_line_add(actor=request.user, application=application, **form.cleaned_data)
            else:
                services.goods_line_update(actor=request.user, goods_line=line, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _save_message(request)
            return redirect("portal:draft_goods", pk=application.pk)
    picker = reverse("portal:draft_goods_code", args=[application.pk])
    if line is not None:
        picker += f"?line={line.pk}"
    return render(
        request,
        "permits/portal/goods_form.html",
        {
            **_task_context(application, "goods"),
            "form": form,
            "line": line,
            "picker": picker,
            "back": reverse("portal:draft_goods", args=[application.pk]),
        },
    )


@portal_member
@require_http_methods(["GET", "POST"])
def goods_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a line of goods (``?code=`` or ``?unknown=1`` from the picker)."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    return _goods_form_page(request, application, None)


@portal_member
@require_http_methods(["GET", "POST"])
def goods_edit_view(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """Change a line of goods."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    return _goods_form_page(request, application, get_object_or_404(application.goods_lines, pk=line))


@portal_member
@require_http_methods(["GET", "POST"])
def goods_remove_view(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """Confirm, then remove a line of goods."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    goods_line = get_object_or_404(application.goods_lines, pk=line)
    return _confirm_removal(
        request,
        remove=lambda: services.goods_line_delete(actor=request.user, goods_line=goods_line),
        done=_("Line %(line)s was removed.") % {"line": goods_line.position},
        title=_("Remove line %(line)s?") % {"line": goods_line.position},
        text=goods_line.description,
        back=reverse("portal:draft_goods", args=[application.pk]),
    )


def _regime(request: HttpRequest, allowed: tuple[str, ...]) -> str:
    regime = request.GET.get("regime", "")
    return regime if regime in allowed else allowed[0]


@portal_member
def goods_code_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The control list picker of a draft: a search box and the tree of the lists of the licence
    type; each row has a "Choose" link back to the goods form (plain links: no JavaScript)."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    spec = LICENCE_TYPES.get(application.licence_type)
    regimes = tuple(spec.regimes) if spec else tuple(Regime.values)
    regime = _regime(request, regimes)
    query = request.GET.get("q", "").strip()[:200]
    prefix = request.GET.get("code", "").strip()[:64]
    line_id = request.GET.get("line", "")
    if line_id.isdigit() and application.goods_lines.filter(pk=int(line_id)).exists():
        target = reverse("portal:draft_goods_edit", args=[application.pk, int(line_id)])
    else:
        line_id = ""
        target = reverse("portal:draft_goods_add", args=[application.pk])
    results = [entry for entry in control_list_search(query, regime) if entry.kind != "note"] if query else None
    return render(
        request,
        "permits/portal/goods_code.html",
        {
            **_task_context(application, "goods"),
            "regime": regime,
            "regimes": [(value, Regime(value).label) for value in regimes],
            "query": query,
            "prefix": prefix,
            "line": line_id,
            "results": results,
            "roots": control_list_tree(regime, code_prefix=prefix) if results is None else [],
            "target": target,
            "back": target,
        },
    )


# --- Parties ---------------------------------------------------------------------------------


@portal_member
def parties_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Task "Parties": the parties with edit and remove, a link to add one."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    problems = [message for task, message in application_problems(application) if task == "parties"]
    spec = LICENCE_TYPES.get(application.licence_type)
    required = [PartyRole(role).label for role in spec.parties_required] if spec else []
    return render(
        request,
        "permits/portal/parties.html",
        {
            **_task_context(application, "parties"),
            "parties": application.parties.all(),
            "problems": problems,
            "required": required,
            "spec": spec,
        },
    )


def _party_form_page(request: HttpRequest, application: Application, party: Party | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if party is not None:
        initial = {
            "role": party.role,
            "name": party.name,
            "address": party.address,
            "country": party.country,
            "website": party.website,
        }
    elif request.GET.get("role") in PartyRole.values:
        initial = {"role": request.GET["role"]}
    form = PartyForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if party is None:
                services.party_add(actor=request.user, application=application, **form.cleaned_data)
            else:
                services.party_update(actor=request.user, party=party, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _save_message(request)
            return redirect("portal:draft_parties", pk=application.pk)
    return _form_page(
        request,
        form,
        title=_("Add a party") if party is None else _("Change the party"),
        button=_("Save"),
        **{**_task_context(application, "parties"), "back": reverse("portal:draft_parties", args=[application.pk])},
    )


@portal_member
@require_http_methods(["GET", "POST"])
def party_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a party (``?role=`` preselects its role)."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    return _party_form_page(request, application, None)


@portal_member
@require_http_methods(["GET", "POST"])
def party_edit_view(request: HttpRequest, pk: int, party: int) -> HttpResponse:
    """Change a party."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    return _party_form_page(request, application, get_object_or_404(application.parties, pk=party))


@portal_member
@require_http_methods(["GET", "POST"])
def party_remove_view(request: HttpRequest, pk: int, party: int) -> HttpResponse:
    """Confirm, then remove a party."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    row = get_object_or_404(application.parties, pk=party)
    return _confirm_removal(
        request,
        remove=lambda: services.party_delete(actor=request.user, party=row),
        done=_("%(name)s was removed.") % {"name": row.name},
        title=_("Remove %(name)s?") % {"name": row.name},
        text=row.get_role_display(),
        back=reverse("portal:draft_parties", args=[application.pk]),
    )


# --- Documents -------------------------------------------------------------------------------


def _documents(application: Application) -> QuerySet[ApplicationDocument]:
    return application.application_documents.filter(document__deleted_at__isnull=True).select_related(
        "document", "party"
    )


@portal_member
@require_http_methods(["GET", "POST"])
def documents_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Task "Documents": the documents with remove, the upload form."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    form = DocumentForm(_data(request), _files(request), application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_document_add(
                actor=request.user,
                application=application,
                uploaded_file=form.cleaned_data["uploaded_file"],
                kind=form.cleaned_data["kind"],
                party=form.cleaned_data["party"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("You may not change this application."))
        else:
            messages.success(request, _("The document is attached."))
            return redirect("portal:draft_documents", pk=application.pk)
    spec = LICENCE_TYPES.get(application.licence_type)
    problems = [message for task, message in application_problems(application) if task == "documents"]
    return render(
        request,
        "permits/portal/documents.html",
        {
            **_task_context(application, "documents"),
            "form": form,
            "documents": _documents(application),
            "problems": problems,
            "spec": spec,
            "end_users": application.parties.filter(role=PartyRole.END_USER).exists(),
            "euc": DocumentKind.END_USER_CERTIFICATE,
        },
    )


@portal_member
@require_http_methods(["GET", "POST"])
def document_remove_view(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """Confirm, then remove a document."""
    application = _draft_or_redirect(request, pk)
    if isinstance(application, HttpResponse):
        return application
    row = get_object_or_404(_documents(application), pk=document)
    return _confirm_removal(
        request,
        remove=lambda: services.application_document_remove(actor=request.user, application_document=row),
        done=_("“%(name)s” was removed.") % {"name": row.document.name},
        title=_("Remove “%(name)s”?") % {"name": row.document.name},
        text=row.get_kind_display(),
        back=reverse("portal:draft_documents", args=[application.pk]),
    )


# --- Check your answers, submission ----------------------------------------------------------


@portal_member
@require_http_methods(["GET", "POST"])
def check_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Check your answers, confirm the declaration, submit. A second "submit" of the same
    application is refused by the status graph: no second reference; the applicant is sent to
    the confirmation page with a message."""
    application = _visible(request, pk)
    form = DeclarationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.application_submit(
                actor=request.user, application=application, declaration=form.cleaned_data["declaration"]
            )
        except ValidationError as error:
            refused = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            for task, texts in refused.items():
                for text in texts:
                    form.add_error("declaration" if task == "declaration" else None, text)
        except TransitionError:
            application.refresh_from_db()
            messages.info(
                request,
                _("This application was already submitted as %(reference)s.") % {"reference": application.reference},
            )
            return redirect("portal:submitted", pk=application.pk)
        else:
            return redirect("portal:submitted", pk=submitted.pk)
    elif application.status != ApplicationStatus.DRAFT:
        return redirect("portal:application", pk=application.pk)
    problems = application_problems(application)
    return render(
        request,
        "permits/portal/check.html",
        {
            **_task_context(application, "declaration"),
            "form": form,
            "spec": LICENCE_TYPES.get(application.licence_type),
            "lines": application.goods_lines.all(),
            "parties": application.parties.all(),
            "documents": _documents(application),
            "problems": [
                {"message": message, "url": reverse(TASK_URLS[task], args=[application.pk]), "task": TASK_LABELS[task]}
                for task, message in problems
            ],
        },
    )


@portal_member
def submitted_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of a submission: reference and the date the decision is due."""
    application = _visible(request, pk)
    if application.status == ApplicationStatus.DRAFT:
        raise Http404
    return render(
        request,
        "permits/portal/submitted.html",
        {"application": application, "spec": LICENCE_TYPES.get(application.licence_type)},
    )


# --- Control lists (public) ------------------------------------------------------------------


def control_lists_view(request: HttpRequest) -> HttpResponse:
    """The current control lists, for everyone: a search box, and the tree of one list
    (``?regime=``, ``?code=`` a code prefix to open)."""
    request.membership = membership_of(request.user)  # type: ignore[attr-defined]  # the portal's menu
    query = request.GET.get("q", "").strip()[:200]
    regime = request.GET.get("regime", "")
    if regime not in Regime.values:
        regime = ""
    prefix = request.GET.get("code", "").strip()[:64]
    entry = None
    if prefix and regime:
        try:
            entry = control_list_entry(prefix, regime)
        except ValidationError:
            entry = None
    return render(
        request,
        "permits/portal/control_lists.html",
        {
            "versions": list(current_versions()),
            "query": query,
            "regime": regime,
            "regimes": Regime.choices,
            "prefix": prefix,
            "entry": entry,
            "results": control_list_search(query, regime or None) if query else None,
            "roots": control_list_tree(regime, code_prefix=prefix) if regime and not query else [],
        },
    )
