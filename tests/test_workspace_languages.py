"""The workspace core's screens in each person's language (their profile's), French, Dutch and English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from wagtail.users.models import UserProfile

from brussels_international.core.groups import groups_setup
from brussels_international.core.tests.auth import staff_login

pytestmark = pytest.mark.django_db

# url, then the heading expected in fr, nl, en
SCREENS = [
    ("/admin/correspondence/", ("Courrier", "Briefwisseling", "Correspondence")),
    ("/admin/correspondence/new/", ("Enregistrer un courrier", "Een brief registreren", "Register a letter")),
    ("/admin/control-lists/", ("Listes de contrôle", "Controlelijsten", "Control lists")),
    ("/admin/notifications/", ("Notifications", "Meldingen", "Notifications")),
    ("/admin/calendar/", ("Calendrier de mes échéances", "Kalender van mijn termijnen", "Calendar of my deadlines")),
    ("/admin/2fa/", ("Authentification à deux facteurs", "Tweefactorauthenticatie", "Two-factor authentication")),
]


@pytest.mark.parametrize(("language", "index"), [("fr", 0), ("nl", 1), ("en", 2)])
def test_each_screen_speaks_the_persons_language(language, index):
    groups_setup()
    user = User.objects.create_user(f"officer-{language}", password="x" * 12)
    user.groups.add(Group.objects.get(name="Permits"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    staff_login(client, user)
    seen = {}
    for url, headings in SCREENS:
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = "<h1" in response.content.decode() and headings[index] in response.content.decode()
    assert seen == dict.fromkeys(seen, True)
    search = client.get("/admin/search/", {"q": "zzzz"}).content.decode()
    assert {"fr": "Aucun résultat pour", "nl": "Geen resultaten voor", "en": "No results for"}[language] in search
