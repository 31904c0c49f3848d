"""The public site on the real organisation data (``load_organisation`` + ``setup_site``)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command, get_commands

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_site(db):
    if "load_organisation" not in get_commands():
        pytest.skip("load_organisation is not available")
    devnull = open("/dev/null", "w")  # noqa: SIM115
    call_command("load_organisation", stdout=devnull)
    call_command("setup_site", stdout=devnull)


def test_home_counts_agreements_from_the_data(client, real_site):
    from brussels_international.directory.models import Partner, Unit

    count = Partner.objects.filter(has_agreement=True).count()
    html = client.get("/en/").content.decode()
    assert f'<span class="figure">{count}</span> bilateral agreements' in html
    units = Unit.objects.filter(kind=Unit.Kind.UNIT)
    assert f"Our {units.count()} units" in html
    for unit in units:
        assert f'href="/en/units/{unit.slug}/"' in html


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_every_unit_and_person_page_renders(client, real_site, language):
    from brussels_international.directory.models import Person, Unit

    prefix = {"fr": "/fr/unites/", "nl": "/nl/diensten/", "en": "/en/units/"}[language]
    for unit in Unit.objects.all():
        assert client.get(f"{prefix}{unit.slug}/").status_code == 200
    directory = {"fr": "/fr/annuaire/", "nl": "/nl/personeelsgids/", "en": "/en/directory/"}[language]
    for person in Person.objects.filter(is_public=True):
        response = client.get(f"{directory}{person.slug}/")
        assert response.status_code == 200, person.slug
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode()).group(1)
        assert json.loads(block)["@type"] == "Person"


def test_director_person_page(client, real_site):
    html = client.get("/en/directory/anne-claes/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["telephone"] == "+3228003745"
    assert '<a href="tel:+32-2-800-37-45">02 800 37 45</a>' in html


def test_search_kiev_on_the_page(client, real_site):
    html = client.get("/en/directory/", {"q": "kiev"}).content.decode()
    assert "1 person found for “kiev”" in html
    assert 'href="/en/directory/daniel-verheyden/">Daniël Verheyden</a>' in html
    assert "handles Kyiv (matched “Kiev”)" in html


def test_vcard_of_a_person_with_several_roles_names_the_unit_they_head(client, real_site):
    card = client.get("/en/directory/geoffroy-clerckx/vcard/").content.decode().replace("\r\n ", "")  # unfold
    # RFC 2426 escapes commas inside a component.
    assert (
        "ORG:Brussels International;Bilateral Relations\\, Public Relations\\, Protocol and Communication unit" in card
    )
    assert "TITLE:Head of the unit · First attaché\r\n" in card


@pytest.mark.parametrize(
    ("path", "title", "units_word"),
    [
        ("/fr/", "<title>Brussels International</title>", "Unités"),
        ("/nl/", "<title>Brussels International</title>", "Cellen"),
        ("/en/unites/", None, None),
        ("/en/units/", "<title>Units | Brussels International</title>", "Units"),
    ],
)
def test_titles_and_the_word_for_units(client, real_site, path, title, units_word):
    response = client.get(path)
    if title is None:
        assert response.status_code == 404  # slugs belong to their language
        return
    html = response.content.decode()
    assert title in html
    assert f">{units_word}</a>" in html  # main menu


def test_details_of_display(client, real_site):
    unit_page = client.get("/en/units/bilateral-relations/").content.decode()
    # Accents ignored in sorting: Île-de-France comes before Ljubljana, not after Vilnius.
    assert unit_page.index("Île-de-France") < unit_page.index("Ljubljana")
    networks = client.get("/fr/reseaux/").content.decode()
    assert "FEDRA (FEDRA)" not in networks and "FEDRA" in networks
    partners = client.get("/en/partners/").content.decode()
    assert 'aria-label="Suriname"' in partners
    assert 'aria-label="Kyiv (Ukraine)"' in partners
    nobody = client.get("/en/directory/?q=rabat").content.decode()
    assert 'href="/en/partners/">See the partners</a>' in nobody
    assert "See the networks and international organisations" not in nobody
