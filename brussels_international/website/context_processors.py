"""Template context shared by every public page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site_context(request: HttpRequest) -> dict[str, Any]:
    """Return the values every public template needs (filled in by the website app)."""
    return {}
