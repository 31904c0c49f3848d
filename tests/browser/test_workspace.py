"""Browser journeys of the workspace: a Communication officer signs in (password, then the code of
their authenticator app), adds a phone number and a role to a person with Wagtail's inline panels
(which need inline scripts: the workspace CSP allows them), saves, and reads the change in the
person's history; a newcomer sets up two-factor authentication from the secret shown on the page.
No CSP error on the way; axe-core finds no serious or critical violation on the two-factor pages."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from brussels_international.core.groups import groups_setup
from brussels_international.directory.models import Person, PhoneNumber, Unit

from .conftest import CHROMIUM, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]


def test_officer_edits_a_person_with_inline_panels(browser, live_server, transactional_db, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    groups_setup()
    officer = User.objects.create_user("officer", password="a-long-password-1")
    officer.groups.add(Group.objects.get(name="Communication"))
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    permits = Unit.objects.create(slug="permits", name_fr="Unité Licences", name_nl="Cel Vergunningen",
                                  name_en="Permits unit")  # fmt: skip
    person = Person.objects.create(slug="jef-willems", given_name="Jef", family_name="Willems")
    PhoneNumber.objects.create(person=person, number="+3228003733", sort_order=0)

    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: console.append(str(exc)))

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "a-long-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/2fa/verify/\?next=%2Fadmin%2F$"))
    assert_accessible(page)
    page.fill("#id_code", f"{totp(device.bin_key):06d}")  # what the officer's app shows now
    page.click("form.two-factor-form button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/snippets/directory/person/edit/{person.pk}/")
    page.click("#id_phones-ADD")
    page.fill("#id_phones-1-number", "02/800 37 99")
    page.click("#id_roles-ADD")
    page.select_option("#id_roles-0-unit", str(permits.pk))
    page.fill("#id_roles-0-title_en", "Case manager")
    page.click("button.action-save")
    page.wait_for_url(re.compile(r".*/admin/snippets/directory/person/$"))

    assert [p.number for p in PhoneNumber.objects.filter(person=person).order_by("sort_order", "pk")] == [
        "+3228003733",
        "+3228003799",
    ]
    assert [(r.unit.slug, r.title_en) for r in person.roles.all()] == [("permits", "Case manager")]

    page.goto(f"{live_server.url}/admin/snippets/directory/person/history/{person.pk}/")
    history = page.content()
    assert "Numéros de téléphone: + 02 800 37 99" in history
    assert "Fonctions: + Unité Licences: Case manager" in history
    assert "officer" in history
    context.close()
    assert console == []


def test_newcomer_sets_up_two_factor_from_the_secret_on_the_page(browser, live_server, transactional_db, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    groups_setup()
    newcomer = User.objects.create_user("newcomer", password="a-long-password-1")
    newcomer.groups.add(Group.objects.get(name="Permits"))

    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: console.append(str(exc)))

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", "a-long-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/2fa/setup/\?next=%2Fadmin%2F$"))
    assert page.locator("svg.two-factor-qr").is_visible()  # inline SVG: allowed by the CSP
    assert_accessible(page)

    page.fill("#id_code", "12")
    with page.expect_navigation():
        page.click("form.two-factor-form button[type=submit]")
    assert page.locator(".error-summary a[href='#id_code']").count() == 1
    assert_accessible(page)
    assert TOTPDevice.objects.get(user=newcomer).confirmed is False

    secret = page.inner_text(".two-factor-secret").replace(" ", "")  # typed by hand into an app
    page.fill("#id_code", f"{totp(b32decode(secret)):06d}")
    page.click("form.two-factor-form button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    assert TOTPDevice.objects.get(user=newcomer).confirmed is True
    context.close()
    assert console == []
