"""Data protection: download my data (JSON) and erase my data, each through a single-purpose link
mailed to the address from the preference page (valid 1 hour; forged, expired, wrong-purpose
links refused); erasure deletes consents and bounces, keeps deliveries anonymous (error blanked),
writes an audit entry without the address, and checks the actor's permission unless the
subscriber asks it themselves."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from brussels_international.core.models import AuditEntry
from brussels_international.newsletter import services, tokens
from brussels_international.newsletter.models import Bounce, Consent, Delivery, Subscriber
from brussels_international.newsletter.subscriber_mail import data_url, preferences_url

from .subscriber_helpers import link_in, make_campaign, make_delivery, make_subscriber, topics  # noqa: F401

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def history(topics):  # noqa: F811
    """Ada: signed up, confirmed, got one campaign that soft-bounced."""
    with time_machine.travel(T0, tick=False):
        result = services.subscriber_subscribe(
            actor=None,
            email="ada@example.org",
            name="Ada",
            language="en",
            topics=[topics["europe"]],
            ip_address="203.0.113.7",
            wording="I agree.",
            wording_language="en",
        )
    subscriber = result.subscriber
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        services.subscriber_confirm(
            actor=None, subscriber=subscriber, ip_address="203.0.113.8", wording="Yes.", language="en"
        )
    campaign = make_campaign("March issue")
    delivery = make_delivery(campaign, subscriber, "<m1@example.org>", sent_at=T0 + dt.timedelta(days=1))
    with time_machine.travel(T0 + dt.timedelta(days=1, minutes=5), tick=False):
        services.bounce_record(
            actor=None,
            source="webhook",
            reference="evt-1",
            kind="soft",
            message_id="<m1@example.org>",
            diagnostic="452 4.2.2 mailbox full",
        )
    Delivery.objects.filter(pk=delivery.pk).update(error="452 4.2.2 <ada@example.org>: mailbox full")
    subscriber.refresh_from_db()
    return subscriber, delivery


def _path(url: str) -> str:
    return urlsplit(url).path


EXPORT = {
    "email": "ada@example.org",
    "name": "Ada",
    "language": "en",
    "topics": [{"slug": "europe", "name": "Europe"}],
    "status": "active",
    "subscribed_on": "2025-03-03T09:00:00+00:00",
    "confirmation_sent_on": "2025-03-03T09:00:00+00:00",
    "confirmed_on": "2025-03-03T10:00:00+00:00",
    "unsubscribed_on": None,
    "suspended_on": None,
    "suspension_reason": "",
    "consents": [
        {
            "action": "subscribed",
            "at": "2025-03-03T09:00:00+00:00",
            "ip_address": "203.0.113.7",
            "language": "en",
            "wording": "I agree.",
        },
        {
            "action": "confirmed",
            "at": "2025-03-03T10:00:00+00:00",
            "ip_address": "203.0.113.8",
            "language": "en",
            "wording": "Yes.",
        },
    ],
    "deliveries": [
        {
            "campaign": "March issue",
            "status": "bounced",
            "sent_on": "2025-03-04T09:00:00+00:00",
            "unsubscribed_on": None,
        }
    ],
    "bounces": [
        {
            "kind": "soft",
            "source": "webhook",
            "received_on": "2025-03-04T09:05:00+00:00",
            "diagnostic": "452 4.2.2 mailbox full",
        }
    ],
}


def test_the_preference_page_mails_a_download_link_and_gives_no_data(
    history, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber, _delivery = history
    path = _path(preferences_url(subscriber))
    with time_machine.travel(T0 + dt.timedelta(days=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(path, {"action": "export"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        html = response.content.decode()
        assert "We have sent a link to download your data to ada@example.org. It is valid for one hour." in html
        assert "203.0.113.7" not in html  # no data on the page
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["ada@example.org"]
        with translation.override("en"):
            assert mail.subject == "Your link to download your Brussels International newsletter data"
        assert mail.body.startswith("Hello Ada,\n")  # a confirmed address: greeted by name
        link = link_in(mail.body, "data/download")
        assert link.startswith("/en/newsletter/data/download/")
        # Within 10 minutes: the same page, no second mail.
        with django_capture_on_commit_callbacks(execute=True):
            again = Client().post(path, {"action": "export"})
        assert again.status_code == 200
        assert len(mailoutbox) == 1
    with (
        time_machine.travel(T0 + dt.timedelta(days=10, minutes=11), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        Client().post(path, {"action": "export"})
    assert len(mailoutbox) == 2


def test_download_link_shows_a_button_and_its_post_downloads_the_data(history):
    subscriber, _delivery = history
    with time_machine.travel(T0 + dt.timedelta(days=10), tick=False):
        path = _path(data_url(subscriber, "download"))
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(T0 + dt.timedelta(days=10, minutes=59), tick=False):
        page = client.get(path)
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        html = page.content.decode()
        assert '<form method="post">' in html and "csrfmiddlewaretoken" in html
        assert ">Download my data</button>" in html  # the link is in the subscriber's language (en)
        response = client.post(path, {"csrfmiddlewaretoken": page.cookies["csrftoken"].value})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="newsletter-my-data.json"'
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content) == EXPORT


def test_erase_needs_the_mailed_link_then_a_confirmation(history, mailoutbox, django_capture_on_commit_callbacks):
    subscriber, delivery = history
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        step = client.post(_path(preferences_url(subscriber)), {"action": "erase"})
    assert step.status_code == 200
    assert "erase_confirmed" not in step.content.decode()
    client.post(_path(preferences_url(subscriber)), {"action": "erase_confirmed"})  # the old action: ignored
    assert Subscriber.objects.count() == 1  # nothing erased from the preference page
    assert len(mailoutbox) == 1
    with translation.override("en"):
        assert mailoutbox[0].subject == "Your link to erase your Brussels International newsletter data"
    path = link_in(mailoutbox[0].body, "data/erase")
    assert path.startswith("/en/newsletter/data/erase/")
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "no-store" in confirm["Cache-Control"]
    assert ">Yes, erase my data</button>" in confirm.content.decode()
    assert Subscriber.objects.count() == 1  # a GET (mail scanner) erases nothing
    done = client.post(path)
    assert done.status_code == 200
    assert "<h1>Your data is erased</h1>" in done.content.decode()
    assert Subscriber.objects.count() == 0
    assert Consent.objects.count() == 0
    assert Bounce.objects.count() == 0
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert (delivery.subscriber_id, delivery.status, delivery.campaign.title, delivery.error) == (
        None,
        "bounced",
        "March issue",
        "",
    )
    entry = AuditEntry.objects.filter(verb="deleted", object_type__model="subscriber").get()
    assert entry.object_repr == f"subscriber #{subscriber.pk}"
    assert entry.payload == {"erased": True, "by_subscriber": True, "consents": 2, "bounces": 1, "deliveries": 1}
    # No address anywhere in the audit trail.
    for row in AuditEntry.objects.all():
        assert "ada@example.org" not in row.object_repr
        assert "ada@example.org" not in json.dumps(row.payload)
    # The old links no longer work.
    assert client.get(_path(preferences_url(subscriber))).status_code == 400
    assert client.post(path).status_code == 400


@pytest.mark.parametrize("action", ["download", "erase"])
def test_data_links_expire_after_one_hour(action, history):
    subscriber, _delivery = history
    with time_machine.travel(T0 + dt.timedelta(days=10), tick=False):
        path = _path(data_url(subscriber, action))
    with time_machine.travel(T0 + dt.timedelta(days=10, hours=1, seconds=1), tick=False):
        page = Client().get(path)
        post = Client().post(path)
    assert (page.status_code, post.status_code) == (410, 410)
    assert "<h1>This link has expired</h1>" in page.content.decode()
    assert post["Content-Type"] == "text/html; charset=utf-8"
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize("kind", ["other action", "preferences token", "altered", "garbage"])
@pytest.mark.parametrize("action", ["download", "erase"])
def test_forged_data_links_give_400(action, kind, history):
    subscriber, _delivery = history
    token = tokens.data_token(subscriber.pk, subscriber.email, action)
    other = "erase" if action == "download" else "download"
    forged = {
        "other action": tokens.data_token(subscriber.pk, subscriber.email, other),
        "preferences token": tokens.preferences_token(subscriber.pk, subscriber.email),
        "altered": token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        "garbage": "not-a-token",
    }[kind]
    response = Client().post(f"/en/newsletter/data/{action}/{forged}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert Subscriber.objects.count() == 1


def test_erase_checks_the_permission_unless_the_subscriber_asks(db):
    ada = make_subscriber()
    clerk = User.objects.create_user("clerk@staff.test")
    for actor in (None, AnonymousUser(), clerk):
        with pytest.raises(PermissionDenied):
            services.subscriber_erase(actor=actor, subscriber=ada)
    assert Subscriber.objects.filter(pk=ada.pk).exists()
    clerk.user_permissions.add(Permission.objects.get(codename="delete_subscriber"))
    clerk = User.objects.get(pk=clerk.pk)  # fresh permission cache
    assert services.subscriber_erase(actor=clerk, subscriber=ada) == {"consents": 0, "bounces": 0, "deliveries": 0}
    bob = make_subscriber(email="bob@example.org")
    services.subscriber_erase(actor=AnonymousUser(), subscriber=bob, by_subscriber=True)
    assert Subscriber.objects.count() == 0
