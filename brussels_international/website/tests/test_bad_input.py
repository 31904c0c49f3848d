"""Bad input on the public site: any search text gives a normal page with the text escaped."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    "",
    " ",
    "x" * 2000,
    "<script>alert('x')</script>",
    "' OR 1=1 --",
    '"; DROP TABLE directory_person; --',
    "😀🌍🇧🇪",
    "مرحبا بالعالم",
    "שלום עולם",
    "a\x00b",
    "%00",
    "{{ request }}",
    "../../etc/passwd",
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_any_search_text_gives_a_normal_escaped_page(client, site, language, query):
    url = "/fr/annuaire/" if language == "fr" else "/en/directory/"
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "\x00" not in html
    assert "{{ request }}" not in html or query == "{{ request }}"
    if query == "<script>alert('x')</script>":
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_long_query_is_cut_and_said(client, site):
    html = client.get("/en/directory/", {"q": "kiev" + " " * 10 + "x" * 2000}).content.decode()
    assert "only its beginning was used" in html
    assert 'maxlength="200"' in html


def test_query_given_twice_uses_the_last(client, site):
    assert client.get("/en/directory/?q=a&q=kiev").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/en/units/%3Cscript%3E/",
        "/fr/annuaire/%00/",
        "/nl/personeelsgids/" + "a" * 300 + "/",
        "/en/partners/world-map/x/",
    ],
)
def test_odd_paths_give_404(client, site, path):
    assert client.get(path).status_code == 404


def test_names_with_markup_are_escaped_in_html_jsonld_and_vcard(client, site, person_factory, role_factory):
    person = person_factory(
        given_name="Eve</script><script>alert(1)</script>", family_name="O'Brien; Test, Jr", slug="eve"
    )
    role_factory(person=person, unit=site["units"]["bilateral"], title_en="Officer & <b>bold</b>")
    html = client.get("/en/directory/eve/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # in the visible name
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html  # in the JSON-LD
    vcard = client.get("/en/directory/eve/vcard/").content.decode()
    assert "N:O'Brien\\; Test\\, Jr;Eve</script><script>alert(1)</script>;;;\r\n" in vcard
    assert client.get("/en/directory/", {"q": "eve"}).status_code == 200
