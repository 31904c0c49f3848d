"""The applicant portal up to submission: sign in, registration, the organisation page, the home
list, the task list and its pages, the control list picker, check your answers, submission."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from brussels_international.core.models import Document
from brussels_international.core.tests.test_documents import PNG, make_pdf
from brussels_international.permits import application_services as services
from brussels_international.permits.models import (
    Application,
    ApplicationStatus,
    GoodsLine,
    MemberRole,
    Membership,
    Organisation,
    OrganisationStatus,
    Party,
)
from brussels_international.permits.tests.factories import permits_officer
from brussels_international.permits.tests.html_checks import description_problems

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PDF = make_pdf("End-user certificate")


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """URLs reversed under /en/, pages in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(permits_setup, membership_factory):  # type: ignore[no-untyped-def]
    return membership_factory(user__username="alex").user


@pytest.fixture
def client_in(applicant) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(applicant)
    return client


@pytest.fixture
def draft(applicant):  # type: ignore[no-untyped-def]
    return services.application_create(actor=applicant, licence_type="individual_export", title="Binoculars")


def _fill(actor, application):  # type: ignore[no-untyped-def]
    services.goods_line_add(
        actor=actor,
        application=application,
        description="Binoculars",
        control_code="ML15",
        quantity="20",
        unit="items",
        value_eur="48000",
    )
    services.party_add(
        actor=actor, application=application, role="consignee", name="Importer AS", address="Oslo", country="NO"
    )
    end_user = services.party_add(
        actor=actor, application=application, role="end_user", name="Border Guard", address="Oslo", country="NO"
    )
    services.application_update(actor=actor, application=application, end_use="Border police.")
    services.application_document_add(
        actor=actor,
        application=application,
        uploaded_file=SimpleUploadedFile("euc.pdf", PDF),
        kind="end_user_certificate",
        party=end_user,
    )
    return application


# --- Access ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(draft, client: Client):  # type: ignore[no-untyped-def]
    for url in (reverse("portal:home"), reverse("portal:draft", args=[draft.pk]), reverse("portal:organisation")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_sign_in_and_out(applicant, client: Client):  # type: ignore[no-untyped-def]
    page = client.get(reverse("portal:login"))
    assert page.status_code == 200
    assert "Sign in to the licence portal" in page.content.decode()
    response = client.post(reverse("portal:login"), {"username": "alex", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    response = client.post(reverse("portal:logout"))
    assert response["Location"] == reverse("portal:login")
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_workspace_account_is_told_to_use_the_workspace(permits_setup, client: Client):  # type: ignore[no-untyped-def]
    permits_officer("pia")
    response = client.post(reverse("portal:login"), {"username": "pia", "password": PASSWORD})
    assert response.status_code == 200
    assert "This is a workspace account: sign in to the staff workspace at /admin/login/." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_companys_draft_answers_404(draft, membership_factory):  # type: ignore[no-untyped-def]
    stranger = membership_factory(user__username="stranger").user
    client = Client()
    client.force_login(stranger)
    for name in ("portal:draft", "portal:draft_goods", "portal:draft_check", "portal:draft_documents"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    assert client.post(reverse("portal:draft_check", args=[draft.pk]), {"declaration": "on"}).status_code == 404


# --- Registration and organisation -----------------------------------------------------------


def _registration_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Stein Optics SRL",
        "country": "BE",
        "registration_number": "0123.456.749",
        "street": "Rue de l'Exemple 12",
        "postcode": "1000",
        "city": "Bruxelles",
        "phone": "",
        "language": "nl",
        "first_name": "Nora",
        "last_name": "Stein",
        "email": "nora@stein-optics.example",
        "username": "nora",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def test_registration_form_then_received_page_then_pending_banner(permits_setup, client: Client):  # type: ignore[no-untyped-def]
    page = client.get(reverse("portal:register"))
    assert page.status_code == 200
    assert '<option value="BE" selected>Belgium</option>' in page.content.decode()
    response = client.post(reverse("portal:register"), _registration_data())
    assert response["Location"] == reverse("portal:registration_received")
    assert "The Permits unit will check" in client.get(response["Location"]).content.decode()
    organisation = Organisation.objects.get()
    assert (organisation.status, organisation.language) == (OrganisationStatus.PENDING, "nl")
    client.post(reverse("portal:login"), {"username": "nora", "password": PASSWORD})
    home = client.get(reverse("portal:home")).content.decode()
    assert "Your registration is being checked" in home
    assert reverse("portal:application_start") not in home
    assert client.get(reverse("portal:application_start"))["Location"] == reverse("portal:home")


def test_a_bad_enterprise_number_is_shown_in_the_summary_and_next_to_the_field(permits_setup, client: Client):  # type: ignore[no-untyped-def]
    response = client.post(reverse("portal:register"), _registration_data(registration_number="0123.456.748"))
    assert response.status_code == 200
    html = response.content.decode()
    message = "0123.456.748 is not a valid enterprise number: check the digits (the last two do not match)."
    assert f'<a href="#id_registration_number">{message}</a>' in html
    assert f'<span class="visually-hidden">Error:</span> {message}' in html
    assert 'aria-describedby="id_registration_number_helptext id_registration_number_error"' in html
    assert description_problems(html) == []
    assert not Organisation.objects.exists()


def test_the_administrator_adds_a_member_and_an_applicant_cannot(applicant, client_in: Client):  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("portal:organisation"),
        {
            "first_name": "Sam",
            "last_name": "Peeters",
            "email": "sam@example.test",
            "role": "applicant",
            "username": "sam",
            "password": PASSWORD,
        },
    )
    assert response["Location"] == reverse("portal:organisation")
    added = Membership.objects.get(user__username="sam")
    assert (added.role, added.organisation_id) == (MemberRole.APPLICANT, applicant.permits_membership.organisation_id)
    sam = Client()
    sam.force_login(added.user)
    assert sam.get(reverse("portal:organisation")).status_code == 403
    confirm = client_in.get(reverse("portal:member_remove", args=[added.pk]))
    assert "Remove Sam Peeters?" in confirm.content.decode()
    assert Membership.objects.filter(pk=added.pk).exists()  # a GET removes nothing
    client_in.post(reverse("portal:member_remove", args=[added.pk]))
    assert not Membership.objects.filter(pk=added.pk).exists()


# --- Home ------------------------------------------------------------------------------------


def test_home_lists_the_organisations_applications_with_a_constant_number_of_queries(
    applicant, client_in: Client, application_factory, membership_factory, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    organisation = applicant.permits_membership.organisation
    application_factory(organisation=organisation, created_by=applicant, title="Mine")
    application_factory(title="Someone else's")
    with CaptureQueriesContext(connection) as few:
        first = client_in.get(reverse("portal:home"))
    for n in range(30):
        application_factory(organisation=organisation, created_by=applicant, title=f"Draft {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_in.get(reverse("portal:home"))
    assert "Mine" in first.content.decode()
    assert "Someone else" not in first.content.decode()
    assert response.context["page"].paginator.count == 31
    assert len(response.context["page"].object_list) == 25
    assert 'href="?page=2"' in response.content.decode()
    assert reverse("portal:application_start") in response.content.decode()


# --- The task list and its pages -------------------------------------------------------------


def test_start_an_application_and_see_its_task_list(applicant, client_in: Client):  # type: ignore[no-untyped-def]
    start = client_in.get(reverse("portal:application_start")).content.decode()
    assert "<fieldset>\n    <legend>Type of licence</legend>" in start  # no empty aria-describedby
    assert description_problems(start) == []
    response = client_in.post(
        reverse("portal:application_start"), {"licence_type": "individual_export", "title": "Binoculars"}
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("portal:draft", args=[application.pk])
    html = client_in.get(response["Location"]).content.decode()
    assert "You have completed 1 of 6 tasks." in html
    for label in ("Licence type", "Goods", "Parties", "End use", "Documents", "Declaration and submission"):
        assert label in html
    assert html.count("Not started") == 3
    assert html.count("Cannot start yet") == 2


def test_minus_one_euro_is_refused_with_the_error_at_the_top_and_next_to_the_field(draft, client_in: Client):  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("portal:draft_goods_add", args=[draft.pk]),
        {"description": "Binoculars", "control_code": "ML15", "quantity": "20", "unit": "items", "value_eur": "-1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_value_eur">The value must be at least 0.01 EUR.</a>' in html
    assert '<span class="visually-hidden">Error:</span> The value must be at least 0.01 EUR.' in html
    assert not GoodsLine.objects.exists()


def test_an_unknown_control_list_entry_is_refused(draft, client_in: Client):  # type: ignore[no-untyped-def]
    response = client_in.post(
        reverse("portal:draft_goods_add", args=[draft.pk]),
        {"description": "Binoculars", "control_code": "ML99", "quantity": "20", "unit": "items", "value_eur": "10"},
    )
    assert (
        "“ML99” is not an entry of the control lists for this licence type. Choose it from the lists, "
        "or tick “I don&#x27;t know”." in response.content.decode()
    )
    assert not GoodsLine.objects.exists()


def test_the_picker_searches_and_browses_and_brings_the_code_back(draft, client_in: Client):  # type: ignore[no-untyped-def]
    picker = reverse("portal:draft_goods_code", args=[draft.pk])
    add = reverse("portal:draft_goods_add", args=[draft.pk])
    tree = client_in.get(picker, {"regime": "military"}).content.decode()
    assert f'href="{add}?code=ML15"' in tree
    assert f'href="{add}?unknown=1"' in tree
    found = client_in.get(picker, {"q": "imaging", "regime": "military"}).content.decode()
    assert "1 entry found" in found
    assert f'href="{add}?code=ML15"' in found
    form = client_in.get(add, {"code": "ML15"})
    assert form.context["form"].initial["control_code"] == "ML15"
    response = client_in.post(
        add,
        {"description": "Binoculars", "control_code": "ML15", "quantity": "20", "unit": "items", "value_eur": "48000"},
    )
    assert response["Location"] == reverse("portal:draft_goods", args=[draft.pk])
    line = GoodsLine.objects.get()
    edit_picker = client_in.get(picker, {"line": line.pk, "regime": "military"}).content.decode()
    assert f'href="{reverse("portal:draft_goods_edit", args=[draft.pk, line.pk])}?code=ML15"' in edit_picker
    remove = reverse("portal:draft_goods_remove", args=[draft.pk, line.pk])
    assert "Remove line 1?" in client_in.get(remove).content.decode()
    client_in.post(remove)
    assert not GoodsLine.objects.exists()


def test_parties_page_and_the_single_destination_error(draft, client_in: Client):  # type: ignore[no-untyped-def]
    add = reverse("portal:draft_party_add", args=[draft.pk])
    data = {"role": "consignee", "name": "Importer AS", "address": "Oslo", "country": "NO", "website": ""}
    assert client_in.post(add, data)["Location"] == reverse("portal:draft_parties", args=[draft.pk])
    response = client_in.post(add, {**data, "role": "end_user", "country": "SE"})
    assert "has one destination country" in response.content.decode()
    assert Party.objects.count() == 1
    page = client_in.get(reverse("portal:draft_parties", args=[draft.pk])).content.decode()
    assert "Add the end-user: this type of licence needs at least one." in page


def test_an_end_user_certificate_that_is_not_a_pdf_is_refused(draft, applicant, client_in: Client, storage_dir):  # type: ignore[no-untyped-def]
    end_user = services.party_add(
        actor=applicant, application=draft, role="end_user", name="Border Guard", address="Oslo", country="NO"
    )
    response = client_in.post(
        reverse("portal:draft_documents", args=[draft.pk]),
        {
            "kind": "end_user_certificate",
            "party": end_user.pk,
            "uploaded_file": SimpleUploadedFile("certificate.png", PNG),
        },
    )
    assert response.status_code == 200
    assert "The end-user certificate must be a PDF file: “certificate.png” is a PNG image." in response.content.decode()
    assert not Document.objects.exists()
    response = client_in.post(
        reverse("portal:draft_documents", args=[draft.pk]),
        {"kind": "end_user_certificate", "party": end_user.pk, "uploaded_file": SimpleUploadedFile("euc.pdf", PDF)},
    )
    assert response["Location"] == reverse("portal:draft_documents", args=[draft.pk])
    assert Document.objects.get().content_type == "application/pdf"


def test_end_use_and_licence_type_pages_save_the_draft(draft, client_in: Client):  # type: ignore[no-untyped-def]
    response = client_in.post(reverse("portal:draft_end_use", args=[draft.pk]), {"end_use": "Border police."})
    assert response["Location"] == reverse("portal:draft", args=[draft.pk])
    client_in.post(
        reverse("portal:draft_licence_type", args=[draft.pk]),
        {"licence_type": "global_export", "title": "Binoculars", "language": "en"},
    )
    draft.refresh_from_db()
    assert (draft.end_use, draft.licence_type, draft.language) == ("Border police.", "global_export", "en")


# --- Check your answers and submission -------------------------------------------------------


def test_a_submission_with_a_missing_party_is_refused(draft, applicant, client_in: Client):  # type: ignore[no-untyped-def]
    _fill(applicant, draft)
    draft.parties.filter(role="consignee").delete()
    check = reverse("portal:draft_check", args=[draft.pk])
    page = client_in.get(check).content.decode()
    assert (
        f'<a href="{reverse("portal:draft_parties", args=[draft.pk])}">Parties: Add the consignee: this type of '
        "licence needs at least one.</a>" in page
    )
    response = client_in.post(check, {"declaration": "on"})
    assert response.status_code == 200
    assert "<li>Add the consignee: this type of licence needs at least one.</li>" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (ApplicationStatus.DRAFT, None)


def test_a_suspended_organisation_is_told_at_the_top_that_it_cannot_submit(draft, applicant, client_in: Client):  # type: ignore[no-untyped-def]
    _fill(applicant, draft)
    Organisation.objects.filter(pk=draft.organisation_id).update(status=OrganisationStatus.SUSPENDED)
    response = client_in.post(reverse("portal:draft_check", args=[draft.pk]), {"declaration": "on"})
    assert response.status_code == 200
    assert (
        "<li>Your organisation is not approved by the Permits unit (it is suspended): it cannot submit "
        "applications. Contact the Permits unit.</li>" in response.content.decode()
    )
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (ApplicationStatus.DRAFT, None)


@time_machine.travel(dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC), tick=False)
def test_submit_shows_the_reference_and_due_date_and_a_second_post_gives_no_second_reference(
    draft, applicant, client_in: Client
):  # type: ignore[no-untyped-def]
    _fill(applicant, draft)
    check = reverse("portal:draft_check", args=[draft.pk])
    no_declaration = client_in.post(check, {})
    assert (
        '<a href="#id_declaration">Confirm the declaration to submit the application.</a>'
        in no_declaration.content.decode()
    )
    response = client_in.post(check, {"declaration": "on"})
    assert response["Location"] == reverse("portal:submitted", args=[draft.pk])
    page = client_in.get(response["Location"]).content.decode()
    assert "APP-2026-00001" in page
    assert "The Permits unit will decide by May 11, 2026 at the latest." in page
    again = client_in.post(check, {"declaration": "on"}, follow=True)
    assert "This application was already submitted as APP-2026-00001." in again.content.decode()
    assert list(Application.objects.values_list("reference", flat=True)) == ["APP-2026-00001"]
    # A submitted application's task pages send to its page.
    goods = client_in.get(reverse("portal:draft_goods", args=[draft.pk]))
    assert goods["Location"] == reverse("portal:application", args=[draft.pk])
    home = client_in.get(reverse("portal:home")).content.decode()
    assert "APP-2026-00001" in home


def test_delete_a_draft_after_confirmation(draft, client_in: Client):  # type: ignore[no-untyped-def]
    url = reverse("portal:draft_delete", args=[draft.pk])
    assert "Delete this draft?" in client_in.get(url).content.decode()
    assert client_in.post(url)["Location"] == reverse("portal:home")
    assert not Application.objects.exists()


# --- Control lists ---------------------------------------------------------------------------


def test_the_control_lists_are_public(permits_setup, client: Client):  # type: ignore[no-untyped-def]
    page = client.get(reverse("portal:control_lists")).content.decode()
    assert "EU Common Military List" in page
    found = client.get(reverse("portal:control_lists"), {"q": "ML15"}).content.decode()
    assert "1 row found" in found
    tree = client.get(reverse("portal:control_lists"), {"regime": "military"}).content.decode()
    assert "ML22" in tree


def test_a_party_and_a_document_are_removed_only_after_confirmation(draft, applicant, client_in: Client):  # type: ignore[no-untyped-def]
    _fill(applicant, draft)
    consignee = draft.parties.get(role="consignee")
    remove = reverse("portal:draft_party_remove", args=[draft.pk, consignee.pk])
    page = client_in.get(remove).content.decode()
    assert "Remove Importer AS?" in page
    assert Party.objects.filter(pk=consignee.pk).exists()  # asking removes nothing
    response = client_in.post(remove, follow=True)
    assert response.redirect_chain == [(reverse("portal:draft_parties", args=[draft.pk]), 302)]
    assert "Importer AS was removed." in response.content.decode()
    assert list(draft.parties.values_list("role", flat=True)) == ["end_user"]

    certificate = draft.application_documents.get()
    remove = reverse("portal:draft_document_remove", args=[draft.pk, certificate.pk])
    assert "Remove “euc.pdf”?" in client_in.get(remove).content.decode()
    response = client_in.post(remove, follow=True)
    assert response.redirect_chain == [(reverse("portal:draft_documents", args=[draft.pk]), 302)]
    assert "“euc.pdf” was removed." in response.content.decode()
    certificate.document.refresh_from_db()
    assert certificate.document.deleted_at is not None  # core documents are deleted softly (restorable)
