"""Workspace hooks of dossier documents: their URLs (download, add, delete, restore).

The panel itself is put on dossier pages by the pages that show it (``{% dossier_documents
dossier %}``, or :class:`core.document_views.DossierInspectView` for snippets).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from wagtail import hooks

from .document_views import DocumentDeleteView, DocumentRestoreView, DocumentUploadView


@hooks.register("register_admin_urls")
def register_document_urls() -> list[Any]:
    """``/admin/dossier-documents/...`` (``/admin/documents/`` belongs to Wagtail's own documents).

    The download (``/admin/dossier-documents/<pk>/download/``) is mounted by the project's
    ``urls.py`` instead, to keep its own ``Cache-Control`` header.
    """
    return [
        path(
            "dossier-documents/add/<int:content_type_id>/<str:object_id>/",
            DocumentUploadView.as_view(),
            name="core_document_upload",
        ),
        path("dossier-documents/<int:pk>/delete/", DocumentDeleteView.as_view(), name="core_document_delete"),
        path("dossier-documents/<int:pk>/restore/", DocumentRestoreView.as_view(), name="core_document_restore"),
    ]
