"""After submission, the applicant's side: answering requests for information (the clock
restarts), withdrawing, reporting shipments against the licence balance, the decision PDFs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from pypdf import PdfReader

from brussels_international.core.models import AuditEntry, Deadline, DeadlineStatus, Notification, StatusChange
from brussels_international.permits.licence_services import (
    application_withdraw,
    information_request_answer,
    use_report_record,
)
from brussels_international.permits.models import (
    ApplicationStatus,
    Criterion,
    InformationRequest,
    LicenceUseReport,
)
from brussels_international.permits.pdf import licence_pdf, refusal_letter_pdf
from brussels_international.permits.selectors import licence_balance
from brussels_international.permits.tests import factories
from brussels_international.permits.tests.post_submission import ask, grant, refuse, submitted_case

pytestmark = pytest.mark.django_db

D = dt.date


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


# --- Requests for information ----------------------------------------------------------------


def test_the_answer_restarts_the_clock_and_puts_the_case_back(permits_setup):  # type: ignore[no-untyped-def]
    with time_machine.travel("2026-03-02 10:00 +01:00"):
        case = submitted_case()
    application = case.application
    due_at_submission = application.due_date
    assert due_at_submission == D(2026, 5, 4)  # 60 calendar days after 2 March: Friday 1 May is a holiday
    with time_machine.travel("2026-03-10 10:00 +01:00"):
        request = ask(case)
    with time_machine.travel("2026-03-20 15:00 +01:00"):
        answered = information_request_answer(actor=case.member, request=request, answer="  Here it is.\nSigned.  ")

    assert answered.answer == "Here it is.\nSigned."
    assert answered.answered_by == case.member
    assert answered.answered_at is not None
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_ASSESSMENT
    assert application.clock_stopped_on is None
    assert application.days_stopped == 10
    assert application.due_date == D(2026, 5, 14)  # moved by the 10 days the clock stood still
    deadline = Deadline.objects.get(pk=application.deadline_id)
    assert (deadline.due_date, deadline.status) == (D(2026, 5, 14), DeadlineStatus.OPEN)
    change = StatusChange.objects.filter(object_type__model="application", object_id=str(application.pk)).latest("id")
    assert (change.from_status, change.to_status) == ("waiting_for_applicant", "under_assessment")
    notification = Notification.objects.get(recipient=case.officer, kind="information_answered")
    assert "APP-2026-00001" in notification.title
    assert "Here it is." in notification.body
    assert (
        AuditEntry.objects.filter(
            object_type__model="informationrequest", object_id=str(request.pk), verb="updated"
        ).count()
        == 1
    )


def test_the_notes_of_an_answer_and_a_withdrawal_are_kept_in_the_workspace_language(permits_setup):  # type: ignore[no-untyped-def]
    """An applicant using the portal in English: the officers' timeline still reads French notes
    (``LANGUAGE_CODE``), as the deadline's title."""
    with time_machine.travel("2026-03-02 10:00 +01:00"):
        case = submitted_case(language="en")
    with time_machine.travel("2026-03-10 10:00 +01:00"):
        request = ask(case)
    with time_machine.travel("2026-03-20 15:00 +01:00"), translation.override("en"):
        information_request_answer(actor=case.member, request=request, answer="Here it is.")
        application_withdraw(actor=case.member, application=case.application, reason="Order cancelled.")
    pk = str(case.application.pk)
    notes = StatusChange.objects.filter(object_id=pk, object_type__model="application").order_by("id")
    assert list(notes.values_list("note", flat=True)) == [
        "Toutes les demandes d’informations ont reçu une réponse.",
        "Order cancelled.",
    ]
    rescheduled = AuditEntry.objects.filter(object_type__model="deadline", payload__has_key="reason").get()
    assert rescheduled.payload["reason"] == "Le délai a été suspendu pendant 10 jours pour une demande d’informations."
    deadline = Deadline.objects.get(pk=case.application.deadline_id)
    assert deadline.title == "Statuer sur la demande de licence APP-2026-00001"


def test_with_two_open_requests_the_first_answer_leaves_the_clock_stopped(permits_setup):  # type: ignore[no-untyped-def]
    with time_machine.travel("2026-03-02 10:00 +01:00"):
        case = submitted_case()
        first = ask(case, question="The end-user certificate?")
        second = ask(case, question="The contract?")
        information_request_answer(actor=case.member, request=first, answer="Attached.")
    case.application.refresh_from_db()
    assert case.application.status == ApplicationStatus.WAITING_FOR_APPLICANT
    assert case.application.clock_stopped_on == D(2026, 3, 2)
    with time_machine.travel("2026-03-05 10:00 +01:00"):
        information_request_answer(actor=case.member, request=second, answer="Attached too.")
    case.application.refresh_from_db()
    assert case.application.status == ApplicationStatus.UNDER_ASSESSMENT
    assert case.application.days_stopped == 3


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("   ", "Enter your answer."),
        ("x" * 10_001, "The answer is too long: at most 10,000 characters."),
        ("bell \x07", "The answer holds control characters: remove them."),
    ],
)
def test_a_bad_answer_is_refused_on_the_field_and_nothing_is_stored(permits_setup, answer, message):  # type: ignore[no-untyped-def]
    case = submitted_case()
    request = ask(case)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        information_request_answer(actor=case.member, request=request, answer=answer)
    assert error.value.message_dict == {"answer": [message]}
    request.refresh_from_db()
    assert (request.answer, request.answered_at) == ("", None)
    case.application.refresh_from_db()
    assert case.application.status == ApplicationStatus.WAITING_FOR_APPLICANT


def test_the_answer_is_translated_and_refused_to_strangers_and_twice(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    request = ask(case)
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        information_request_answer(actor=case.member, request=request, answer="")
    assert error.value.message_dict["answer"][0] != "" and "answer" in error.value.message_dict
    stranger = factories.MembershipFactory().user
    with pytest.raises(PermissionDenied):
        information_request_answer(actor=stranger, request=request, answer="Not mine.")
    with pytest.raises(PermissionDenied):
        information_request_answer(actor=case.officer, request=request, answer="The officer cannot answer.")
    information_request_answer(actor=case.member, request=request, answer="Done.")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        information_request_answer(actor=case.member, request=request, answer="Again.")
    assert error.value.message_dict == {"__all__": ["This request has already been answered."]}
    assert InformationRequest.objects.get(pk=request.pk).answer == "Done."


# --- Withdrawal ------------------------------------------------------------------------------


def test_withdraw_closes_the_case_and_meets_the_deadline(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    withdrawn = application_withdraw(actor=case.member, application=case.application, reason="Order cancelled.")
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    assert Deadline.objects.get(pk=withdrawn.deadline_id).status == DeadlineStatus.DONE
    change = StatusChange.objects.filter(object_type__model="application", object_id=str(withdrawn.pk)).latest("id")
    assert (change.to_status, change.note) == ("withdrawn", "Order cancelled.")
    assert Notification.objects.filter(recipient=case.officer, kind="application_withdrawn").count() == 1


def test_a_decided_application_cannot_be_withdrawn(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    grant(case)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        application_withdraw(actor=case.member, application=case.application)
    assert error.value.message_dict == {"__all__": ["This application can no longer be withdrawn."]}
    case.application.refresh_from_db()
    assert case.application.status == ApplicationStatus.GRANTED
    with pytest.raises(PermissionDenied):
        application_withdraw(actor=factories.MembershipFactory().user, application=case.application)


# --- Licence-use reports ---------------------------------------------------------------------


def _report(case, licence, line=0, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "actor": case.member,
        "licence": licence,
        "goods_line": case.lines[line],
        "quantity": Decimal("5"),
        "value_eur": Decimal("12000.00"),
        "shipped_on": D(2026, 4, 1),
    }
    values.update(overrides)
    return use_report_record(**values)


@time_machine.travel("2026-06-15 10:00 +02:00")
def test_reports_count_against_the_balance_exactly(permits_setup, django_assert_num_queries):  # type: ignore[no-untyped-def]
    case = submitted_case()
    licence = grant(case)
    _report(case, licence, quantity=Decimal("5"), value_eur=Decimal("12000.00"), customs_reference="26BE000000000001A1")
    _report(case, licence, quantity=Decimal("10"), value_eur=Decimal("24000.00"))
    _report(case, licence, line=1, quantity=Decimal("2.125"), value_eur=Decimal("212.55"), shipped_on=D(2026, 6, 15))

    with django_assert_num_queries(1):
        balance = licence_balance(licence)
    assert [
        (b.line.position, b.shipped_quantity, b.remaining_quantity, b.shipped_value, b.remaining_value) for b in balance
    ] == [
        (1, Decimal("15.000"), Decimal("5.000"), Decimal("36000.00"), Decimal("12000.00")),
        (2, Decimal("2.125"), Decimal("10.375"), Decimal("212.55"), Decimal("1037.95")),
    ]
    assert AuditEntry.objects.filter(verb="created", object_type__model="licenceusereport").count() == 3


@time_machine.travel("2026-06-15 10:00 +02:00")
def test_a_quantity_over_the_balance_is_refused_with_the_balance_and_nothing_stored(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    licence = grant(case)
    _report(case, licence, quantity=Decimal("15"), value_eur=Decimal("100.00"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _report(case, licence, quantity=Decimal("6"), value_eur=Decimal("100.00"))
    assert error.value.message_dict == {"quantity": ["Only 5 items remain on line 1 of licence BRU/2026/00001."]}
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _report(case, licence, quantity=Decimal("1"), value_eur=Decimal("47900.01"))
    assert error.value.message_dict == {
        "value_eur": ["Only €47,900.00 of value remain on line 1 of licence BRU/2026/00001."]
    }
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _report(case, licence, line=1, quantity=Decimal("13"), value_eur=Decimal("1"))
    assert error.value.message_dict == {"quantity": ["Only 12.5 kg remain on line 2 of licence BRU/2026/00001."]}
    assert LicenceUseReport.objects.count() == 1
    _report(case, licence, quantity=Decimal("4"), value_eur=Decimal("0"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _report(case, licence, quantity=Decimal("2"), value_eur=Decimal("0"))
    assert error.value.message_dict == {"quantity": ["Only 1 item remains on line 1 of licence BRU/2026/00001."]}


@time_machine.travel("2026-06-15 10:00 +02:00")
def test_bad_report_input_is_refused_on_each_field(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case()
    licence = grant(case)
    other = submitted_case(reference="APP-2026-00002")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _report(
            case,
            licence,
            goods_line=other.lines[0],
            quantity=Decimal("0"),
            value_eur=Decimal("-1"),
            shipped_on=D(2026, 6, 16),
            customs_reference="MRN\n1",
        )
    assert error.value.message_dict == {
        "goods_line": ["Choose a line of this licence."],
        "quantity": ["Enter a quantity greater than 0."],
        "value_eur": ["Enter a value of 0 euros or more."],
        "shipped_on": ["The date of the shipment cannot be in the future."],
        "customs_reference": ["Write the customs reference on one line, without control characters."],
    }
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _report(case, licence, shipped_on=D(2026, 2, 28))
    assert error.value.message_dict == {
        "shipped_on": ["The licence is valid from 2026-03-01 to 2027-02-28: the shipment date is outside."]
    }
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        _report(case, licence, value_eur=Decimal("-1"))
    assert list(error.value.message_dict) == ["value_eur"]
    with pytest.raises(PermissionDenied):
        _report(case, licence, actor=other.member)
    assert LicenceUseReport.objects.count() == 0


@time_machine.travel("2026-06-15 10:00 +02:00")
@pytest.mark.parametrize("status", [ApplicationStatus.SUSPENDED, ApplicationStatus.REVOKED, ApplicationStatus.EXPIRED])
def test_no_report_under_a_licence_not_in_force(permits_setup, status):  # type: ignore[no-untyped-def]
    case = submitted_case()
    licence = grant(case)
    type(case.application).objects.filter(pk=case.application.pk).update(status=status)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _report(case, licence)
    label = {"suspended": "suspended", "revoked": "revoked", "expired": "expired"}[status]
    assert error.value.message_dict == {
        "__all__": [f"Shipments can be reported only under a licence in force; licence BRU/2026/00001 is {label}."]
    }
    assert LicenceUseReport.objects.count() == 0


# --- Decision documents ----------------------------------------------------------------------


@time_machine.travel("2026-03-01 10:00 +01:00")
def test_the_licence_pdf_in_french(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case(language="fr")
    licence = grant(case)
    data = licence_pdf(licence)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None
    assert reader.metadata.get("/CreationDate") is None and reader.metadata.get("/ModDate") is None
    assert reader.metadata.get("/Author") == "Brussels International – Permits"
    text = _pdf_text(data)
    assert licence_pdf(licence) == data  # the same data gives the same bytes
    for expected in (
        "BRU/2026/00001",
        case.application.organisation.name,
        "APP-2026-00001",
        "ML15.a",
        "ML15.e",
        "1 mars 2026",
        "28 février 2027",
        "48 000,00 €",
        "12,5 kg",
        "Norvège",
        "Invented Border Guard",
        "Olivia Officer",
        "Charles Countersign",
        "Common Position 2008/944/CFSP",
        "No re-export without the prior consent",
    ):
        assert expected in text.replace("\u202f", " ").replace("\xa0", " "), expected


@time_machine.travel("2026-03-01 10:00 +01:00")
def test_the_licence_pdf_in_english_writes_dates_and_amounts_the_english_way(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case(language="en")
    text = _pdf_text(licence_pdf(grant(case)))
    for expected in ("1 March 2026", "28 February 2027", "€48,000.00", "Norway", "Valid from 1 March 2026 until"):
        assert expected in text, expected


@time_machine.travel("2026-03-01 10:00 +01:00")
def test_the_refusal_letter_cites_the_criteria_in_its_language(permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case(language="nl")
    denial = refuse(case, criteria=(1, 7))
    text = " ".join(_pdf_text(refusal_letter_pdf(case.application)).split())
    assert "APP-2026-00001" in text
    assert denial.reference in text
    for number in (1, 7):
        heading = " ".join(Criterion.objects.get(number=number).title("nl").split())
        assert heading[:40] in text
    assert "Criterion 4" not in text and "4:" not in text.split("APP-2026-00001")[0][-3:]
    assert "Risk of diversion" in text
