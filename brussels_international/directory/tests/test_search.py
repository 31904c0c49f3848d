"""Directory search: "who handles X" (``selectors.who_handles``)."""

from __future__ import annotations

import pytest

from brussels_international.directory import selectors
from brussels_international.directory.selectors import MatchReason, nobody_handles, who_handles

pytestmark = pytest.mark.django_db


def names(hits):
    return [hit.person.full_name for hit in hits]


def test_empty_query_gives_no_hit(seed_organisation):
    assert who_handles("") == []
    assert who_handles("   ") == []
    assert who_handles("\x00") == []
    assert who_handles("' -- ") == []


def test_kiev_finds_exactly_daniel_verheyden_with_the_reason(seed_organisation):
    hits = who_handles("kiev", language="en")
    assert names(hits) == ["Daniël Verheyden"]
    assert hits[0].reasons == [MatchReason(kind="partner", label="Kyiv", matched="Kiev", fuzzy=False)]
    assert [role.unit.slug for role in hits[0].roles] == ["bilateral-relations"]


@pytest.mark.parametrize(
    "query", ["Kiev", "KYIV", "kyiv", "Київ", "Kyjv", "Xian", "Xi'an", "xi’an", "Pékin", "pekin", "Beijing"]
)
def test_other_names_of_places_find_daniel_verheyden(seed_organisation, query):
    assert names(who_handles(query)) == ["Daniël Verheyden"]


def test_typo_match_says_so(seed_organisation):
    [hit] = who_handles("Kyjv", language="en")
    assert hit.reasons == [MatchReason(kind="partner", label="Kyiv", matched="Kyiv", fuzzy=True)]


def test_name_with_typo_and_without_accents(seed_organisation):
    [hit] = who_handles("Verheiden")
    assert hit.person.full_name == "Daniël Verheyden"
    assert hit.reasons[0].kind == "name" and hit.reasons[0].fuzzy
    assert names(who_handles("daniel verheyden")) == ["Daniël Verheyden"]
    assert names(who_handles("gerard")) == ["Pierre Gérard"]


def test_label_in_the_asked_language(seed_organisation):
    [hit] = who_handles("kiev", language="fr")
    assert hit.reasons[0].label == "Kiev"
    assert not hit.reasons[0].shows_matched
    [hit] = who_handles("Kiev", language="en")
    assert hit.reasons[0].shows_matched


def test_transposition_finds_anne_laurence_lekeu(seed_organisation):
    hits = who_handles("transposition", language="en")
    assert names(hits) == ["Anne-Laurence Lekeu"]
    kinds = [reason.kind for reason in hits[0].reasons]
    assert kinds == ["role", "topic"]


def test_eurocities_without_handler_gives_no_hit_but_is_known(seed_organisation):
    assert who_handles("eurocities") == []
    assert nobody_handles("eurocities", language="en") == [
        MatchReason(kind="network", label="Eurocities", matched="Eurocities", fuzzy=False)
    ]
    assert nobody_handles("kiev") == []  # handled by someone
    assert nobody_handles("") == []


def test_eurocities_with_a_handler_and_a_typo(seed_organisation, role_factory):
    org = seed_organisation
    role_factory(
        person=org["people"]["clerckx"],
        unit=org["units"]["multilateral"],
        portfolio={"networks": [org["networks"]["eurocities"]]},
    )
    hits = who_handles("eurocitys", language="en")
    assert names(hits) == ["Geoffroy Clerckx"]
    assert hits[0].reasons == [MatchReason(kind="network", label="Eurocities", matched="Eurocities", fuzzy=True)]
    assert names(who_handles("Eurocities")) == ["Geoffroy Clerckx"]


def test_acronyms_of_organisations_and_networks(seed_organisation):
    assert names(who_handles("OCDE")) == ["Anne-Laurence Lekeu"]
    assert names(who_handles("oecd")) == ["Anne-Laurence Lekeu"]
    [hit] = who_handles("ARE", language="en")
    assert hit.person.full_name == "Pierre Gérard"
    assert hit.reasons == [
        MatchReason(kind="network", label="Assembly of European Regions", matched="ARE", fuzzy=False)
    ]
    assert names(who_handles("urbact")) == ["Anne-Laurence Lekeu"]


def test_unit_finds_its_team(seed_organisation):
    hits = who_handles("multilateral relations", language="en")
    assert sorted(names(hits)) == ["Anne-Laurence Lekeu", "Pierre Gérard"]
    assert all(hit.reasons[0].kind == "unit" for hit in hits)


def test_role_title_and_person_name(seed_organisation):
    assert names(who_handles("directrice")) == ["Anne Claes"]
    assert names(who_handles("director")) == ["Anne Claes"]
    assert names(who_handles("Claes Anne")) == ["Anne Claes"]


def test_eu_policy_area_kind(seed_organisation, topic_factory, role_factory):
    from brussels_international.directory.models import Topic

    org = seed_organisation
    cohesion = topic_factory(
        name_en="Cohesion policy",
        name_fr="Politique de cohésion",
        name_nl="Cohesiebeleid",
        kind=Topic.Kind.EU_POLICY_AREA,
    )
    role_factory(person=org["people"]["gerard"], unit=org["units"]["multilateral"], portfolio={"topics": [cohesion]})
    [hit] = who_handles("cohesie", language="nl")
    assert hit.reasons == [
        MatchReason(kind="eu_policy_area", label="Cohesiebeleid", matched="Cohesiebeleid", fuzzy=False)
    ]


def test_ended_roles_and_hidden_people_are_not_found(seed_organisation, role_factory, person_factory, partner_factory):
    import datetime

    lima = partner_factory(name_en="Lima", country="PE")
    role_factory(
        person=person_factory(given_name="Old", family_name="Timer"),
        unit=seed_organisation["units"]["bilateral"],
        end_date=datetime.date(2020, 1, 1),
        start_date=datetime.date(2019, 1, 1),
        portfolio={"partners": [lima]},
    )
    role_factory(
        person=person_factory(given_name="Hidden", family_name="Person", is_public=False),
        unit=seed_organisation["units"]["bilateral"],
        portfolio={"partners": [lima]},
    )
    assert who_handles("lima") == []


def test_index_is_cached_and_invalidated_on_change(
    seed_organisation, django_assert_num_queries, partner_factory, role_factory
):
    who_handles("kiev")
    with django_assert_num_queries(0):
        who_handles("beijing")
    vienna = partner_factory(name_en="Vienna", name_fr="Vienne", name_nl="Wenen", country="AT", aliases=["Wien"])
    role = seed_organisation["people"]["verheyden"].roles.get()
    role.partners.add(vienna)
    role.partners.commit()  # ParentalManyToManyField writes on commit
    assert names(who_handles("wien")) == ["Daniël Verheyden"]
    role.partners.remove(vienna)
    role.partners.commit()
    assert who_handles("wien") == []


@pytest.mark.parametrize(
    "query",
    ["x" * 2000, "<script>alert(1)</script>", "' OR 1=1 --", "😀🇧🇪", "مرحبا بالعالم", "שלום", "a\x00b", "%", "_", "\\"],
)
def test_any_text_is_accepted(seed_organisation, query):
    assert isinstance(who_handles(query), list)


def test_limit(seed_organisation):
    assert len(who_handles("anne", limit=1)) == 1
    assert sorted(names(who_handles("anne"))) == ["Anne Claes", "Anne-Laurence Lekeu"]


def test_clean_query_caps_length_and_strips_control_characters():
    assert selectors.clean_query("a\x00b\n c") == "ab c"
    assert len(selectors.clean_query("é" * 5000)) == selectors.MAX_QUERY_LENGTH


def test_normalise():
    assert selectors.normalise("Xi’an") == "xian"
    assert selectors.normalise("Île-de-France") == "ile de france"
    assert selectors.normalise("KYIV") == "kyiv"


# --- on the real organisation data (``load_organisation``) ------------------------------------


@pytest.fixture
def organisation(db):
    from django.core.management import call_command, get_commands

    if "load_organisation" not in get_commands():
        pytest.skip("load_organisation is not available")
    call_command("load_organisation", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("query", ["kiev", "Kiev", "KYIV", "Kyjv", "Київ", "Xian", "Xi'an", "Xi’an", "Pékin", "peking"])
def test_real_data_places_find_daniel_verheyden(organisation, query):
    assert names(who_handles(query)) == ["Daniël Verheyden"]


def test_real_data_kiev_reason(organisation):
    [hit] = who_handles("kiev", language="en")
    assert hit.reasons == [MatchReason(kind="partner", label="Kyiv", matched="Kiev", fuzzy=False)]


def test_real_data_typos_in_names(organisation):
    assert names(who_handles("Verheiden")) == ["Daniël Verheyden"]
    assert names(who_handles("muriel bayens")) == ["Muriel Baeijens"]


def test_real_data_transposition(organisation):
    assert names(who_handles("transposition")) == ["Anne-Laurence Lekeu"]


def test_real_data_eurocities_matches_the_seed(organisation):
    """The seed lists Eurocities among the Region's networks but names no one for it."""
    from brussels_international.directory.models import Network

    eurocities = Network.objects.get(slug="eurocities")
    assert list(eurocities.roles.all()) == []
    assert [r.label for r in nobody_handles("eurocitys", language="en")] == ["Eurocities"]
    # Nobody is named for it, but the missions of the Multilateral Relations and Europe unit name it.
    hits = who_handles("eurocities", language="en")
    assert {r.kind for h in hits for r in h.reasons} == {"mission"}
    assert {role.unit.slug for h in hits for role in h.roles} == {"multilateral-relations-and-europe"}
    assert len(hits) == 9


# --- phone numbers, unit missions, one-letter queries (on the real organisation data) ---------


@pytest.mark.parametrize("query", ["02 800 37 45", "02/800.37.45", "+32 2 800 37 45", "3228003745"])
def test_search_by_phone_number(organisation, query):
    hits = who_handles(query, language="en")
    assert [h.person.slug for h in hits] == ["anne-claes"]
    assert [(r.kind, r.label, r.shows_matched) for r in hits[0].reasons] == [("phone", "02 800 37 45", False)]


def test_shared_phone_number_finds_both_people(organisation):
    assert sorted(h.person.slug for h in who_handles("02 233 03 02")) == ["manoelle-wasseige", "rudi-arron"]


def test_unit_missions_are_searched_last(organisation):
    hits = who_handles("armes", language="fr")
    assert sorted(h.person.slug for h in hits) == ["aldo-alu", "guillaume-ligot", "jef-willems", "melanie-behets"]
    reason = hits[0].reasons[0]
    assert (reason.kind, reason.label, reason.matched, reason.fuzzy) == ("mission", "Unité Licences", "armes", False)
    # A word that names something (a partner) wins over the missions that mention it.
    assert [h.person.slug for h in who_handles("Kinshasa")] == ["sophie-willaumez"]


@pytest.mark.parametrize("query", ["a", "é", " x ", "1"])
def test_one_letter_queries_find_nobody(organisation, query):
    assert who_handles(query) == []
