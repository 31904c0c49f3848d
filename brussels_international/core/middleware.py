"""Middleware of the core."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

NOT_TRANSLATED_PREFIXES = ("/api/", "/admin/", "/documents/", "/static/", "/media/", "/healthz", "/robots.txt")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's locale middleware, without its "redirect a 404 to the language-prefixed URL"
    for paths that have no language prefix by design (API, workspace, files): a missing API
    record is a JSON 404, not a redirect to a public page."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.path.startswith(NOT_TRANSLATED_PREFIXES):
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)
