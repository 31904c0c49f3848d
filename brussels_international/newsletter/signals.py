"""Signals of the newsletter: cache invalidation only. The footer of every public page offers the
active topics (kept in the cache, ``selectors.topics_offered_cached``), so a change of a topic drops
that entry and makes the cached public pages stale."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from brussels_international.core.cache import public_cache_invalidate


def _drop() -> None:
    from .selectors import OFFERED_TOPICS_CACHE_KEY

    cache.delete(OFFERED_TOPICS_CACHE_KEY)
    public_cache_invalidate()


def _invalidate(sender: Any, **kwargs: Any) -> None:
    # After the commit: a page rendered in between would otherwise cache the old topics again.
    transaction.on_commit(_drop)


for _signal in (post_save, post_delete):
    _signal.connect(_invalidate, sender="newsletter.Topic", dispatch_uid=f"newsletter-topic-{id(_signal)}")
