"""How the blog's data gets in: reference categories (``setup_site``), the categories screen of the
workspace, the unit groups' page permissions, and the demo posts (demo mode only)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission

from brussels_international.core.groups import groups_setup
from brussels_international.website.models import BlogCategory, BlogPostPage

pytestmark = pytest.mark.django_db


def test_setup_site_creates_the_reference_categories_once(blog):
    assert [(c.slug, c.name_fr, c.name_nl, c.name_en) for c in BlogCategory.objects.all()] == [
        ("bilateral-relations", "Relations bilatérales", "Bilaterale betrekkingen", "Bilateral relations"),
        ("europe", "Europe", "Europa", "Europe"),
        ("multilateral", "Multilatéral", "Multilateraal", "Multilateral"),
        ("events", "Événements", "Evenementen", "Events"),
        ("permits", "Licences", "Vergunningen", "Permits"),
    ]
    BlogCategory.objects.filter(slug="europe").update(name_en="European Union")
    BlogCategory.objects.filter(slug="permits").delete()
    out = StringIO()
    call_command("setup_site", stdout=out)
    assert out.getvalue() == "created blog category permits\nSite already set up: nothing to create.\n"
    assert BlogCategory.objects.get(slug="europe").name_en == "European Union"  # edits kept
    assert BlogCategory.objects.count() == 5  # a deleted reference category comes back, once
    out = StringIO()
    call_command("setup_site", stdout=out)
    assert out.getvalue() == "Site already set up: nothing to create.\n"


def test_unit_groups_may_add_and_edit_under_the_blogs_but_not_publish(blog):
    groups_setup()
    groups_setup()  # idempotent
    permits = Group.objects.get(name="Permits")
    granted = sorted(
        (p.page.locale.language_code, p.permission.codename)
        for p in GroupPagePermission.objects.filter(group=permits).select_related("page__locale", "permission")
    )
    assert granted == sorted((code, perm) for code in ("fr", "nl", "en") for perm in ("add_page", "change_page"))
    assert not GroupPagePermission.objects.filter(group__name="Permits", permission__codename="publish_page").exists()


def test_blog_categories_screen(client, blog, staff_login):
    groups_setup()
    user = User.objects.create_user("comm", "comm@example.org", "x")
    user.groups.add(Group.objects.get(name="Communication"))
    staff_login(client, user)

    listing = client.get("/admin/snippets/website/blogcategory/")
    assert listing.status_code == 200
    assert "Relations bilatérales" in listing.content.decode()
    response = client.post(
        "/admin/snippets/website/blogcategory/add/",
        {
            "slug": "development",
            "name_fr": "Coopération",
            "name_nl": "Samenwerking",
            "name_en": "Cooperation",
            "order": "60",
        },
    )
    assert response.status_code == 302
    assert BlogCategory.objects.get(slug="development").name_nl == "Samenwerking"


def test_other_units_cannot_edit_categories(client, blog, staff_login):
    groups_setup()
    user = User.objects.create_user("unit", "unit@example.org", "x")
    user.groups.add(Group.objects.get(name="Permits"))
    staff_login(client, user)
    response = client.get("/admin/snippets/website/blogcategory/add/")
    assert response.status_code == 302  # sent away with "permission denied"
    assert not BlogCategory.objects.filter(slug="development").exists()


def test_demo_posts_in_three_languages_only_in_demo_mode(blog, settings, person_factory):
    person_factory(given_name="Jean-Michel", family_name="Verdin", slug="jean-michel-verdin")
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("load_demo_blog", stdout=StringIO())
    assert not BlogPostPage.objects.exists()

    settings.DEMO_MODE = True
    out = StringIO()
    call_command("load_demo_blog", stdout=out)
    call_command("load_demo_blog", stdout=out)
    assert "Demo blog posts: 3 created, 0 already there." in out.getvalue()
    assert "Demo blog posts: 0 created, 3 already there." in out.getvalue()
    by_language = {
        code: sorted(BlogPostPage.objects.live().filter(locale__language_code=code).values_list("title", flat=True))
        for code in ("fr", "nl", "en")
    }
    assert by_language["en"] == [
        "Applying for a licence online",
        "Partners all over the world",
        "Welcome to The Brussels Globe",
    ]
    assert len(by_language["fr"]) == len(by_language["nl"]) == 3
    welcome = BlogPostPage.objects.get(slug="welcome-to-the-brussels-globe")
    assert [p.slug for p in welcome.authors.all()] == ["jean-michel-verdin"]  # from the directory
    assert [c.slug for c in welcome.categories.all()] == ["events"]
    # The second author of a post is left out when the directory does not know them.
    partners = BlogPostPage.objects.get(slug="des-partenaires-dans-le-monde-entier")
    assert [p.slug for p in partners.authors.all()] == ["jean-michel-verdin"]
