"""Workspace hooks of the permits module: the control lists and casework screens and their menu items."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import admin_views, case_views

app_name = "permits"
urlpatterns = [
    path("", admin_views.ControlListsView.as_view(), name="control_lists"),
    path("<str:regime>/", admin_views.ControlListTreeView.as_view(), name="control_list_tree"),
    path("<str:regime>/<str:code>/", admin_views.ControlListEntryView.as_view(), name="control_list_entry"),
]


case_urlpatterns = [
    path("", case_views.QueueView.as_view(), name="queue"),
    path("<int:pk>/", case_views.CaseView.as_view(), name="case"),
    path("<int:pk>/issue/", case_views.IssueView.as_view(), name="issue"),
    path("organisations/", case_views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<int:pk>/", case_views.OrganisationView.as_view(), name="organisation"),
    path("denials/", case_views.DenialListView.as_view(), name="denials"),
    path("denials/export.csv", case_views.denials_csv, name="denials_csv"),
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


class PermissionMenuItem(MenuItem):
    """A menu item shown to users holding *permission*."""

    def __init__(self, *args: Any, permission: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm(self.permission))


class LicensingMenuItem(SubmenuMenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("permits.view_application"))


@hooks.register("register_admin_menu_item")
def register_licensing_menu_item() -> MenuItem:
    """ "Licensing" in the workspace menu (cases, applicant organisations, denial records), for
    users who may see licence applications."""
    items = [
        PermissionMenuItem(
            _("Cases"), reverse("permits_cases:queue"), icon_name="folder-open-inverse", order=1,
            permission="permits.view_application",
        ),
        PermissionMenuItem(
            _("Applicant organisations"), reverse("permits_cases:organisations"), icon_name="group", order=2,
            permission="permits.view_organisation",
        ),
        PermissionMenuItem(
            _("Denial records"), reverse("permits_cases:denials"), icon_name="warning", order=3,
            permission="permits.view_denialnotification",
        ),
    ]  # fmt: skip
    return LicensingMenuItem(_("Licensing"), Menu(items=items), icon_name="folder-open-inverse", order=255)
