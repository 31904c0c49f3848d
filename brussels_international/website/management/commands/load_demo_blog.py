"""``manage.py load_demo_blog``: three invented demo posts of the blog in French, translated into
Dutch and English (demo mode only; ``bootstrap`` runs it). Re-runnable: a post whose French slug
exists under the French blog is left as it is. See ``website/blog_content.py``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale

from brussels_international.directory.models import Person
from brussels_international.website.blog_content import DEMO_POSTS, DemoPost, blog_categories_setup
from brussels_international.website.models import BlogCategory, BlogIndexPage, BlogPostPage

SOURCE_LANGUAGE = "fr"


class Command(BaseCommand):
    help = "Demo mode only: write three invented blog posts in French with their Dutch and English translations."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("The demo blog posts are loaded in demo mode only (DEMO_MODE=1).")
        index = BlogIndexPage.objects.filter(locale__language_code=SOURCE_LANGUAGE).order_by("path").first()
        if index is None:
            raise CommandError("No French blog page: run `manage.py setup_site` first.")
        blog_categories_setup()
        created = 0
        with transaction.atomic():
            for post in DEMO_POSTS:
                created += self._post(index, post)
        self.stdout.write(f"Demo blog posts: {created} created, {len(DEMO_POSTS) - created} already there.")

    def _post(self, index: BlogIndexPage, demo: DemoPost) -> int:
        date, category_slugs, tags, author_slugs, texts = demo
        title, slug, intro, body = texts[SOURCE_LANGUAGE]
        if BlogPostPage.objects.child_of(index).filter(slug=slug).exists():
            return 0
        post = BlogPostPage(title=title, slug=slug, intro=intro, body=body, date=date)
        post.categories = list(BlogCategory.objects.filter(slug__in=category_slugs))
        post.authors = list(Person.objects.filter(slug__in=author_slugs, is_public=True))
        post.tags.set(tags[SOURCE_LANGUAGE])
        index.add_child(instance=post)
        post.save_revision().publish()
        for code, (t_title, t_slug, t_intro, t_body) in texts.items():
            if code == SOURCE_LANGUAGE:
                continue
            locale = Locale.objects.filter(language_code=code).first()
            if locale is None or index.get_translation_or_none(locale) is None:
                continue
            translated = post.copy_for_translation(locale)
            translated.title = translated.draft_title = t_title
            translated.slug = find_available_slug(translated.get_parent(), t_slug, ignore_page_id=translated.pk)
            translated.intro = t_intro
            translated.body = t_body
            translated.tags.set(tags.get(code, ()))
            translated.save()
            translated.save_revision().publish()
        return 1
