"""Middleware of the core."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

NOT_TRANSLATED_PREFIXES = (
    "/api/",
    "/admin/",
    "/documents/",
    "/static/",
    "/media/",
    "/healthz",
    "/robots.txt",
    "/calendar/",
)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's locale middleware, without its "redirect a 404 to the language-prefixed URL"
    for paths that have no language prefix by design (API, workspace, files): a missing API
    record is a JSON 404, not a redirect to a public page."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.path.startswith(NOT_TRANSLATED_PREFIXES):
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)


class WorkspaceCSPMiddleware:
    """Loosen the Content-Security-Policy for the workspace only.

    Wagtail's admin writes a few inline scripts (inline panels, date pickers), so
    ``/admin/`` pages allow ``'unsafe-inline'`` scripts; the public site keeps
    ``script-src 'self'``. Listed right after django-csp's middleware, whose policy it updates.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"script-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
        return response
