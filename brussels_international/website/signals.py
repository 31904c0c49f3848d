"""Signals of the website: cache invalidation only (navigation links per language)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .navigation import invalidate_navigation


def _invalidate(sender: Any, **kwargs: Any) -> None:
    invalidate_navigation()


for _signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
    _signal.connect(_invalidate, dispatch_uid=f"website-nav-{id(_signal)}")
post_delete.connect(_invalidate, sender="wagtailcore.Page", dispatch_uid="website-nav-delete")
