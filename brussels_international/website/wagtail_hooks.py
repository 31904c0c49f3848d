"""Workspace hooks of the website: the blog categories screen (``blog_admin.py``)."""

from __future__ import annotations

from wagtail.snippets.models import register_snippet

from .blog_admin import BlogCategoryViewSet

register_snippet(BlogCategoryViewSet)
