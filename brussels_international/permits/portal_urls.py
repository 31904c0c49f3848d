"""URLs of the applicant portal, mounted at ``/<language>/portal/`` (namespace ``portal``).

Views live in ``portal_views.py`` (account, registration, application drafts and submission)
and ``portal_case_views.py`` (after submission: status, requests for information, decision,
licence PDF, licence-use reports).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import portal_case_views, portal_stub_views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    # TEMPORARY stubs (portal_stub_views.py): replaced by the portal helper's real views at merge.
    path("", portal_stub_views.home_stub, name="home"),
    path("sign-in/", portal_stub_views.login_stub, name="login"),
    path("sign-out/", portal_stub_views.logout_stub, name="logout"),
    # After submission (portal_case_views.py).
    path("applications/<int:pk>/status/", portal_case_views.application_view, name="application"),
    path("applications/<int:pk>/documents/add/", portal_case_views.document_add_view, name="document_add"),
    path("applications/<int:pk>/withdraw/", portal_case_views.withdraw_view, name="withdraw"),
    path("applications/<int:pk>/licence.pdf", portal_case_views.licence_pdf_view, name="licence_pdf"),
    path("applications/<int:pk>/refusal.pdf", portal_case_views.refusal_pdf_view, name="refusal_pdf"),
    path("applications/<int:pk>/shipments/", portal_case_views.use_report_view, name="use_report"),
    path("requests/<int:pk>/answer/", portal_case_views.answer_view, name="answer"),
]
