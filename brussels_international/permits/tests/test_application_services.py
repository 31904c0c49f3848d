"""The applicant side's services: registration, members, drafts, goods, parties, documents,
what a draft misses, and the submission (reference, deadline, double submit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from brussels_international.core.models import AuditEntry, Deadline, Document, Notification, StatusChange
from brussels_international.core.tests.test_documents import PNG, make_pdf
from brussels_international.core.workflow import TransitionError
from brussels_international.permits import application_services as services
from brussels_international.permits.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    GoodsLine,
    MemberRole,
    Membership,
    Organisation,
    OrganisationStatus,
    Party,
)
from brussels_international.permits.selectors import TaskStatus, application_problems, application_task_statuses
from brussels_international.permits.tests.factories import permits_officer

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PDF = make_pdf("End-user certificate", "Invented Border Guard")


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path: Path) -> Path:
    """Documents are stored in the test's own temporary folder."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


def _stored(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def _registration(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "username": "nora.stein",
        "password": PASSWORD,
        "email": "nora@stein-optics.example",
        "first_name": "Nora",
        "last_name": "Stein",
        "name": "Stein Optics SRL",
        "registration_number": "0123456749",
        "street": "Rue de l'Exemple 12",
        "postcode": "1000",
        "city": "Bruxelles",
        "country": "be",
        "phone": "+32 2 555 01 01",
        "language": "fr",
    }
    values.update(overrides)
    return services.organisation_register(**values)


@pytest.fixture
def applicant(permits_setup, membership_factory):  # type: ignore[no-untyped-def]
    """An administrator of an approved organisation."""
    return membership_factory(user__username="alex").user


@pytest.fixture
def draft(applicant):  # type: ignore[no-untyped-def]
    return services.application_create(actor=applicant, licence_type="individual_export", title="Binoculars")


def _goods(actor, application, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "description": "Night-vision binoculars",
        "control_code": "ml15",
        "quantity": "20",
        "unit": "items",
        "value_eur": "48000",
    }
    values.update(overrides)
    return services.goods_line_add(actor=actor, application=application, **values)


def _party(actor, application, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "role": "end_user",
        "name": "Invented Border Guard",
        "address": "1 Example Street, Oslo",
        "country": "NO",
    }
    values.update(overrides)
    return services.party_add(actor=actor, application=application, **values)


def _complete(actor, application):  # type: ignore[no-untyped-def]
    """Fill every task of an individual export draft."""
    _goods(actor, application)
    _party(actor, application, role="consignee", name="Invented Importer AS")
    end_user = _party(actor, application)
    services.application_update(actor=actor, application=application, end_use="Equipment of the border police.")
    services.application_document_add(
        actor=actor,
        application=application,
        uploaded_file=SimpleUploadedFile("euc.pdf", PDF),
        kind="end_user_certificate",
        party=end_user,
    )
    return application


def _errors(info: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return dict(info.value.message_dict)


# --- Registration ----------------------------------------------------------------------------


def test_registration_creates_a_pending_organisation_and_its_administrator_and_tells_the_unit(
    permits_setup,
):  # type: ignore[no-untyped-def]
    officer = permits_officer("pia")
    membership = _registration(registration_number="0123.456.749")

    organisation = membership.organisation
    assert (organisation.name, organisation.registration_number, organisation.country, organisation.status) == (
        "Stein Optics SRL",
        "0123.456.749",
        "BE",
        OrganisationStatus.PENDING,
    )
    assert membership.role == MemberRole.ADMINISTRATOR
    user = membership.user
    assert (user.username, user.is_staff, user.check_password(PASSWORD)) == ("nora.stein", False, True)
    assert AuditEntry.objects.filter(object_type__model="organisation", verb="created").count() == 1
    notification = Notification.objects.get(recipient=officer)
    assert "Stein Optics SRL" in notification.title


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (
            "0123.456.748",
            "0123.456.748 is not a valid enterprise number: check the digits (the last two do not match).",
        ),
        ("123456", "Enter the enterprise number as 10 digits, such as 0123.456.749 (starting with 0 or 1)."),
        ("2123.456.749", "Enter the enterprise number as 10 digits, such as 0123.456.749 (starting with 0 or 1)."),
    ],
)
def test_a_bad_enterprise_number_is_refused_and_nothing_is_stored(permits_setup, number, message):  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _registration(registration_number=number)
    assert _errors(info) == {"registration_number": [message]}
    assert not User.objects.filter(username="nora.stein").exists()
    assert not Organisation.objects.exists()


def test_the_vat_form_of_the_number_is_normalised_and_foreign_numbers_are_kept(permits_setup):  # type: ignore[no-untyped-def]
    assert services.normalise_enterprise_number("BE 0403 784 076") == "0403.784.076"
    membership = _registration(registration_number="HRB 12345", country="DE")
    assert membership.organisation.registration_number == "HRB 12345"


def test_a_duplicate_registration_gets_a_clear_error(permits_setup):  # type: ignore[no-untyped-def]
    _registration()
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _registration(registration_number="0123.456.749", username="other.person", email="other@example.test")
    assert _errors(info) == {
        "registration_number": [
            "An organisation with number 0123.456.749 is already registered. Ask its administrator to add you."
        ]
    }
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _registration(registration_number="0403.784.076", username="NORA.STEIN")
    assert _errors(info) == {"username": ["This user name is taken: choose another one."]}
    assert Organisation.objects.count() == 1
    assert User.objects.count() == 1


def test_registration_checks_country_password_and_required_fields(permits_setup):  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _registration(country="XX", password="short", name=" ", email="not-an-address")
    errors = _errors(info)
    assert errors["country"] == ["Choose a country from the list."]
    assert errors["name"] == ["Enter the name of the organisation."]
    assert errors["email"] == ["Enter an e-mail address, such as name@example.com."]
    assert "This password is too short. It must contain at least 12 characters." in errors["password"]
    assert not Organisation.objects.exists()


# --- Members ---------------------------------------------------------------------------------


def test_an_administrator_adds_and_removes_people_but_never_the_last_administrator(applicant):  # type: ignore[no-untyped-def]
    added = services.member_add(
        actor=applicant,
        email="sam@example.test",
        username="sam",
        first_name="Sam",
        last_name="Peeters",
        role="applicant",
        password=PASSWORD,
    )
    assert (added.organisation_id, added.role, added.user.is_staff) == (
        applicant.permits_membership.organisation_id,
        "applicant",
        False,
    )
    with pytest.raises(PermissionDenied):
        services.member_add(
            actor=added.user,
            email="x@example.test",
            username="x-person",
            first_name="X",
            last_name="Y",
            role="applicant",
            password=PASSWORD,
        )
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.member_remove(actor=applicant, membership=applicant.permits_membership)
    assert info.value.messages == [
        f"{applicant.get_full_name()} is the last administrator: make someone else administrator first."
    ]
    services.member_remove(actor=applicant, membership=added)
    assert not Membership.objects.filter(pk=added.pk).exists()
    added.user.refresh_from_db()
    assert added.user.is_active is False


def test_someone_of_another_organisation_cannot_remove_a_member(applicant, membership_factory):  # type: ignore[no-untyped-def]
    stranger = membership_factory(user__username="stranger").user
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=stranger, membership=applicant.permits_membership)


# --- Drafts ----------------------------------------------------------------------------------


def test_only_members_of_an_approved_organisation_start_applications(permits_setup, membership_factory):  # type: ignore[no-untyped-def]
    pending = membership_factory(user__username="pending", organisation__status=OrganisationStatus.PENDING).user
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_create(actor=pending, licence_type="individual_export")
    assert info.value.messages == [
        "Your organisation's registration is being checked by the Permits unit: you can apply once it is approved."
    ]
    staff = permits_officer("pia")
    with pytest.raises(PermissionDenied):
        services.application_create(actor=staff, licence_type="individual_export")
    approved = membership_factory(user__username="approved").user
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_create(actor=approved, licence_type="no_such_type")
    assert _errors(info) == {"licence_type": ["Choose the type of licence."]}
    general = services.application_create(actor=approved, licence_type="general_transfer")
    assert (general.status, general.reference, general.language) == (ApplicationStatus.DRAFT, None, "fr")


def test_update_and_delete_a_draft(draft, applicant, storage_dir):  # type: ignore[no-untyped-def]
    updated = services.application_update(
        actor=applicant, application=draft, licence_type="global_export", end_use="Border police", language="en"
    )
    assert (updated.licence_type, updated.end_use, updated.language) == ("global_export", "Border police", "en")
    entry = AuditEntry.objects.filter(object_type__model="application", verb="updated").get()
    assert entry.payload["changes"]["licence_type"] == ["individual_export", "global_export"]
    _complete(applicant, draft)
    services.application_delete_draft(actor=applicant, application=draft)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert Document.objects.get().deleted_at is not None


# --- Goods lines -----------------------------------------------------------------------------


def test_a_goods_line_stores_the_canonical_code_and_is_numbered(draft, applicant):  # type: ignore[no-untyped-def]
    first = _goods(applicant, draft)
    second = _goods(applicant, draft, control_code="", code_unknown=True, quantity="2,5", unit="kg", value_eur="10.5")
    assert (first.position, first.control_code, first.quantity, first.value_eur) == (
        1,
        "ML15",
        Decimal("20"),
        Decimal("48000"),
    )
    assert (second.position, second.control_code, second.code_unknown, second.quantity) == (
        2,
        "",
        True,
        Decimal("2.5"),
    )
    services.goods_line_update(
        actor=applicant,
        goods_line=first,
        description="Thermal cameras",
        control_code="ML5",
        quantity="3",
        unit="items",
        value_eur="900",
    )
    first.refresh_from_db()
    assert (first.description, first.control_code) == ("Thermal cameras", "ML5")
    services.goods_line_delete(actor=applicant, goods_line=second)
    assert list(draft.goods_lines.values_list("position", flat=True)) == [1]


def test_a_value_of_minus_one_euro_is_refused_next_to_the_field(draft, applicant):  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _goods(applicant, draft, value_eur="-1")
    assert _errors(info) == {"value_eur": ["The value must be at least 0.01 EUR."]}
    assert not GoodsLine.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"control_code": "ML99"},
            "control_code",
            "“ML99” is not an entry of the control lists for this licence type. Choose it from the lists, "
            "or tick “I don't know”.",
        ),
        (
            {"control_code": "5A002"},  # the dual-use list is not loaded in these tests
            "control_code",
            "“5A002” is not an entry of the control lists for this licence type. Choose it from the lists, "
            "or tick “I don't know”.",
        ),
        (
            {"code_unknown": True},
            "control_code",
            "Either give the control list entry or tick “I don't know”, not both.",
        ),
        ({"control_code": ""}, "control_code", "Choose the control list entry, or tick “I don't know”."),
        ({"quantity": "0"}, "quantity", "The quantity must be more than 0."),
        (
            {"quantity": "1.2345"},
            "quantity",
            "Enter the quantity with at most 3 decimals and 11 digits before the decimal point.",
        ),
        ({"quantity": "many"}, "quantity", "Enter the quantity as a number, such as 20 or 2.5."),
        ({"value_eur": "0"}, "value_eur", "The value must be at least 0.01 EUR."),
        (
            {"value_eur": "10.001"},
            "value_eur",
            "Enter the value in euros with at most 2 decimals and 12 digits before the decimal point.",
        ),
        ({"unit": "barrels"}, "unit", "Choose the unit of the quantity."),
        ({"description": ""}, "description", "Describe the goods."),
    ],
)
def test_bad_goods_lines_are_refused(draft, applicant, overrides, field, message):  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _goods(applicant, draft, **overrides)
    assert _errors(info) == {field: [message]}
    assert not GoodsLine.objects.exists()


def test_only_members_and_only_drafts_take_goods(draft, applicant, membership_factory):  # type: ignore[no-untyped-def]
    stranger = membership_factory(user__username="stranger").user
    with pytest.raises(PermissionDenied):
        _goods(stranger, draft)
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.SUBMITTED)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _goods(applicant, draft)
    assert info.value.messages == ["This application has been submitted: it can no longer be changed."]
    assert not GoodsLine.objects.exists()


# --- Parties ---------------------------------------------------------------------------------


def test_parties_countries_and_the_single_destination_rule(draft, applicant):  # type: ignore[no-untyped-def]
    consignee = _party(applicant, draft, role="consignee", name="Invented Importer AS", country="no")
    assert consignee.country == "NO"
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _party(applicant, draft, country="SE")
    assert _errors(info) == {
        "country": [
            "An application for a individual export licence has one destination country: the consignees and "
            "end-users are all in Norway. Apply for a global licence to export to several countries."
        ]
    }
    with translation.override("en"), pytest.raises(ValidationError) as info:
        _party(applicant, draft, country="ZZ", website="not a site")
    assert _errors(info) == {
        "country": ["Choose a country from the list."],
        "website": ["Enter the website address, such as https://www.example.com."],
    }
    # An intermediary may be elsewhere; the consignee may move with the only other destination gone.
    _party(applicant, draft, role="intermediary", name="Invented Broker", country="SE")
    services.party_update(
        actor=applicant,
        party=consignee,
        role="consignee",
        name="Invented Importer AB",
        address="Stockholm",
        country="SE",
    )
    consignee.refresh_from_db()
    assert consignee.country == "SE"
    services.party_delete(actor=applicant, party=consignee)
    assert list(Party.objects.values_list("role", flat=True)) == ["intermediary"]


def test_a_global_licence_takes_several_destinations(applicant):  # type: ignore[no-untyped-def]
    draft = services.application_create(actor=applicant, licence_type="global_export")
    _party(applicant, draft, country="NO")
    _party(applicant, draft, country="SE", name="Invented Coast Guard")
    assert draft.parties.count() == 2


# --- Documents -------------------------------------------------------------------------------


def test_an_end_user_certificate_that_is_not_a_pdf_is_refused_and_nothing_stored(draft, applicant, storage_dir):  # type: ignore[no-untyped-def]
    end_user = _party(applicant, draft)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_document_add(
            actor=applicant,
            application=draft,
            uploaded_file=SimpleUploadedFile("certificate.pdf", PNG),
            kind="end_user_certificate",
            party=end_user,
        )
    errors = _errors(info)["uploaded_file"]
    assert errors[0] == "The end-user certificate must be a PDF file."
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_document_add(
            actor=applicant,
            application=draft,
            uploaded_file=SimpleUploadedFile("certificate.png", PNG),
            kind="end_user_certificate",
            party=end_user,
        )
    assert _errors(info) == {
        "uploaded_file": ["The end-user certificate must be a PDF file: “certificate.png” is a PNG image."]
    }
    assert not Document.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert _stored(storage_dir) == []


def test_documents_are_attached_and_removed(draft, applicant, storage_dir):  # type: ignore[no-untyped-def]
    end_user = _party(applicant, draft)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_document_add(
            actor=applicant,
            application=draft,
            uploaded_file=SimpleUploadedFile("euc.pdf", PDF),
            kind="end_user_certificate",
        )
    assert _errors(info) == {"party": ["Choose the end-user this certificate is for."]}
    certificate = services.application_document_add(
        actor=applicant,
        application=draft,
        uploaded_file=SimpleUploadedFile("euc.pdf", PDF),
        kind="end_user_certificate",
        party=end_user,
    )
    photo = services.application_document_add(
        actor=applicant, application=draft, uploaded_file=SimpleUploadedFile("photo.png", PNG), kind="technical"
    )
    assert (certificate.document.content_type, certificate.party_id, photo.kind) == (
        "application/pdf",
        end_user.pk,
        "technical",
    )
    assert len(_stored(storage_dir)) == 2
    services.application_document_remove(actor=applicant, application_document=photo)
    photo.document.refresh_from_db()
    assert photo.document.deleted_at is not None


# --- What a draft misses, submission ---------------------------------------------------------


def test_problems_name_each_missing_piece_per_task(draft, applicant):  # type: ignore[no-untyped-def]
    services.application_update(actor=applicant, application=draft, end_use="")
    _party(applicant, draft)  # an end-user, no consignee
    with translation.override("en"):
        problems = application_problems(draft, declaration=False)
    assert problems == [
        ("goods", "Add at least one line of goods."),
        ("parties", "Add the consignee: this type of licence needs at least one."),
        ("end_use", "Describe the end use of the goods."),
        ("documents", "Upload the end-user certificate (PDF) of Invented Border Guard."),
        ("declaration", "Confirm the declaration to submit the application."),
    ]
    assert application_task_statuses(draft) == {
        "licence_type": TaskStatus.COMPLETED,
        "goods": TaskStatus.NOT_STARTED,
        "parties": TaskStatus.IN_PROGRESS,
        "end_use": TaskStatus.NOT_STARTED,
        "documents": TaskStatus.NOT_STARTED,
        "declaration": TaskStatus.CANNOT_START,
    }


def test_a_submission_with_a_missing_party_is_refused_and_nothing_stored(draft, applicant):  # type: ignore[no-untyped-def]
    _complete(applicant, draft)
    draft.parties.filter(role="consignee").delete()
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_submit(actor=applicant, application=draft, declaration=True)
    assert _errors(info) == {"parties": ["Add the consignee: this type of licence needs at least one."]}
    draft.refresh_from_db()
    assert (draft.status, draft.reference, draft.submitted_at, draft.deadline_id) == ("draft", None, None, None)
    assert not StatusChange.objects.exists()


def test_submission_without_the_declaration_is_refused(draft, applicant):  # type: ignore[no-untyped-def]
    _complete(applicant, draft)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_submit(actor=applicant, application=draft, declaration=False)
    assert _errors(info) == {"declaration": ["Confirm the declaration to submit the application."]}


@time_machine.travel(dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC), tick=False)
def test_submit_gives_gap_free_references_registers_the_deadline_and_tells_the_unit(
    applicant,
):  # type: ignore[no-untyped-def]
    officer = permits_officer("pia")
    first = _complete(applicant, services.application_create(actor=applicant, licence_type="individual_export"))
    second = _complete(applicant, services.application_create(actor=applicant, licence_type="individual_export"))

    one = services.application_submit(actor=applicant, application=first, declaration=True)
    two = services.application_submit(actor=applicant, application=second, declaration=True)

    assert (one.reference, two.reference) == ("APP-2026-00001", "APP-2026-00002")
    assert (one.status, one.declaration_by, one.submitted_at) == (
        ApplicationStatus.SUBMITTED,
        applicant,
        dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC),
    )
    # 60 calendar days (manifest "individual_export") from Thursday 12 March 2026: Monday 11 May 2026.
    assert one.due_date == dt.date(2026, 5, 11)
    deadline = Deadline.objects.get(pk=one.deadline_id)
    assert (deadline.due_date, deadline.object_id) == (dt.date(2026, 5, 11), str(one.pk))
    assert StatusChange.objects.filter(object_id=str(one.pk), from_status="draft", to_status="submitted").count() == 1
    assert Notification.objects.filter(recipient=officer).count() == 2


def test_a_second_submit_gives_no_second_reference(draft, applicant):  # type: ignore[no-untyped-def]
    _complete(applicant, draft)
    services.application_submit(actor=applicant, application=draft, declaration=True)
    with translation.override("en"), pytest.raises(TransitionError) as info:
        services.application_submit(actor=applicant, application=draft, declaration=True)
    assert str(info.value) == "A case in status “submitted” cannot move to “submitted”."
    draft.refresh_from_db()
    assert draft.reference.endswith("-00001")
    assert Deadline.objects.count() == 1
    assert StatusChange.objects.count() == 1


def test_another_company_cannot_submit(draft, applicant, membership_factory):  # type: ignore[no-untyped-def]
    _complete(applicant, draft)
    stranger = membership_factory(user__username="stranger").user
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=stranger, application=draft, declaration=True)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


@pytest.mark.parametrize(
    ("status", "label"), [(OrganisationStatus.SUSPENDED, "suspended"), (OrganisationStatus.REJECTED, "rejected")]
)
def test_an_organisation_no_longer_approved_cannot_submit_its_draft(draft, applicant, status, label):  # type: ignore[no-untyped-def]
    """A draft started while the organisation was approved is not submitted once the unit suspended
    (or rejected) it: no reference, no deadline, nothing stored."""
    _complete(applicant, draft)
    Organisation.objects.filter(pk=draft.organisation_id).update(status=status)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.application_submit(actor=applicant, application=draft, declaration=True)
    assert info.value.message_dict == {
        "__all__": [
            f"Your organisation is not approved by the Permits unit (it is {label}): it cannot submit "
            "applications. Contact the Permits unit."
        ]
    }
    draft.refresh_from_db()
    assert (draft.status, draft.reference, draft.deadline_id) == (ApplicationStatus.DRAFT, None, None)
    assert (Deadline.objects.count(), StatusChange.objects.count()) == (0, 0)
