"""Workspace hooks of the permits module: the control lists screens and their menu item."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, case_views

app_name = "permits"
urlpatterns = [
    path("", admin_views.ControlListsView.as_view(), name="control_lists"),
    path("<str:regime>/", admin_views.ControlListTreeView.as_view(), name="control_list_tree"),
    path("<str:regime>/<str:code>/", admin_views.ControlListEntryView.as_view(), name="control_list_entry"),
]


case_urlpatterns = [
    path("", case_views.queue_view, name="queue"),
    path("<int:pk>/", case_views.case_view, name="case"),
    path("organisations/<int:pk>/", case_views.organisation_view, name="organisation"),
]


@hooks.register("register_admin_urls")
def register_permits_urls() -> list[Any]:
    """``/admin/control-lists/``: current versions and search, a list's tree, an entry's page;
    ``/admin/licensing/``: the unit's queues, cases and applicant organisations."""
    return [
        path("control-lists/", include((urlpatterns, app_name), namespace=app_name)),
        path("licensing/", include((case_urlpatterns, "permits_cases"), namespace="permits_cases")),
    ]


class ControlListsMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("permits.view_controllistentry"))


@hooks.register("register_admin_menu_item")
def register_control_lists_menu_item() -> MenuItem:
    """ "Control lists" in the workspace menu, for users who may view them."""
    return ControlListsMenuItem(_("Control lists"), reverse("permits:control_lists"), icon_name="list-ul", order=260)
