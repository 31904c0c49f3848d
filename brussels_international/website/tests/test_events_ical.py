"""iCalendar files: one per event (``<event>/ics/``) and the feed of every event per language
(``ics/`` on the events page), parsed back with ``icalendar``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine

pytestmark = pytest.mark.django_db
UTC = dt.UTC
TOKYO = ZoneInfo("Asia/Tokyo")
BRUSSELS = ZoneInfo("Europe/Brussels")
PUBLISHED = dt.datetime(2026, 2, 1, 8, 30, tzinfo=UTC)


@pytest.fixture
def agenda(make_event, site):  # type: ignore[no-untyped-def]
    with time_machine.travel(PUBLISHED, tick=False):
        expo = make_event(
            "reception-expo",
            title="Réception au pavillon",
            starts_at=dt.datetime(2026, 4, 10, 9, 0, tzinfo=UTC),
            ends_at=dt.datetime(2026, 4, 10, 12, 0, tzinfo=UTC),
            time_zone="Asia/Tokyo",
            venue="Pavillon de la Belgique",
            address="Yumeshima, Osaka",
            organiser=site["units"]["bilateral"],
            intro="Une réception pour les partenaires.",
            translations={"nl": "Receptie in het paviljoen", "en": "Reception at the pavilion"},
        )
        past = make_event(
            "conference-2025",
            title="Conférence 2025",
            starts_at=dt.datetime(2025, 11, 5, 8, 0, tzinfo=UTC),
            ends_at=dt.datetime(2025, 11, 5, 16, 0, tzinfo=UTC),
            online_url="https://live.example.org/c",
            translations={"nl": "Conferentie 2025", "en": "Conference 2025"},
        )
        cancelled = make_event(
            "cancelled",
            starts_at=dt.datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
            ends_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC),
            cancelled=True,
            translations={"en": "Cancelled"},
        )
        make_event(
            "draft",
            starts_at=dt.datetime(2026, 5, 2, 8, 0, tzinfo=UTC),
            ends_at=dt.datetime(2026, 5, 2, 9, 0, tzinfo=UTC),
            publish=False,
        )
    return {"expo": expo, "past": past, "cancelled": cancelled}


def parse(response) -> icalendar.Calendar:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_event_file_has_the_zone_and_exact_values(client, agenda):
    response = client.get("/en/events/reception-expo/ics/")
    assert response["Content-Disposition"] == 'attachment; filename="reception-expo.ics"'
    calendar = parse(response)
    assert calendar["PRODID"] == "-//Brussels International//Events//EN"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event["DTSTART"].dt == dt.datetime(2026, 4, 10, 18, 0, tzinfo=TOKYO)
    assert event["DTEND"].params["TZID"] == "Asia/Tokyo"
    assert event["DTEND"].dt == dt.datetime(2026, 4, 10, 21, 0, tzinfo=TOKYO)
    assert event["DTSTART"].to_ical() == b"20260410T180000"
    assert str(event["UID"]) == str(agenda["expo"].translation_key)
    assert event["DTSTAMP"].dt == PUBLISHED
    assert str(event["SUMMARY"]) == "Reception at the pavilion"
    assert str(event["DESCRIPTION"]) == "Une réception pour les partenaires."
    assert str(event["LOCATION"]) == "Pavillon de la Belgique, Yumeshima, Osaka"
    assert str(event["URL"]) == "http://testserver/en/events/reception-expo/"
    assert str(event["ORGANIZER"]) == "http://testserver/en/units/bilateral-relations/"
    assert event["ORGANIZER"].params["CN"] == "Bilateral Relations, Public Relations, Protocol and Communication"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_uid_is_the_same_in_every_language(client, agenda):
    uids = {}
    summaries = {}
    for url in (
        "/fr/evenements/reception-expo/ics/",
        "/nl/evenementen/reception-expo/ics/",
        "/en/events/reception-expo/ics/",
    ):
        [event] = parse(client.get(url)).walk("VEVENT")
        uids[url] = str(event["UID"])
        summaries[url] = str(event["SUMMARY"])
    assert set(uids.values()) == {str(agenda["expo"].translation_key)}
    assert list(summaries.values()) == [
        "Réception au pavillon",
        "Receptie in het paviljoen",
        "Reception at the pavilion",
    ]


def test_feed_has_every_published_event_past_and_upcoming_per_language(client, agenda):
    fr = parse(client.get("/fr/evenements/ics/"))
    assert [str(e["SUMMARY"]) for e in fr.walk("VEVENT")] == ["Conférence 2025", "Réception au pavillon"]
    assert sorted(tz["TZID"] for tz in fr.walk("VTIMEZONE")) == ["Asia/Tokyo", "Europe/Brussels"]
    [conference, _] = fr.walk("VEVENT")
    assert conference["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert conference["DTSTART"].dt == dt.datetime(2025, 11, 5, 9, 0, tzinfo=BRUSSELS)
    assert str(conference["LOCATION"]) == "https://live.example.org/c"  # online only
    en = parse(client.get("/en/events/ics/"))
    assert [str(e["SUMMARY"]) for e in en.walk("VEVENT")] == ["Conference 2025", "Reception at the pavilion"]
    assert [str(e["UID"]) for e in en.walk("VEVENT")] == [str(e["UID"]) for e in fr.walk("VEVENT")]
    assert str(en["NAME"]) == "Events – Brussels International"
    assert str(fr["NAME"]) == "Événements – Brussels International"


def test_cancelled_and_unpublished_events_are_not_in_the_feed(client, agenda):
    for url in ("/fr/evenements/ics/", "/en/events/ics/"):
        uids = {str(e["UID"]) for e in parse(client.get(url)).walk("VEVENT")}
        assert str(agenda["cancelled"].translation_key) not in uids
        assert len(uids) == 2  # the draft is absent too
    # The cancelled event's own file says so.
    [event] = parse(client.get("/en/events/cancelled/ics/")).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_unpublishing_removes_the_event_from_the_feed(client, agenda):
    agenda["past"].unpublish()
    summaries = [str(e["SUMMARY"]) for e in parse(client.get("/fr/evenements/ics/?after=unpublish")).walk("VEVENT")]
    assert summaries == ["Réception au pavillon"]
