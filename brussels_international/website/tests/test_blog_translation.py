"""wagtail-localize: a French post's date, image, categories and authors are synchronised into its
Dutch and English translations; texts are translated."""

from __future__ import annotations

import datetime as dt

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail_localize.fields import SynchronizedField, TranslatableField, get_translatable_fields
from wagtail_localize.models import TranslationSource

from brussels_international.website.models import BlogPostPage

from .blog_helpers import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(blog, person_factory, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    image = Image.objects.create(title="Atomium", file=get_test_image_file())
    anne = person_factory(given_name="Anne", family_name="Claes", slug="anne-claes")
    return make_post(
        blog["fr"],
        "Sommet Eurocities",
        dt.date(2026, 3, 2),
        categories=["europe"],
        authors=[anne],
        image=image,
        image_alt="L’Atomium",
    )


def test_synchronised_and_translated_fields():
    fields = {f.field_name: type(f) for f in get_translatable_fields(BlogPostPage)}
    for name in ("date", "image", "categories", "authors"):
        assert fields[name] is SynchronizedField, name
    for name in ("title", "intro", "body", "image_alt"):
        assert fields[name] is TranslatableField, name


def test_copy_for_translation_keeps_date_categories_authors_and_image(source, blog):
    translated = source.copy_for_translation(blog["nl"].locale)
    translated = BlogPostPage.objects.get(pk=translated.pk)

    assert translated.get_parent().pk == blog["nl"].pk
    assert translated.date == dt.date(2026, 3, 2)
    assert [c.slug for c in translated.categories.all()] == ["europe"]
    assert [p.slug for p in translated.authors.all()] == ["anne-claes"]
    assert translated.image_id == source.image_id


def test_wagtail_localize_keeps_the_synchronised_fields_in_step(
    source, blog, person_factory, django_capture_on_commit_callbacks
):
    translation_source, _ = TranslationSource.get_or_create_from_instance(source)
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        translation_source.create_or_update_translation(blog["en"].locale, fallback=True)
    english = BlogPostPage.objects.get(translation_key=source.translation_key, locale=blog["en"].locale)
    assert english.live is True
    assert english.date == dt.date(2026, 3, 2)
    assert [c.slug for c in english.categories.all()] == ["europe"]

    # The French source changes: the next synchronisation carries date, categories and authors over.
    pierre = person_factory(given_name="Pierre", family_name="Gérard", slug="pierre-gerard")
    source = BlogPostPage.objects.get(pk=source.pk)
    source.date = dt.date(2026, 3, 9)
    source.categories = list(source.categories.model.objects.filter(slug__in=["europe", "events"]))
    source.authors = [pierre]
    source.save_revision().publish()
    translation_source.update_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        translation_source.create_or_update_translation(blog["en"].locale, fallback=True)

    english = BlogPostPage.objects.get(pk=english.pk)
    assert english.date == dt.date(2026, 3, 9)
    assert sorted(c.slug for c in english.categories.all()) == ["europe", "events"]
    assert [p.slug for p in english.authors.all()] == ["pierre-gerard"]
    assert english.image_id == source.image_id
