"""The applicant portal after submission: the application page, the answer form, documents
while the unit waits, shipments, withdrawal, the decision PDFs; other companies' files 404."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from brussels_international.permits.licence_services import use_report_record
from brussels_international.permits.models import (
    ApplicationDocument,
    ApplicationStatus,
    InformationRequest,
    LicenceUseReport,
)
from brussels_international.permits.tests import factories
from brussels_international.permits.tests.html_checks import description_problems
from brussels_international.permits.tests.post_submission import ask, grant, refuse, submitted_case

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15 10:00 +02:00"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _page(pk: int, lang: str = "en") -> str:
    return f"/{lang}/portal/applications/{pk}/"


def _pdf_bytes(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_the_url_names(permits_setup):  # type: ignore[no-untyped-def]
    assert reverse("portal:application", args=[3]) == "/fr/portal/applications/3/"
    assert reverse("portal:answer", args=[4]) == "/fr/portal/requests/4/answer/"
    assert reverse("portal:withdraw", args=[3]) == "/fr/portal/applications/3/withdraw/"
    assert reverse("portal:licence_pdf", args=[3]) == "/fr/portal/applications/3/licence.pdf"
    assert reverse("portal:refusal_pdf", args=[3]) == "/fr/portal/applications/3/refusal.pdf"
    assert reverse("portal:use_report", args=[3]) == "/fr/portal/applications/3/shipments/"
    assert reverse("portal:document_add", args=[3]) == "/fr/portal/applications/3/documents/add/"


@time_machine.travel(TODAY)
def test_the_page_shows_the_request_and_the_answer_moves_the_case_back(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    request = ask(case, question="Please send the signed end-user certificate.")
    client = _client(case.member)

    response = client.get(_page(case.application.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "Application APP-2026-00001",
        "Waiting for your answer",
        "The time limit stands still since",
        "Please send the signed end-user certificate.",
        f'action="/en/portal/requests/{request.pk}/answer/"',
        f'action="/en/portal/applications/{case.application.pk}/documents/add/"',
        "Withdraw the application",
        "Individual export licence",
    ):
        assert expected in html, expected

    response = client.post(f"/en/portal/requests/{request.pk}/answer/", {"answer": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_answer">Enter your answer.</a>' in html
    assert InformationRequest.objects.get(pk=request.pk).answered_at is None

    response = client.post(f"/en/portal/requests/{request.pk}/answer/", {"answer": "Attached to this message."})
    assert response.status_code == 302
    assert response["Location"] == _page(case.application.pk) + "#requests"
    case.application.refresh_from_db()
    assert case.application.status == ApplicationStatus.UNDER_ASSESSMENT
    html = client.get(_page(case.application.pk)).content.decode()
    assert "Being assessed" in html and "Attached to this message." in html
    assert f"/requests/{request.pk}/answer/" not in html


@time_machine.travel(TODAY)
def test_hints_and_errors_carry_the_ids_their_fields_are_described_by(permits_setup):  # type: ignore[no-untyped-def]
    """Django's widgets point to ``<id>_helptext`` and ``<id>_error`` (aria-describedby): the
    hint and the error are those elements, so a screen reader reads them with the field (the
    browser journey's axe run found the hints pointing nowhere)."""
    case = submitted_case()
    request = ask(case)
    client = _client(case.member)

    html = client.get(_page(case.application.pk)).content.decode()
    assert 'aria-describedby="id_party_helptext"' in html
    assert '<p class="hint" id="id_party_helptext">For an end-user certificate.</p>' in html
    assert description_problems(html) == []

    html = client.post(f"/en/portal/requests/{request.pk}/answer/", {"answer": ""}).content.decode()
    assert 'aria-invalid="true" aria-describedby="id_answer_error"' in html
    assert '<p class="error-message" id="id_answer_error"><strong>Enter your answer.</strong></p>' in html
    assert description_problems(html) == []


@time_machine.travel(TODAY)
def test_documents_while_waiting_an_end_user_certificate_must_be_a_pdf(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    ask(case)
    client = _client(case.member)
    url = f"/en/portal/applications/{case.application.pk}/documents/add/"
    not_pdf = SimpleUploadedFile("certificate.txt", b"just text", content_type="text/plain")
    response = client.post(url, {"kind": "end_user_certificate", "file": not_pdf})
    assert response.status_code == 200
    assert "An end-user certificate must be a PDF document." in response.content.decode()
    assert ApplicationDocument.objects.count() == 0

    pdf = SimpleUploadedFile("certificate.pdf", _minimal_pdf(), content_type="application/pdf")
    response = client.post(url, {"kind": "end_user_certificate", "file": pdf, "title": "EUC Border Guard"})
    assert response.status_code == 200  # whose certificate? the end-user is required, as in the draft
    assert '<a href="#id_party">Choose the end-user this certificate is for.</a>' in response.content.decode()
    assert ApplicationDocument.objects.count() == 0

    end_user = case.application.parties.get(role="end_user")
    pdf = SimpleUploadedFile("certificate.pdf", _minimal_pdf(), content_type="application/pdf")
    response = client.post(
        url, {"kind": "end_user_certificate", "party": end_user.pk, "file": pdf, "title": "EUC Border Guard"}
    )
    assert response.status_code == 302
    attached = ApplicationDocument.objects.get()
    assert (attached.kind, attached.party, attached.document.content_type) == (
        "end_user_certificate",
        end_user,
        "application/pdf",
    )
    assert "EUC Border Guard" in client.get(_page(case.application.pk)).content.decode()


def _minimal_pdf() -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string="<p>End-user certificate</p>").write_pdf() or b"")


@time_machine.travel(TODAY)
def test_a_draft_goes_to_its_task_list_and_other_companies_files_are_404(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    licence = grant(case)
    draft = factories.ApplicationFactory(organisation=case.application.organisation, created_by=case.member)
    client = _client(case.member)
    response = client.get(_page(draft.pk, "fr"))
    assert (response.status_code, response["Location"]) == (302, f"/fr/portal/drafts/{draft.pk}/")

    stranger = _client(factories.MembershipFactory().user)
    pk = case.application.pk
    request = InformationRequest.objects.create(application=case.application, question="?", asked_by=case.officer)
    for method, url in (
        ("get", _page(pk)),
        ("get", f"/en/portal/applications/{pk}/licence.pdf"),
        ("get", f"/en/portal/applications/{pk}/withdraw/"),
        ("post", f"/en/portal/applications/{pk}/shipments/"),
        ("post", f"/en/portal/requests/{request.pk}/answer/"),
        ("post", f"/en/portal/applications/{pk}/documents/add/"),
    ):
        assert getattr(stranger, method)(url).status_code == 404, url
    assert licence.use_reports.count() == 0

    anonymous = Client().get(_page(pk))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/en/portal/sign-in/")


@time_machine.travel(TODAY)
def test_reporting_a_shipment_and_the_balance(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    licence = grant(case)
    client = _client(case.member)
    url = f"/en/portal/applications/{case.application.pk}/shipments/"
    line = case.lines[0]
    post = {"goods_line": line.pk, "quantity": "15", "value_eur": "36000", "shipped_on": "2026-06-01"}
    response = client.post(url, post)
    assert (response.status_code, response["Location"]) == (302, _page(case.application.pk) + "#balance")

    response = client.post(url, {**post, "quantity": "6", "value_eur": "-1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_value_eur">Enter a value of 0 euros or more.</a>' in html
    assert LicenceUseReport.objects.count() == 1

    response = client.post(url, {**post, "quantity": "6", "value_eur": "100"})
    html = response.content.decode()
    assert '<a href="#id_quantity">Only 5 items remain on line 1 of licence BRU/2026/00001.</a>' in html
    assert '<p class="error-message" id="id_quantity_error"><strong>Only 5 items remain' in html
    assert description_problems(html) == []
    assert LicenceUseReport.objects.count() == 1

    html = client.get(_page(case.application.pk)).content.decode()
    for expected in (
        "BRU/2026/00001",
        "Download the licence (PDF)",
        "20 items",
        "15 items",
        "5 items",
        "€48,000.00",
        "€36,000.00",
        "€12,000.00",
        "Report a shipment",
    ):
        assert expected in html, expected

    response = client.get(f"/en/portal/applications/{case.application.pk}/licence.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="licence-BRU-2026-00001.pdf"'
    assert "BRU/2026/00001" in _pdf_bytes(response.content)
    assert client.get(f"/en/portal/applications/{case.application.pk}/refusal.pdf").status_code == 404
    assert licence.pk


@time_machine.travel(TODAY)
def test_a_suspended_licence_takes_no_report(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    grant(case)
    type(case.application).objects.filter(pk=case.application.pk).update(status=ApplicationStatus.SUSPENDED)
    client = _client(case.member)
    html = client.get(_page(case.application.pk)).content.decode()
    assert "Licence suspended" in html and "Record the shipment" not in html
    response = client.post(
        f"/en/portal/applications/{case.application.pk}/shipments/",
        {"goods_line": case.lines[0].pk, "quantity": "1", "value_eur": "1", "shipped_on": "2026-06-01"},
    )
    assert response.status_code == 200
    assert "licence BRU/2026/00001 is suspended." in response.content.decode()
    assert LicenceUseReport.objects.count() == 0


@time_machine.travel(TODAY)
def test_the_refusal_and_its_letter(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case(language="en")
    refuse(case)
    client = _client(case.member)
    html = client.get(_page(case.application.pk)).content.decode()
    assert "Refused" in html and "Criterion 1:" in html and "Criterion 7:" in html
    assert "Download the letter (PDF)" in html and "Withdraw the application" not in html
    response = client.get(f"/en/portal/applications/{case.application.pk}/refusal.pdf")
    assert response.status_code == 200
    text = _pdf_bytes(response.content)
    assert "BE-BRU-2026-0001" in text and "APP-2026-00001" in text
    assert client.get(f"/en/portal/applications/{case.application.pk}/licence.pdf").status_code == 404


@time_machine.travel(TODAY)
def test_withdraw_asks_for_confirmation_first(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    client = _client(case.member)
    url = f"/en/portal/applications/{case.application.pk}/withdraw/"
    html = client.get(url).content.decode()
    assert "Withdraw application APP-2026-00001?" in html and "Yes, withdraw the application" in html
    case.application.refresh_from_db()
    assert case.application.status == ApplicationStatus.SUBMITTED
    response = client.post(url, {"reason": "The order was cancelled."})
    assert (response.status_code, response["Location"]) == (302, _page(case.application.pk))
    case.application.refresh_from_db()
    assert case.application.status == ApplicationStatus.WITHDRAWN
    html = client.get(_page(case.application.pk)).content.decode()
    assert "Withdrawn" in html and "Withdraw the application" not in html
    response = client.get(url)
    assert response.status_code == 302


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@time_machine.travel(TODAY)
def test_the_page_query_count_does_not_grow_with_requests_lines_and_reports(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    for number in range(2):
        request = InformationRequest.objects.create(
            application=case.application, question=f"Q{number}", asked_by=case.officer
        )
        InformationRequest.objects.filter(pk=request.pk).update(
            answer="A", answered_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        )
    licence = grant(case)
    use_report_record(
        actor=case.member,
        licence=licence,
        goods_line=case.lines[0],
        quantity=Decimal("1"),
        value_eur=Decimal("1"),
        shipped_on=dt.date(2026, 6, 1),
    )
    client = _client(case.member)
    url = _page(case.application.pk)
    client.get(url)  # warm the per-process caches (site, content types)
    few = _count_queries(client, url)

    for number in range(8):
        request = InformationRequest.objects.create(
            application=case.application, question=f"R{number}", asked_by=case.officer
        )
        InformationRequest.objects.filter(pk=request.pk).update(
            answer="B", answered_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
        )
        factories.GoodsLineFactory(application=case.application, position=10 + number)
    for number in range(30):
        use_report_record(
            actor=case.member,
            licence=licence,
            goods_line=case.lines[1],
            quantity=Decimal("0.1"),
            value_eur=Decimal("1"),
            shipped_on=dt.date(2026, 6, 1),
            customs_reference=f"MRN{number}",
        )
    many = _count_queries(client, url)
    assert many == few
    assert few <= 15
