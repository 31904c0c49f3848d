"""Shared pieces of the applicant portal (``/<language>/portal/``): access checks for its views.

Portal users are not workspace users: each is a :class:`~permits.models.Membership` of one
organisation. Views call :func:`portal_member` (any member) or
:func:`portal_administrator`; the application a view touches is taken from
:func:`permits.selectors.applications_visible_to`, so another company's file answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from .models import MemberRole, Membership
from .selectors import membership_of

View = Callable[..., HttpResponseBase]


def portal_member(view: View) -> View:
    """Let through signed-in members of an organisation (``request.membership`` set); send others
    to the portal's sign-in page; a workspace account without membership gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        membership = membership_of(request.user)
        if membership is None:
            raise PermissionDenied
        request.membership = membership  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def portal_administrator(view: View) -> View:
    """As :func:`portal_member`, for the organisation's administrators only (403 otherwise)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership: Membership = request.membership  # type: ignore[attr-defined]
        if membership.role != MemberRole.ADMINISTRATOR:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return portal_member(wrapped)
