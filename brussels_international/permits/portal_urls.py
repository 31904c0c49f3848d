"""URLs of the applicant portal, mounted at ``/<language>/portal/`` (namespace ``portal``).

Views live in ``portal_views.py`` (account, registration, application drafts and submission)
and ``portal_case_views.py`` (after submission: status, requests for information, decision,
licence PDF, licence-use reports).

Drafts live under ``drafts/<pk>/`` (the task list and one page per task); a submitted
application's page is ``portal:application`` (``portal_case_views.py``).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import portal_case_views
from . import portal_views as views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home_view, name="home"),
    path("sign-in/", views.LoginView.as_view(), name="login"),
    path("sign-out/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register_view, name="register"),
    path("register/received/", views.registration_received_view, name="registration_received"),
    path("organisation/", views.organisation_view, name="organisation"),
    path("organisation/members/<int:pk>/remove/", views.member_remove_view, name="member_remove"),
    path("control-lists/", views.control_lists_view, name="control_lists"),
    path("drafts/new/", views.start_view, name="application_start"),
    path("drafts/<int:pk>/", views.draft_view, name="draft"),
    path("drafts/<int:pk>/delete/", views.draft_delete_view, name="draft_delete"),
    path("drafts/<int:pk>/licence-type/", views.licence_type_view, name="draft_licence_type"),
    path("drafts/<int:pk>/goods/", views.goods_view, name="draft_goods"),
    path("drafts/<int:pk>/goods/add/", views.goods_add_view, name="draft_goods_add"),
    path("drafts/<int:pk>/goods/control-list/", views.goods_code_view, name="draft_goods_code"),
    path("drafts/<int:pk>/goods/<int:line>/", views.goods_edit_view, name="draft_goods_edit"),
    path("drafts/<int:pk>/goods/<int:line>/remove/", views.goods_remove_view, name="draft_goods_remove"),
    path("drafts/<int:pk>/parties/", views.parties_view, name="draft_parties"),
    path("drafts/<int:pk>/parties/add/", views.party_add_view, name="draft_party_add"),
    path("drafts/<int:pk>/parties/<int:party>/", views.party_edit_view, name="draft_party_edit"),
    path("drafts/<int:pk>/parties/<int:party>/remove/", views.party_remove_view, name="draft_party_remove"),
    path("drafts/<int:pk>/end-use/", views.end_use_view, name="draft_end_use"),
    path("drafts/<int:pk>/documents/", views.documents_view, name="draft_documents"),
    path("drafts/<int:pk>/documents/<int:document>/remove/", views.document_remove_view, name="draft_document_remove"),
    path("drafts/<int:pk>/check/", views.check_view, name="draft_check"),
    path("submitted/<int:pk>/", views.submitted_view, name="submitted"),
    # After submission (portal_case_views.py).
    path("applications/<int:pk>/", portal_case_views.application_view, name="application"),
    path("applications/<int:pk>/documents/add/", portal_case_views.document_add_view, name="document_add"),
    path("applications/<int:pk>/withdraw/", portal_case_views.withdraw_view, name="withdraw"),
    path("applications/<int:pk>/licence.pdf", portal_case_views.licence_pdf_view, name="licence_pdf"),
    path("applications/<int:pk>/refusal.pdf", portal_case_views.refusal_pdf_view, name="refusal_pdf"),
    path("applications/<int:pk>/shipments/", portal_case_views.use_report_view, name="use_report"),
    path("requests/<int:pk>/answer/", portal_case_views.answer_view, name="answer"),
]
