"""Browser journey of dossier documents: a Bilateral Relations officer attaches the signed
cooperation agreement to a partner from its page, tries a wrong file (a PNG named .pdf) and reads
the error, deletes a document and undoes it from the message. An axe-core check on each page
(serious or critical violations in the documents' own markup fail) and no CSP error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from brussels_international.core.groups import groups_setup
from brussels_international.core.models import Document
from brussels_international.core.tests.test_documents import PDF, PNG
from brussels_international.directory.models import Partner

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]
BLOCKING_IMPACTS = {"serious", "critical"}


def test_officer_attaches_deletes_and_restores_a_document(browser, live_server, transactional_db, settings, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    settings.PUBLIC_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    groups_setup()
    officer = User.objects.create_user("officer", password="a-long-password-1", first_name="Ana", last_name="Pereira")
    officer.groups.add(Group.objects.get(name="Bilateral Relations"))
    partner = Partner.objects.create(
        slug="prague", kind="city", country="CZ", latitude=50.08, longitude=14.42,
        name_fr="Prague", name_nl="Praag", name_en="Prague", has_agreement=True,
    )  # fmt: skip
    agreement = tmp_path / "Accord de coopération Prague.pdf"
    agreement.write_bytes(PDF)
    wrong = tmp_path / "x.pdf"
    wrong.write_bytes(PNG)

    axe = Axe()
    problems: list[str] = []
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: console.append(str(exc)))

    def check(name: str) -> None:
        page.wait_for_timeout(500)  # Wagtail's messages fade in; axe measures contrast after that
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] not in BLOCKING_IMPACTS:
                continue
            targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])]
            problems.append(f"{name} [{violation['impact']}] {violation['id']}: {violation['help']} ({targets[:5]})")
        if os.environ.get("DOCUMENTS_SCREENSHOTS"):
            folder = Path(os.environ["DOCUMENTS_SCREENSHOTS"])
            page.screenshot(path=str(folder / f"{name}.png"))
            if page.locator(".dossier-documents").count():
                page.locator(".dossier-documents").screenshot(path=str(folder / f"{name}-panel.png"))

    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    sign_in(page, live_server.url, "officer", "a-long-password-1", device)

    inspect = f"{live_server.url}/admin/snippets/directory/partner/inspect/{partner.pk}/"
    page.goto(inspect)
    check("1-partner-page")
    page.set_input_files("#id_document-file", str(agreement))
    page.fill("#id_document-title", "Signed cooperation agreement 2024")
    page.get_by_role("button", name="Add the document").click()
    page.wait_for_url(inspect)
    check("2-attached")
    document = Document.objects.get()
    assert document.name == "Accord_de_cooperation_Prague.pdf"
    assert page.get_by_role("link", name="Signed cooperation agreement 2024").get_attribute("href") == (
        f"/admin/dossier-documents/{document.pk}/download/"
    )

    page.set_input_files("#id_document-file", str(wrong))
    page.get_by_role("button", name="Add the document").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert").filter(has_text="The document was not added")
    assert "is named as a .pdf file but its content is a PNG image" in alert.inner_text()
    check("3-refused")
    assert Document.objects.count() == 1

    page.goto(inspect)
    page.get_by_role("link", name="Delete Accord_de_cooperation_Prague.pdf").click()
    check("4-confirm-delete")
    page.get_by_role("button", name="Yes, delete it").click()
    page.wait_for_url(inspect)
    check("5-deleted")
    document.refresh_from_db()
    assert document.deleted_at is not None
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url(inspect)
    document.refresh_from_db()
    assert document.deleted_at is None
    assert page.get_by_role("link", name="Signed cooperation agreement 2024").is_visible()
    context.close()
    assert console == []
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
