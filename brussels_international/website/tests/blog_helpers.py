"""Helpers of the blog tests: a post writer (the ``blog`` fixture is in ``conftest.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify

from brussels_international.website.models import BlogCategory, BlogIndexPage, BlogPostPage


def make_post(
    index: BlogIndexPage,
    title: str,
    date: dt.date,
    *,
    categories: Iterable[str] = (),
    tags: Iterable[str] = (),
    authors: Iterable[Any] = (),
    publish: bool = True,
    **fields: Any,
) -> BlogPostPage:
    """A post under *index*, saved with a revision and published unless *publish* is false
    (a ``go_live_at`` in the future leaves it scheduled, not live)."""
    post = BlogPostPage(title=title, slug=slugify(title), date=date, intro=f"Intro {title}", live=False, **fields)
    post.categories = list(BlogCategory.objects.filter(slug__in=list(categories)))
    post.authors = list(authors)
    post.tags.set(list(tags))
    index.add_child(instance=post)
    revision = post.save_revision()
    if publish:
        revision.publish()
    post.refresh_from_db()
    return post
