"""An event page: dates in the event's zone with the zone named, place, organiser, registration
(external, said so), "Add to calendar" link, cancellation, schema.org ``Event`` JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from brussels_international.website import events

pytestmark = pytest.mark.django_db
UTC = dt.UTC
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def expo(make_event, site):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        yield make_event(
            "reception-expo",
            title="Réception au pavillon",
            starts_at=dt.datetime(2026, 4, 10, 9, 0, tzinfo=UTC),  # 18:00 in Tokyo
            ends_at=dt.datetime(2026, 4, 10, 12, 0, tzinfo=UTC),
            time_zone="Asia/Tokyo",
            venue="Pavillon de la Belgique",
            address="Yumeshima, Osaka",
            online_url="https://live.example.org/expo",
            organiser=site["units"]["bilateral"],
            registration_url="https://rsvp.example.org/expo?lang=fr",
            intro="Une réception pour les partenaires de la Région.",
            translations={"nl": "Receptie in het paviljoen", "en": "Reception at the pavilion"},
        )


def jsonld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))


def test_event_page_shows_the_facts_in_the_event_zone(client, expo):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        html = client.get("/en/events/reception-expo/").content.decode()
    assert "<h1>Reception at the pavilion</h1>" in html
    assert '<time datetime="2026-04-10T18:00:00+09:00">Friday, 10 April 2026, 18:00–21:00</time>' in html
    assert "Time zone: Japan Standard Time, Asia/Tokyo, UTC+09:00" in html
    assert "<dd>Pavillon de la Belgique<br>Yumeshima, Osaka<br>" in html
    assert (
        '<a href="/en/units/bilateral-relations/">Bilateral Relations, Public Relations, Protocol and Communication</a>'
        in html
    )
    assert (
        '<a href="https://rsvp.example.org/expo?lang=fr" rel="external noopener">Register for this event</a> '
        '<span class="meta">(another website: rsvp.example.org)</span>'
    ) in html
    assert '<a href="/en/events/reception-expo/ics/" download>Add to calendar (.ics)</a>' in html
    assert '<li><a href="/en/events/">Events</a></li>' in html  # breadcrumb to the calendar


def test_event_page_in_french_and_dutch(client, expo):
    fr = client.get("/fr/evenements/reception-expo/").content.decode()
    assert ">vendredi 10 avril 2026, 18:00\u2009–\u200921:00</time>" in fr  # thin spaces (CLDR)
    assert "heure normale du Japon, Asia/Tokyo, UTC+09:00" in fr
    nl = client.get("/nl/evenementen/reception-expo/").content.decode()
    assert ">vrijdag 10 april 2026, 18:00–21:00</time>" in nl
    assert "Japanse standaardtijd, Asia/Tokyo, UTC+09:00" in nl


def test_jsonld_event(client, expo):
    data = jsonld(client.get("/en/events/reception-expo/").content.decode())
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Reception at the pavilion",
        "url": "http://testserver/en/events/reception-expo/",
        "inLanguage": "en",
        "startDate": "2026-04-10T18:00:00+09:00",
        "endDate": "2026-04-10T21:00:00+09:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "description": "Une réception pour les partenaires de la Région.",
        "location": [
            {"@type": "Place", "name": "Pavillon de la Belgique", "address": "Yumeshima, Osaka"},
            {"@type": "VirtualLocation", "url": "https://live.example.org/expo"},
        ],
        "eventAttendanceMode": "https://schema.org/MixedEventAttendanceMode",
        "organizer": {
            "@type": "GovernmentOrganization",
            "name": "Bilateral Relations, Public Relations, Protocol and Communication",
            "parentOrganization": {
                "@type": "GovernmentOrganization",
                "name": "Brussels International",
                "url": "http://testserver/",
                "parentOrganization": {"@type": "GovernmentOrganization", "name": "Brussels-Capital Region"},
            },
            "url": "http://testserver/en/units/bilateral-relations/",
        },
        "offers": {"@type": "Offer", "url": "https://rsvp.example.org/expo?lang=fr"},
    }


def test_cancelled_or_past_event_has_no_registration_link(client, expo):
    with time_machine.travel(dt.datetime(2026, 4, 11, 9, 0, tzinfo=UTC), tick=False):
        html = client.get("/en/events/reception-expo/?after=1").content.decode()
    assert "Register for this event" not in html
    expo.cancelled = True
    expo.save_revision().publish()
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        html = client.get("/fr/evenements/reception-expo/?cancelled=1").content.decode()
    assert "Register for this event" not in html
    assert 'class="event is-cancelled"' in html
    assert jsonld(html)["eventStatus"] == "https://schema.org/EventCancelled"


def test_event_when_across_days_and_a_clock_change():
    class Event:
        time_zone = "Europe/Brussels"
        starts_at = dt.datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # 09:00 CET
        ends_at = dt.datetime(2026, 3, 29, 15, 0, tzinfo=UTC)  # 17:00 CEST

    with translation.override("en"):
        when = events.event_when(Event())  # type: ignore[arg-type]
    assert when.text == "Saturday, 28 March 2026, 09:00 – Sunday, 29 March 2026, 17:00"
    assert when.zone_label == "Central European Standard Time, Europe/Brussels, UTC+01:00 / UTC+02:00"
    assert when.start.isoformat() == "2026-03-28T09:00:00+01:00"
    assert when.end.isoformat() == "2026-03-29T17:00:00+02:00"
    assert not when.same_day


def test_unknown_event_and_unpublished_event_are_404(client, make_event, site):
    make_event(
        "hidden",
        starts_at=dt.datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC),
        publish=False,
    )
    assert client.get("/fr/evenements/hidden/").status_code == 404
    assert client.get("/fr/evenements/hidden/ics/").status_code == 404
    assert client.get("/fr/evenements/nowhere/").status_code == 404
