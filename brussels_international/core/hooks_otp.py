"""Workspace hooks of two-factor authentication (``core/two_factor.py``): its pages, the link
from the account page, and the administrators' *Reset two-factor* action in the users' list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from . import two_factor


@hooks.register("register_admin_urls")
def register_two_factor_urls() -> list[Any]:
    """``/admin/2fa/`` (my device), ``setup/``, ``verify/`` and ``reset/<user id>/``."""
    return [
        path("2fa/", two_factor.DeviceView.as_view(), name="core_2fa_device"),
        path("2fa/setup/", two_factor.SetupView.as_view(), name="core_2fa_setup"),
        path("2fa/verify/", two_factor.VerifyView.as_view(), name="core_2fa_verify"),
        path("2fa/reset/<int:user_id>/", two_factor.ResetView.as_view(), name="core_2fa_reset"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request: Any) -> dict[str, str]:
    """A link from *Account* to the person's two-factor device."""
    return {
        "url": reverse("core_2fa_device"),
        "label": _("Two-factor authentication"),
        "help_text": _("See your authenticator app and replace it with a new one."),
    }


@hooks.register("register_user_listing_buttons")
def reset_two_factor_button(user: Any, request_user: Any) -> Iterator[Button]:
    """*Reset two-factor* in each user's "More" menu, for those who manage accounts."""
    if two_factor.may_reset(request_user):
        yield Button(_("Reset two-factor"), reverse("core_2fa_reset", args=[user.pk]), icon_name="key", priority=60)
