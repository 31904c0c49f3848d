"""The screening API: screen, read a screening, the lists, the embargo check; errors, authentication,
CSRF and the OpenAPI document."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation

from brussels_international.core.groups import groups_setup
from brussels_international.screening import engine, services
from brussels_international.screening.embargo_services import embargoes_load
from brussels_international.screening.management.commands.load_arms_embargoes import default_path
from brussels_international.screening.models import HitReview, Screening

pytestmark = pytest.mark.django_db
BASE = "/api/screening/v1"


def member(user_factory, username: str, group: str) -> User:  # type: ignore[no-untyped-def]
    user = user_factory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def setup(demo_list):  # type: ignore[no-untyped-def]
    groups_setup()
    return demo_list


@pytest.fixture
def anna(setup, user_factory, staff_login) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff_login(client, member(user_factory, "anna", "Permits"))
    return client


def screen(client: Client, **body: object):  # type: ignore[no-untyped-def]
    return client.post(f"{BASE}/screen", body, content_type="application/json")


def test_screen_returns_the_stored_screening_with_explained_hits(anna, setup) -> None:  # type: ignore[no-untyped-def]
    response = screen(anna, name="Petrov Ivan", birth_date="1960-01-31", country="RU", schema="person")
    assert response.status_code == 200
    body = response.json()
    screening = Screening.objects.get()
    assert (screening.use, screening.actor.username) == ("api", "anna")
    assert body["screening_id"] == screening.pk
    assert (body["name"], body["birth_date"], body["country"], body["schema"], body["threshold"]) == (
        "Petrov Ivan",
        "1960-01-31",
        "RU",
        "person",
        0.7,
    )
    assert body["lists"] == [
        {"source": "national", "label": "national", "published": None, "loaded_at": body["lists"][0]["loaded_at"]}
    ]
    [hit] = body["hits"]
    assert (hit["source"], hit["ref"], hit["caption"], hit["score"], hit["review"]) == (
        "national",
        "BI-001",
        "Ivan PETROV",
        1.0,
        None,
    )
    assert hit["explanation"]["parts"] == [
        {"query": "petrov", "listed": "petrov", "measure": "exact", "score": 1.0},
        {"query": "ivan", "listed": "ivan", "measure": "exact", "score": 1.0},
    ]
    assert [(f["fact"], f["outcome"], f["delta"]) for f in hit["explanation"]["facts"]] == [
        ("birth_date", "same date", 0.1),
        ("country", "same", 0.05),
    ]
    # A threshold of the request's own; then the same screening read back, with its review.
    assert screen(anna, name="Ivan Petrof", birth_date="1990", threshold=0.8).json()["hits"] == []
    services.hit_review(
        actor=User.objects.get(username="anna"), hit=screening.hits.get(), decision="true_match", reason="Passport."
    )
    again = anna.get(f"{BASE}/screenings/{screening.pk}").json()
    assert again["hits"][0]["review"]["decision"] == "true_match"
    assert again["hits"][0]["review"]["same_hit"] is True
    assert anna.get(f"{BASE}/screenings/999999").status_code == 404


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"name": ""}, "name", "empty"),
        ({"name": "x" * 5000}, "name", "too_long"),
        ({"name": "\U00012000\U00012001"}, "name", "script"),
        ({"name": "Ivan Petrov", "birth_date": "31/01/1960"}, "birth_date", "birth_date"),
        ({"name": "Ivan Petrov", "schema": "ship"}, "schema", "schema"),
    ],
)
def test_a_party_that_cannot_be_screened_gives_422_in_the_callers_language(  # type: ignore[no-untyped-def]
    anna, language, body, field, code
) -> None:
    response = anna.post(f"{BASE}/screen", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    with translation.override(language), pytest.raises(engine.QueryError) as raised:
        services.party_screen(**body)  # type: ignore[arg-type]
    from brussels_international.screening.explain import query_error_message

    with translation.override(language):
        message = query_error_message(raised.value, str(body["name"]))
    assert response.json() == {"detail": [{"loc": ["body", field], "msg": message, "type": code}]}
    assert response["Content-Language"] == language
    assert Screening.objects.count() == 0


def test_a_threshold_outside_0_1_is_refused(anna) -> None:  # type: ignore[no-untyped-def]
    response = screen(anna, name="Ivan Petrov", threshold=1.5)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "threshold"]
    assert Screening.objects.count() == 0


def test_authentication_and_permissions(setup, user_factory, staff_login) -> None:  # type: ignore[no-untyped-def]
    anonymous = Client()
    assert screen(anonymous, name="Ivan Petrov").status_code == 401
    assert anonymous.get(f"{BASE}/lists").status_code == 401
    # Signed in without the two-factor code: refused like no session.
    password_only = Client()
    password_only.force_login(member(user_factory, "paul", "Permits"))
    assert screen(password_only, name="Ivan Petrov").status_code == 401
    director = Client()
    staff_login(director, member(user_factory, "dora", "Director"))
    assert screen(director, name="Ivan Petrov").status_code == 403
    assert director.get(f"{BASE}/lists").status_code == 200
    outsider = Client()
    staff_login(outsider, member(user_factory, "carl", "Communication"))
    assert screen(outsider, name="Ivan Petrov").status_code == 403
    assert outsider.get(f"{BASE}/lists").status_code == 403
    assert outsider.get(f"{BASE}/embargoes/check", {"country": "RU"}).status_code == 403
    assert Screening.objects.count() == 0


def test_a_session_post_needs_the_csrf_token(setup, user_factory, staff_login) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    staff_login(client, member(user_factory, "anna", "Permits"))
    response = screen(client, name="Petrov Ivan")
    assert (response.status_code, response.json()) == (403, {"detail": "CSRF check Failed"})
    client.get("/admin/")  # any workspace page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"{BASE}/screen", {"name": "Petrov Ivan"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert len(response.json()["hits"]) == 1
    assert client.get(f"{BASE}/lists").status_code == 200  # GET needs no token


def test_the_lists(anna, setup) -> None:  # type: ignore[no-untyped-def]
    [row] = anna.get(f"{BASE}/lists").json()
    assert {k: v for k, v in row.items() if k != "loaded_at"} == {
        "source": "national",
        "label": "national",
        "published": None,
        "version_id": setup.pk,
        "persons": 1,
        "organisations": 1,
        "vessels": 1,
        "aircraft": 0,
        "names": 7,
    }


def test_the_embargo_check(anna) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel("2026-11-28 10:00 +01:00"):
        embargoes_load(path=default_path())
    body = anna.get(f"{BASE}/embargoes/check", {"country": "ru", "date": "2026-11-30"}).json()
    assert (body["country"], body["date"], body["verdict"]) == ("RU", "2026-11-30", "embargoed")
    assert [(e["issuing_body"], e["target"], e["binding"]) for e in body["embargoes"]] == [("EU", "RU", True)]
    assert {e["target"] for e in body["also_check"]} == {"ZZ"}
    response = anna.get(f"{BASE}/embargoes/check", {"country": "XX"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["query", "country"],
                "msg": "Unknown country code 'XX': expected an ISO 3166-1 alpha-2 code such as 'RU' or 'CN'.",
                "type": "country",
            }
        ]
    }


def test_the_openapi_document_and_docs(setup) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    document = client.get(f"{BASE}/openapi.json").json()
    assert sorted(document["paths"]) == [
        f"{BASE}/embargoes/check",
        f"{BASE}/lists",
        f"{BASE}/screen",
        f"{BASE}/screenings/{{screening_id}}",
    ]
    assert document["info"]["title"] == "Brussels International screening API"
    assert "sessionid" in str(document["components"]["securitySchemes"])
    assert client.get(f"{BASE}/docs").status_code == 200
    assert HitReview.objects.count() == 0
