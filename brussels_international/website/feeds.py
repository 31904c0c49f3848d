"""RSS 2.0 and Atom feeds of the blog *The Brussels Globe*, per language and per category
(Django's syndication framework).

Routes of the blog index page of each language (``/fr/blog/``, ``/nl/blog/``, ``/en/blog/``):
``rss/`` and ``atom/`` (every post), ``category/<slug>/rss/`` and ``category/<slug>/atom/`` (the
posts of one category; 404 for an unknown slug). Each feed lists the :data:`FEED_LENGTH` newest
live posts in the listing's order, with absolute links (built from the request's host).

Item dates: the publication date is the post's first publication when it happened on the post's
``date`` (Europe/Brussels), else midnight Brussels time of that date (a post dated in the past or
scheduled ahead); the update date is its last publication.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _

from . import blog_selectors

if TYPE_CHECKING:
    from .models import BlogCategory, BlogIndexPage, BlogPostPage

FEED_LENGTH = 20
BRUSSELS = ZoneInfo("Europe/Brussels")


def post_pubdate(post: BlogPostPage) -> dt.datetime:
    """The publication date and time of *post* in a feed (aware; see the module docstring)."""
    first = post.first_published_at
    if first is not None and timezone.localtime(first, BRUSSELS).date() == post.date:
        return first
    return dt.datetime.combine(post.date, dt.time(0, 0), tzinfo=BRUSSELS)


class BlogRssFeed(Feed):  # type: ignore[type-arg]
    """RSS 2.0 feed of one blog index page (one language), optionally of one category.

    Args:
        index: the ``BlogIndexPage`` of the language.
        category: a ``BlogCategory`` to keep only its posts, or ``None``.
    """

    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def __init__(self, index: BlogIndexPage, *, category: BlogCategory | None = None) -> None:
        super().__init__()
        self.index = index
        self.category = category
        self.language = index.locale.language_code
        self.request: HttpRequest | None = None

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.request = request
        return super().__call__(request, *args, **kwargs)

    # --- the feed ---------------------------------------------------------------------------

    def _base(self) -> str:
        return self.index.get_url(self.request) or ""

    def title(self) -> str:
        if self.category is None:
            return self.index.title
        return f"{self.index.title} – {self.category.name}"

    def description(self) -> str:
        if self.category is None:
            return self.index.intro or self.index.title
        return _("Posts of the category “%(category)s” of %(blog)s.") % {
            "category": self.category.name,
            "blog": self.index.title,
        }

    def subtitle(self) -> str:
        return self.description()

    def link(self) -> str:
        if self.category is None:
            return self._base()
        return f"{self._base()}?category={self.category.slug}"

    def feed_url(self) -> str:
        kind = "atom" if self.feed_type is Atom1Feed else "rss"
        if self.category is None:
            return f"{self._base()}{kind}/"
        return f"{self._base()}category/{self.category.slug}/{kind}/"

    def feed_copyright(self) -> str:
        return "Brussels International"

    def items(self) -> list[BlogPostPage]:
        posts = blog_selectors.blog_posts(self.index, category=self.category.slug if self.category else "")
        return list(posts[:FEED_LENGTH])

    # --- each post --------------------------------------------------------------------------

    def item_title(self, item: BlogPostPage) -> str:
        return item.title

    def item_description(self, item: BlogPostPage) -> str:
        return item.intro or item.search_description or ""

    def item_link(self, item: BlogPostPage) -> str:
        return item.get_url(self.request) or ""

    def item_guid(self, item: BlogPostPage) -> str:
        return self.request.build_absolute_uri(self.item_link(item)) if self.request else self.item_link(item)

    def item_pubdate(self, item: BlogPostPage) -> dt.datetime:
        return post_pubdate(item)

    def item_updateddate(self, item: BlogPostPage) -> dt.datetime:
        return item.last_published_at or post_pubdate(item)

    def item_author_name(self, item: BlogPostPage) -> str | None:
        names = [person.full_name for person in getattr(item, "public_authors", [])]
        return ", ".join(names) or None

    def item_categories(self, item: BlogPostPage) -> list[str]:
        return [category.name for category in item.categories.all()]


class BlogAtomFeed(BlogRssFeed):
    """The same feed in Atom 1.0 (RFC 4287)."""

    feed_type = Atom1Feed
