"""URLs of the applicant portal, mounted at ``/<language>/portal/`` (namespace ``portal``).

Views live in ``portal_views.py`` (account, registration, application drafts and submission)
and ``portal_case_views.py`` (after submission: status, requests for information, decision,
licence PDF, licence-use reports).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = []
