"""The workspace's screening pages: screen a name, a screening explained, reviews, an entity, the
review queue, bad input in French and Dutch, permissions."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation

from brussels_international.core.groups import groups_setup
from brussels_international.permits.tests.html_checks import description_problems
from brussels_international.screening import engine, services
from brussels_international.screening.explain import query_error_message
from brussels_international.screening.models import Hit, HitReview, ListedEntity, Screening

pytestmark = pytest.mark.django_db
SCREEN = "/admin/screening/"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def setup(demo_list):  # type: ignore[no-untyped-def]
    groups_setup()
    return demo_list


def member(user_factory, username: str, group: str) -> User:  # type: ignore[no-untyped-def]
    user = user_factory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def client_for(user: User, staff_login, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    staff_login(client, user)
    return client


@pytest.fixture
def anna(setup, user_factory, staff_login) -> Client:  # type: ignore[no-untyped-def]
    return client_for(member(user_factory, "anna", "Permits"), staff_login)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r">\s+<", "><", response.content.decode())


def test_the_screen_page_shows_the_lists_and_the_threshold(anna) -> None:  # type: ignore[no-untyped-def]
    page = text(anna.get(SCREEN))
    assert '<input type="text" name="name"' in page
    assert '<option value="RU">Russia</option>' in page
    assert '<option value="vessel">vessel</option>' in page
    assert "A listed entity is a hit when its score (0 to 1) is at least 0.70." in page
    assert '<th scope="row"><a href="/admin/screening/lists/' in page and ">national</a></th><td>—</td>" in page
    assert "No screening yet." in page


def test_screening_petrov_ivan_redirects_to_the_explained_hit(  # type: ignore[no-untyped-def]
    anna, setup, django_assert_max_num_queries
) -> None:
    party = {"name": "Petrov Ivan", "birth_date": "1960-01-31", "country": "RU", "schema": "person"}
    response = anna.post(SCREEN, party)
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/screening/screenings/{screening.pk}/"
    assert (screening.use, screening.actor.username, screening.threshold) == ("workspace", "anna", 0.7)
    assert screening.versions == [setup.pk]
    with django_assert_max_num_queries(14):
        page = text(anna.get(response["Location"]))
    entity = ListedEntity.objects.get(ref="BI-001")
    hit = Hit.objects.get()
    assert f'<a href="/admin/screening/entities/{entity.pk}/">Everything the list says about this entity</a>' in page
    assert "— national BI-001 — score 1.00</h3>" in page
    assert "<dt>Country</dt><dd>Russia</dd><dt>Kind</dt><dd>person</dd>" in page
    assert "Name matched: “Ivan PETROV” (listed name)." in page
    assert "<tr><td>petrov</td><td>petrov</td><td>same word</td><td>1.00</td></tr>" in page
    assert "<tr><td>ivan</td><td>ivan</td><td>same word</td><td>1.00</td></tr>" in page
    assert "<tr><td>Score of the matched name parts</td><td>1.00</td></tr>" in page
    assert "<td>Date of birth: same date (screened 1960-01-31, listed 1960-01-31, 1961)</td><td>+0.10</td>" in page
    assert "<td>Country or nationality: same (screened RU, listed RU, BY)</td><td>+0.05</td>" in page
    assert '<th scope="row">Final score</th><td><strong>1.00</strong> (threshold 0.70)</td>' in page
    assert "<p><strong>Not reviewed yet.</strong></p>" in page
    assert f'action="/admin/screening/hits/{hit.pk}/review/"' in page
    # The recent screenings on the Screen page.
    with django_assert_max_num_queries(12):
        screen = text(anna.get(SCREEN))
    assert f'<a href="/admin/screening/screenings/{screening.pk}/">Petrov Ivan</a>' in screen
    assert screen.count("<td>1</td></tr>") == 1


def test_a_typo_and_a_different_birth_year_are_explained(anna) -> None:  # type: ignore[no-untyped-def]
    response = anna.post(SCREEN, {"name": "Ivan Petrof", "birth_date": "1990", "schema": "person"})
    page = text(anna.get(response["Location"]))
    assert "<tr><td>petrof</td><td>petrov</td><td>same word with a typing error</td><td>0.92</td></tr>" in page
    assert "<td>Date of birth: different (screened 1990, listed 1960-01-31, 1961)</td><td>−0.20</td>" in page
    assert '<tr><th scope="row">Name score</th><td>0.95</td></tr>' in page
    assert "<strong>0.75</strong> (threshold 0.70)" in page


def test_no_hit_says_which_lists_were_checked(anna) -> None:  # type: ignore[no-untyped-def]
    page = text(anna.get(anna.post(SCREEN, {"name": "Sophie Vandenberghe"})["Location"]))
    assert "0 hits" in page
    assert "No listed entity scored 0.70 or more on the lists above." in page
    assert "Lists checked: national." in page


BAD_INPUTS = [
    ({"name": ""}, "name", engine.Query(name="")),
    ({"name": "x" * 5000}, "name", engine.Query(name="x" * 5000)),
    ({"name": "\U00012000\U00012001"}, "name", engine.Query(name="\U00012000\U00012001")),
    ({"name": "Ivan Petrov", "birth_date": "31/01/1960"}, "birth_date", engine.Query("a", birth_date="31/01/1960")),
]


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize(("data", "field", "query"), BAD_INPUTS)
def test_bad_input_gives_the_field_error_in_the_users_language_and_writes_nothing(  # type: ignore[no-untyped-def]
    setup, user_factory, staff_login, language, data, field, query
) -> None:
    client = client_for(member(user_factory, "jeanne", "Permits"), staff_login, language)
    response = client.post(SCREEN, data)
    assert response.status_code == 200
    with translation.override(language), pytest.raises(engine.QueryError) as raised:
        engine.validate(query)
    with translation.override(language):
        expected = query_error_message(raised.value, query.name)
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert f'<p class="error-message" id="id_{field}_error">{expected}</p>' in page
    assert f'<li><a href="#id_{field}">' in page  # the error summary links to the field
    assert description_problems(page) == []  # aria-describedby points to the error and the help
    assert Screening.objects.count() == 0


def test_the_too_long_message_counts_the_characters(setup, user_factory, staff_login) -> None:  # type: ignore[no-untyped-def]
    client = client_for(member(user_factory, "jeanne", "Permits"), staff_login)
    page = client.post(SCREEN, {"name": "x" * 5000}).content.decode()
    assert "The name has 5000 characters; at most 500 are screened." in page


def test_a_date_that_does_not_exist_is_refused(anna) -> None:  # type: ignore[no-untyped-def]
    page = anna.post(SCREEN, {"name": "Ivan Petrov", "birth_date": "1960-02-30"}).content.decode()
    assert '<p class="error-message" id="id_birth_date_error">This date does not exist.</p>' in page
    assert Screening.objects.count() == 0


def test_a_review_is_recorded_and_shown(anna) -> None:  # type: ignore[no-untyped-def]
    screening_url = anna.post(SCREEN, {"name": "Petrov Ivan"})["Location"]
    hit = Hit.objects.get()
    url = f"/admin/screening/hits/{hit.pk}/review/"
    prefix = f"hit-{hit.pk}-"
    # No reason: the error is on the reason field, nothing written.
    page = anna.post(url, {prefix + "decision": "false_match", prefix + "reason": "  "}).content.decode()
    assert f'<p class="error-message" id="id_{prefix}reason_error">Give the reason for your decision.</p>' in page
    page = anna.post(url, {prefix + "reason": "Born 1980"}).content.decode()
    expected = "Choose whether the hit is a true match or a false match."
    assert f'<p class="error-message" id="id_{prefix}decision_error">{expected}</p>' in page
    assert description_problems(page) == []
    assert HitReview.objects.count() == 0
    response = anna.post(url, {prefix + "decision": "false_match", prefix + "reason": "Born 1980 in Minsk."})
    assert response.status_code == 302
    assert response["Location"] == f"{screening_url}#hit-{hit.pk}"
    review = HitReview.objects.get()
    assert (review.hit, review.decision, review.reason, review.reviewer.username) == (
        hit,
        "false_match",
        "Born 1980 in Minsk.",
        "anna",
    )
    page = text(anna.get(screening_url))
    assert "Hit “Ivan PETROV” reviewed: false match." in page
    assert "Reviewed as a false match by Alex " in page
    assert "<blockquote>Born 1980 in Minsk.</blockquote>" in page
    assert "Review again" in page


def test_the_entity_page_shows_every_fact(anna) -> None:  # type: ignore[no-untyped-def]
    entity = ListedEntity.objects.get(ref="BI-001")
    page = text(anna.get(f"/admin/screening/entities/{entity.pk}/"))
    assert "<dt>Reference</dt><dd>BI-001</dd><dt>Kind</dt><dd>person</dd>" in page
    assert '<dt>Listed on</dt><dd><time datetime="2024-05-01">' in page
    assert "<dt>Programmes</dt><dd>ARMS, DUAL-USE</dd>" in page
    assert "<dt>Dates of birth</dt><dd>1960-01-31, 1961</dd>" in page
    assert "<dt>Places of birth</dt><dd>Omsk, Russia</dd>" in page
    assert "<dt>Nationalities</dt><dd>Russia, Belarus</dd>" in page
    assert (
        "<tr><td>Ivan PETROV</td><td>listed name</td></tr>"
        '<tr><td data-script="Cyrl">Иван Петров</td><td>good-quality alias</td></tr>'
        "<tr><td>Vanya PETROV</td><td>good-quality alias</td></tr>"
        "<tr><td>Vanya</td><td>low-quality alias</td></tr>"
    ) in page
    assert "<ul><li>Tverskaya 1, Moscow</li></ul>" in page
    assert "<tr><td>Passport</td><td>7500001</td><td>Russia</td></tr>" in page
    assert "<p>Broker of military goods</p>" in page
    assert anna.get("/admin/screening/entities/999999/").status_code == 404


def test_the_review_queue_pages_and_pins_its_queries(anna, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for number in range(27):
        services.party_screen(name="Ivan Petrov", subject=f"permits.party:{number}", use="permits")
    services.party_screen(name="Sophie Vandenberghe")
    reviewed = services.party_screen(name="Petrov Ivan").hits.get()
    services.hit_review(
        actor=User.objects.get(username="anna"), hit=reviewed, decision="false_match", reason="Another man."
    )
    with django_assert_max_num_queries(12):  # as the other workspace list pages; not one per row
        response = anna.get("/admin/screening/reviews/")
    page = text(response)
    assert "27 hits wait for a review." in page
    assert page.count('<tr><th scope="row"><a href="/admin/screening/screenings/') == 25
    first = Screening.objects.get(subject="permits.party:26")
    assert (
        f'<tr><th scope="row"><a href="/admin/screening/screenings/{first.pk}/#hit-{first.hits.get().pk}">Ivan Petrov'
        "</a></th><td><code>permits.party:26</code></td><td>Ivan PETROV</td><td>national BI-001</td><td>1.00</td>"
    ) in page
    assert "Page 1 of 2" in page and 'href="?p=2"' in page
    second = text(anna.get("/admin/screening/reviews/?p=2"))
    assert second.count('<tr><th scope="row"><a href="/admin/screening/screenings/') == 2
    assert "Petrov Ivan</a>" not in page + second  # reviewed: out of the queue


def test_permissions(setup, user_factory, staff_login, anna) -> None:  # type: ignore[no-untyped-def]
    anna.post(SCREEN, {"name": "Petrov Ivan"})
    screening, hit = Screening.objects.get(), Hit.objects.get()
    entity = ListedEntity.objects.get(ref="BI-001")
    review = {f"hit-{hit.pk}-decision": "true_match", f"hit-{hit.pk}-reason": "Same passport."}
    director = client_for(member(user_factory, "dora", "Director"), staff_login)
    page = text(director.get(SCREEN))
    assert '<input type="text" name="name"' not in page and "Petrov Ivan</a>" in page
    assert director.post(SCREEN, {"name": "Ivan Petrov"}).status_code == 302  # Wagtail's permission denied
    page = text(director.get(f"/admin/screening/screenings/{screening.pk}/"))
    assert "Not reviewed yet." in page and "Record the review" not in page
    assert director.post(f"/admin/screening/hits/{hit.pk}/review/", review).status_code == 302
    assert director.get("/admin/screening/reviews/").status_code == 200
    assert director.get(f"/admin/screening/entities/{entity.pk}/").status_code == 200
    assert (Screening.objects.count(), HitReview.objects.count()) == (1, 0)
    outsider = client_for(member(user_factory, "carl", "Communication"), staff_login)
    for url in (SCREEN, f"/admin/screening/screenings/{screening.pk}/", "/admin/screening/reviews/"):
        response = outsider.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    assert outsider.post(f"/admin/screening/hits/{hit.pk}/review/", review).status_code == 302
    assert HitReview.objects.count() == 0


def test_the_screening_menu_holds_the_four_screens(anna, setup, user_factory, staff_login) -> None:  # type: ignore[no-untyped-def]
    page = anna.get("/admin/").content.decode()
    for label in ("Screening", "Screen a name", "Review queue", "Sanctions lists", "Arms embargoes"):
        assert label in page, label
    outsider = client_for(member(user_factory, "carl", "Communication"), staff_login)
    page = outsider.get("/admin/").content.decode()
    assert "Screen a name" not in page and "Sanctions lists" not in page
