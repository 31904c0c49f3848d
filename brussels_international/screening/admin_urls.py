"""Workspace URLs of the screening app (``/admin/screening/``, namespace ``screening``), registered
by :mod:`.wagtail_hooks`. Screens of the app append their paths to :data:`urlpatterns`."""

from __future__ import annotations

from django.urls import path

from . import list_views

app_name = "screening"
urlpatterns = [
    path("lists/", list_views.ListStatusView.as_view(), name="lists"),
    path("lists/<int:pk>/", list_views.ListVersionView.as_view(), name="list_version"),
]
