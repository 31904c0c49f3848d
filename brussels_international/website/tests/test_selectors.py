"""Page selectors of the directory: few queries whatever the number of people."""

from __future__ import annotations

import pytest

from brussels_international.directory import selectors

pytestmark = pytest.mark.django_db


def test_units_with_teams_queries(seed_organisation, django_assert_max_num_queries, role_factory):
    for _ in range(10):
        role_factory(unit=seed_organisation["units"]["bilateral"])
    with django_assert_max_num_queries(9):
        units = selectors.units_with_teams()
        for unit in units:
            for role in unit.team:
                assert role.person.full_name
                list(role.person.phones.all())
                list(role.partners.all())
                list(role.topics.all())
    bilateral = next(u for u in units if u.slug == "bilateral-relations")
    assert bilateral.team[0].person.family_name == "Clerckx"  # head first


def test_person_detail_queries(seed_organisation, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        person = selectors.person_detail("pierre-gerard")
        assert [r.unit.slug for r in person.current_roles] == [
            "bilateral-relations",
            "multilateral-relations-and-europe",
        ]
        assert [p.name_en for r in person.current_roles for p in r.partners.all()] == ["Sofia"]
        assert [p.number for p in person.phones.all()] == ["+3228003748"]
    assert selectors.person_detail("nobody") is None


def test_partners_and_networks_with_handlers_queries(seed_organisation, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        partners = selectors.partners_with_handlers()
        handlers = {p.name_en: [r.person.full_name for r in p.handler_roles] for p in partners}
    assert handlers["Kyiv"] == ["Daniël Verheyden"]
    assert handlers["Sofia"] == ["Pierre Gérard"]
    with django_assert_max_num_queries(6):
        groups = selectors.networks_with_handlers()
        assert [r.person.full_name for n in groups["networks"] for r in n.handler_roles] == ["Pierre Gérard"]
    assert selectors.agreement_count() == 4


def test_directory_people(seed_organisation, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        people = selectors.directory_people()
        assert [p.family_name for p in people] == ["Claes", "Clerckx", "Gérard", "Lekeu", "Verheyden"]
        assert [r.unit.slug for r in people[0].current_roles] == ["direction", "bilateral-relations"]


def test_page_query_counts(client, site, django_assert_max_num_queries, settings):
    settings.PUBLIC_CACHE_SECONDS = 0  # measure the pages, not the whole-page cache
    client.get("/en/")  # warm the navigation cache and Wagtail's site root paths
    for url, limit in [
        ("/en/", 18),
        ("/en/units/bilateral-relations/", 18),
        ("/en/directory/", 13),
        ("/en/directory/?q=kiev", 22),  # includes building the search index once
        ("/en/directory/?q=beijing", 10),  # index cached
        ("/en/directory/anne-claes/", 18),
        ("/en/partners/", 12),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
