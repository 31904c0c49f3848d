"""Workspace URLs of the screening app (``/admin/screening/``, namespace ``screening``), registered
by :mod:`.wagtail_hooks`. Screens of the app append their paths to :data:`urlpatterns`."""

from __future__ import annotations

from django.urls import path

from . import list_views, screen_views

app_name = "screening"
urlpatterns = [
    path("lists/", list_views.ListStatusView.as_view(), name="lists"),
    path("lists/<int:pk>/", list_views.ListVersionView.as_view(), name="list_version"),
    path("", screen_views.ScreenView.as_view(), name="screen"),
    path("screenings/<int:pk>/", screen_views.ScreeningView.as_view(), name="screening"),
    path("hits/<int:pk>/review/", screen_views.HitReviewView.as_view(), name="hit_review"),
    path("entities/<int:pk>/", screen_views.EntityView.as_view(), name="entity"),
    path("reviews/", screen_views.ReviewQueueView.as_view(), name="review_queue"),
]
