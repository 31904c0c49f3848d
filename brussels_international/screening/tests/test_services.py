"""Screening services: a screening stores explained hits; reviews are reused per subject and listing."""

from __future__ import annotations

import pytest

from brussels_international.screening import services
from brussels_international.screening.engine import QueryError
from brussels_international.screening.models import Hit, HitReview, Screening

pytestmark = pytest.mark.django_db


def test_party_screen_stores_an_explained_hit(demo_list) -> None:
    screening = services.party_screen(name="Petrov Ivan", birth_date="1960-01-31", country="RU", schema="person")
    hits = list(screening.hits.all())
    assert [(h.source, h.ref, h.caption) for h in hits] == [("national", "BI-001", "Ivan PETROV")]
    explanation = hits[0].explanation
    assert explanation["listed_name"] == "Ivan PETROV"
    assert explanation["name_score"] == 1.0
    assert [(p["query"], p["listed"], p["measure"]) for p in explanation["parts"]] == [
        ("petrov", "petrov", "exact"),
        ("ivan", "ivan", "exact"),
    ]
    assert [(f["fact"], f["outcome"], f["delta"]) for f in explanation["facts"]] == [
        ("birth_date", "same date", 0.10),
        ("country", "same", 0.05),
    ]
    assert hits[0].score == 1.0
    assert screening.versions == [demo_list.pk]


def test_cyrillic_alias_and_typo_are_found(demo_list) -> None:
    assert services.party_screen(name="Иван Петров").hits.get().ref == "BI-001"
    typo = services.party_screen(name="Ivan Petrof").hits.get()
    assert typo.explanation["parts"][1] == {"query": "petrof", "listed": "petrov", "measure": "typo", "score": 0.92}


def test_a_different_birth_year_lowers_the_score(demo_list) -> None:
    hit = services.party_screen(name="Ivan Petrov", birth_date="1990-05-05", schema="person").hits.get()
    assert hit.score == 0.8
    assert hit.explanation["facts"] == [
        {
            "fact": "birth_date",
            "outcome": "different",
            "delta": -0.2,
            "query": "1990-05-05",
            "listed": ["1960-01-31", "1961"],
        }
    ]
    typo = services.party_screen(name="Ivan Petrof", birth_date="1990", schema="person").hits.get()
    assert (typo.explanation["name_score"], typo.score) == (0.952, 0.752)
    # With a threshold of 0.8 for that use, the same party gives no hit.
    assert services.party_screen(name="Ivan Petrof", birth_date="1990", threshold=0.8).hits.count() == 0


def test_an_invented_name_gives_no_hit(demo_list) -> None:
    assert services.party_screen(name="Sophie Vandenberghe").hits.count() == 0


@pytest.mark.parametrize(
    ("name", "field", "code"),
    [
        ("", "name", "empty"),
        ("   ", "name", "empty"),
        ("x" * 5000, "name", "too_long"),
        ("?!", "name", "no_letters"),
        ("\U00012000\U00012001", "name", "script"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(demo_list, name: str, field: str, code: str) -> None:
    with pytest.raises(QueryError) as raised:
        services.party_screen(name=name)
    assert (raised.value.field, raised.value.code) == (field, code)
    assert Screening.objects.count() == 0


def test_a_review_is_reused_for_the_same_subject_until_the_listing_changes(demo_list, user_factory) -> None:
    from brussels_international.screening.selectors import reviews_for, unreviewed_hits

    officer = user_factory()
    first = services.party_screen(name="Ivan Petrov", subject="permits.party:1").hits.get()
    assert list(unreviewed_hits()) == [first]
    services.hit_review(
        actor=officer, hit=first, decision="false_match", reason="Born in 1985 in Ghent, passport seen."
    )
    again = services.party_screen(name="Ivan Petrov", subject="permits.party:1").hits.get()
    other_subject = services.party_screen(name="Ivan Petrov", subject="permits.party:2").hits.get()
    reviews = reviews_for([again, other_subject])
    assert reviews[again.pk] is not None and reviews[again.pk].decision == "false_match"
    assert reviews[other_subject.pk] is None
    assert list(unreviewed_hits()) == [other_subject]
    # The listing changes (a new fingerprint): the old review no longer covers the hit.
    Hit.objects.filter(pk=again.pk).update(fingerprint="0" * 64)
    again.refresh_from_db()
    assert reviews_for([again])[again.pk] is None


def test_a_review_needs_a_decision_and_a_reason(demo_list, user_factory) -> None:
    officer = user_factory()
    hit = services.party_screen(name="Ivan Petrov").hits.get()
    with pytest.raises(services.ReviewError) as raised:
        services.hit_review(actor=officer, hit=hit, decision="true_match", reason="  ")
    assert raised.value.field == "reason"
    with pytest.raises(services.ReviewError) as raised:
        services.hit_review(actor=officer, hit=hit, decision="maybe", reason="Looks alike")
    assert raised.value.field == "decision"
    assert HitReview.objects.count() == 0


def test_batch_screenings_stay_out_of_the_review_queue(demo_list) -> None:
    from brussels_international.screening.selectors import unreviewed_hits

    services.party_screen(name="Ivan Petrov", use="batch")
    workspace = services.party_screen(name="Ivan Petrov", use="workspace").hits.get()
    assert list(unreviewed_hits()) == [workspace]
