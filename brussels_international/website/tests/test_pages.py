"""Public pages: every page in fr/nl/en, language versions, person pages, vCard, JSON-LD, 404."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PAGES = {
    "fr": ["/fr/", "/fr/a-propos/", "/fr/unites/", "/fr/annuaire/", "/fr/partenaires/", "/fr/reseaux/", "/fr/contact/"],
    "nl": [
        "/nl/",
        "/nl/over-ons/",
        "/nl/diensten/",
        "/nl/personeelsgids/",
        "/nl/partners/",
        "/nl/netwerken/",
        "/nl/contact/",
    ],
    "en": ["/en/", "/en/about/", "/en/units/", "/en/directory/", "/en/partners/", "/en/networks/", "/en/contact/"],
}
SUBPAGES = {
    "fr": ["/fr/unites/bilateral-relations/", "/fr/annuaire/daniel-verheyden/", "/fr/annuaire/?q=kiev"],
    "nl": ["/nl/diensten/bilateral-relations/", "/nl/personeelsgids/daniel-verheyden/", "/nl/personeelsgids/?q=kiev"],
    "en": ["/en/units/bilateral-relations/", "/en/directory/daniel-verheyden/", "/en/directory/?q=kiev"],
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: dict[str, str] = {}
        self.switcher: dict[str, str] = {}
        self.jsonld: list[str] = []
        self._in_jsonld = False
        self._in_languages = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "nav" and "languages" in (a.get("class") or ""):
            self._in_languages = True
        if tag == "a" and self._in_languages:
            self.switcher[a["lang"]] = a["href"]
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_languages = False
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)


def parse(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_every_page_renders_in_each_language(client, site, language):
    for url in PAGES[language] + SUBPAGES[language]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert html_lang(response) == language, url
        assert response["Content-Language"] == language


def test_root_redirects_to_french(client, site):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_hreflang_links_point_to_the_translated_page(client, site):
    links = parse(client.get("/nl/personeelsgids/"))
    assert links.alternates == {
        "fr": "http://testserver/fr/annuaire/",
        "nl": "http://testserver/nl/personeelsgids/",
        "en": "http://testserver/en/directory/",
        "x-default": "http://testserver/fr/annuaire/",
    }


def test_language_switcher_keeps_sub_paths_and_query(client, site):
    links = parse(client.get("/fr/annuaire/daniel-verheyden/"))
    assert links.switcher == {
        "fr": "/fr/annuaire/daniel-verheyden/",
        "nl": "/nl/personeelsgids/daniel-verheyden/",
        "en": "/en/directory/daniel-verheyden/",
    }
    links = parse(client.get("/en/units/bilateral-relations/"))
    assert links.switcher["nl"] == "/nl/diensten/bilateral-relations/"
    assert links.alternates["fr"] == "http://testserver/fr/unites/bilateral-relations/"
    links = parse(client.get("/nl/personeelsgids/?q=kiev"))
    assert links.switcher["en"] == "/en/directory/?q=kiev"


def test_home_shows_units_agreement_count_and_search(client, site):
    html = client.get("/en/").content.decode()
    # 4 of the 5 partners of the factories' slice have an agreement (Sofia is only mentioned).
    assert '<span class="figure">4</span> bilateral agreements' in html
    assert 'href="/en/units/bilateral-relations/"' in html
    assert 'href="/en/units/multilateral-relations-and-europe/"' in html
    assert 'action="/en/directory/"' in html
    assert 'href="/en/units/direction/"' not in html  # the direction is not one of the units


def test_unit_page_has_missions_and_team_head_first(client, site):
    html = client.get("/en/units/bilateral-relations/").content.decode()
    assert '<h2 id="missions-title">Missions</h2>' in html
    names = re.findall(r'<h3><a href="/en/directory/([a-z-]+)/">', html)
    assert names[0] == "geoffroy-clerckx"
    assert set(names) == {"geoffroy-clerckx", "anne-claes", "daniel-verheyden", "pierre-gerard"}
    assert "Kyiv" in html  # portfolio of Daniël Verheyden


def test_unknown_unit_and_person_are_404(client, site):
    assert client.get("/en/units/nowhere/").status_code == 404
    assert client.get("/en/directory/nobody/").status_code == 404
    assert client.get("/en/directory/nobody/vcard/").status_code == 404


def test_person_page_phones_vcard_link_and_jsonld(client, site):
    response = client.get("/fr/annuaire/anne-claes/")
    html = response.content.decode()
    assert '<a href="tel:+32-2-800-37-45">02 800 37 45</a>' in html
    assert 'href="/fr/annuaire/anne-claes/vcard/"' in html
    [block] = parse(response).jsonld
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["name"] == "Anne Claes"
    assert data["telephone"] == "+3228003745"
    assert data["jobTitle"] == "Directrice"
    assert data["contactPoint"][0] == {
        "@type": "ContactPoint",
        "telephone": "+3228003745",
        "contactType": "travail",
        "availableLanguage": ["fr", "nl", "en"],
    }
    assert {org["@type"] for org in data["worksFor"]} == {"GovernmentOrganization"}
    assert data["worksFor"][0]["parentOrganization"]["name"] == "Brussels International"


def test_unit_page_jsonld_lists_members(client, site):
    [block] = parse(client.get("/en/units/bilateral-relations/")).jsonld
    data = json.loads(block)
    assert data["@type"] == "GovernmentOrganization"
    assert data["member"][0]["name"] == "Geoffroy Clerckx"
    assert all(m["@type"] == "Person" for m in data["member"])
    assert data["contactPoint"]["telephone"] == "+3228003746"


def test_vcard_content(client, site):
    response = client.get("/en/directory/anne-claes/vcard/")
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="anne-claes.vcf"'
    assert response.content.decode() == (
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        "FN:Anne Claes\r\n"
        "N:Claes;Anne;;;\r\n"
        "ORG:Brussels International;Direction\r\n"
        "TEL;TYPE=WORK,VOICE:+3228003745\r\n"
        "TITLE:Director\r\n"
        "URL:http://testserver/en/directory/anne-claes/\r\n"
        "END:VCARD\r\n"
    )


def test_partners_page_map_and_list(client, site):
    html = client.get("/en/partners/").content.decode()
    assert '<image href="/en/partners/world-map/"' in html
    assert '<a href="#partner-kyiv" aria-label="Kyiv (Ukraine)" class="agreement">' in html
    assert '<a href="#partner-sofia" aria-label="Sofia (Bulgaria)" class="mentioned">' in html
    row = re.search(r'<tr id="partner-sofia">.*?</tr>', html, re.S).group(0)
    assert "mentioned in a portfolio, no agreement on the list" in row
    assert 'href="/en/directory/pierre-gerard/">Pierre Gérard</a>' in row
    svg = client.get("/en/partners/world-map/")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert b"<title>BE</title>" in svg.content


def test_partners_page_in_dutch_names_countries_in_dutch(client, site):
    html = client.get("/nl/partners/").content.decode()
    assert 'aria-label="Kyiv (Oekraïne)"' in html


def test_networks_page_lists_handlers(client, site):
    html = client.get("/en/networks/").content.decode()
    assert "Assembly of European Regions (AER)" in html
    assert 'href="/en/directory/pierre-gerard/">Pierre Gérard</a>' in html
    assert "Eurocities" in html


def test_contact_page_lists_direction_and_heads(client, site):
    html = client.get("/en/contact/").content.decode()
    assert '<a href="tel:+32-2-800-37-45">02 800 37 45</a>' in html  # the director
    assert '<a href="tel:+32-2-800-37-46">02 800 37 46</a>' in html  # head of unit 1
    assert "02 430 60 61" not in html  # not a head


def test_search_results_say_why(client, site):
    html = client.get("/en/directory/?q=kiev").content.decode()
    assert "1 person found for “kiev”" in html
    assert "handles Kyiv (matched “Kiev”)" in html
    html = client.get("/fr/annuaire/?q=kiev").content.decode()
    assert "1 personne trouvée pour « kiev »" in html
    assert "s’occupe de Kiev" in html


@pytest.mark.parametrize(
    ("language", "title", "html_title"),
    [
        ("fr", "Page introuvable", "Page introuvable"),
        ("nl", "Pagina niet gevonden", "Pagina niet gevonden"),
        ("en", "Page not found", "Page not found"),
    ],
)
def test_404_is_translated_in_the_language_of_the_url(client, site, language, title, html_title):
    response = client.get(f"/{language}/this-page-does-not-exist/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(response) == language
    assert f"<h1>{title}</h1>" in html


def test_setup_site_is_idempotent_and_keeps_edits(site):
    from io import StringIO

    from wagtail.models import Page, Site

    from brussels_international.website.models import HomePage

    about = Page.objects.get(url_path="/home/about/").specific
    about.title = "About Brussels International"
    about.save_revision().publish()
    out = StringIO()
    call_command("setup_site", stdout=out)
    assert "nothing to create" in out.getvalue()
    assert Page.objects.get(url_path="/home/about/").title == "About Brussels International"
    assert HomePage.objects.count() == 3
    assert Page.objects.filter(depth=2).count() == 3  # the "Welcome" page is gone
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    assert Page.objects.live().filter(depth=3).count() == 24  # 8 pages x 3 languages


def test_setup_site_recreates_a_missing_translation(site):
    from wagtail.models import Locale, Page

    Page.objects.get(url_path="/startpagina/netwerken/").delete()
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = Page.objects.get(url_path="/startpagina/netwerken/")
    assert page.live and page.locale == Locale.objects.get(language_code="nl")
    assert page.title == "Netwerken en organisaties"


def test_search_names_things_nobody_handles(client, site):
    html = client.get("/en/directory/?q=eurocities").content.decode()
    assert "0 people found for “eurocities”" in html
    assert "Known to the directory, but no one is named for it:" in html
    assert "<li>Eurocities (network)</li>" in html
    assert 'href="/en/networks/"' in html


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Erreur du serveur"), ("nl", "Serverfout"), ("en", "Server error")]
)
def test_500_page_is_translated_and_needs_no_database(rf, language, text, django_assert_num_queries):
    from django.utils import translation

    from brussels_international.website.views import server_error

    with translation.override(language), django_assert_num_queries(0):
        response = server_error(rf.get(f"/{language}/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{text}</h1>" in html


def test_directory_change_refreshes_cached_pages(client, site, settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    assert "Vienna" not in client.get("/en/directory/daniel-verheyden/").content.decode()
    assert client.get("/en/directory/daniel-verheyden/")["X-Cache"] == "hit"
    from brussels_international.directory.tests.factories import PartnerFactory

    vienna = PartnerFactory(name_en="Vienna", name_fr="Vienne", name_nl="Wenen", country="AT")
    role = site["people"]["verheyden"].roles.get()
    role.partners.add(vienna)
    role.partners.commit()
    response = client.get("/en/directory/daniel-verheyden/")
    assert response["X-Cache"] == "miss"
    assert "Vienna" in response.content.decode()


def test_setup_site_on_an_empty_page_tree(db):
    """After a flush (transactional tests) even Wagtail's root page is gone: it is recreated."""
    from wagtail.models import Page, Site

    Site.objects.all().delete()
    Page.objects.all().delete()
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Page.objects.filter(depth=1).count() == 1
    assert Page.objects.live().filter(depth=3).count() == 24  # 8 pages x 3 languages
    assert Site.objects.get(is_default_site=True).root_page.url_path == "/accueil/"


def test_no_hreflang_for_a_missing_translation(client, site):
    from wagtail.models import Page

    Page.objects.get(url_path="/startpagina/netwerken/").delete()
    links = parse(client.get("/en/networks/"))
    assert set(links.alternates) == {"fr", "en", "x-default"}
    assert links.switcher["nl"] == "/nl/"  # the switcher still offers Dutch: its home page
    links = parse(client.get("/en/no-such-page/"))
    assert links.alternates == {}


def test_every_page_type_opens_in_the_workspace(admin_client, site):
    from wagtail.models import Page

    from brussels_international.website.models import BasePage

    assert BasePage.is_creatable is False
    for page in Page.objects.filter(depth__gte=2, locale__language_code="fr"):
        response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page.url_path
    home = Page.objects.get(url_path="/accueil/")
    assert admin_client.get(f"/admin/pages/{home.pk}/").status_code == 200
    assert admin_client.get(f"/admin/pages/add/website/standardpage/{home.pk}/").status_code == 200
