"""Public views of the newsletter (placeholders until the subscription work lands)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def subscribe_view(request: HttpRequest) -> HttpResponse:
    raise Http404


def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def preferences_view(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def bounce_webhook_view(request: HttpRequest) -> HttpResponse:
    raise Http404
