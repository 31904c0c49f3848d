"""The read-only directory API: content, language choice, OpenAPI document, bad input."""

from __future__ import annotations

import pytest

from brussels_international.directory.models import Network, Partner, Person, PhoneNumber, Role, Topic, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def data() -> dict[str, object]:
    unit = Unit.objects.create(
        slug="bilateral", number=1, name_fr="Relations bilatérales", name_nl="Bilaterale betrekkingen",
        name_en="Bilateral Relations", mission_en="Follows up the agreements.",
    )  # fmt: skip
    kyiv = Partner.objects.create(
        slug="kyiv", kind="city", country="UA", latitude="50.45010", longitude="30.52340", has_agreement=True,
        name_fr="Kiev", name_nl="Kiev", name_en="Kyiv", aliases=["Kiev", "Київ"],
    )  # fmt: skip
    eurocities = Network.objects.create(
        slug="eurocities", name_fr="Eurocities", name_nl="Eurocities", name_en="Eurocities"
    )
    topic = Topic.objects.create(
        slug="tourism", kind="eu_policy_area", name_fr="Tourisme", name_nl="Toerisme", name_en="Tourism"
    )
    person = Person.objects.create(slug="daniel-verheyden", given_name="Daniël", family_name="Verheyden",
                                   aliases=["Daniel Verheyden"])  # fmt: skip
    PhoneNumber.objects.create(person=person, number="+3224306061")
    role = Role.objects.create(person=person, unit=unit, title_en="Attaché", title_fr="Attaché", title_nl="Attaché")
    for manager, items in ((role.partners, [kyiv]), (role.networks, [eurocities]), (role.topics, [topic])):
        manager.set(items)
        manager.commit()  # parental many-to-many links are written on commit
    hidden = Person.objects.create(slug="hidden", given_name="Not", family_name="Published", is_public=False)
    Role.objects.create(person=hidden, unit=unit)
    return {"unit": unit, "person": person}


def test_person_in_english(client, data):
    response = client.get("/api/v1/people/daniel-verheyden?lang=en")
    assert response.status_code == 200
    assert response.json() == {
        "slug": "daniel-verheyden",
        "name": "Daniël Verheyden",
        "phones": [{"e164": "+3224306061", "display": "02 430 60 61", "tel": "tel:+32-2-430-60-61"}],
        "roles": [
            {
                "unit": {"kind": "unit", "slug": "bilateral", "name": "Bilateral Relations"},
                "title": "Attaché",
                "is_head": False,
                "portfolio": [
                    {"kind": "partner", "slug": "kyiv", "name": "Kyiv"},
                    {"kind": "network", "slug": "eurocities", "name": "Eurocities"},
                    {"kind": "eu_policy_area", "slug": "tourism", "name": "Tourism"},
                ],
            }
        ],
    }


def test_other_spellings_of_people_are_not_published(client, data):
    # Spellings seen in sources (photo captions) help the search but are not published.
    assert "Daniel Verheyden" not in client.get("/api/v1/people").content.decode()
    assert client.get("/api/v1/who-handles?q=daniel%20verheyden").json()["count"] == 1


def test_language_from_accept_language_header_and_query(client, data):
    assert client.get("/api/v1/units/bilateral", HTTP_ACCEPT_LANGUAGE="nl-BE,nl;q=0.9").json()["name"] == (
        "Bilaterale betrekkingen"
    )
    assert client.get("/api/v1/units/bilateral?lang=fr", HTTP_ACCEPT_LANGUAGE="nl").json()["name"] == (
        "Relations bilatérales"
    )
    assert client.get("/api/v1/units/bilateral", HTTP_ACCEPT_LANGUAGE="de").json()["name"] == "Relations bilatérales"


def test_unknown_language_is_a_clear_400(client, data):
    response = client.get("/api/v1/units?lang=de")
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown language 'de': use one of fr, nl, en."}


def test_unpublished_people_are_not_in_the_api(client, data):
    slugs = [p["slug"] for p in client.get("/api/v1/people").json()]
    assert slugs == ["daniel-verheyden"]
    assert client.get("/api/v1/people/hidden").status_code == 404
    members = client.get("/api/v1/units/bilateral?lang=en").json()["members"]
    assert members == [{"person": "daniel-verheyden", "name": "Daniël Verheyden", "title": "Attaché", "is_head": False}]


def test_partners_with_handlers_and_filter(client, data):
    partners = client.get("/api/v1/partners?lang=en&agreement=true").json()
    assert partners == [
        {
            "slug": "kyiv",
            "kind": "city",
            "name": "Kyiv",
            "names": {"fr": "Kiev", "nl": "Kiev", "en": "Kyiv"},
            "other_names": ["Kiev", "Київ"],
            "country": "UA",
            "latitude": "50.45010",
            "longitude": "30.52340",
            "has_agreement": True,
            "handled_by": [{"person": "daniel-verheyden", "name": "Daniël Verheyden", "unit": "bilateral"}],
        }
    ]
    assert client.get("/api/v1/partners?agreement=false").json() == []


def test_networks(client, data):
    assert client.get("/api/v1/networks").json() == [
        {
            "slug": "eurocities",
            "name": "Eurocities",
            "acronym": "",
            "other_names": [],
            "handled_by": [{"person": "daniel-verheyden", "name": "Daniël Verheyden", "unit": "bilateral"}],
        }
    ]


def test_who_handles_explains_the_match(client, data):
    body = client.get("/api/v1/who-handles?q=kiev&lang=en").json()
    assert body["query"] == "kiev"
    assert body["count"] == 1
    hit = body["results"][0]
    assert hit["person"]["slug"] == "daniel-verheyden"
    assert {"kind": "partner", "label": "Kyiv", "matched": "Kiev", "fuzzy": False} in hit["reasons"]


@pytest.mark.parametrize("query", ["", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "🙂", "مرحبا"])
def test_who_handles_bad_input_is_a_normal_answer(client, data, query):
    response = client.get("/api/v1/who-handles", {"q": query})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_who_handles_limit_is_checked(client, data):
    response = client.get("/api/v1/who-handles?q=kiev&limit=0")
    assert response.status_code == 400
    assert response.json() == {"detail": "limit must be between 1 and 100."}


def test_openapi_document_lists_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Brussels International directory API"
    assert sorted(spec["paths"]) == [
        "/api/v1/networks",
        "/api/v1/organisations",
        "/api/v1/partners",
        "/api/v1/people",
        "/api/v1/people/{slug}",
        "/api/v1/units",
        "/api/v1/units/{slug}",
        "/api/v1/who-handles",
    ]
    assert client.get("/api/v1/docs").status_code == 200
