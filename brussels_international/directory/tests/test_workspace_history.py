"""Directory edits in the workspace keep a history: who, when, what changed (audit + Wagtail log)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry
from brussels_international.core.selectors import audit_entries_for
from brussels_international.directory.models import Person, PhoneNumber, Unit

pytestmark = pytest.mark.django_db


def form_data(html: str) -> dict[str, str]:
    """Every field of the edit form as the browser would send it unchanged."""
    soup = BeautifulSoup(html, "html.parser")
    form = max(soup.find_all("form"), key=lambda f: len(f.find_all(["input", "textarea", "select"])))
    data: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button"}:
            continue
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            selected = [o.get("value") for o in field.find_all("option") if o.has_attr("selected")]
            if selected:
                data[name] = selected[0]
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


@pytest.fixture
def communication_user() -> User:
    groups_setup()
    user = User.objects.create_user("jmv", password="x" * 12)
    user.groups.add(Group.objects.get(name="Communication"))
    return user


def test_editing_a_person_records_who_when_and_what(client, communication_user, staff_login):
    unit = Unit.objects.create(slug="permits", name_fr="Permis", name_nl="Vergunningen", name_en="Permits")
    person = Person.objects.create(slug="jef-willems", given_name="Jef", family_name="Wilems")
    PhoneNumber.objects.create(person=person, number="+3228003733")
    staff_login(client, communication_user)
    url = reverse("wagtailsnippets_directory_person:edit", args=[person.pk])
    data = form_data(client.get(url).content.decode())
    assert data["family_name"] == "Wilems"
    data["family_name"] = "Willems"
    data["aliases"] = "Jef Wilems"
    data["phones-0-number"] = "02/800 37 34"
    data.update(
        {
            "roles-TOTAL_FORMS": "1",
            "roles-0-unit": str(unit.pk),
            "roles-0-title_en": "Case manager",
            "roles-0-title_fr": "Gestionnaire de dossiers",
            "roles-0-title_nl": "Dossierbeheerder",
            "roles-0-id": "",
            "roles-0-ORDER": "1",
            "roles-0-DELETE": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    person.refresh_from_db()
    assert person.family_name == "Willems"
    assert person.aliases == ["Jef Wilems"]
    assert [p.number for p in person.phones.all()] == ["+3228003734"]  # normalised to E.164

    entry = audit_entries_for(person).get()
    assert entry.actor == communication_user
    assert entry.verb == "updated"
    changes = entry.payload["changes"]
    assert changes["family_name"] == ["Wilems", "Willems"]
    assert changes["aliases"] == [[], ["Jef Wilems"]]
    # Readable in the editor's language (the workspace default is French).
    assert changes["phones"] == [["02 800 37 33"], ["02 800 37 34"]]
    assert changes["roles"] == [[], ["Permis: Gestionnaire de dossiers"]]
    assert [r.unit for r in person.roles.all()] == [unit]

    # One history row for one save: Wagtail's own "edited" entry, carrying the changes.
    log = ModelLogEntry.objects.filter(object_id=str(person.pk)).get()
    assert (log.action, log.user) == ("wagtail.edit", communication_user)
    assert log.data["changes"]["family_name"] == ["Wilems", "Willems"]
    history = client.get(reverse("wagtailsnippets_directory_person:history", args=[person.pk]))
    assert history.status_code == 200
    html = history.content.decode()
    assert "Nom de famille: Wilems → Willems" in html  # the workspace default language is French
    assert "Numéros de téléphone: − 02 800 37 33; + 02 800 37 34" in html
    assert "Fonctions: + Permis: Gestionnaire de dossiers" in html


def test_saving_without_change_writes_no_audit_entry(client, communication_user, staff_login):
    person = Person.objects.create(slug="jef-willems", given_name="Jef", family_name="Willems")
    staff_login(client, communication_user)
    url = reverse("wagtailsnippets_directory_person:edit", args=[person.pk])
    response = client.post(url, form_data(client.get(url).content.decode()))
    assert response.status_code == 302
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("preferred_language", "message"),
    [
        ("", "« 12 » n’est pas un numéro de téléphone valide."),  # the workspace default is French
        ("nl", "“12” is geen geldig telefoonnummer."),
        ("en", "“12” is not a valid phone number."),
    ],
)
def test_invalid_phone_is_refused_with_a_message_and_nothing_saved(
    client, communication_user, staff_login, preferred_language, message
):
    profile = UserProfile.get_for_user(communication_user)
    profile.preferred_language = preferred_language
    profile.save()
    person = Person.objects.create(slug="jef-willems", given_name="Jef", family_name="Willems")
    PhoneNumber.objects.create(person=person, number="+3228003733")
    staff_login(client, communication_user)
    url = reverse("wagtailsnippets_directory_person:edit", args=[person.pk])
    data = form_data(client.get(url).content.decode())
    data["family_name"] = "Changed"
    data["phones-0-number"] = "12"
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.family_name == "Willems"
    assert AuditEntry.objects.count() == 0
