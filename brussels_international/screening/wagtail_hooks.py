"""Workspace hooks of the screening app: its screens under ``/admin/screening/`` and their menu items."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls


@hooks.register("register_admin_urls")
def register_screening_urls() -> list[Any]:
    """``/admin/screening/``: the screening screens (namespace ``screening``, :mod:`.admin_urls`)."""
    return [path("screening/", include((admin_urls.urlpatterns, admin_urls.app_name), namespace="screening"))]


class SanctionsListsMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("screening.view_listversion"))


@hooks.register("register_admin_menu_item")
def register_sanctions_lists_menu_item() -> MenuItem:
    """ "Sanctions lists" in the workspace menu, for users who may view the list versions."""
    return SanctionsListsMenuItem(_("Sanctions lists"), reverse("screening:lists"), icon_name="warning", order=265)
