"""Data protection: download my data (JSON) and erase my data (confirmation step; consents and
bounces deleted, deliveries kept anonymous, audit entry without the address)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client

from brussels_international.core.models import AuditEntry
from brussels_international.newsletter import services
from brussels_international.newsletter.models import Bounce, Consent, Delivery, Subscriber
from brussels_international.newsletter.subscriber_mail import preferences_url

from .subscriber_helpers import make_campaign, make_delivery, topics  # noqa: F401

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
    subscriber.refresh_from_db()
    return subscriber, delivery


def test_download_my_data(history):
    subscriber, _delivery = history
    response = Client().post(urlsplit(preferences_url(subscriber)).path, {"action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="newsletter-my-data.json"'
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content) == {
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


def test_erase_asks_for_confirmation_then_erases(history):
    subscriber, delivery = history
    path = urlsplit(preferences_url(subscriber)).path
    client = Client()
    step = client.post(path, {"action": "erase"})
    assert step.status_code == 200
    assert 'value="erase_confirmed"' in step.content.decode()
    assert Subscriber.objects.count() == 1  # nothing erased yet
    done = client.post(path, {"action": "erase_confirmed"})
    assert done.status_code == 200
    assert "Your data is erased" in done.content.decode()
    assert Subscriber.objects.count() == 0
    assert Consent.objects.count() == 0
    assert Bounce.objects.count() == 0
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert (delivery.subscriber_id, delivery.status, delivery.campaign.title) == (None, "bounced", "March issue")
    entry = AuditEntry.objects.filter(verb="deleted", object_type__model="subscriber").get()
    assert entry.object_repr == f"subscriber #{subscriber.pk}"
    assert entry.payload == {"erased": True, "consents": 2, "bounces": 1, "deliveries": 1}
    # No address anywhere in the audit trail.
    for row in AuditEntry.objects.all():
        assert "ada@example.org" not in row.object_repr
        assert "ada@example.org" not in json.dumps(row.payload)
    # The old links no longer work.
    assert client.get(path).status_code == 400
