"""Whole-page cache of the public site for anonymous visitors.

Public pages (``/fr/``, ``/nl/``, ``/en/`` and the read-only API) are the same for every
anonymous visitor, so :class:`PublicPageCacheMiddleware` keeps each rendered response in
the default cache for ``PUBLIC_CACHE_SECONDS`` (default 300 s). Any change of published
content calls :func:`public_cache_invalidate`, which bumps a generation number that is
part of every key: the next request renders afresh. Requests with a session cookie
(staff), other methods than GET/HEAD, and responses that set cookies or say
``private``/``no-store`` are never cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "public-cache:generation"
CACHED_PREFIXES = ("/fr/", "/nl/", "/en/", "/api/v1/")
UNCACHED_PREFIXES = ("/api/v1/docs",)


def public_cache_generation() -> int:
    """The current generation of the public cache (starts at 1)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def public_cache_invalidate() -> None:
    """Make every cached public page stale (call on any change of published content)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    if not path.startswith(CACHED_PREFIXES) or path.startswith(UNCACHED_PREFIXES):
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META


def _key(request: HttpRequest) -> str:
    vary = request.headers.get("Accept-Language", "") if request.path.startswith("/api/") else ""
    raw = f"{request.method}|{request.get_host()}|{request.get_full_path()}|{vary}"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    return f"public-page:{public_cache_generation()}:{digest}"


def _cacheable_response(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control and "no-cache" not in cache_control


class PublicPageCacheMiddleware:
    """Serve anonymous GET requests of the public site from the cache (see module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "PUBLIC_CACHE_SECONDS", 0) or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached["X-Cache"] = "hit"
            return cached  # type: ignore[no-any-return]
        response = self.get_response(request)
        if _cacheable_response(response):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:  # type: ignore[attr-defined]
                response.render()  # type: ignore[attr-defined]
            cache.set(key, response, timeout=settings.PUBLIC_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response
