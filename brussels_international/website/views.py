"""Plain Django views of the public site: health check, robots.txt, error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def healthz(request: HttpRequest) -> JsonResponse:
    """A bare JSON view: liveness probe, and the reference point of ``make bench``."""
    return JsonResponse({"status": "ok"})


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Allow the public site, keep crawlers out of the workspace and the API."""
    return HttpResponse("User-agent: *\nDisallow: /admin/\nDisallow: /api/\n", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Translated 404 page."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Translated 500 page."""
    return render(request, "500.html", status=500)
