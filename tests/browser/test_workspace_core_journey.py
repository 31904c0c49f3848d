"""The acceptance journey of the workspace core (issue 3): a Permits officer signs in with a
second factor, sees the reply deadline of a letter on the home page, subscribes their calendar
(the feed parses with ``icalendar`` and holds the deadline), searches, opens the letter found
and downloads its document. axe-core finds no serious or critical violation on the way, and no
script is blocked by the Content Security Policy."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from brussels_international.core.documents import document_upload
from brussels_international.core.groups import groups_setup
from brussels_international.core.tests.test_documents import make_pdf
from brussels_international.correspondence.services import letter_register
from brussels_international.directory.models import Unit

from .conftest import CHROMIUM, assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]

PDF = make_pdf("End-user certificate", "Stein Optics SRL, thermal cameras")


def test_officer_signs_in_sees_a_deadline_subscribes_searches_and_opens_a_document(
    browser, live_server, transactional_db, settings, tmp_path
):
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.SITE_BASE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    groups_setup()
    permits = Unit.objects.create(slug="permits", name_en="Permits", name_fr="Licences", staff_group="Permits")
    officer = User.objects.create_user(
        "officer", "officer@example.invalid", "a-long-password-1", first_name="Ana", last_name="Pereira"
    )
    officer.groups.add(Group.objects.get(name="Permits"))
    head = User.objects.create_user("head", password="a-long-password-2")
    head.groups.add(Group.objects.get(name="Permits"))
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    letter = letter_register(
        actor=head,
        unit=permits,
        subject="Transit of thermal cameras",
        sender_name="Nora Stein",
        sender_organisation="Stein Optics SRL",
        received_on=timezone.localdate() - dt.timedelta(days=2),
        officer=officer,
    )
    document = document_upload(
        actor=officer,
        dossier=letter,
        uploaded_file=SimpleUploadedFile("EUC scan.pdf", PDF),
        title="End-user certificate",
    )

    context = browser.new_context(locale="fr-BE", accept_downloads=True)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: blocked.append(str(exc)))

    # 1. Password, then the code of the authenticator app.
    sign_in(page, live_server.url, "officer", "a-long-password-1", device)

    # 2. The deadline on the home page.
    deadline_title = f"Répondre au courrier {letter.reference} : Transit of thermal cameras"
    link = page.locator(".deadlines-list").get_by_role("link", name=deadline_title, exact=True)
    expect(link).to_have_attribute("href", f"/admin/correspondence/{letter.pk}/")
    assert_accessible(page)

    # 3. Subscribe the calendar: the address shown serves an iCal feed with the deadline.
    page.get_by_role("link", name="Voir mes échéances dans mon application de calendrier").click()
    page.get_by_role("button", name="Créer mon adresse de calendrier").click()
    page.wait_for_url(lambda url: url.endswith("/admin/calendar/"))
    expect(page.locator(".calendar-feed-url")).to_have_count(1)
    feed_url = page.locator(".calendar-feed-url").input_value()
    assert feed_url.startswith(live_server.url + "/calendar/")
    assert_accessible(page)
    feed = page.request.get(feed_url)
    assert feed.status == 200
    calendar = icalendar.Calendar.from_ical(feed.body())
    events = [(str(e["SUMMARY"]), e["DTSTART"].dt) for e in calendar.walk("VEVENT")]
    assert events == [(deadline_title, letter.reply_due)]

    # 4. Search from the workspace's search box; the letter is among the letters.
    page.goto(live_server.url + "/admin/")
    search_box = page.locator("form[role=search] input[name=q]").first
    search_box.fill("Stein")
    search_box.press("Enter")
    page.wait_for_url(lambda url: "/admin/search/" in url)
    results = page.locator("main")
    # The letter (its sender) and its document (the text of the PDF) are found.
    expect(results.get_by_role("heading", name="Courriers (1)")).to_have_count(1)
    expect(results.get_by_role("heading", name="Documents (1)")).to_have_count(1)
    assert_accessible(page)
    results.get_by_role("link", name=f"{letter.reference} Transit of thermal cameras").first.click()
    page.wait_for_url(lambda url: url.endswith(f"/admin/correspondence/{letter.pk}/"))
    assert_accessible(page)

    # 5. Open the document.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="End-user certificate").click()
    download = download_info.value
    assert download.suggested_filename == document.name
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF

    context.close()
    assert blocked == []
