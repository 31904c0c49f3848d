"""The screening journey (issue 5): a Permits officer screens a name, reads why it matched,
records a review, and finds the review queue empty; the lists status page shows the list
screened. axe-core finds no serious or critical violation on any page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from brussels_international.core.groups import groups_setup
from brussels_international.screening.list_services import list_load
from brussels_international.screening.models import HitReview

from .conftest import CHROMIUM, assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]

SAMPLE = Path(__file__).resolve().parents[2] / "brussels_international/screening/tests/data/generic-sample.csv"


def test_officer_screens_a_name_reads_the_explanation_and_reviews_the_hit(
    browser, live_server, transactional_db, settings
):
    settings.PUBLIC_CACHE_SECONDS = 0
    groups_setup()
    list_load(source="national", path=SAMPLE)
    officer = User.objects.create_user("officer", "officer@example.invalid", "a-long-password-1", first_name="Ana")
    officer.groups.add(Group.objects.get(name="Permits"))
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)

    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server.url, "officer", "a-long-password-1", device)

    page.goto(live_server.url + "/admin/screening/")
    assert_accessible(page)
    page.fill("#id_name", "")
    page.get_by_role("button", name="Screen", exact=True).click()
    expect(page.locator("#id_name_error")).to_contain_text("The name is empty.")
    assert_accessible(page)

    page.fill("#id_name", "Petrov Ivan")
    page.fill("#id_birth_date", "1960-01-31")
    page.get_by_role("button", name="Screen", exact=True).click()
    page.wait_for_url(lambda url: "/admin/screening/screenings/" in url)
    hit = page.locator("article.screening-hit")
    expect(hit).to_have_count(1)
    expect(hit.locator("h3")).to_contain_text("Ivan PETROV")
    expect(hit).to_contain_text("Not reviewed yet.")
    assert_accessible(page)

    page.check("input[name$=decision][value=false_match]")
    page.fill("textarea[name$=reason]", "Our applicant's director, born 1985 in Ghent; passport seen.")
    hit.locator("button[type=submit]").click()
    expect(page.locator("article.screening-hit")).to_contain_text("Reviewed as a false match by Ana")
    assert_accessible(page)
    assert HitReview.objects.get().reason == "Our applicant's director, born 1985 in Ghent; passport seen."

    page.get_by_role("link", name="Everything the list says about this entity").click()
    expect(page.locator("main")).to_contain_text("Иван Петров")
    assert_accessible(page)

    page.goto(live_server.url + "/admin/screening/reviews/")
    expect(page.locator("main")).not_to_contain_text("Ivan PETROV")
    assert_accessible(page)

    page.goto(live_server.url + "/admin/screening/lists/")
    expect(page.locator("main")).to_contain_text("national")
    assert_accessible(page)
    context.close()
