"""The documents panel of a dossier page: ``{% load dossier_documents %}{% dossier_documents dossier %}``."""

from __future__ import annotations

from typing import Any

from django import template

from ..document_views import documents_panel_context
from ..documents import file_type_for
from ..models import Document

register = template.Library()


@register.inclusion_tag("core/documents/panel.html", takes_context=True)
def dossier_documents(context: dict[str, Any], dossier: Any) -> dict[str, Any]:
    """The documents of *dossier* (name, type, size, who and when, download link), with the
    upload form and delete buttons for users who may change the dossier; nothing for users
    who may not open it. Needs ``request`` in the context (every workspace page has it)."""
    return documents_panel_context(context["request"], dossier)


@register.filter
def document_type_label(document: Document) -> str:
    """The short name of *document*'s type ("PDF", "Word"...)."""
    file_type = file_type_for(document.content_type)
    return str(file_type.short_label) if file_type else document.content_type
