"""Reads of the blog *The Brussels Globe*: the posts of a listing or a feed, the filter choices, a
person's posts. Only live posts are read; drafts, posts waiting for review and posts scheduled for
later (``go_live_at``) are not live, so they never appear.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from taggit.models import Tag
from wagtail.models import Page

from brussels_international.directory.models import Person

from .models import BlogCategory, BlogIndexPage, BlogPostPage


def public_authors() -> QuerySet[Person]:
    """People published in the directory (``is_public``), as authors are shown: family name first."""
    return Person.objects.filter(is_public=True).order_by("family_name", "given_name")


def blog_posts(
    index: BlogIndexPage,
    *,
    category: str = "",
    tag: str = "",
    author: str = "",
    year: int | None = None,
) -> QuerySet[BlogPostPage]:
    """The live posts under *index* (the blog of one language), newest first.

    Order: ``date`` descending, then first publication descending (two posts of the same day:
    the one published last comes first), then id.

    Args:
        index: the blog index page of a locale; only its posts (same locale) are read.
        category: a :class:`BlogCategory` slug, or ``""`` for any.
        tag: a tag slug, or ``""`` for any.
        author: a person's slug (published in the directory), or ``""`` for any.
        year: a calendar year of the post's ``date``, or ``None`` for any.

    Returns:
        A queryset with ``categories``, ``tags`` and ``public_authors`` (list of published
        authors, family name first) prefetched: a page of it costs four queries.
    """
    posts = BlogPostPage.objects.live().child_of(index).filter(locale_id=index.locale_id)
    if category:
        posts = posts.filter(categories__slug=category)
    if tag:
        posts = posts.filter(tags__slug=tag)
    if author:
        posts = posts.filter(authors__slug=author, authors__is_public=True)
    if year is not None:
        posts = posts.filter(date__year=year)
    return posts.order_by("-date", "-first_published_at", "-pk").prefetch_related(
        "categories",
        "tags",
        Prefetch("authors", queryset=public_authors(), to_attr="public_authors"),
    )


def blog_filter_choices(index: BlogIndexPage) -> dict[str, list[tuple[str, str]]]:
    """The choices of the listing's filters, from the live posts under *index* (four queries).

    Returns:
        ``{"category": [(slug, name)], "tag": [(slug, name)], "author": [(slug, "Family, Given")],
        "year": [("2025", "2025")]}``; categories are all of them (in their order), the others
        only those used by a live post, years newest first.
    """
    live = BlogPostPage.objects.live().child_of(index).filter(locale_id=index.locale_id)
    post_ids = live.values("pk")
    categories = [(c.slug, c.name) for c in BlogCategory.objects.all()]
    tags = [
        (t.slug, t.name)
        for t in Tag.objects.filter(website_blogposttag_items__content_object__in=post_ids).distinct().order_by("name")
    ]
    authors = [
        (p.slug, f"{p.family_name}, {p.given_name}")
        for p in public_authors().filter(blog_posts__in=post_ids).distinct()
    ]
    years = [(str(d.year), str(d.year)) for d in live.dates("date", "year", order="DESC")]
    return {"category": categories, "tag": tags, "author": authors, "year": years}


def person_blog_posts(person: Any, *, language: str, limit: int = 5) -> list[BlogPostPage]:
    """The latest live posts written by *person* in *language* (``fr``, ``nl`` or ``en``), newest first.

    Args:
        person: a directory ``Person`` (published).
        language: the locale's language code.
        limit: at most this many posts.
    """
    return list(
        BlogPostPage.objects.live()
        .filter(authors=person, locale__language_code=language)
        .order_by("-date", "-first_published_at", "-pk")[:limit]
    )


def blog_index_for(post: Page) -> BlogIndexPage | None:
    """The blog index page a post belongs to (its parent), or ``None``."""
    parent = post.get_parent()
    return parent.specific if parent is not None and isinstance(parent.specific, BlogIndexPage) else None
