"""The events calendar listing: upcoming and past, grouped by month in the page language, month
navigation, pagination, what each event shows, and a pinned number of queries."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db
UTC = dt.UTC
BRUSSELS = ZoneInfo("Europe/Brussels")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def calendar(frozen, make_event, site):  # type: ignore[no-untyped-def]
    """Two past events, one ongoing in Tokyo, three upcoming (one in Tokyo just after midnight UTC
    of 1 April, i.e. an April event locally), one unpublished."""
    bilateral = site["units"]["bilateral"]
    tr = {"nl": "NL", "en": "EN"}

    def make(slug, start, end, zone=BRUSSELS, **fields):  # type: ignore[no-untyped-def]
        translations = {code: f"{prefix} {slug}" for code, prefix in tr.items()}
        return make_event(
            slug,
            starts_at=start.astimezone(UTC),
            ends_at=end.astimezone(UTC),
            time_zone=zone.key,
            translations=translations,
            **fields,
        )

    make("past-a", dt.datetime(2026, 1, 20, 9, 0, tzinfo=BRUSSELS), dt.datetime(2026, 1, 20, 17, 0, tzinfo=BRUSSELS))
    make("past-b", dt.datetime(2026, 2, 10, 9, 0, tzinfo=BRUSSELS), dt.datetime(2026, 2, 10, 12, 0, tzinfo=BRUSSELS))
    make(
        "ongoing",
        dt.datetime(2026, 2, 25, 10, 0, tzinfo=TOKYO),
        dt.datetime(2026, 3, 5, 18, 0, tzinfo=TOKYO),
        zone=TOKYO,
    )
    make(
        "up-march",
        dt.datetime(2026, 3, 20, 18, 0, tzinfo=BRUSSELS),
        dt.datetime(2026, 3, 20, 21, 30, tzinfo=BRUSSELS),
        venue="Hôtel de Ville",
        address="Grand-Place, 1000 Bruxelles",
        organiser=bilateral,
        registration_url="https://inscriptions.example.org/forum",
    )
    make(
        "tokyo-boundary",
        dt.datetime(2026, 4, 1, 8, 0, tzinfo=TOKYO),
        dt.datetime(2026, 4, 1, 10, 0, tzinfo=TOKYO),
        TOKYO,
    )
    make("up-april", dt.datetime(2026, 4, 2, 9, 0, tzinfo=BRUSSELS), dt.datetime(2026, 4, 2, 11, 0, tzinfo=BRUSSELS))
    make_event(
        "draft",
        starts_at=dt.datetime(2026, 3, 25, 9, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 3, 25, 10, 0, tzinfo=UTC),
        publish=False,
    )
    return site


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="month-[0-9-]+">([^<]+)</h2>', html)


def listed(html: str, base: str = "/fr/evenements/") -> list[str]:
    return re.findall(r'<h3><a href="' + re.escape(base) + r'([a-z0-9-]+)/">', html)


def test_upcoming_soonest_first_grouped_by_local_month(client, calendar):
    html = client.get("/fr/evenements/").content.decode()
    assert listed(html) == ["ongoing", "up-march", "tokyo-boundary", "up-april"]  # no draft, no past
    assert headings(html) == ["Février 2026", "Mars 2026", "Avril 2026"]
    assert '<a href="/fr/evenements/" aria-current="page">' in html


def test_past_newest_first(client, calendar):
    html = client.get("/fr/evenements/?period=past").content.decode()
    assert listed(html) == ["past-b", "past-a"]
    assert headings(html) == ["Février 2026", "Janvier 2026"]
    assert '<a href="/fr/evenements/?period=past" aria-current="page">' in html


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/nl/evenementen/", "/nl/evenementen/", ["Februari 2026", "Maart 2026", "April 2026"]),
        ("/en/events/", "/en/events/", ["February 2026", "March 2026", "April 2026"]),
    ],
)
def test_month_headings_in_the_page_language(client, calendar, url, base, expected):
    html = client.get(url).content.decode()
    assert headings(html) == expected
    assert listed(html, base) == ["ongoing", "up-march", "tokyo-boundary", "up-april"]
    assert "EN ongoing" in html if base.startswith("/en/") else "NL ongoing" in html


def test_each_event_shows_dates_in_its_zone_venue_organiser_and_registration(client, calendar):
    html = client.get("/en/events/").content.decode()
    card = re.search(r'<li class="card event">\s*<h3><a href="/en/events/up-march/">.*?</li>', html, re.S).group(0)
    assert (
        '<time datetime="2026-03-20T18:00:00+01:00">Friday, 20 March 2026, 18:00–21:30</time> '
        '<span class="zone">(Central European Standard Time, Europe/Brussels, UTC+01:00)</span>'
    ) in card
    assert "Hôtel de Ville, Grand-Place, 1000 Bruxelles" in card
    assert (
        '<a href="/en/units/bilateral-relations/">Bilateral Relations, Public Relations, Protocol and Communication</a>'
        in card
    )
    assert (
        '<a href="https://inscriptions.example.org/forum" rel="external noopener">Register for “EN up-march”</a>'
        in card
    )
    assert "(another website: inscriptions.example.org)" in card
    ongoing = re.search(r'<h3><a href="/en/events/ongoing/">.*?</li>', html, re.S).group(0)
    assert (
        '<time datetime="2026-02-25T10:00:00+09:00">Wednesday, 25 February 2026, 10:00 – '
        "Thursday, 5 March 2026, 18:00</time>"
    ) in ongoing
    assert "(Japan Standard Time, Asia/Tokyo, UTC+09:00)" in ongoing


def test_month_view_uses_local_dates_and_links_to_the_neighbours(client, calendar):
    april = client.get("/fr/evenements/?month=2026-04").content.decode()
    assert listed(april) == ["tokyo-boundary", "up-april"]  # 08:00 in Tokyo on 1 April = 31 March in UTC
    assert headings(april) == ["Avril 2026"]
    assert '<a href="/fr/evenements/?month=2026-03" rel="prev">' in april
    assert '<a href="/fr/evenements/?month=2026-05" rel="next">' in april
    march = client.get("/fr/evenements/?month=2026-03").content.decode()
    assert listed(march) == ["ongoing", "up-march"]  # the ongoing event overlaps March
    february = client.get("/fr/evenements/?month=2026-02").content.decode()
    assert listed(february) == ["past-b", "ongoing"]
    empty = client.get("/en/events/?month=2027-01").content.decode()
    assert "No event in January 2027." in empty


@pytest.mark.parametrize("raw", ["2026-13", "march", "2026/03", "2026-00", "<script>"])
def test_invalid_month_is_a_clear_message_not_an_error_page(client, calendar, raw):
    response = client.get("/en/events/", {"month": raw})
    assert response.status_code == 400
    html = response.content.decode()
    shown = raw.replace("<", "&lt;").replace(">", "&gt;")
    message = f"“{shown}” is not a month. Write the year and the month as YYYY-MM, for example 2026-03."
    assert f'<li><a href="#month-field">{message}</a></li>' in html
    assert 'aria-describedby="month-hint month-error" aria-invalid="true"' in html
    assert listed(html, "/en/events/") == ["ongoing", "up-march", "tokyo-boundary", "up-april"]


def test_month_out_of_range(client, calendar):
    response = client.get("/en/events/?month=1969-12")
    assert response.status_code == 400
    assert "Choose a month between 1970 and 2100." in response.content.decode()
    last = client.get("/en/events/?month=2100-12").content.decode()
    assert 'rel="next"' not in last.split('class="month-nav"')[1].split("</nav>")[0]


def test_pagination_keeps_the_period(client, frozen, make_event, site):
    for day in range(1, 13):
        make_event(
            f"past-{day:02d}",
            starts_at=dt.datetime(2026, 2, day, 9, 0, tzinfo=UTC),
            ends_at=dt.datetime(2026, 2, day, 10, 0, tzinfo=UTC),
        )
    first = client.get("/fr/evenements/?period=past").content.decode()
    assert listed(first) == [f"past-{day:02d}" for day in range(12, 2, -1)]
    assert '<a href="?period=past&amp;page=2" rel="next">' in first
    second = client.get("/fr/evenements/?period=past&page=2").content.decode()
    assert listed(second) == ["past-02", "past-01"]
    assert '<a href="?period=past&amp;page=1" rel="prev">' in second
    assert listed(client.get("/fr/evenements/?period=past&page=99").content.decode()) == ["past-02", "past-01"]


def test_listing_query_count_does_not_grow_with_the_events(client, frozen, make_event, site, django_assert_num_queries):
    def add(count: int, offset: int) -> None:
        for n in range(count):
            make_event(
                f"event-{offset + n}",
                starts_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC) + dt.timedelta(days=offset + n),
                ends_at=dt.datetime(2026, 5, 1, 10, 0, tzinfo=UTC) + dt.timedelta(days=offset + n),
                organiser=site["units"]["bilateral"],
                registration_url="https://example.org/r",
            )

    add(2, 0)
    client.get("/fr/evenements/?warm=1")  # navigation cached, as after the first visitor
    with django_assert_num_queries(QUERIES) as captured:
        first = client.get("/fr/evenements/?a=1")
    add(8, 2)
    client.get("/fr/evenements/?warm=2")  # publishing dropped the cached navigation
    with django_assert_num_queries(QUERIES):
        second = client.get("/fr/evenements/?a=2")
    assert len(listed(first.content.decode())) == 2
    assert len(listed(second.content.decode())) == 10
    assert captured.captured_queries  # the count is for real requests


#: Site, locale, routing (3 pages, aliases, view restrictions), language versions, count, events.
QUERIES = 10
