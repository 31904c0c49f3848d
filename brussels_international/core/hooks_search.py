"""Workspace hooks of the search: its screen's address and its place as the sidebar's search box."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.search import SearchArea

from .search_views import WorkspaceSearchView


@hooks.register("register_admin_urls")
def register_search_url() -> list[Any]:
    """``/admin/search/``: the workspace search (every workspace user; results follow permissions)."""
    return [path("search/", WorkspaceSearchView.as_view(), name="core_search")]


@hooks.register("register_admin_search_area")
def register_workspace_search_area() -> SearchArea:
    """The workspace search as the first search area: Wagtail's sidebar search box searches the
    first area the user may see (pages come at order 100, documents 400, users 600)."""
    return SearchArea(
        gettext_lazy("Workspace records"),
        reverse("core_search"),
        name="workspace",
        icon_name="search",
        order=10,
    )
