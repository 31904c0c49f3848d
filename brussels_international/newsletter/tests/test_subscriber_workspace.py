"""Workspace screens of the subscriber side: topics (snippet), subscriber list with filters and
search, a subscriber's page with consents and bounces, erasure with a confirmation step."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation
from wagtail.users.models import UserProfile

from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry
from brussels_international.newsletter import services
from brussels_international.newsletter.models import Consent, ConsentAction, Delivery, Subscriber, Topic

from .subscriber_helpers import make_campaign, make_delivery, make_subscriber, topics  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def _login(client, staff_login, group: str):  # type: ignore[no-untyped-def]
    groups_setup()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = User.objects.create_user(f"{group.lower().replace(' ', '-')}@staff.test", password="x")
    user.groups.add(Group.objects.get(name=group))
    staff_login(client, user)
    return client


@pytest.fixture
def people(topics):  # noqa: F811
    ada = make_subscriber(email="ada@example.org", language="en")
    ada.topics.set([topics["europe"]])
    bob = make_subscriber(email="bob@example.net", language="nl", status="pending")
    bob.topics.set([topics["events"]])
    cy = make_subscriber(email="cy@example.org", language="fr", status="unsubscribed")
    Consent.objects.create(
        subscriber=ada, action=ConsentAction.SUBSCRIBED, ip_address="203.0.113.7", language="en", wording="I agree."
    )
    delivery = make_delivery(make_campaign("March issue"), ada, "<m1@x>")
    services.bounce_record(
        actor=None, source="webhook", reference="e1", kind="soft", message_id="<m1@x>", diagnostic="452 full"
    )
    return {"ada": ada, "bob": bob, "cy": cy, "delivery": delivery}


def _emails(html: str) -> list[str]:
    return sorted(set(re.findall(r"[a-z]+@example\.(?:org|net)", html)))


def test_communication_sees_filters_and_searches_subscribers(client, staff_login, people):
    _login(client, staff_login, "Communication")
    everyone = client.get("/admin/newsletter-subscribers/")
    assert everyone.status_code == 200
    assert _emails(everyone.content.decode()) == ["ada@example.org", "bob@example.net", "cy@example.org"]
    assert "/admin/newsletter-subscribers/new/" not in everyone.content.decode()  # no create screen
    by_status = client.get("/admin/newsletter-subscribers/", {"status": "pending"})
    assert _emails(by_status.content.decode()) == ["bob@example.net"]
    by_language = client.get("/admin/newsletter-subscribers/", {"language": "fr"})
    assert _emails(by_language.content.decode()) == ["cy@example.org"]
    europe = Topic.objects.get(slug="europe")
    by_topic = client.get("/admin/newsletter-subscribers/", {"topics": europe.pk})
    assert _emails(by_topic.content.decode()) == ["ada@example.org"]
    search = client.get("/admin/newsletter-subscribers/", {"q": "example.net"})
    assert _emails(search.content.decode()) == ["bob@example.net"]


def test_subscriber_page_shows_consents_and_bounces(client, staff_login, people):
    _login(client, staff_login, "Communication")
    response = client.get(f"/admin/newsletter-subscribers/inspect/{people['ada'].pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "203.0.113.7" in html and "I agree." in html
    assert "452 full" in html and "March issue" in html
    assert f'href="/admin/newsletter-subscribers/delete/{people["ada"].pk}/"' in html
    assert client.get(f"/admin/newsletter-subscribers/edit/{people['ada'].pk}/").status_code == 404


def test_the_reason_for_suspension_is_shown_in_the_workspace_language(client, staff_login, people):
    ada = people["ada"]
    services.bounce_record(
        actor=None, source="webhook", reference="e2", kind="complaint", email=ada.email, diagnostic="abuse report"
    )
    ada.refresh_from_db()
    assert ada.suspension_reason == "Spam complaint: abuse report"  # stored: the English msgid
    _login(client, staff_login, "Communication")
    user = User.objects.get(username="communication@staff.test")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    with translation.override("fr"):
        html = client.get(f"/admin/newsletter-subscribers/inspect/{ada.pk}/").content.decode()
    assert "Plainte pour spam: abuse report" in html
    assert "Spam complaint: abuse report" not in html


def test_erase_from_the_workspace_after_confirmation(client, staff_login, people):
    _login(client, staff_login, "Communication")
    ada = people["ada"]
    confirm = client.get(f"/admin/newsletter-subscribers/delete/{ada.pk}/")
    assert confirm.status_code == 200
    assert "Erase this subscriber?" in confirm.content.decode()
    assert Subscriber.objects.filter(pk=ada.pk).exists()
    response = client.post(f"/admin/newsletter-subscribers/delete/{ada.pk}/")
    assert response.status_code == 302
    assert not Subscriber.objects.filter(pk=ada.pk).exists()
    assert Delivery.objects.get(pk=people["delivery"].pk).subscriber_id is None
    entry = AuditEntry.objects.get(verb="deleted", object_type__model="subscriber")
    assert entry.actor_label == "communication@staff.test"
    assert entry.object_repr == f"subscriber #{ada.pk}"


def test_other_units_cannot_see_subscribers(client, staff_login, people):
    _login(client, staff_login, "Permits")
    assert client.get("/admin/").status_code == 200  # signed in to the workspace
    for url in ("/admin/newsletter-subscribers/", f"/admin/newsletter-subscribers/delete/{people['ada'].pk}/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/")  # permission denied
    assert client.post(f"/admin/newsletter-subscribers/delete/{people['ada'].pk}/").status_code == 302
    assert Subscriber.objects.filter(pk=people["ada"].pk).exists()


def test_communication_keeps_topics(client, staff_login, topics):  # noqa: F811
    _login(client, staff_login, "Communication")
    listing = client.get("/admin/snippets/newsletter/topic/")
    assert listing.status_code == 200
    assert "Europe" in listing.content.decode()
    response = client.post(
        "/admin/snippets/newsletter/topic/add/",
        {
            "slug": "culture",
            "order": "5",
            "active": "on",
            "name_fr": "Culture",
            "name_nl": "Cultuur",
            "name_en": "Culture",
        },
    )
    assert response.status_code == 302
    assert Topic.objects.get(slug="culture").name_nl == "Cultuur"
    assert AuditEntry.objects.filter(verb="created", object_repr="Culture").exists()


def test_newsletter_menu_is_shown_to_communication(client, staff_login, topics):  # noqa: F811
    _login(client, staff_login, "Communication")
    html = client.get("/admin/").content.decode()
    assert "Newsletter" in html and "/admin/newsletter-subscribers/" in html
