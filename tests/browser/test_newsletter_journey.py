"""The newsletter journey (issue 6 acceptance): a visitor subscribes from the footer of a public
page, confirms from the mail this test captures, receives a campaign that the Communication team
composes and schedules in the workspace, unsubscribes in one click (an RFC 8058 POST without any
cookie), and gets nothing from the next campaign. axe-core finds no serious or critical violation
on any page visited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from brussels_international.core.groups import groups_setup
from brussels_international.newsletter.models import Consent, Delivery, Subscriber
from brussels_international.newsletter.services import subscriber_confirm, subscriber_subscribe

from .conftest import CHROMIUM, assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]

VISITOR = "ines.visitor@example.org"
OTHER = "other.reader@example.org"


def _link(body: str, live_url: str) -> str:
    """The first link of the site in a mail body, pointed at the live test server."""
    found = re.search(r"https?://\S+", body)
    assert found, body
    path = re.sub(r"^https?://[^/]+", "", found.group(0))
    return live_url + path


def _compose_and_send(page, live_url: str, title: str) -> None:  # type: ignore[no-untyped-def]
    """Compose a campaign in the workspace and schedule it now (the worker sends it at once in tests)."""
    page.goto(live_url + "/admin/newsletter-campaigns/new/")
    assert_accessible(page)
    page.fill("#id_title", title)
    for code, subject in (("fr", "Nouvelles"), ("nl", "Nieuws"), ("en", f"News: {title}")):
        page.fill(f"#id_subject_{code}", subject)
    page.fill("#id_text_en", f"{title}: the Region at the world expo.")
    page.fill("#id_text_fr", f"{title} : la Région à l’exposition universelle.")
    page.fill("#id_text_nl", f"{title}: het Gewest op de wereldtentoonstelling.")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/admin/newsletter-campaigns/\d+/$"))
    assert_accessible(page)
    page.check("input[name=when][value=now]")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator(".campaign-status")).to_have_text("Sent")
    assert_accessible(page)


def test_subscribe_confirm_receive_unsubscribe_in_one_click_then_nothing_more(
    browser, live_server, transactional_db, settings
):
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.SITE_BASE_URL = live_server.url
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_newsletter_topics", stdout=open("/dev/null", "w"))  # noqa: SIM115
    groups_setup()
    editor = User.objects.create_user("emma", "emma@example.invalid", "a-long-password-1", first_name="Emma")
    editor.groups.add(Group.objects.get(name="Communication"))
    device = TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    mail.outbox.clear()

    # 1. A visitor subscribes from the footer of the English home page.
    visitor = browser.new_context(locale="en-GB")
    page = visitor.new_page()
    page.goto(live_server.url + "/en/")
    footer = page.locator("section.newsletter-footer")
    footer.get_by_label("E-mail address").fill("not-an-address")
    footer.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#id_email_error")).to_be_visible()  # the full page says what is wrong
    assert Subscriber.objects.count() == 0
    assert_accessible(page)
    page.fill("#id_email", VISITOR)
    page.fill("#id_name", "Ines")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("h1")).to_have_text("Check your mailbox")
    assert_accessible(page)
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status, subscriber.language) == (VISITOR, "pending", "en")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [VISITOR]

    # 2. The visitor confirms from the captured mail (GET shows a button; POST confirms).
    page.goto(_link(mail.outbox[0].body, live_server.url))
    expect(page.locator("h1")).to_have_text("Confirm your subscription")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("Subscription confirmed")
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == "active"
    assert list(subscriber.consents.values_list("action", flat=True)) == ["subscribed", "confirmed"]

    # Another reader, so that the second campaign has someone to go to.
    other = subscriber_subscribe(
        actor=None,
        email=OTHER,
        name="",
        language="en",
        topics=[],
        ip_address="127.0.0.1",
        wording="test",
        wording_language="en",
    ).subscriber
    subscriber_confirm(actor=None, subscriber=other, ip_address="127.0.0.1", wording="test", language="en")

    # 3. The Communication team sends a campaign; the visitor receives it, in English.
    staff = browser.new_context(locale="en-GB")
    desk = staff.new_page()
    sign_in(desk, live_server.url, "emma", "a-long-password-1", device)
    mail.outbox.clear()
    _compose_and_send(desk, live_server.url, "World expo letter")
    received = {message.to[0]: message for message in mail.outbox}
    assert set(received) == {VISITOR, OTHER}
    letter = received[VISITOR]
    assert letter.subject == "News: World expo letter"
    headers = letter.message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.search(r"<(https?://[^>]+)>", headers["List-Unsubscribe"]).group(1)

    # 4. The mail client unsubscribes in one click: a POST without any cookie (RFC 8058 §3.2).
    client = browser.new_context()
    assert client.cookies() == []
    response = client.request.post(
        unsubscribe_url.replace(settings.SITE_BASE_URL, live_server.url),
        form={"List-Unsubscribe": "One-Click"},
        max_redirects=0,
    )
    assert response.status == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert Consent.objects.filter(subscriber=subscriber).last().action == "unsubscribed"
    assert Delivery.objects.get(subscriber=subscriber).unsubscribed_at is not None
    client.close()

    # 5. The next campaign goes to the other reader only.
    mail.outbox.clear()
    _compose_and_send(desk, live_server.url, "Second letter")
    assert [message.to for message in mail.outbox] == [[OTHER]]
    assert Delivery.objects.filter(subscriber=subscriber).count() == 1
    staff.close()
    visitor.close()
