"""RSS 2.0 and Atom feeds of the blog per language and per category; the listing announces them."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import time_machine

from .blog_helpers import make_post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def posts(blog, person_factory):  # type: ignore[no-untyped-def]
    anne = person_factory(given_name="Anne", family_name="Claes", slug="anne-claes")
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 30, tzinfo=BRUSSELS), tick=False):
        make_post(blog["fr"], "Sommet Eurocities", dt.date(2026, 3, 2), categories=["europe"], authors=[anne])
    with time_machine.travel(dt.datetime(2026, 3, 5, 8, 0, tzinfo=BRUSSELS), tick=False):
        # Dated before its publication: the feed dates it at midnight, Brussels time, of its date.
        make_post(blog["fr"], "Nouvelles licences", dt.date(2026, 3, 4), categories=["permits"])
        make_post(blog["en"], "Eurocities summit", dt.date(2026, 3, 2), categories=["europe"])


def test_rss_of_a_language(client, posts):
    response = client.get("/fr/blog/rss/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "The Brussels Globe"
    assert channel.findtext("link") == "http://testserver/fr/blog/"
    assert channel.findtext("language") == "fr"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Nouvelles licences", "Sommet Eurocities"]
    assert [i.findtext("link") for i in items] == [
        "http://testserver/fr/blog/nouvelles-licences/",
        "http://testserver/fr/blog/sommet-eurocities/",
    ]
    assert [i.findtext("pubDate") for i in items] == [
        "Wed, 04 Mar 2026 00:00:00 +0100",
        "Mon, 02 Mar 2026 09:30:00 +0000",
    ]
    assert [i.findtext("category") for i in items] == ["Licences", "Europe"]
    assert items[1].findtext("description") == "Intro Sommet Eurocities"
    assert items[1].findtext("{http://purl.org/dc/elements/1.1/}creator") == "Anne Claes"


def test_atom_of_a_language(client, posts):
    response = client.get("/en/blog/atom/")

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "The Brussels Globe"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"alternate": "http://testserver/en/blog/", "self": "http://testserver/en/blog/atom/"}
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Eurocities summit"]
    assert entries[0].find(f"{ATOM}link").get("href") == "http://testserver/en/blog/eurocities-summit/"
    assert entries[0].findtext(f"{ATOM}published") == "2026-03-02T00:00:00+01:00"
    assert entries[0].findtext(f"{ATOM}updated") == "2026-03-05T07:00:00+00:00"


def test_category_feeds(client, posts):
    rss = ET.fromstring(client.get("/fr/blog/category/europe/rss/").content).find("channel")
    assert rss.findtext("title") == "The Brussels Globe – Europe"
    assert rss.findtext("link") == "http://testserver/fr/blog/?category=europe"
    assert [i.findtext("title") for i in rss.findall("item")] == ["Sommet Eurocities"]

    atom = ET.fromstring(client.get("/nl/blog/category/europe/atom/").content)
    assert atom.findtext(f"{ATOM}title") == "The Brussels Globe – Europa"
    assert atom.findall(f"{ATOM}entry") == []
    self_link = [link.get("href") for link in atom.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["http://testserver/nl/blog/category/europe/atom/"]


@pytest.mark.parametrize("url", ["/fr/blog/category/nope/rss/", "/en/blog/category/nope/atom/"])
def test_unknown_category_feed_is_404(client, posts, url):
    assert client.get(url).status_code == 404


def test_listing_announces_its_feeds(client, posts):
    html = client.get("/fr/blog/?category=europe").content.decode()
    alternates = re.findall(r'<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">', html)
    assert alternates == [
        ("application/rss+xml", "The Brussels Globe (RSS)", "http://testserver/fr/blog/rss/"),
        ("application/atom+xml", "The Brussels Globe (Atom)", "http://testserver/fr/blog/atom/"),
        ("application/rss+xml", "The Brussels Globe – Europe (RSS)", "http://testserver/fr/blog/category/europe/rss/"),
        (
            "application/atom+xml",
            "The Brussels Globe – Europe (Atom)",
            "http://testserver/fr/blog/category/europe/atom/",
        ),
    ]
