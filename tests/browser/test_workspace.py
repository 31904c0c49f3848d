"""Browser journey of the workspace: a Communication officer logs in, adds a phone number and a
role to a person with Wagtail's inline panels (which need inline scripts: the workspace CSP
allows them), saves, and reads the change in the person's history. No CSP error on the way."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User

from brussels_international.core.groups import groups_setup
from brussels_international.directory.models import Person, PhoneNumber, Unit

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]


def test_officer_edits_a_person_with_inline_panels(browser, live_server, transactional_db, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    groups_setup()
    officer = User.objects.create_user("officer", password="a-long-password-1")
    officer.groups.add(Group.objects.get(name="Communication"))
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
