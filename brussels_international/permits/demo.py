"""Demo data of the permits module (demo mode only): invented companies and licence cases in every
status, built through the services so that each case has its real history (audit trail,
deadlines, notifications, numbers).

Run by ``manage.py load_demo_permits`` (``bootstrap`` in demo mode). Companies, people and goods
are invented; the portal accounts share the demo staff password.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from brussels_international.core.management.commands.create_demo_accounts import DEMO_PASSWORD
from brussels_international.core.models import Deadline
from brussels_international.core.two_factor import totp_demo_device_install

from .application_services import (
    application_create,
    application_document_add,
    application_submit,
    application_update,
    goods_line_add,
    organisation_register,
    party_add,
)
from .case_services import (
    assessment_record,
    case_assign,
    case_note_add,
    case_start_assessment,
    consultation_send,
    decision_countersign,
    decision_issue,
    decision_propose,
    goods_line_classify,
    information_request_send,
    licence_revoke,
    licence_suspend,
    licences_expire,
    organisation_approve,
)
from .licence_services import application_withdraw, use_report_record
from .models import Application, Criterion, Licence, Membership, Organisation
from .screening import application_screen

SECOND_OFFICER = "demo-permits-2"
"""A second officer of the Permits unit, who countersigns the demo decisions (four eyes)."""


def enterprise_number(first_eight: int) -> str:
    """A valid Belgian enterprise number from its first eight digits (check digits: 97 minus the
    number modulo 97), written ``0123.456.789``."""
    digits = f"{first_eight:08d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


@dataclass(frozen=True)
class DemoCompany:
    username: str
    name: str
    number: int
    city: str
    postcode: str
    language: str
    approved: bool


COMPANIES = (
    DemoCompany("demo-applicant", "Optronique Zénobie SA", 4_123_456, "Bruxelles", "1000", "fr", True),
    DemoCompany("demo-applicant-nl", "Vlakveld Sensoren NV", 7_654_321, "Anderlecht", "1070", "nl", True),
    DemoCompany("demo-applicant-en", "Kestrel Avionics Brussels SRL", 5_550_001, "Evere", "1140", "en", True),
    DemoCompany("demo-applicant-new", "Nouvelle Balistique SRL", 6_020_202, "Forest", "1190", "fr", False),
)

# (company username, title, destination, status the case ends in)
CASES = (
    ("demo-applicant", "Thermal imaging cameras for coast guard", "NO", "draft"),
    ("demo-applicant", "Night-vision binoculars", "CH", "submitted"),
    ("demo-applicant-nl", "Spare parts for armoured vehicles", "AU", "initial_checks"),
    ("demo-applicant-en", "Flight simulator software", "CA", "under_assessment"),
    ("demo-applicant", "Laser rangefinders", "JP", "waiting_for_applicant"),
    ("demo-applicant-nl", "Ballistic protection plates", "KR", "consultation"),
    ("demo-applicant-en", "Radar components", "NO", "decision_proposed"),
    ("demo-applicant", "Image intensifier tubes", "CH", "countersigned"),
    ("demo-applicant", "Thermal weapon sights", "NO", "granted"),
    ("demo-applicant-nl", "Small arms ammunition", "KP", "refused"),
    ("demo-applicant-en", "Training ammunition", "AU", "withdrawn"),
    ("demo-applicant", "Periscopes for armoured vehicles", "CA", "suspended"),
    ("demo-applicant-nl", "Helmet-mounted displays", "JP", "revoked"),
    ("demo-applicant-en", "Sonar transducers", "NO", "expired"),
)
"""Fourteen cases, one per status. The refused one goes to North Korea, under UN and EU arms
embargoes (UNSCR 1718 (2006); Council Decision (CFSP) 2016/849): criteria 1 and 7."""

CONSIGNEES = {4: "Caribou Ridge Aerospace Ltd"}
"""Consignee names that differ from "Invented Procurement Agency <n>", by case number. Case 4 (under
assessment) resembles, with a typo, the invented entry DEMO-001 "Caribou Ridge Aerospase Ltd" of the
demo watch list (``screening/data/demo-watch-list.csv``, loaded by ``bootstrap`` before this demo):
its case page shows a hit to review."""


def _pdf() -> bytes:
    """A one-page blank PDF (the invented end-user certificate)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _officers() -> tuple[User, User]:
    permits = Group.objects.get(name="Permits")
    first = User.objects.get(username="demo-permits")
    second, created = User.objects.get_or_create(
        username=SECOND_OFFICER,
        defaults={"email": f"{SECOND_OFFICER}@example.invalid", "first_name": "Demo", "last_name": "Permits (2)"},
    )
    if created:
        second.set_password(DEMO_PASSWORD)
    second.is_staff = True
    second.save()
    second.groups.set([permits])
    totp_demo_device_install(user=second)
    return first, second


def _companies(officer: User) -> dict[str, User]:
    users = {}
    for company in COMPANIES:
        membership = organisation_register(
            username=company.username,
            password=DEMO_PASSWORD,
            email=f"{company.username}@example.invalid",
            first_name="Demo",
            last_name=company.name,
            name=company.name,
            registration_number=enterprise_number(company.number),
            street="Rue de l'Exemple 12",
            postcode=company.postcode,
            city=company.city,
            country="BE",
            language=company.language,
        )
        if company.approved:
            organisation_approve(actor=officer, organisation=membership.organisation)
        users[company.username] = membership.user
    return users


def _draft(applicant: User, title: str, country: str, index: int) -> Application:
    application = application_create(actor=applicant, licence_type="individual_export", title=title)
    application = application_update(
        actor=applicant,
        application=application,
        end_use=f"Equipment of the armed forces of the destination country ({title.lower()}).",
    )
    goods_line_add(
        actor=applicant,
        application=application,
        description=title,
        quantity=Decimal(10 + index * 5),
        unit="items",
        value_eur=Decimal(25_000 + index * 7_500),
        control_code="ML15" if index % 2 else "",
        code_unknown=not index % 2,
    )
    consignee = CONSIGNEES.get(index, f"Invented Procurement Agency {index}")
    party_add(
        actor=applicant,
        application=application,
        role="consignee",
        name=consignee,
        address="1 Example Road",
        country=country,
    )
    end_user = party_add(
        actor=applicant,
        application=application,
        role="end_user",
        # Not "Ministry of Defence": the UN list names the DPRK's "Ministry of National Defence",
        # which the matcher finds at 0.80 in any such name (bootstrap loads the UN list first).
        name=f"Invented Armed Forces Command {index}",
        address="2 Example Avenue",
        country=country,
    )
    application_document_add(
        actor=applicant,
        application=application,
        uploaded_file=SimpleUploadedFile(f"end-user-certificate-{index}.pdf", _pdf(), "application/pdf"),
        kind="end_user_certificate",
        party=end_user,
    )
    return application


def _assess(application: Application, officer: User, *, grounds: tuple[int, ...] = ()) -> None:
    for line in application.goods_lines.all():
        goods_line_classify(actor=officer, goods_line=line, code=line.control_code or "ML15")
    country = application.parties.filter(role="end_user").values_list("country", flat=True).first() or "NO"
    for criterion in Criterion.objects.order_by("number"):
        refused = criterion.number in grounds
        assessment_record(
            actor=officer,
            application=application,
            country=country,
            criterion_number=criterion.number,
            outcome="refusal_ground" if refused else "no_concern",
            note="Clear risk found in the invented scenario." if refused else "No concern found.",
        )


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _advance(application: Application, target: str, first: User, second: User, applicant: User) -> None:
    """Move a submitted *application* to *target* through the services."""
    if target == "submitted":
        return
    if target == "withdrawn":
        application_withdraw(
            actor=applicant, application=_fresh(application), reason="The customer cancelled the order."
        )
        return
    case_assign(actor=first, application=_fresh(application), case_manager=first)
    if target == "initial_checks":
        case_note_add(actor=first, application=_fresh(application), text="End-user certificate to be checked.")
        return
    if target == "waiting_for_applicant":
        information_request_send(
            actor=first,
            application=_fresh(application),
            question="Please send the technical specification of the rangefinders (range, wavelength).",
        )
        return
    case_start_assessment(actor=first, application=_fresh(application))
    if target == "under_assessment":
        return
    refuse = target == "refused"
    _assess(_fresh(application), first, grounds=(1, 7) if refuse else ())
    if target == "consultation":
        consultation_send(
            actor=first,
            application=_fresh(application),
            authority="foreign_affairs",
            question="Any objection to this export from a foreign-policy point of view?",
        )
        return
    today = timezone.localdate()
    if refuse:
        decision_propose(
            actor=first,
            application=_fresh(application),
            outcome="refuse",
            refusal_criteria=(1, 7),
            refusal_reasons="The destination is under an arms embargo and the risk of diversion is clear.",
        )
    else:
        decision_propose(
            actor=first,
            application=_fresh(application),
            outcome="grant",
            conditions="No re-export without the prior written consent of the Brussels-Capital Region.",
            valid_until=today if target == "expired" else None,
        )
    if target == "decision_proposed":
        return
    decision_countersign(actor=second, application=_fresh(application))
    if target == "countersigned":
        return
    decision_issue(actor=second, application=_fresh(application))
    if target == "granted":
        licence = Licence.objects.get(application=application)
        line = application.goods_lines.first()
        assert line is not None
        use_report_record(
            actor=applicant,
            licence=licence,
            goods_line=line,
            quantity=Decimal(5),
            value_eur=(line.value_eur / line.quantity * 5).quantize(Decimal("0.01")),
            shipped_on=today,
            customs_reference="26BE000000000DEMO1",
        )
    elif target == "suspended":
        licence_suspend(actor=second, application=_fresh(application), reason="End-user under investigation.")
    elif target == "revoked":
        licence_revoke(actor=second, application=_fresh(application), reason="False end-user certificate.")
    elif target == "expired":
        licences_expire(today=today + dt.timedelta(days=1))


def _backdate_overdue(application: Application, days: int) -> None:
    """Demo history: make *application* look submitted *days* ago, its decision overdue."""
    application = _fresh(application)
    shift = dt.timedelta(days=days)
    assert application.submitted_at is not None and application.due_date is not None
    Application.objects.filter(pk=application.pk).update(
        submitted_at=application.submitted_at - shift, due_date=application.due_date - shift
    )
    if application.deadline_id is not None:
        Deadline.objects.filter(pk=application.deadline_id).update(due_date=application.due_date - shift)


def load_demo_permits(*, progress: Callable[[str], None] = lambda _line: None) -> int:
    """Create the demo companies and one case per status; do nothing when an organisation exists.

    Returns:
        The number of applications created (0 when demo data was there already).

    Raises:
        User.DoesNotExist: the demo staff account ``demo-permits`` is missing (run
            ``create_demo_accounts`` first).
    """
    if Organisation.objects.exists():
        return 0
    with transaction.atomic():
        first, second = _officers()
        users = _companies(first)
        for index, (username, title, country, target) in enumerate(CASES, start=1):
            applicant = users[username]
            application = _draft(applicant, title, country, index)
            if target != "draft":
                application_submit(actor=applicant, application=application, declaration=True)
                # The submission queues the screening after the commit; the demo is one
                # transaction and its proposals need the parties screened: screen now (the queued
                # task then finds every subject screened and does nothing).
                application_screen(actor=None, application=application)
                _advance(application, target, first, second, applicant)
            progress(f"  {_fresh(application)}: {target}")
        overdue = Application.objects.filter(status="under_assessment").first()
        if overdue is not None:
            _backdate_overdue(overdue, 75)
    assert Membership.objects.count() == len(COMPANIES)
    return len(CASES)
