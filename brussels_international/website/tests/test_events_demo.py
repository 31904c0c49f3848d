"""``manage.py load_demo_events``: invented events in fr/nl/en, demo mode only, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from brussels_international.website.models import EventPage

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_refused_outside_demo_mode(settings, site):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo_events", stdout=StringIO())
    assert not EventPage.objects.exists()


def test_demo_events_in_three_languages_relative_to_today_and_idempotent(settings, site, client):
    settings.DEMO_MODE = settings.DEBUG = True
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC), tick=False):
        first = StringIO()
        call_command("load_demo_events", stdout=first)
        assert "Demo events: 15 page(s) created." in first.getvalue()
        for code in ("fr", "nl", "en"):
            assert EventPage.objects.live().filter(locale__language_code=code).count() == 5
        assert EventPage.objects.values("translation_key").distinct().count() == 5
        expo = EventPage.objects.get(locale__language_code="en", slug="demo-brussels-reception-at-the-world-expo")
        assert expo.title == "Brussels reception at the World Expo"
        assert expo.time_zone == "Asia/Tokyo"
        # 60 days before 1 March 2026 is 31 December 2025; 18:00 in Tokyo is 09:00 UTC.
        assert expo.starts_at == dt.datetime(2025, 12, 31, 9, 0, tzinfo=UTC)
        assert expo.organiser.slug == "bilateral-relations"
        conference = EventPage.objects.get(locale__language_code="fr", slug="demo-conference-villes-monde")
        assert conference.starts_at == dt.datetime(2026, 4, 10, 7, 0, tzinfo=UTC)  # 09:00 CEST
        assert conference.ends_at == dt.datetime(2026, 4, 11, 15, 30, tzinfo=UTC)  # next day 17:30 CEST
        webinar = EventPage.objects.get(locale__language_code="fr", slug="demo-webinaire-programmes-europeens")
        assert webinar.organiser is None  # the factories' slice has no EU delegation unit
        assert EventPage.objects.filter(cancelled=True).count() == 3
        # Past and upcoming on the public calendar.
        upcoming = client.get("/en/events/").content.decode()
        past = client.get("/en/events/?period=past").content.decode()
        assert "International conference “City-regions in the world”" in upcoming
        assert "Brussels reception at the World Expo" in past

        second = StringIO()
        call_command("load_demo_events", stdout=second)
    assert second.getvalue().strip() == "Demo events already there: kept."
    assert EventPage.objects.count() == 15
