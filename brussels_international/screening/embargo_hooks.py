"""Workspace hooks of the arms-embargo screens: their URLs and the "Arms embargoes" item of the
"Screening" submenu (:mod:`.wagtail_hooks`). Imported by :meth:`.apps.ScreeningConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import embargo_urls


@hooks.register("register_admin_urls")
def register_embargo_urls() -> list[Any]:
    """``/admin/screening/embargoes/``: the table, a row with its history, the forms, the destination check."""
    return [
        path(
            "screening/embargoes/",
            include((embargo_urls.urlpatterns, embargo_urls.app_name), namespace=embargo_urls.app_name),
        )
    ]


class EmbargoesMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("screening.view_armsembargo"))


@hooks.register("register_screening_menu_item")
def register_embargoes_menu_item() -> MenuItem:
    """ "Arms embargoes" in the "Screening" submenu, for users who may view them."""
    return EmbargoesMenuItem(
        _("Arms embargoes"), reverse("screening_embargoes:list"), name="arms-embargoes", icon_name="warning", order=400
    )
