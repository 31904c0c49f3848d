"""Helpers and fixtures of the subscriber-side tests (subscribe, privacy, bounces); imported by
those test modules (a separate module, not conftest.py, which the campaign tests may own)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from brussels_international.newsletter.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
    Topic,
)


def make_topics() -> dict[str, Topic]:
    """Three topics: two active (europe, events) and one inactive (archive)."""
    return {
        "europe": Topic.objects.create(slug="europe", order=1, name_fr="Europe", name_nl="Europa", name_en="Europe"),
        "events": Topic.objects.create(
            slug="events", order=2, name_fr="Événements", name_nl="Evenementen", name_en="Events"
        ),
        "archive": Topic.objects.create(
            slug="archive", order=3, name_fr="Archives", name_nl="Archief", name_en="Archive", active=False
        ),
    }


def make_subscriber(email: str = "ada@example.org", status: str = SubscriberStatus.ACTIVE, **kwargs) -> Subscriber:  # type: ignore[no-untyped-def]
    return Subscriber.objects.create(email=email, status=status, **kwargs)


def make_campaign(title: str = "March issue") -> Campaign:
    return Campaign.objects.create(title=title, subject_fr="Mars", subject_nl="Maart", subject_en="March")


def make_delivery(campaign: Campaign, subscriber: Subscriber, message_id: str, sent_at: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    return Delivery.objects.create(
        campaign=campaign,
        subscriber=subscriber,
        message_id=message_id,
        status=DeliveryStatus.SENT,
        sent_at=sent_at or timezone.now(),
    )


def link_in(body: str, kind: str) -> str:
    """The path of the first ``/<lang>/newsletter/<kind>/<token>/`` link in a mail body."""
    match = re.search(r"https?://[^/\s]+(/[a-z]{2}/newsletter/" + kind + r"/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def topics(db):  # type: ignore[no-untyped-def]
    return make_topics()
