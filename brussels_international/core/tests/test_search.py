"""The workspace search (``core/search.py``, ``/admin/search/``): a user only ever sees records they
may open; groups, counts and order; accents and case; odd queries; pages; query counts; the index
kept current by the services and by ``bootstrap``.

A test-only kind registers ``tests.workflow_app.DemoDossier`` (its title is indexed) with a
permission rule that shows each user only the dossiers they submitted: a filter on a field that
is not a Wagtail ``FilterField``, as real permission rules are.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.users.models import UserProfile

from brussels_international.core.groups import groups_setup
from brussels_international.core.registry import AnyUser, RecordKind, register_kind, unregister_kind
from brussels_international.core.search import MAX_QUERY_LENGTH, MAX_TERMS, PER_PAGE, search_terms, workspace_search
from brussels_international.core.tests.auth import staff_login
from brussels_international.directory.models import Partner, Person
from brussels_international.directory.services import organisation_load, staff_import
from tests.workflow_app.models import DemoDossier

pytestmark = pytest.mark.django_db

DOSSIERS = "workflow_app.demodossier"
SEARCH = "/admin/search/"


def own_dossiers(user: AnyUser) -> Any:
    """The test kind's rule: a user may open the dossiers they submitted, nobody else's."""
    if not user.is_authenticated:
        return DemoDossier.objects.none()
    return DemoDossier.objects.filter(submitted_by=user)


@pytest.fixture
def dossier_kind():
    register_kind(
        RecordKind(
            key=DOSSIERS,
            model=DemoDossier,
            label="Dossiers",
            visible_to=own_dossiers,
            url=lambda dossier: f"/admin/dossiers/{dossier.pk}/",
            summary=lambda dossier: f"status {dossier.status}",
            order=5,
        )
    )
    yield
    unregister_kind(DOSSIERS)


def staff(username: str, group: str | None = "Permits") -> User:
    """A workspace user (English interface) in *group* (Permits: reads every directory record)."""
    groups_setup()
    user = User.objects.create_user(username, password="x" * 12, first_name=username.title())
    if group:
        user.groups.add(Group.objects.get(name=group))
    else:
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def alice() -> User:
    return staff("alice")


@pytest.fixture
def bob() -> User:
    return staff("bob")


def person(given: str, family: str, slug: str | None = None, **fields: Any) -> Person:
    slug = slug or f"{given}-{family}".lower()
    return Person.objects.create(slug=slug, given_name=given, family_name=family, **fields)


def partner(name: str, slug: str, **fields: Any) -> Partner:
    values = {"name_fr": name, "name_nl": name, "name_en": name, "kind": "city", "country": "BE"}
    return Partner.objects.create(slug=slug, latitude=50.85, longitude=4.35, **{**values, **fields})


def client_for(user: User) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def summary(results: Any) -> list[tuple[str, int, list[str]]]:
    return [(group.key, group.count, [hit.title for hit in group.hits]) for group in results.groups]


# --- Who sees what -------------------------------------------------------------------------------


def test_a_user_never_sees_another_users_dossier(dossier_kind, alice, bob):
    DemoDossier.objects.create(title="Gérard visit to Dakar", submitted_by=alice)
    DemoDossier.objects.create(title="Gérard confidential mission", submitted_by=bob)
    DemoDossier.objects.create(title="Confidential Gérard memo", submitted_by=None)

    assert summary(workspace_search(user=alice, query="gerard")) == [(DOSSIERS, 1, ["Gérard visit to Dakar"])]
    assert summary(workspace_search(user=bob, query="gerard")) == [(DOSSIERS, 1, ["Gérard confidential mission"])]
    assert summary(workspace_search(user=alice, query="confidential")) == []
    single = workspace_search(user=alice, query="confidential", kind=DOSSIERS)
    assert summary(single) == [(DOSSIERS, 0, [])]

    client = client_for(alice)
    for params in ({"q": "gerard"}, {"q": "confidential"}, {"q": "gerard", "kind": DOSSIERS}, {"q": "memo"}):
        html = client.get(SEARCH, params).content.decode()
        assert "Gérard confidential mission" not in html
        assert "Confidential Gérard memo" not in html
    html = client.get(SEARCH, {"q": "gerard"}).content.decode()
    assert "Gérard visit to Dakar" in html
    assert "Dossiers (1)" in html


def test_kinds_a_user_may_not_read_are_left_out(dossier_kind):
    outsider = staff("outsider", group=None)  # may enter the workspace, reads no directory record
    person("Gérard", "Dupont")
    partner("Dupont-sur-Mer", "dupont-sur-mer")
    assert summary(workspace_search(user=outsider, query="dupont")) == []
    assert summary(workspace_search(user=outsider, query="dupont", kind="directory.person")) == [
        ("directory.person", 0, [])
    ]
    html = client_for(outsider).get(SEARCH, {"q": "dupont"}).content.decode()
    assert "Gérard Dupont" not in html
    assert "Dupont-sur-Mer" not in html
    assert "No results for “dupont”." in html


def test_anonymous_users_are_sent_to_sign_in_and_find_nothing():
    person("Gérard", "Dupont")
    response = Client().get(SEARCH, {"q": "dupont"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert workspace_search(user=AnonymousUser(), query="dupont").groups == []


# --- Groups, counts and order --------------------------------------------------------------------


def test_groups_come_in_kind_order_with_exact_counts_and_the_first_hits(dossier_kind, alice):
    # Unaccented initials: SQLite sorts "É" after "Z" (binary collation), PostgreSQL does not.
    for given in ["Zoé", "Anne", "Marc", "Luc", "Eric", "Jean", "Bruno"]:
        person(given, "Dupont")
    person("Anne", "Dupond")  # another word: not a match
    partner("Dupont-sur-Mer", "dupont-sur-mer")
    partner("Pont-à-Dupont", "pont-a-dupont")
    DemoDossier.objects.create(title="Dupont succession", submitted_by=alice)

    with translation.override("en"):
        results = workspace_search(user=alice, query="Dupont")

        assert summary(results) == [
            (DOSSIERS, 1, ["Dupont succession"]),
            ("directory.person", 7, ["Anne Dupont", "Bruno Dupont", "Eric Dupont", "Jean Dupont", "Luc Dupont"]),
            ("directory.partner", 2, ["Dupont-sur-Mer", "Pont-à-Dupont"]),
        ]
        assert [str(group.label) for group in results.groups] == ["Dossiers", "People", "Partners"]
        assert results.groups[2].hits[0].summary == "City · BE"
    assert results.total == 10
    assert results.groups[0].hits[0].url.startswith("/admin/dossiers/")
    assert results.groups[0].hits[0].summary == "status draft"
    assert results.groups[1].hits[0].url == reverse(
        "wagtailsnippets_directory_person:inspect", args=[Person.objects.get(slug="anne-dupont").pk]
    )
    assert all(group.page is None for group in results.groups)


def test_the_screen_shows_headings_counts_and_show_all_links(dossier_kind, alice):
    for given in ["Zoé", "Anne", "Marc", "Luc", "Eric", "Jean", "Bruno"]:
        person(given, "Dupont")
    partner("Dupont-sur-Mer", "dupont-sur-mer")
    html = client_for(alice).get(SEARCH, {"q": "dupont"}).content.decode()
    assert 'role="search"' in html
    assert '<main class="content-wrapper' in html
    assert "8 results for “dupont”." in html
    assert html.index(">People (7)</h2>") < html.index(">Partners (1)</h2>")
    assert "Show all 7 results in People" in html
    assert f'href="{SEARCH}?q=dupont&amp;kind=directory.person"' in html
    assert "kind=directory.partner" not in html  # its only partner is already listed
    assert "Zoé Dupont" not in html  # sixth by name: behind the link
    assert "<title>Search: “dupont”" in html


def test_a_users_language_names_the_groups(alice):
    person("Gérard", "Dupont")
    with translation.override("nl"):
        assert [str(g.label) for g in workspace_search(user=alice, query="dupont").groups] == ["Personen"]


def test_other_spellings_are_found(alice):
    person("Oleksandr", "Koval", aliases=["Alexandre Kowal"])
    partner("Kyiv", "kyiv", aliases=["Kiev"])
    assert summary(workspace_search(user=alice, query="kowal")) == [("directory.person", 1, ["Oleksandr Koval"])]
    assert summary(workspace_search(user=alice, query="kiev")) == [("directory.partner", 1, ["Kyiv"])]


# --- Accents, case, odd queries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("gerard", ["Gérard Dupont", "Gerard Martin"]),
        ("GÉRARD", ["Gérard Dupont", "Gerard Martin"]),
        ("Gérard dupont", ["Gérard Dupont"]),
        ("helene", ["Hélène Lefèvre"]),
        ("LEFEVRE", ["Hélène Lefèvre"]),
        ("muller", ["Jürgen Müller"]),
        ("françois", ["Francois Piret"]),
    ],
)
def test_accents_and_case_do_not_matter(alice, query, titles):
    person("Gérard", "Dupont")
    person("Gerard", "Martin")
    person("Hélène", "Lefèvre")
    person("Jürgen", "Müller")
    person("Francois", "Piret")
    assert summary(workspace_search(user=alice, query=query)) == [("directory.person", len(titles), titles)]


def test_partners_in_either_case(alice):
    partner("Bruxelles", "bruxelles", name_nl="Brussel", name_en="Brussels")
    for query in ["bruxelles", "BRUXELLES", "Bruxelles", "brussel"]:
        assert workspace_search(user=alice, query=query).total == 1, query


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("", ()),
        ("   ", ()),
        ("?!… — «»", ()),
        ("Jean-Luc O'Brien", ("Jean", "Luc", "O", "Brien")),
        ('"dupont" OR NEAR(x*) -y ^z', ("dupont", "OR", "NEAR", "x", "y", "z")),
        ("e\u0301ric", ("éric",)),  # decomposed accent (NFD) is read as one letter
    ],
)
def test_search_terms(query, terms):
    assert search_terms(query)[1] == terms


def test_empty_punctuation_and_very_long_queries_answer_plainly(alice):
    person("Gérard", "Dupont")
    assert workspace_search(user=alice, query="").searched is False
    assert workspace_search(user=alice, query="?!…").groups == []
    long = workspace_search(user=alice, query="dupont " + "x" * 1000)
    assert long.truncated is True
    assert len(long.query) == MAX_QUERY_LENGTH
    assert long.terms == ("dupont", "x" * (MAX_QUERY_LENGTH - 7))
    many = workspace_search(user=alice, query=" ".join(["dupont"] * 30 + ["absent"]))
    assert many.truncated is True
    assert len(many.terms) == MAX_TERMS
    assert many.total == 1  # the 31st word was not searched

    client = client_for(alice)
    answers = {}
    for query in ["", "?!…", "x" * 1000, '"dupont', "dupont OR", "NEAR(dupont", "' OR 1=1 --", "日本語", "AND"]:
        response = client.get(SEARCH, {"q": query})
        answers[query[:12]] = response.status_code
        html = response.content.decode()
        if query == "?!…":
            assert "Type at least one word (letters or digits) to search." in html
        if query.startswith("x"):
            assert "Your search was too long: only its first words were searched." in html
    assert set(answers.values()) == {200}
    assert "Gérard Dupont" in client.get(SEARCH, {"q": '"dupont'}).content.decode()


def test_an_unknown_kind_is_refused_by_the_selector_and_ignored_by_the_screen(alice):
    person("Gérard", "Dupont")
    with pytest.raises(LookupError):
        workspace_search(user=alice, query="dupont", kind="directory.unknown")
    html = client_for(alice).get(SEARCH, {"q": "dupont", "kind": "directory.unknown"}).content.decode()
    assert "People (1)" in html


# --- Pages ---------------------------------------------------------------------------------------


def test_a_single_kind_is_listed_page_by_page(alice):
    for n in range(45):
        person(f"Anna{n:02d}", "Peeters")
    first = workspace_search(user=alice, query="peeters", kind="directory.person")
    (group,) = first.groups
    assert group.count == 45
    assert [hit.title for hit in group.hits] == [f"Anna{n:02d} Peeters" for n in range(PER_PAGE)]
    assert group.page is not None and group.page.number == 1 and group.page.paginator.num_pages == 3
    last = workspace_search(user=alice, query="peeters", kind="directory.person", page=3).groups[0]
    assert [hit.title for hit in last.hits] == [f"Anna{n:02d} Peeters" for n in range(40, 45)]
    assert workspace_search(user=alice, query="peeters", kind="directory.person", page=99).groups[0].page.number == 3
    assert workspace_search(user=alice, query="peeters", kind="directory.person", page="x").groups[0].page.number == 1

    client = client_for(alice)
    html = client.get(SEARCH, {"q": "peeters", "kind": "directory.person", "p": "2"}).content.decode()
    assert "45 results for “peeters” in People." in html
    assert "Page 2 of 3" in html
    assert "Anna20 Peeters" in html and "Anna39 Peeters" in html
    assert "Anna19 Peeters" not in html and "Anna40 Peeters" not in html
    assert "?q=peeters&amp;kind=directory.person&amp;p=3" in html
    assert "?q=peeters&amp;kind=directory.person&amp;p=1" in html
    assert "Results of every kind" in html
    assert "Show all" not in html


# --- Queries -------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_results(dossier_kind, alice, unit_factory, role_factory):
    def make(n: int, word: str) -> None:
        for i in range(n):
            role_factory(person=person(f"P{i:02d}", word, slug=f"{word}-{i}"), unit=unit_factory())
            partner(f"{word} {i}", f"{word}-partner-{i}")
            DemoDossier.objects.create(title=f"{word} {i}", submitted_by=alice)

    make(2, "Small")
    make(30, "Large")
    workspace_search(user=alice, query="warm")  # permissions and content types are cached after this
    counts = {}
    for word in ["small", "large"]:
        with CaptureQueriesContext(connection) as queries:
            results = workspace_search(user=alice, query=word)
        counts[word] = len(queries)
        assert results.total == (6 if word == "small" else 90)
    # dossiers: count, hits; people: count, hits, roles, units; partners: count, hits;
    # letters, control list entries, licence applications, applicant organisations and documents:
    # count (no hits)
    assert counts == {"small": 13, "large": 13}

    client = client_for(alice)
    client.get(SEARCH, {"q": "warm"})
    for word in ["small", "large"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH, {"q": word}).status_code == 200
        counts[word] = len(queries)
    # The selector's 13, plus the session, the user, the two-factor device, the groups, the unread
    # notifications of the menu and Wagtail's own: the same for 6 and 90 results.
    assert counts == {"small": 23, "large": 23}


def test_nothing_is_queried_for_an_empty_query(alice, django_assert_num_queries):
    with django_assert_num_queries(0):
        workspace_search(user=alice, query=" ?! ")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend only")
def test_the_sqlite_backend_finds_what_wagtails_finds():
    from wagtail.search.backends.database.sqlite.sqlite import SQLiteSearchBackend

    from brussels_international.core.search_backend_sqlite import FTSFirstSQLiteSearchBackend

    for given, family in [("Gérard", "Dupont"), ("Jean", "Dupont"), ("Jean", "Martin"), ("Anne", "Jean")]:
        person(given, family)
    partner("Dupont-sur-Mer", "dupont-sur-mer")
    ours, wagtails = get_search_backend(), SQLiteSearchBackend({})
    assert isinstance(ours, FTSFirstSQLiteSearchBackend)
    for query in ["dupont", "jean", "jean dupont", "gerard", "absent"]:
        for relevance in (False, True):
            mine = [p.pk for p in ours.search(query, Person, operator="and", order_by_relevance=relevance)]
            theirs = [p.pk for p in wagtails.search(query, Person, operator="and", order_by_relevance=relevance)]
            assert mine == theirs, (query, relevance)
        assert [p.pk for p in ours.autocomplete("dup", Person)] == [p.pk for p in wagtails.autocomplete("dup", Person)]
    assert [p.pk for p in ours.search("dupont", Partner)] == [p.pk for p in wagtails.search("dupont", Partner)]


# --- The index stays current ---------------------------------------------------------------------


@pytest.fixture
def no_index_on_save(settings):
    """Saves no longer update the index (Wagtail's signal handlers skip backends with AUTO_UPDATE
    off), so only explicit indexing by the services and commands can make records searchable."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "AUTO_UPDATE": False},
    }


def test_a_saved_record_is_found_and_a_deleted_one_no_longer(alice):
    gerard = person("Gérard", "Dupont")
    assert workspace_search(user=alice, query="gerard").total == 1
    gerard.family_name = "Durand"
    gerard.save()
    assert workspace_search(user=alice, query="dupont").total == 0
    assert workspace_search(user=alice, query="durand").total == 1
    gerard.delete()
    assert workspace_search(user=alice, query="durand").total == 0


def test_the_organisation_loader_indexes_what_it_loads(no_index_on_save, alice):
    person("Gérard", "Dupont")  # saved with AUTO_UPDATE off: not in the index
    assert workspace_search(user=alice, query="dupont").total == 0
    organisation_load(actor=None, dry_run=True)
    assert workspace_search(user=alice, query="verheyden").total == 0  # a dry run leaves no trace
    organisation_load(actor=None)
    assert summary(workspace_search(user=alice, query="verheyden")) == [("directory.person", 1, ["Daniël Verheyden"])]
    assert workspace_search(user=alice, query="kyiv").total == 1


def test_the_staff_import_indexes_the_people_it_writes(no_index_on_save, alice, unit_factory):
    unit_factory(slug="permits")
    rows = [{"employee_number": "HR-1", "given_name": "Zéphyrin", "family_name": "Quackelbeen", "unit": "permits"}]
    staff_import(actor=alice, rows=rows, dry_run=True)
    assert workspace_search(user=alice, query="quackelbeen").total == 0
    staff_import(actor=alice, rows=rows)
    assert summary(workspace_search(user=alice, query="zephyrin")) == [
        ("directory.person", 1, ["Zéphyrin Quackelbeen"])
    ]


def test_bootstrap_builds_the_index_of_a_fresh_database(no_index_on_save, settings, alice):
    settings.DEMO_MODE = False
    out = StringIO()
    call_command("bootstrap", stdout=out)
    assert "Search index built:" in out.getvalue()
    page_types = [ContentType.objects.get_for_model(page.specific_class) for page in Page.objects.all()]
    assert IndexEntry.objects.filter(content_type__in=page_types).exists()  # pages too, saved without index
    assert workspace_search(user=alice, query="verheyden").total == 1
    again = StringIO()
    call_command("bootstrap", stdout=again)
    assert "Search index kept" in again.getvalue()
