"""factory_boy factories of the permits module's licensing data, registered as pytest fixtures in
the root ``conftest.py`` (``organisation_factory``, ``application_factory``, ...).

They write rows directly, to put a case in any state for a test; the behaviour under test goes
through the services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import factory
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.utils import timezone

from brussels_international.permits.models import (
    Application,
    ApplicationStatus,
    GoodsLine,
    MemberRole,
    Membership,
    Organisation,
    OrganisationStatus,
    Party,
    PartyRole,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An approved applicant company (invented)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Invented Optics {n} SA")
    registration_number = factory.Sequence(lambda n: f"0{n % 1000:03d}.{n // 1000 % 1000:03d}.{700 + n % 300:03d}")
    street = "Rue de l'Exemple 1"
    postcode = "1000"
    city = "Bruxelles"
    country = "BE"
    email = factory.Sequence(lambda n: f"licences{n}@invented-optics.example")
    language = "fr"
    status = OrganisationStatus.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    """A portal user of an organisation (administrator by default)."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.ADMINISTRATOR


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application for an individual export licence."""

    class Meta:
        model = Application

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)
    licence_type = "individual_export"
    title = "Night-vision binoculars"
    end_use = "Equipment of the border police."
    language = factory.LazyAttribute(lambda o: o.organisation.language)
    status = ApplicationStatus.DRAFT


class GoodsLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodsLine

    application = factory.SubFactory(ApplicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    description = "Night-vision binoculars, 3rd generation image intensifier"
    control_code = "ML15"
    quantity = Decimal("20")
    unit = "items"
    value_eur = Decimal("48000.00")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    application = factory.SubFactory(ApplicationFactory)
    role = PartyRole.END_USER
    name = factory.Sequence(lambda n: f"Invented Border Guard {n}")
    address = "1 Example Street, Oslo"
    country = "NO"


def submitted(application: Application, *, reference: str, on: dt.datetime | None = None) -> Application:
    """Put *application* in status ``submitted`` as if submitted (reference, dates); no deadline."""
    application.reference = reference
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = on or timezone.now()
    application.declaration_at = application.submitted_at
    application.declaration_by = application.created_by
    application.save()
    return application


def screened(application: Application) -> Application:
    """Screen *application*'s applicant and parties now (what the submission's background task
    does), so that the screening does not block a proposal in tests about something else."""
    from brussels_international.permits.screening import application_screen

    application_screen(actor=None, application=application)
    return application


def load_criteria() -> None:
    """Load the eight criteria from the curated CSV (``load_permits_reference``)."""
    from brussels_international.permits.services import criteria_load

    criteria_load(actor=None, path=Path(apps.get_app_config("permits").path) / "data" / "criteria.csv")


def permits_officer(username: str) -> User:
    """A staff user in the Permits group (run ``core.groups.groups_setup()`` first)."""
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Permits"))
    return user
