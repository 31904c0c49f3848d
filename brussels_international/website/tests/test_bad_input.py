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
