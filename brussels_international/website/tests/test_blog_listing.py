"""The blog listing: live posts of the page's language, newest first, filters, pagination, messages,
query count."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from .blog_helpers import make_post

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):  # type: ignore[no-untyped-def]
    settings.PUBLIC_CACHE_SECONDS = 0


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    listing = html.split('<ol class="hits blog-posts">', 1)[1].split("</ol>", 1)[0] if "blog-posts" in html else ""
    return re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a></h3>", listing)


def test_live_posts_of_the_language_newest_first(client, blog):
    at = dt.datetime(2026, 3, 1, 9, 0, tzinfo=BRUSSELS)
    with time_machine.travel(at, tick=False):
        make_post(blog["fr"], "Mars premier", dt.date(2026, 3, 1))
    with time_machine.travel(at + dt.timedelta(hours=1), tick=False):
        make_post(blog["fr"], "Mars second", dt.date(2026, 3, 1))  # same date, published later: first
    make_post(blog["fr"], "Février", dt.date(2026, 2, 1))
    make_post(blog["fr"], "Avril brouillon", dt.date(2026, 4, 1), publish=False)
    make_post(blog["en"], "English post", dt.date(2026, 5, 1))

    response = client.get("/fr/blog/")

    assert response.status_code == 200
    assert titles(response) == ["Mars second", "Mars premier", "Février"]
    assert titles(client.get("/en/blog/")) == ["English post"]


def test_filters_by_category_tag_author_and_year(client, blog, person_factory):
    anne = person_factory(given_name="Anne", family_name="Claes", slug="anne-claes")
    hidden = person_factory(given_name="Hidden", family_name="Person", slug="hidden-person", is_public=False)
    make_post(blog["fr"], "Europe 2025", dt.date(2025, 6, 1), categories=["europe"], tags=["eurocities"])
    make_post(blog["fr"], "Europe 2026", dt.date(2026, 6, 1), categories=["europe", "events"], authors=[anne])
    make_post(blog["fr"], "Licences 2026", dt.date(2026, 7, 1), categories=["permits"], tags=["eurocities"])
    make_post(blog["fr"], "Secret author", dt.date(2026, 8, 1), authors=[hidden])

    assert titles(client.get("/fr/blog/?category=europe")) == ["Europe 2026", "Europe 2025"]
    assert titles(client.get("/fr/blog/?tag=eurocities")) == ["Licences 2026", "Europe 2025"]
    assert titles(client.get("/fr/blog/?author=anne-claes")) == ["Europe 2026"]
    assert titles(client.get("/fr/blog/?year=2025")) == ["Europe 2025"]
    assert titles(client.get("/fr/blog/?category=europe&year=2026")) == ["Europe 2026"]
    # A person not published in the directory is not offered as a filter and filters nothing.
    response = client.get("/fr/blog/?author=hidden-person")
    assert 'value="hidden-person"' not in response.content.decode()
    assert titles(response) == ["Secret author", "Licences 2026", "Europe 2026", "Europe 2025"]


def test_filter_form_is_labelled_and_bad_values_are_reported_on_their_field(client, blog):
    make_post(blog["fr"], "Un article", dt.date(2026, 1, 5))
    with translation.override("en"):
        response = client.get("/en/blog/?category=nope&year=abc")

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("category", "tag", "author", "year"):
        assert f'<label for="filter-{name}">' in html
        assert f'id="filter-{name}"' in html
    assert '<a href="#filter-category">Category: “nope” is not one of the choices: showing all.</a>' in html
    assert '<a href="#filter-year">Year: “abc” is not one of the choices: showing all.</a>' in html
    assert 'id="filter-year" aria-invalid="true" aria-describedby="filter-year-error"' in html
    assert titles(response) == []  # the English blog has no post; the bad filters are ignored
    assert "No posts yet." in html


def test_no_post_messages(client, blog):
    with translation.override("en"):
        html = client.get("/en/blog/").content.decode()
        assert "No posts yet." in html
        make_post(blog["en"], "Only post", dt.date(2026, 1, 5), categories=["europe"])
        html = client.get("/en/blog/?category=permits").content.decode()
    assert "No post matches these filters." in html
    assert '<a href="/en/blog/">Show all posts</a>' in html


def test_pagination_ten_per_page_and_bad_page_numbers(client, blog):
    for day in range(1, 24):  # 23 posts: pages of 10, 10, 3
        make_post(blog["fr"], f"Post {day:02d}", dt.date(2026, 1, day), categories=["europe"])

    first = client.get("/fr/blog/?category=europe")
    assert titles(first) == [f"Post {day:02d}" for day in range(23, 13, -1)]
    html = first.content.decode()
    assert '<a href="/fr/blog/?category=europe&amp;page=2" rel="next">' in html
    assert '<a href="/fr/blog/?category=europe" aria-current="page">' in html

    assert titles(client.get("/fr/blog/?category=europe&page=3")) == ["Post 03", "Post 02", "Post 01"]
    assert titles(client.get("/fr/blog/?page=99")) == ["Post 03", "Post 02", "Post 01"]  # past the end: last
    assert titles(client.get("/fr/blog/?page=abc")) == titles(first)  # not a number: first
    assert titles(client.get("/fr/blog/?page=-1")) == ["Post 03", "Post 02", "Post 01"]
    assert client.get("/fr/blog/?page=0").status_code == 200


@pytest.mark.parametrize("count", [3, 15])
def test_listing_query_count_does_not_grow_with_posts(
    client, blog, person_factory, count, django_assert_max_num_queries
):
    people = [person_factory(), person_factory()]
    for day in range(1, count + 1):
        make_post(
            blog["fr"],
            f"Post {day:02d}",
            dt.date(2026, 1, day),
            categories=["europe", "events"],
            tags=["a", "b"],
            authors=people,
        )
    client.get("/fr/blog/")  # navigation cache filled, as on a running site

    with django_assert_max_num_queries(QUERIES):
        response = client.get("/fr/blog/")
    assert len(titles(response)) == min(count, 10)


QUERIES = 17  # Wagtail routing 7, filter choices 4, count and page 2, prefetches 3, language versions 1


def test_a_category_change_makes_cached_public_pages_stale(db):
    from brussels_international.core.cache import public_cache_generation
    from brussels_international.website.models import BlogCategory

    before = public_cache_generation()
    category = BlogCategory.objects.create(slug="expo", name_fr="Expo", name_nl="Expo", name_en="Expo")
    assert public_cache_generation() == before + 1
    category.delete()
    assert public_cache_generation() == before + 2
