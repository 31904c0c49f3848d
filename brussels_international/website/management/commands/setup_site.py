"""``manage.py setup_site``: create the public site's pages in fr, nl and en (only what is missing),
the blog's reference categories (``website/blog_content.py``) and its "Blog review" workflow
(``website/moderation.py``).

Re-runnable: pages that exist (found by type under the French home page, and by translation
for nl/en) are left as they are, so edits made in the workspace are kept. Wagtail's default
"Welcome to your new Wagtail site!" page is removed once the home page replaces it.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale, Page, Site

from brussels_international.website.blog_content import blog_categories_setup
from brussels_international.website.content import PAGES
from brussels_international.website.moderation import blog_moderation_setup
from brussels_international.website.navigation import invalidate_navigation

SOURCE_LANGUAGE = "fr"
WELCOME_TITLE = "Welcome to your new Wagtail site!"


class Command(BaseCommand):
    help = "Create the public site (home and its pages) in French, Dutch and English; keep what exists."

    def handle(self, *args: Any, **options: Any) -> None:
        created: list[str] = []
        with transaction.atomic():
            locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES}
            root = Page.get_first_root_node() or Page.add_root(
                instance=Page(title="Root", slug="root", locale=locales[SOURCE_LANGUAGE])
            )
            home = self._source_home(root, locales[SOURCE_LANGUAGE], created)
            self._point_site(home)
            self._remove_welcome_page(root)
            source_pages = {"home": home}
            for key, (model_name, texts) in PAGES.items():
                if key == "home":
                    continue
                source_pages[key] = self._source_child(home, key, model_name, texts[SOURCE_LANGUAGE], created)
            for code, locale in locales.items():
                if code == SOURCE_LANGUAGE:
                    continue
                for key, page in source_pages.items():
                    self._translation(page, locale, PAGES[key][1][code], created)
            categories = blog_categories_setup()
            blog_moderation_setup()
        invalidate_navigation()
        for slug in categories:
            self.stdout.write(f"created blog category {slug}")
        if created:
            for line in created:
                self.stdout.write(f"created {line}")
            self.stdout.write(self.style.SUCCESS(f"Site ready: {len(created)} page(s) created."))
        else:
            self.stdout.write("Site already set up: nothing to create.")

    # --- steps ---------------------------------------------------------------------------

    def _source_home(self, root: Page, locale: Locale, created: list[str]) -> Page:
        model = apps.get_model("website", "HomePage")
        home = model.objects.filter(locale=locale, depth=2).order_by("path").first()
        if home is not None:
            return home  # type: ignore[no-any-return]
        title, slug, intro, body = PAGES["home"][1][SOURCE_LANGUAGE]
        home = model(title=title, slug=find_available_slug(root, slug), intro=intro, body=body, locale=locale)
        root.add_child(instance=home)
        home.save_revision().publish()
        created.append(f"{SOURCE_LANGUAGE} {home.url_path}")
        return home  # type: ignore[no-any-return]

    def _point_site(self, home: Page) -> None:
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Brussels International"
            )
            return
        if site.root_page_id != home.pk and site.root_page.specific_class.__name__ != "HomePage":
            site.root_page = home
            site.site_name = site.site_name or "Brussels International"
            site.save()

    def _remove_welcome_page(self, root: Page) -> None:
        for page in root.get_children().filter(content_type__app_label="wagtailcore", content_type__model="page"):
            if page.title == WELCOME_TITLE and page.numchild == 0 and not Site.objects.filter(root_page=page).exists():
                page.delete()

    def _source_child(
        self, home: Page, key: str, model_name: str, texts: tuple[str, str, str, str], created: list[str]
    ) -> Page:
        model = apps.get_model("website", model_name)
        existing = model.objects.child_of(home).order_by("path")
        title, slug, intro, body = texts
        page = existing.filter(slug=slug).first() or existing.first()
        if page is not None:
            return page  # type: ignore[no-any-return]
        page = model(title=title, slug=find_available_slug(home, slug), intro=intro, body=body, show_in_menus=True)
        home.add_child(instance=page)
        page.save_revision().publish()
        created.append(f"{SOURCE_LANGUAGE} {page.url_path}")
        return page  # type: ignore[no-any-return]

    def _translation(self, page: Page, locale: Locale, texts: tuple[str, str, str, str], created: list[str]) -> Page:
        existing = page.get_translation_or_none(locale)
        if existing is not None:
            return existing.specific  # type: ignore[no-any-return]
        title, slug, intro, body = texts
        translated = page.specific.copy_for_translation(locale)
        translated.title = title
        translated.draft_title = title
        translated.slug = find_available_slug(translated.get_parent(), slug, ignore_page_id=translated.pk)
        translated.intro = intro
        translated.body = body
        translated.save()
        translated.save_revision().publish()
        created.append(f"{locale.language_code} {translated.url_path}")
        return translated  # type: ignore[no-any-return]
