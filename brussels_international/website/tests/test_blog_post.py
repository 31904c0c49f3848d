"""A blog post page: date, authors linked to the directory, category and tag links, lead image with
its alternative text (required), Open Graph, schema.org BlogPosting; the author's directory page."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from brussels_international.website.models import BlogPostPage

from .blog_helpers import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PUBLIC_CACHE_SECONDS = 0


@pytest.fixture
def image(db):  # type: ignore[no-untyped-def]
    return Image.objects.create(title="Grand-Place", file=get_test_image_file(size=(1600, 900)))


@pytest.fixture
def post(blog, person_factory, image):  # type: ignore[no-untyped-def]
    anne = person_factory(given_name="Anne", family_name="Claes", slug="anne-claes")
    hidden = person_factory(given_name="Hidden", family_name="Person", slug="hidden-person", is_public=False)
    return make_post(
        blog["fr"],
        "Sommet Eurocities",
        dt.date(2026, 3, 2),
        categories=["europe", "events"],
        tags=["villes", "réseaux"],
        authors=[anne, hidden],
        image=image,
        image_alt="La Grand-Place illuminée",
        search_description="Le sommet Eurocities à Bruxelles.",
    )


def meta(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<meta property="([^"]+)" content="([^"]*)">', html)


def test_post_page_shows_date_authors_categories_tags_and_image(client, post):
    html = client.get("/fr/blog/sommet-eurocities/").content.decode()

    assert '<time datetime="2026-03-02">2 mars 2026</time>' in html
    assert '<a href="/fr/annuaire/anne-claes/">Anne Claes</a>' in html
    assert "Hidden" not in html  # not published in the directory: not shown as author
    assert '<a href="/fr/blog/?category=europe">Europe</a>, <a href="/fr/blog/?category=events">Événements</a>' in html
    assert '<a href="/fr/blog/?tag=r%C3%A9seaux">réseaux</a>, <a href="/fr/blog/?tag=villes">villes</a>' in html
    img = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]*)">', html)
    assert img.group(2, 3, 4) == ("1200", "675", "La Grand-Place illuminée")


def test_category_and_tag_links_lead_to_the_filtered_listing(client, post, blog):
    make_post(blog["fr"], "Autre", dt.date(2026, 3, 3))
    for url in ("/fr/blog/?category=events", "/fr/blog/?tag=r%C3%A9seaux"):
        html = client.get(url).content.decode()
        assert ">Sommet Eurocities</a></h3>" in html
        assert ">Autre</a></h3>" not in html


def test_open_graph(client, post, blog):
    rendition = post.image.get_rendition("max-1200x800")
    translated = post.copy_for_translation(blog["en"].locale)
    translated.title, translated.slug = "Eurocities summit", "eurocities-summit"
    translated.save_revision().publish()

    html = client.get("/fr/blog/sommet-eurocities/").content.decode()

    assert meta(html) == [
        ("og:title", "Sommet Eurocities"),
        ("og:description", "Le sommet Eurocities à Bruxelles."),
        ("og:url", "http://testserver/fr/blog/sommet-eurocities/"),
        ("og:type", "article"),
        ("og:site_name", "Brussels International"),
        ("og:locale", "fr_BE"),
        ("og:locale:alternate", "en_GB"),
        ("og:image", f"http://testserver{rendition.url}"),
        ("og:image:alt", "La Grand-Place illuminée"),
        ("article:published_time", "2026-03-02"),
        ("article:section", "Europe"),
        ("article:section", "Événements"),
        ("article:tag", "réseaux"),
        ("article:tag", "villes"),
    ]
    assert '<link rel="canonical" href="http://testserver/fr/blog/sommet-eurocities/">' in html


def test_blog_posting_json_ld(client, post):
    html = client.get("/fr/blog/sommet-eurocities/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    post.refresh_from_db()

    assert data == {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": "Sommet Eurocities",
        "description": "Le sommet Eurocities à Bruxelles.",
        "url": "http://testserver/fr/blog/sommet-eurocities/",
        "mainEntityOfPage": "http://testserver/fr/blog/sommet-eurocities/",
        "inLanguage": "fr",
        "datePublished": "2026-03-02",
        "dateModified": post.last_published_at.astimezone(dt.UTC).isoformat(),
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": "Brussels International",
            "url": "http://testserver/",
            "parentOrganization": {"@type": "GovernmentOrganization", "name": "Brussels-Capital Region"},
        },
        "isPartOf": {"@type": "Blog", "name": "The Brussels Globe"},
        "author": [{"@type": "Person", "name": "Anne Claes", "url": "http://testserver/fr/annuaire/anne-claes/"}],
        "image": f"http://testserver{post.image.get_rendition('max-1200x800').url}",
        "articleSection": ["Europe", "Événements"],
        "keywords": ["réseaux", "villes"],
    }


def test_post_without_image_has_no_og_image(client, blog):
    make_post(blog["fr"], "Sans image", dt.date(2026, 3, 2))
    html = client.get("/fr/blog/sans-image/").content.decode()
    properties = [name for name, _ in meta(html)]
    assert "og:image" not in properties
    assert "<img " not in html.split('<main id="main"', 1)[1]


def test_model_clean_requires_alt_text_with_an_image(post):
    post.image_alt = "  "
    with translation.override("en"):
        with pytest.raises(Exception) as error:
            post.full_clean()
        assert error.value.message_dict["image_alt"] == ["Describe the image for people who cannot see it."]


def test_admin_form_rejects_an_image_without_alt_text(client, post, staff_login):
    admin = User.objects.create_superuser("editor", "editor@example.org", "x")
    staff_login(client, admin)
    post = BlogPostPage.objects.get(pk=post.pk)
    form_class = post.get_edit_handler().get_form_class()
    with translation.override("en"):
        form = form_class(instance=post, for_user=admin)
        data = {field.html_name: field.value() for field in form if field.value() not in (None, [])}
    data.update({"image_alt": "", "action-publish": "action-publish", "date": "2026-03-02"})
    data["categories"] = [str(c.pk) for c in post.categories.all()]
    data["authors"] = [str(p.pk) for p in post.authors.all()]
    data["tags"] = "villes, réseaux"
    data["body"] = json.dumps({"blocks": [], "entityMap": {}})  # Draftail's content state
    data.setdefault("comments-TOTAL_FORMS", "0")
    data.setdefault("comments-INITIAL_FORMS", "0")
    data.setdefault("comments-MIN_NUM_FORMS", "0")
    data.setdefault("comments-MAX_NUM_FORMS", "1000")

    with translation.override("en"):
        response = client.post(f"/admin/pages/{post.pk}/edit/", data)

    assert response.status_code == 200  # the form again, not a redirect
    # The workspace speaks the user's language (French by default), whatever the request's.
    assert "Décrivez l’image pour les personnes qui ne peuvent pas la voir." in response.content.decode()
    post.refresh_from_db()
    assert post.image_alt == "La Grand-Place illuminée"
    assert post.get_latest_revision().content["image_alt"] == "La Grand-Place illuminée"


def test_person_page_lists_their_posts(client, post, blog):
    make_post(blog["fr"], "Brouillon", dt.date(2026, 4, 1), authors=list(post.authors.all()), publish=False)
    html = client.get("/fr/annuaire/anne-claes/").content.decode()
    section = html.split('id="blog-title"', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
    assert links == [("/fr/blog/sommet-eurocities/", "Sommet Eurocities")]
