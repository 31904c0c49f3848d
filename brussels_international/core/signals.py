"""Signals of the core: public page cache invalidation only (no business rule here)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .cache import public_cache_invalidate


def _invalidate(sender: Any, **kwargs: Any) -> None:
    public_cache_invalidate()


page_published.connect(_invalidate, dispatch_uid="core-public-cache-published")
page_unpublished.connect(_invalidate, dispatch_uid="core-public-cache-unpublished")
post_delete.connect(_invalidate, sender=Page, dispatch_uid="core-public-cache-page-deleted")
