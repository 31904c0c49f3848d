"""Workspace hooks of the screening app: its screens under ``/admin/screening/`` and the
"Screening" submenu (Screen a name, Review queue, Sanctions lists; :mod:`.embargo_hooks` adds
Arms embargoes to it through the ``register_screening_menu_item`` hook)."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import admin_urls

SCREENING_MENU_HOOK = "register_screening_menu_item"
"""The hook the items of the "Screening" submenu register with."""


@hooks.register("register_admin_urls")
def register_screening_urls() -> list[Any]:
    """``/admin/screening/``: the screening screens (namespace ``screening``, :mod:`.admin_urls`)."""
    return [path("screening/", include((admin_urls.urlpatterns, admin_urls.app_name), namespace="screening"))]


class PermissionMenuItem(MenuItem):
    """A menu item shown to users who have every permission of ``permissions``."""

    def __init__(self, *args: Any, permissions: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permissions = permissions

    def is_shown(self, request: Any) -> bool:
        return all(request.user.has_perm(p) for p in self.permissions)


@hooks.register(SCREENING_MENU_HOOK)
def register_screen_menu_item() -> MenuItem:
    """ "Screen a name", for users who may see screenings."""
    return PermissionMenuItem(
        _("Screen a name"),
        reverse("screening:screen"),
        name="screen-a-name",
        icon_name="search",
        order=100,
        permissions=("screening.view_screening",),
    )


@hooks.register(SCREENING_MENU_HOOK)
def register_review_queue_menu_item() -> MenuItem:
    """ "Review queue": the hits no review covers."""
    return PermissionMenuItem(
        _("Review queue"),
        reverse("screening:review_queue"),
        name="screening-review-queue",
        icon_name="tasks",
        order=200,
        permissions=("screening.view_screening", "screening.view_hit"),
    )


@hooks.register(SCREENING_MENU_HOOK)
def register_sanctions_lists_menu_item() -> MenuItem:
    """ "Sanctions lists", for users who may view the list versions."""
    return PermissionMenuItem(
        _("Sanctions lists"),
        reverse("screening:lists"),
        name="sanctions-lists",
        icon_name="list-ul",
        order=300,
        permissions=("screening.view_listversion",),
    )


@hooks.register("register_admin_menu_item")
def register_screening_menu() -> MenuItem:
    """The "Screening" submenu, shown when one of its items is."""
    return SubmenuMenuItem(_("Screening"), Menu(register_hook_name=SCREENING_MENU_HOOK), icon_name="warning", order=265)
