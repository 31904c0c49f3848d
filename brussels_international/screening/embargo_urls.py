"""URLs of the arms-embargo screens, under ``/admin/screening/embargoes/`` (namespace
``screening_embargoes``), registered by :mod:`.embargo_hooks`."""

from __future__ import annotations

from django.urls import path

from . import embargo_views as views

app_name = "screening_embargoes"
urlpatterns = [
    path("", views.EmbargoListView.as_view(), name="list"),
    path("add/", views.EmbargoCreateView.as_view(), name="add"),
    path("check/", views.DestinationCheckView.as_view(), name="check"),
    path("<int:pk>/", views.EmbargoDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EmbargoEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.EmbargoDeleteView.as_view(), name="delete"),
]
