"""Workspace screens of the Permits unit's casework (skeleton: replaced by the casework increment)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .kinds import organisations_visible_to
from .selectors import applications_visible_to


def queue_view(request: HttpRequest) -> HttpResponse:
    raise Http404


def case_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    return HttpResponse(str(application))


def organisation_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(organisations_visible_to(request.user), pk=pk)
    return HttpResponse(str(organisation))


def _unused(*args: Any) -> None:
    return None
