"""Issue 4's "bad input" acceptance, through the portal's pages in French and Dutch: an end-user
certificate that is not a PDF, a value of minus one euro, an unknown control list entry, a
submission with a missing party and a shipment over the licence balance each get a clear error
in the applicant's language, and nothing is stored (not even half)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from brussels_international.core.models import Deadline, Document
from brussels_international.core.tests.test_documents import PNG, make_pdf
from brussels_international.permits import application_services as services
from brussels_international.permits.models import (
    Application,
    ApplicationStatus,
    GoodsLine,
    LicenceUseReport,
)
from brussels_international.permits.tests.post_submission import grant, submitted_case

pytestmark = pytest.mark.django_db

EXPECTED = {
    "fr": {
        "not_pdf": "Le certificat d’utilisateur final doit être un fichier PDF.</a></li><li>"
        '<a href="#id_uploaded_file">« scan.pdf » porte l’extension .pdf, mais son contenu est une image PNG.',
        "minus_one": "La valeur doit être d’au moins 0,01 EUR.",
        "unknown": "« ML99 » n’est pas une rubrique des listes de contrôle pour ce type de licence. "
        "Choisissez-la dans les listes ou cochez « Je ne sais pas ».",
        "missing_party": "Ajoutez une partie ayant le rôle « destinataire » : "
        "ce type de licence en exige au moins une.",
        "over_balance": "Il ne reste que 5 pièces sur la ligne 1 de la licence BRU/2026/00001.",
    },
    "nl": {
        "not_pdf": "Het eindgebruikerscertificaat moet een PDF-bestand zijn.</a></li><li>"
        '<a href="#id_uploaded_file">“scan.pdf” heeft de extensie .pdf, maar de inhoud is een PNG-afbeelding.',
        "minus_one": "De waarde moet minstens 0,01 EUR bedragen.",
        "unknown": "“ML99” is geen rubriek van de controlelijsten voor dit type vergunning. "
        "Kies ze uit de lijsten of vink “Ik weet het niet” aan.",
        "missing_party": "Voeg een geadresseerde toe: dit type vergunning vereist er minstens één.",
        "over_balance": "Er blijven nog maar 5 stuks over op lijn 1 van vergunning BRU/2026/00001.",
    },
}


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


def _page(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_each_bad_input_of_a_draft_is_refused_in_the_applicants_language(
    lang, permits_setup, membership_factory, storage_dir
):  # type: ignore[no-untyped-def]
    applicant = membership_factory().user
    client = Client()
    client.force_login(applicant)
    draft = services.application_create(actor=applicant, licence_type="individual_export", title="Jumelles")
    base = f"/{lang}/portal/drafts/{draft.pk}"
    line = {"description": "Jumelles", "control_code": "ML15", "quantity": "20", "unit": "items", "value_eur": "-1"}

    assert EXPECTED[lang]["minus_one"] in _page(client.post(f"{base}/goods/add/", line))
    assert EXPECTED[lang]["unknown"] in _page(
        client.post(f"{base}/goods/add/", {**line, "control_code": "ML99", "value_eur": "10"})
    )
    assert not GoodsLine.objects.exists()

    end_user = services.party_add(
        actor=applicant, application=draft, role="end_user", name="Garde-frontière", address="Oslo", country="NO"
    )
    upload = {"kind": "end_user_certificate", "party": end_user.pk}
    page = _page(client.post(f"{base}/documents/", {**upload, "uploaded_file": SimpleUploadedFile("scan.pdf", PNG)}))
    assert EXPECTED[lang]["not_pdf"] in page
    assert not Document.objects.exists()
    assert not storage_dir.exists() or not any(storage_dir.rglob("*.*"))

    # Everything but the consignee: the submission is refused and the draft stays a draft.
    services.goods_line_add(
        actor=applicant,
        application=draft,
        description="Jumelles",
        control_code="ML15",
        quantity="20",
        unit="items",
        value_eur="48000",
    )
    services.application_update(actor=applicant, application=draft, end_use="Police des frontières.")
    services.application_document_add(
        actor=applicant,
        application=draft,
        uploaded_file=SimpleUploadedFile("euc.pdf", make_pdf("EUC")),
        kind="end_user_certificate",
        party=end_user,
    )
    assert EXPECTED[lang]["missing_party"] in _page(client.post(f"{base}/check/", {"declaration": "on"}))
    draft.refresh_from_db()
    assert (draft.status, draft.reference, draft.deadline_id, draft.declaration_at) == (
        ApplicationStatus.DRAFT,
        None,
        None,
        None,
    )
    assert not Deadline.objects.exists()


@pytest.mark.parametrize("lang", ["fr", "nl"])
@time_machine.travel(dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC))
def test_a_shipment_over_the_licence_balance_is_refused_in_the_applicants_language(lang, permits_setup):  # type: ignore[no-untyped-def]
    case = submitted_case(language=lang)
    grant(case)
    client = Client()
    client.force_login(case.member)
    url = f"/{lang}/portal/applications/{case.application.pk}/shipments/"
    shipment = {"goods_line": case.lines[0].pk, "quantity": "15", "value_eur": "36000", "shipped_on": "2026-06-01"}
    assert client.post(url, shipment).status_code == 302
    page = _page(client.post(url, {**shipment, "quantity": "6", "value_eur": "100"}))
    assert EXPECTED[lang]["over_balance"] in page
    assert list(LicenceUseReport.objects.values_list("quantity", flat=True)) == [15]
    assert Application.objects.get(pk=case.application.pk).status == ApplicationStatus.GRANTED
