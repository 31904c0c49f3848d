"""Workspace screens of dossier documents: download, add (upload), delete with "Undo", restore,
the documents panel any dossier page shows, and an inspect view that carries it.

Every screen answers 404 to a user who may not open the document's dossier (nobody learns
that it exists) and 403, with a page that says why, to one who may open but not change it
(add, delete, restore); anonymous users are sent to sign in (Wagtail's admin URLs require it).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import page_not_found
from django.views.generic import FormView, TemplateView
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import InspectView

from .documents import (
    ACCEPTED_TYPES_TEXT,
    document_delete,
    document_for_user,
    document_restore,
    document_upload,
    documents_for,
)
from .models import Document
from .registry import kind_for, user_can_change, user_can_view


def content_disposition(name: str) -> str:
    """``attachment`` with *name* as ``filename`` and as RFC 6266 / RFC 5987 ``filename*``.

    *name* is a sanitised ASCII name (:func:`core.documents.sanitise_name`); quotes and
    backslashes are escaped anyway, and ``filename*`` is percent-encoded UTF-8.
    """
    from urllib.parse import quote

    plain = name.replace("\\", "\\\\").replace('"', '\\"')
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stream document *pk* from storage to a user who may open its dossier (404 otherwise).

    Headers: the detected ``Content-Type``, ``Content-Disposition: attachment`` with the
    sanitised name, ``X-Content-Type-Options: nosniff``, ``Cache-Control: private, no-store``.
    Mounted by the project's ``urls.py`` (:data:`download_view`), not through Wagtail's
    ``register_admin_urls``, whose ``never_cache`` would rewrite the ``Cache-Control`` header.
    """
    found = document_for_user(request.user, pk)
    if found is None:
        return page_not_found(request, Http404(), template_name="wagtailadmin/404.html")
    document, _dossier = found
    try:
        handle = document.file.open("rb")
    except OSError:
        return page_not_found(request, Http404(), template_name="wagtailadmin/404.html")
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


download_view = require_admin_access(document_download)
"""The download view as the workspace serves it: anonymous users are sent to sign in,
users without workspace access are refused (Wagtail's ``require_admin_access``)."""


class ForbiddenView(WagtailAdminTemplateMixin, TemplateView):
    """The answer (HTTP 403) to a user who may open a record but not change its documents."""

    template_name = "core/documents/forbidden.html"
    page_title = gettext_lazy("Not allowed")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["back_url"] = self.kwargs.get("back_url", "")
        return context


def forbidden(request: HttpRequest, dossier: models.Model) -> HttpResponse:
    """A 403 page that says why and links back to *dossier*."""
    kind = kind_for(dossier)
    response = ForbiddenView.as_view()(request, back_url=kind.url(dossier) if kind else "")
    response.status_code = 403
    return response


class DocumentUploadForm(forms.Form):
    """A file and an optional title (the form of the documents panel and of the add screen)."""

    prefix = "document"

    file = forms.FileField(label=gettext_lazy("File"))
    title = forms.CharField(
        label=gettext_lazy("Title (optional)"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Shown instead of the file name, e.g. “Signed cooperation agreement 2024”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Accepted: %(types)s; at most %(limit)s.") % {
            "types": ACCEPTED_TYPES_TEXT,
            "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
        }


def _dossier_from(content_type_id: int, object_id: str) -> models.Model:
    """The record of a registered kind named by the URL, or 404."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or kind_for(model) is None:
        raise Http404
    try:
        return model._default_manager.get(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def _next_url(request: HttpRequest, dossier: models.Model | None) -> str:
    """Where to go back after an action: a safe ``next`` address, else the dossier's page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    kind = kind_for(dossier) if dossier is not None else None
    return kind.url(dossier) if kind is not None else reverse("wagtailadmin_home")


def upload_url(dossier: models.Model) -> str:
    """The address of the add screen for *dossier* (the panel's form posts there)."""
    object_type = ContentType.objects.get_for_model(dossier, for_concrete_model=False)
    return reverse("core_document_upload", args=[object_type.pk, str(dossier.pk)])


class DocumentUploadView(WagtailAdminTemplateMixin, FormView):  # type: ignore[type-arg]
    """Add a document to a dossier: the panel posts here; errors are shown here, at the top
    and next to the field. 404 if the user may not open the dossier, 403 if they may not
    change it."""

    form_class = DocumentUploadForm
    template_name = "core/documents/upload.html"
    page_title = gettext_lazy("Add a document")
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.dossier = _dossier_from(kwargs["content_type_id"], kwargs["object_id"])
        if not user_can_view(request.user, self.dossier):
            raise Http404
        if not user_can_change(request.user, self.dossier):
            return forbidden(request, self.dossier)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return str(self.dossier)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        kind = kind_for(self.dossier)
        dossier_url = kind.url(self.dossier) if kind else ""
        return [
            *self.breadcrumbs_items,
            {"url": dossier_url, "label": str(self.dossier)},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["dossier"] = self.dossier
        context["next"] = _next_url(self.request, self.dossier)
        return context

    def form_valid(self, form: DocumentUploadForm) -> HttpResponse:
        try:
            document = document_upload(
                actor=self.request.user,
                dossier=self.dossier,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_error("title" if error.code == "title" else "file", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(name)s” added to %(dossier)s.") % {"name": document.name, "dossier": self.dossier},
        )
        return redirect(_next_url(self.request, self.dossier))


class _DocumentActionView(WagtailAdminTemplateMixin, TemplateView):
    """A confirmation screen (GET) and its action (POST) on one document."""

    deleted = False
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        found = document_for_user(request.user, kwargs["pk"], deleted=self.deleted)
        if found is None:
            raise Http404(_("No such document."))
        self.document, self.dossier = found
        if not user_can_change(request.user, self.dossier):
            return forbidden(request, self.dossier)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.document.name

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        kind = kind_for(self.dossier)
        return [
            *self.breadcrumbs_items,
            {"url": kind.url(self.dossier) if kind else "", "label": str(self.dossier)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(document=self.document, dossier=self.dossier, next=_next_url(self.request, self.dossier))
        return context


class DocumentDeleteView(_DocumentActionView):
    """Ask, then delete (softly); the message after it has an "Undo" button."""

    template_name = "core/documents/delete.html"
    page_title = gettext_lazy("Delete a document")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        next_url = _next_url(request, self.dossier)
        document_delete(actor=request.user, document=self.document)
        message = render_to_string(
            "core/documents/deleted_message.html", {"document": self.document, "next": next_url}, request=request
        )
        messages.success(request, message)
        return redirect(next_url)


class DocumentRestoreView(_DocumentActionView):
    """Restore a deleted document ("Undo"); GET asks first, the message's button posts directly."""

    deleted = True
    template_name = "core/documents/restore.html"
    page_title = gettext_lazy("Restore a document")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        document_restore(actor=request.user, document=self.document)
        messages.success(request, _("“%(name)s” is back.") % {"name": self.document.name})
        return redirect(_next_url(request, self.dossier))


def documents_panel_context(request: HttpRequest, dossier: models.Model) -> dict[str, Any]:
    """What the documents panel shows for *dossier* to the user of *request*.

    An empty context (the panel shows nothing) when the user may not open the dossier.
    """
    if not user_can_view(request.user, dossier):
        return {"visible": False}
    documents: list[Document] = list(documents_for(dossier))
    can_change = user_can_change(request.user, dossier)
    return {
        "visible": True,
        "request": request,
        "dossier": dossier,
        "documents": documents,
        "can_change": can_change,
        "form": DocumentUploadForm() if can_change else None,
        "upload_url": upload_url(dossier) if can_change else "",
        "next": request.get_full_path(),
    }


class DossierInspectView(InspectView):
    """A snippet's read-only page with its documents panel below the fields.

    Use it as ``inspect_view_class`` of the snippet viewset of any registered kind.
    """

    template_name = "core/documents/dossier_inspect.html"
