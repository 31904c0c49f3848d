"""The Screening section of a licence case (issue 5): the consignee resembles a listed entity;
an officer of the Permits unit reads the hit and its explanation and reviews it on the case
page. axe-core finds no serious or critical violation before or after."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from brussels_international.permits.screening import party_key
from brussels_international.permits.tests.test_case_services import make_case
from brussels_international.permits.tests.test_screening import WATCH_LIST
from brussels_international.screening.list_services import list_load
from brussels_international.screening.models import HitReview

from .conftest import CHROMIUM, assert_accessible, sign_in
from .test_permits_journey import officer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]


def test_case_manager_reviews_a_screening_hit_on_the_case_page(
    browser, live_server, transactional_db, permits_setup, settings
):
    settings.PUBLIC_CACHE_SECONDS = 0
    list_load(source="watch", path=WATCH_LIST)
    _anna, device = officer("anna", "Anna", "Claes")
    case = make_case()
    consignee = case.parties.get(role="consignee")

    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server.url, "anna", "anna-long-password", device)
    page.goto(f"{live_server.url}/admin/licensing/{case.pk}/")
    section = page.locator("#case-screening").locator("xpath=..")
    expect(section).to_contain_text("Invented Optiks Norway AS")
    expect(section).to_contain_text("To review")
    assert_accessible(page)

    section.locator("input[name$=decision][value=false_match]").check()
    section.locator("textarea[name$=reason]").fill("Registered in Oslo under another number; not the listed firm.")
    section.get_by_role("button", name="Save the review").click()
    expect(page.locator("#case-screening").locator("xpath=..")).to_contain_text("False match")
    expect(page.locator("#case-screening").locator("xpath=..")).not_to_contain_text("To review")
    assert_accessible(page)
    review = HitReview.objects.get()
    assert (review.subject, review.decision, review.reviewer.username) == (
        party_key(consignee.pk),
        "false_match",
        "anna",
    )
    context.close()
