"""Where the public pages are in the active language: navigation and the language versions of a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.http import urlencode
from wagtail.models import Locale, Page

from brussels_international.core.i18n import current_language

NAV_CACHE_KEY = "website:nav:{language}"
NAV_CACHE_TIMEOUT = 3600

#: Page models of the site, by the key templates use (``site_links.directory.url``).
PAGE_KEYS = {
    "homepage": "home",
    "standardpage": "about",
    "unitindexpage": "units",
    "directorypage": "directory",
    "partnerspage": "partners",
    "networkspage": "networks",
    "contactpage": "contact",
    "blogindexpage": "blog",
    "eventindexpage": "events",
}


@dataclass(frozen=True)
class NavLink:
    key: str
    title: str
    url: str


def _build_nav(language: str) -> dict[str, Any]:
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return {"links": {}, "menu": []}
    home = Page.objects.live().filter(locale=locale, depth=2, content_type__model="homepage").first()
    if home is None:
        return {"links": {}, "menu": []}
    links: dict[str, NavLink] = {"home": NavLink("home", home.title, home.get_url())}
    menu: list[NavLink] = []
    for child in home.get_children().live().select_related("content_type").order_by("path"):
        key = PAGE_KEYS.get(child.content_type.model)
        if key is None:
            continue
        link = NavLink(key, child.title, child.get_url())
        links.setdefault(key, link)
        if child.show_in_menus:
            menu.append(link)
    return {"links": links, "menu": menu}


def site_navigation(language: str | None = None) -> dict[str, Any]:
    """``{"links": {key: NavLink}, "menu": [NavLink]}`` of the site in *language* (cached, dropped on publish)."""
    lang = language or current_language()
    key = NAV_CACHE_KEY.format(language=lang)
    nav = cache.get(key)
    if nav is None:
        nav = _build_nav(lang)
        cache.set(key, nav, NAV_CACHE_TIMEOUT)
    return nav  # type: ignore[no-any-return]


def invalidate_navigation() -> None:
    cache.delete_many([NAV_CACHE_KEY.format(language=code) for code, _ in settings.LANGUAGES])


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str
    url: str
    is_current: bool
    is_translation: bool  # False: the page has no version in this language (link to its home page)


def language_versions(request: HttpRequest, page: Page | None) -> list[LanguageVersion]:
    """The same page in each language: the translated page plus the same sub-path (routable pages)
    and query string; the language's home page when the page has no translation."""
    active = current_language()
    remainder = ""
    by_language: dict[str, str] = {}
    if page is not None and getattr(page, "translation_key", None):
        page_url = page.get_url(request) or ""
        if page_url and request.path.startswith(page_url):
            remainder = request.path[len(page_url) :]
        for translation in Page.objects.live().filter(translation_key=page.translation_key).select_related("locale"):
            url = translation.get_url(request)
            if url:
                by_language[translation.locale.language_code] = url + remainder
    query = urlencode(sorted(request.GET.lists()), doseq=True) if page is not None and request.GET else ""
    versions = []
    for code, name in settings.LANGUAGES:
        url = by_language.get(code)
        is_translation = url is not None
        if url is None:
            home = site_navigation(code)["links"].get("home")
            url = home.url if home else f"/{code}/"
        elif query:
            url = f"{url}?{query}"
        versions.append(
            LanguageVersion(code=code, name=name, url=url, is_current=code == active, is_translation=is_translation)
        )
    return versions
