"""Workspace hooks of the correspondence module: its screens and its menu item."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views

app_name = "correspondence"
urlpatterns = [
    path("", admin_views.LetterListView.as_view(), name="list"),
    path("new/", admin_views.LetterCreateView.as_view(), name="create"),
    path("<int:pk>/", admin_views.LetterDetailView.as_view(), name="detail"),
]


@hooks.register("register_admin_urls")
def register_correspondence_urls() -> list[Any]:
    """``/admin/correspondence/``: list, registration, letter page."""
    return [path("correspondence/", include((urlpatterns, app_name), namespace=app_name))]


class LetterMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("correspondence.view_letter"))


@hooks.register("register_admin_menu_item")
def register_correspondence_menu_item() -> MenuItem:
    """ "Correspondence" in the workspace menu, for users who may see letters."""
    return LetterMenuItem(_("Correspondence"), reverse("correspondence:list"), icon_name="mail", order=250)
