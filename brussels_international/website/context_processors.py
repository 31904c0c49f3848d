"""Template context shared by every public page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import site_navigation


def site_context(request: HttpRequest) -> dict[str, Any]:
    """``site_nav`` (links and menu of the site in the active language), computed only when used."""
    if request.path.startswith(("/admin/", "/api/")):
        return {}
    nav = SimpleLazyObject(site_navigation)
    return {"site_nav": nav}
