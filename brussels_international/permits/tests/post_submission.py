"""Helpers of the after-submission tests: a submitted case with its clock, a request for
information, a granted licence, a refusal. They write rows directly (the casework services are
another increment's); the behaviour under test goes through :mod:`permits.licence_services`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from brussels_international.permits import clock
from brussels_international.permits.models import (
    Application,
    ApplicationStatus,
    ClassificationStatus,
    DenialNotification,
    GoodsLine,
    InformationRequest,
    Licence,
    Membership,
    Party,
    PartyRole,
)
from brussels_international.permits.tests import factories


@dataclass
class Case:
    application: Application
    member: User
    officer: User
    lines: list[GoodsLine]


def submitted_case(*, reference: str = "APP-2026-00001", on: dt.date | None = None, language: str = "fr") -> Case:
    """An individual export application of a new company, submitted (clock started on *on*,
    default today), with two goods lines, a consignee and an end-user in Norway, and a case
    manager."""
    membership: Membership = factories.MembershipFactory(organisation__language=language)
    member = membership.user
    officer = factories.permits_officer(f"officer-{reference.lower()}")
    officer.first_name, officer.last_name = "Olivia", "Officer"
    officer.save()
    application = factories.ApplicationFactory(
        organisation=membership.organisation, created_by=member, language=language, case_manager=officer
    )
    lines = [
        factories.GoodsLineFactory(
            application=application,
            position=1,
            control_code="ML15.a",
            confirmed_code="ML15.a",
            classification_status=ClassificationStatus.CONFIRMED,
            quantity=Decimal("20"),
            value_eur=Decimal("48000.00"),
        ),
        factories.GoodsLineFactory(
            application=application,
            position=2,
            description="Spare image intensifier tubes",
            control_code="ML15.e",
            confirmed_code="ML15.e",
            classification_status=ClassificationStatus.CONFIRMED,
            quantity=Decimal("12.5"),
            unit="kg",
            value_eur=Decimal("1250.50"),
        ),
    ]
    Party.objects.create(
        application=application,
        role=PartyRole.CONSIGNEE,
        name="Invented Optics Nordic AS",
        address="Oslo",
        country="NO",
    )
    Party.objects.create(
        application=application, role=PartyRole.END_USER, name="Invented Border Guard", address="Oslo", country="NO"
    )
    factories.submitted(application, reference=reference)
    with transaction.atomic():
        clock.clock_start(actor=member, application=application, on=on or timezone.localdate())
    application.refresh_from_db()
    return Case(application=application, member=member, officer=officer, lines=lines)


def ask(
    case: Case, *, on: dt.date | None = None, question: str = "Send the end-user certificate."
) -> InformationRequest:
    """The case manager asks for information: the clock stops on *on*, the case waits."""
    application = case.application
    request = InformationRequest.objects.create(application=application, question=question, asked_by=case.officer)
    resume = (
        application.resume_status
        if application.status == ApplicationStatus.WAITING_FOR_APPLICANT
        else ApplicationStatus.UNDER_ASSESSMENT
    )
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.WAITING_FOR_APPLICANT,
        resume_status=resume,
        clock_stopped_on=application.clock_stopped_on or on or timezone.localdate(),
    )
    application.refresh_from_db()
    return request


def grant(
    case: Case,
    *,
    number: str = "BRU/2026/00001",
    valid_from: dt.date = dt.date(2026, 3, 1),
    valid_until: dt.date = dt.date(2027, 2, 28),
) -> Licence:
    """The case is decided: a licence in force."""
    application = case.application
    countersigner = factories.permits_officer(f"counter-{application.pk}")
    countersigner.first_name, countersigner.last_name = "Charles", "Countersign"
    countersigner.save()
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.GRANTED,
        proposed_outcome="grant",
        proposed_by=case.officer,
        countersigned_by=countersigner,
        decided_at=now,
    )
    application.refresh_from_db()
    return Licence.objects.create(
        application=application,
        number=number,
        issued_at=now,
        valid_from=valid_from,
        valid_until=valid_until,
        conditions="No re-export without the prior consent of the Permits unit.",
    )


def refuse(
    case: Case, *, criteria: tuple[int, ...] = (1, 7), reference: str = "BE-BRU-2026-0001"
) -> DenialNotification:
    """The case is refused on *criteria*, with its denial notification."""
    application = case.application
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.REFUSED,
        proposed_outcome="refuse",
        proposed_by=case.officer,
        refusal_criteria=list(criteria),
        refusal_reasons="Risk of diversion to a destination under embargo.",
        decided_at=timezone.now(),
    )
    application.refresh_from_db()
    return DenialNotification.objects.create(
        application=application,
        reference=reference,
        destination="NO",
        consignee="Invented Optics Nordic AS",
        end_user="Invented Border Guard",
        goods="Night-vision binoculars",
        control_codes="ML15.a, ML15.e",
        criteria=list(criteria),
        reasons=application.refusal_reasons,
        denied_on=timezone.localdate(),
    )
