"""The public pages of issue 6 in fr, nl and en, with an axe-core check on each: the blog *The
Brussels Globe* (listing, a filter that is refused, a post), the events calendar (upcoming, past, a
bad month, an event) and the newsletter's own pages (subscription with an error, unsubscribe,
preferences). Demo posts and events are loaded as ``make run`` loads them."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command, get_commands
from playwright.sync_api import expect

from brussels_international.newsletter.models import Subscriber, SubscriberStatus
from brussels_international.newsletter.tokens import preferences_token, unsubscribe_token
from brussels_international.website.models import BlogIndexPage, BlogPostPage, EventIndexPage, EventPage

from .conftest import CHROMIUM, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]


def _quiet(*args: str) -> None:
    call_command(*args, stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_blog_events_and_newsletter_pages_are_accessible_in_three_languages(
    browser, live_server, transactional_db, settings
):
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.DEMO_MODE = True
    settings.DEBUG = True  # the demo events command runs in demo mode only (DEBUG=1 DEMO_MODE=1)
    if "load_organisation" in get_commands():
        _quiet("load_organisation")
    else:
        from brussels_international.directory.tests.factories import seed_organisation

        seed_organisation()
    _quiet("setup_site")
    _quiet("load_newsletter_topics")
    _quiet("load_demo_blog")
    _quiet("load_demo_events")
    subscriber = Subscriber.objects.create(email="reader@example.org", language="nl", status=SubscriberStatus.ACTIVE)

    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    for code in ("fr", "nl", "en"):
        blog = BlogIndexPage.objects.get(locale__language_code=code)
        post = BlogPostPage.objects.live().filter(locale__language_code=code).order_by("-date").first()
        events = EventIndexPage.objects.get(locale__language_code=code)
        event = EventPage.objects.live().filter(locale__language_code=code, cancelled=False).first()
        assert post is not None and event is not None, code

        page.goto(live_server.url + blog.url)
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator("ol.blog-posts li").first).to_be_visible()
        assert_accessible(page)
        page.goto(live_server.url + blog.url + "?year=1999")  # not offered: said next to the field
        expect(page.locator("#filter-year-error")).to_be_visible()
        assert_accessible(page)
        page.goto(live_server.url + post.url)
        expect(page.locator("h1")).to_have_text(post.title)
        assert_accessible(page)

        page.goto(live_server.url + events.url)
        assert_accessible(page)
        page.goto(live_server.url + events.url + "?period=past")
        assert_accessible(page)
        response = page.goto(live_server.url + events.url + "?month=2026-13")
        assert response is not None and response.status == 400
        assert_accessible(page)
        page.goto(live_server.url + event.url)
        expect(page.locator("h1")).to_have_text(event.title)
        assert_accessible(page)

        page.goto(f"{live_server.url}/{code}/newsletter/subscribe/")
        page.get_by_role("button").last.click()  # empty form: the error summary and the field errors
        expect(page.locator("#id_email_error")).to_be_visible()
        assert_accessible(page)
        page.goto(
            f"{live_server.url}/{code}/newsletter/unsubscribe/{unsubscribe_token(subscriber.pk, subscriber.email)}/"
        )
        assert_accessible(page)
        page.goto(
            f"{live_server.url}/{code}/newsletter/preferences/{preferences_token(subscriber.pk, subscriber.email)}/"
        )
        assert_accessible(page)
        page.goto(f"{live_server.url}/{code}/newsletter/preferences/forged-token/")
        assert_accessible(page)
    context.close()
