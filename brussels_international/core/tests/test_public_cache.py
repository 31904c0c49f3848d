"""The whole-page cache of the public site: anonymous GETs cached, staff and writes never."""

from __future__ import annotations

import pytest

from brussels_international.core.cache import public_cache_generation, public_cache_invalidate
from brussels_international.directory.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_CACHE_SECONDS = 300


def make_unit(name: str = "Permits") -> Unit:
    return Unit.objects.create(slug="permits", name_fr="Permis", name_nl="Vergunningen", name_en=name)


def test_second_anonymous_request_is_served_from_cache_without_queries(client, django_assert_num_queries):
    make_unit()
    first = client.get("/api/v1/units?lang=en")
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/api/v1/units?lang=en")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "default-src 'self'" in second["Content-Security-Policy"]


def test_invalidation_serves_fresh_content(client):
    unit = make_unit()
    assert client.get("/api/v1/units?lang=en").json()[0]["name"] == "Permits"
    Unit.objects.filter(pk=unit.pk).update(name_en="Permits unit")  # no signal: still cached
    assert client.get("/api/v1/units?lang=en").json()[0]["name"] == "Permits"
    before = public_cache_generation()
    public_cache_invalidate()
    assert public_cache_generation() == before + 1
    assert client.get("/api/v1/units?lang=en").json()[0]["name"] == "Permits unit"


def test_saving_a_directory_record_invalidates(client):
    unit = make_unit()
    client.get("/api/v1/units?lang=en")
    unit.name_en = "Permits unit"
    unit.save()
    assert client.get("/api/v1/units?lang=en").json()[0]["name"] == "Permits unit"


def test_api_language_header_is_part_of_the_key(client):
    make_unit()
    assert client.get("/api/v1/units", HTTP_ACCEPT_LANGUAGE="nl").json()[0]["name"] == "Vergunningen"
    assert client.get("/api/v1/units", HTTP_ACCEPT_LANGUAGE="fr").json()[0]["name"] == "Permis"


def test_requests_with_a_session_bypass_the_cache(client):
    make_unit()
    client.get("/api/v1/units?lang=en")
    client.cookies["sessionid"] = "anything"
    response = client.get("/api/v1/units?lang=en")
    assert "X-Cache" not in response


def test_errors_are_not_cached(client):
    assert client.get("/api/v1/units/nothing").status_code == 404
    assert "X-Cache" not in client.get("/api/v1/units/nothing")


def test_host_is_part_of_the_key(client, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    make_unit()
    assert client.get("/api/v1/units?lang=en", HTTP_HOST="a.example")["X-Cache"] == "miss"
    assert client.get("/api/v1/units?lang=en", HTTP_HOST="b.example")["X-Cache"] == "miss"
    assert client.get("/api/v1/units?lang=en", HTTP_HOST="a.example")["X-Cache"] == "hit"
