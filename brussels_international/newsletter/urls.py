"""Public routes of the newsletter, inside the language prefix (``/fr/newsletter/…``).

The bounce webhook is not language-bound: see :data:`webhook_urlpatterns` (``/newsletter/webhooks/…``).
"""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("subscribe/", views.subscribe_view, name="subscribe"),
    path("confirm/<str:token>/", views.confirm_view, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences_view, name="preferences"),
    path("data/download/<str:token>/", views.data_download_view, name="data_download"),
    path("data/erase/<str:token>/", views.data_erase_view, name="data_erase"),
]

webhook_urlpatterns = [
    path("bounces/", views.bounce_webhook_view, name="newsletter_bounce_webhook"),
]
