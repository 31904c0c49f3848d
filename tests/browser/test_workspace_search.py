"""Browser journey of the workspace search: an officer types a name without its accent in the
sidebar's search box, reads the results grouped by kind, opens "show all" for one kind and goes
to the next page. axe-core on each page (no serious or critical violation), no CSP error."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.users.models import UserProfile

from brussels_international.core.groups import groups_setup
from brussels_international.directory.models import Partner, Person

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]

BLOCKING_IMPACTS = {"serious", "critical"}


def test_officer_searches_the_workspace(browser, live_server, transactional_db):
    from axe_playwright_python.sync_playwright import Axe

    groups_setup()
    officer = User.objects.create_user("officer", password="a-long-password-1")
    officer.groups.add(Group.objects.get(name="Permits"))
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "en"
    profile.save()
    for n in range(25):
        Person.objects.create(slug=f"gerard-{n}", given_name=f"Gérard{n:02d}", family_name="Lefèvre")
    Partner.objects.create(slug="lefevre", kind="city", country="FR", latitude=48.85, longitude=2.35,
                           name_fr="Saint-Lefèvre", name_nl="Saint-Lefèvre", name_en="Saint-Lefèvre")  # fmt: skip

    axe = Axe()
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []

    def check() -> None:
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                problems.append(f"{page.url} {violation['id']}: {violation['help']}")

    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    sign_in(page, live_server.url, "officer", "a-long-password-1", device)

    sidebar_search = page.locator("form[role=search] input[name=q]").first
    sidebar_search.fill("lefevre")
    sidebar_search.press("Enter")
    page.wait_for_url("**/admin/search/?q=lefevre*")
    assert page.get_by_role("heading", level=2, name="People (25)").is_visible()
    assert page.get_by_role("heading", level=2, name="Partners (1)").is_visible()
    assert page.locator("#workspace-search-status").inner_text().strip() == "26 results for “lefevre”."
    assert page.get_by_role("link", name="Gérard00 Lefèvre").is_visible()
    check()

    page.get_by_role("link", name="Show all 25 results in People").click()
    page.wait_for_url("**/admin/search/?q=lefevre&kind=directory.person")
    assert "Page 1 of 2" in page.content()
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**&p=2")
    assert page.get_by_role("link", name="Gérard24 Lefèvre").is_visible()
    assert not page.get_by_role("link", name="Gérard00 Lefèvre").count()
    check()

    context.close()
    assert errors == []
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
