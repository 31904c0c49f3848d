"""Applicant portal pages after submission (``/<language>/portal/applications/<pk>/``):
the status in plain words, the unit's requests for information and the answer form, documents
added while the unit waits, the decision with its PDF, the licence balance and the licence-use
reports, and the withdrawal (with a confirmation page).

Every view is for members of an organisation (:func:`permits.portal.portal_member`) and takes
the application from :func:`permits.selectors.applications_visible_to`, so another company's
file answers 404. Input is checked by the forms of :mod:`permits.portal_case_forms`; the rules
are in :mod:`permits.licence_services`. POST-redirect-GET; on an error the page is shown again
with the errors at the top and next to each field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brussels_international.core.workflow import TransitionError

from .licence_services import (
    application_may_withdraw,
    application_withdraw,
    format_eur,
    format_quantity,
    information_document_attach,
    information_request_answer,
    use_report_record,
)
from .manifest import licence_type
from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Criterion,
    InformationRequest,
    LicenceUseReport,
    PartyRole,
)
from .pdf import licence_pdf, refusal_letter_pdf
from .portal import portal_member
from .portal_case_forms import AnswerForm, DocumentForm, UseReportForm, WithdrawForm, add_service_errors
from .selectors import applications_visible_to, licence_balance

REPORTS_PER_PAGE = 25

S = ApplicationStatus
STATUS_TEXT: dict[str, tuple[Any, Any]] = {
    S.SUBMITTED: (
        gettext_lazy("Received"),
        gettext_lazy("The Permits unit has received your application and will check that it is complete."),
    ),
    S.INITIAL_CHECKS: (
        gettext_lazy("Being checked"),
        gettext_lazy("The Permits unit is checking that your application is complete."),
    ),
    S.UNDER_ASSESSMENT: (
        gettext_lazy("Being assessed"),
        gettext_lazy("The Permits unit is assessing your application. It will ask you if it needs more information."),
    ),
    S.WAITING_FOR_APPLICANT: (
        gettext_lazy("Waiting for your answer"),
        gettext_lazy(
            "The Permits unit has asked you for information. The time limit for the decision stands still "
            "until you answer."
        ),
    ),
    S.CONSULTATION: (
        gettext_lazy("Being assessed"),
        gettext_lazy("The Permits unit has asked other authorities for their advice on your application."),
    ),
    S.DECISION_PROPOSED: (
        gettext_lazy("Decision being prepared"),
        gettext_lazy("The Permits unit is finalising its decision. You will be told when it is taken."),
    ),
    S.COUNTERSIGNED: (
        gettext_lazy("Decision being issued"),
        gettext_lazy("The decision has been taken and is being issued. You will be told when it is available here."),
    ),
    S.GRANTED: (
        gettext_lazy("Licence issued"),
        gettext_lazy("Your licence has been issued. Download it below and report each shipment made under it."),
    ),
    S.REFUSED: (
        gettext_lazy("Refused"),
        gettext_lazy("Your application has been refused. The letter below gives the reasons."),
    ),
    S.WITHDRAWN: (
        gettext_lazy("Withdrawn"),
        gettext_lazy("You withdrew this application. The Permits unit no longer works on it."),
    ),
    S.SUSPENDED: (
        gettext_lazy("Licence suspended"),
        gettext_lazy("Your licence is suspended: no goods may be shipped under it until the suspension is lifted."),
    ),
    S.REVOKED: (
        gettext_lazy("Licence revoked"),
        gettext_lazy("Your licence has been revoked: it can no longer be used."),
    ),
    S.EXPIRED: (
        gettext_lazy("Licence expired"),
        gettext_lazy("Your licence has expired: it can no longer be used. Apply again for further shipments."),
    ),
}
"""For each status: what the applicant is shown as the status, and what happens next."""


def _visible(request: HttpRequest) -> Any:
    return applications_visible_to(request.user)


def _application_or_404(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        _visible(request).select_related("organisation", "licence", "denial"),
        pk=pk,
    )


def _draft_redirect(application: Application) -> HttpResponseBase:
    return redirect("portal:draft", pk=application.pk)


def _page_url(application: Application, anchor: str = "") -> str:
    url = reverse("portal:application", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _render_application(
    request: HttpRequest,
    application: Application,
    *,
    answer_form: AnswerForm | None = None,
    document_form: DocumentForm | None = None,
    report_form: UseReportForm | None = None,
) -> HttpResponse:
    """The application page, with the bound form of a failed POST when given."""
    requests = list(application.information_requests.all())
    open_request = next((item for item in requests if item.is_open), None)
    waiting = application.status == S.WAITING_FOR_APPLICANT
    licence = getattr(application, "licence", None)
    denial = getattr(application, "denial", None)
    end_users = application.parties.filter(role=PartyRole.END_USER).order_by("name", "id")
    context: dict[str, Any] = {
        "application": application,
        "licence_type_name": str(licence_type(application.licence_type).name),
        "status_label": STATUS_TEXT.get(application.status, (application.get_status_display(), ""))[0],
        "status_next": STATUS_TEXT.get(application.status, ("", ""))[1],
        "is_open": application.status in OPEN_STATUSES,
        "requests": requests,
        "open_request": open_request if waiting else None,
        "answer_form": answer_form or AnswerForm(),
        "waiting": waiting,
        "document_form": document_form or DocumentForm(end_users=end_users),
        "documents": ApplicationDocument.objects.filter(
            application=application, document__deleted_at__isnull=True
        ).select_related("document", "party"),
        "licence": licence,
        "denial": denial,
        "may_withdraw": application_may_withdraw(application),
    }
    if licence is not None:
        balance = licence_balance(licence)
        context["balance"] = [
            {
                "line": row.line,
                "licensed_quantity": format_quantity(row.licensed_quantity, row.line.unit),
                "shipped_quantity": format_quantity(row.shipped_quantity, row.line.unit),
                "remaining_quantity": format_quantity(row.remaining_quantity, row.line.unit),
                "licensed_value": format_eur(row.licensed_value),
                "shipped_value": format_eur(row.shipped_value),
                "remaining_value": format_eur(row.remaining_value),
            }
            for row in balance
        ]
        reports = (
            LicenceUseReport.objects.filter(licence=licence).select_related("goods_line").order_by("-shipped_on", "-id")
        )
        page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
        context["reports"] = page
        context["report_rows"] = [
            {
                "report": report,
                "quantity": format_quantity(report.quantity, report.goods_line.unit),
                "value": format_eur(report.value_eur),
            }
            for report in page
        ]
        context["may_report"] = application.status == S.GRANTED
        context["report_form"] = report_form or UseReportForm(lines=_lines_of(application))
    if application.status == S.REFUSED:
        numbers = list(application.refusal_criteria or (denial.criteria if denial is not None else []))
        context["criteria"] = [
            {"number": criterion.number, "title": criterion.title()}
            for criterion in Criterion.objects.filter(number__in=numbers).order_by("number")
        ]
    return render(request, "permits/portal/application.html", context)


def _lines_of(application: Application) -> Any:
    return application.goods_lines.order_by("position", "id")


@require_GET
@portal_member
def application_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The application page (a draft goes to its task list)."""
    application = _application_or_404(request, pk)
    if application.status == S.DRAFT:
        return _draft_redirect(application)
    return _render_application(request, application)


@require_POST
@portal_member
def answer_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Answer the request for information *pk*."""
    info = get_object_or_404(
        InformationRequest.objects.select_related("application"), pk=pk, application__in=_visible(request)
    )
    application = _application_or_404(request, info.application_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            information_request_answer(actor=request.user, request=info, answer=form.cleaned_data["answer"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your answer has been sent to the Permits unit."))
            return redirect(_page_url(application, "requests"))
    return _render_application(request, application, answer_form=form)


@require_POST
@portal_member
def document_add_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Add a document to an application waiting for the applicant."""
    application = _application_or_404(request, pk)
    end_users = application.parties.filter(role=PartyRole.END_USER).order_by("name", "id")
    form = DocumentForm(request.POST, request.FILES, end_users=end_users)
    if form.is_valid():
        try:
            information_document_attach(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                party=form.cleaned_data["party"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document has been added to your application."))
            return redirect(_page_url(application, "documents"))
    return _render_application(request, application, document_form=form)


@require_POST
@portal_member
def use_report_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Report a shipment made under the licence of application *pk*."""
    application = _application_or_404(request, pk)
    licence = getattr(application, "licence", None)
    if licence is None:
        raise Http404
    form = UseReportForm(request.POST, lines=_lines_of(application))
    if form.is_valid():
        data = form.cleaned_data
        try:
            use_report_record(
                actor=request.user,  # type: ignore[arg-type]
                licence=licence,
                goods_line=data["goods_line"],
                quantity=data["quantity"],
                value_eur=data["value_eur"],
                shipped_on=data["shipped_on"],
                customs_reference=data["customs_reference"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The shipment has been recorded against your licence."))
            return redirect(_page_url(application, "balance"))
    return _render_application(request, application, report_form=form)


@require_http_methods(["GET", "POST"])
@portal_member
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Confirm, then withdraw, application *pk*."""
    application = _application_or_404(request, pk)
    if application.status == S.DRAFT:
        return _draft_redirect(application)
    if not application_may_withdraw(application):
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect(_page_url(application))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(actor=request.user, application=application, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your application has been withdrawn."))
            return redirect(_page_url(application))
    return render(request, "permits/portal/withdraw.html", {"application": application, "form": form})


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@portal_member
def licence_pdf_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The licence of application *pk* as a PDF, in the application's language."""
    application = _application_or_404(request, pk)
    licence = getattr(application, "licence", None)
    if licence is None:
        raise Http404
    return _pdf_response(licence_pdf(licence), f"licence-{licence.number.replace('/', '-')}.pdf")


@require_GET
@portal_member
def refusal_pdf_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The refusal letter of application *pk* as a PDF, in the application's language."""
    application = _application_or_404(request, pk)
    if application.status != S.REFUSED:
        raise Http404
    return _pdf_response(refusal_letter_pdf(application), f"refusal-{application.reference}.pdf")
