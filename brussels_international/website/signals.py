"""Signals of the website: cache invalidation only (navigation links per language; the public page
cache when a blog category changes)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .navigation import invalidate_navigation


def _invalidate(sender: Any, **kwargs: Any) -> None:
    invalidate_navigation()


for _signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
    _signal.connect(_invalidate, dispatch_uid=f"website-nav-{id(_signal)}")
post_delete.connect(_invalidate, sender="wagtailcore.Page", dispatch_uid="website-nav-delete")


def _invalidate_public_cache(sender: Any, **kwargs: Any) -> None:
    from brussels_international.core.cache import public_cache_invalidate

    public_cache_invalidate()


# Blog categories are shown on the listing and the posts: a change makes cached public pages stale.
for _signal in (post_save, post_delete):
    _signal.connect(_invalidate_public_cache, sender="website.BlogCategory", dispatch_uid=f"website-cat-{id(_signal)}")
