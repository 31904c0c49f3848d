"""TEMPORARY stubs of ``portal:home``, ``portal:login`` and ``portal:logout`` so that the portal
base template renders in this branch. The portal helper writes the real views in
``portal_views.py``: drop this file and its three URLs at merge."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST


def home_stub(request: HttpRequest) -> HttpResponse:
    return HttpResponse("portal home (stub)")


def login_stub(request: HttpRequest) -> HttpResponse:
    return HttpResponse("portal sign-in (stub)")


@require_POST
def logout_stub(request: HttpRequest) -> HttpResponseBase:
    logout(request)
    return redirect("/")
