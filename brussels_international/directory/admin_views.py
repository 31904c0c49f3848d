"""Workspace screens of the directory beyond the snippet screens: the staff-list import.

The import runs in two steps, as government services do for an irreversible change: the
officer uploads the HR export and sees what would change (a dry run: every error with its
row and column, or the list of changes); nothing is written until they confirm. The file
waits in the officer's session between the two steps (at most :data:`MAX_UPLOAD_BYTES`).
"""

from __future__ import annotations

import base64
import io
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .services import StaffImportError, StaffImportIssue, staff_import, staff_table_read

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SESSION_KEY = "directory-staff-import"
PERMISSION = "directory.add_person"


class StaffImportForm(forms.Form):
    """The upload of step 1."""

    file = forms.FileField(
        label=gettext_lazy("Staff list (CSV or XLSX)"),
        help_text=gettext_lazy("The export of the HR system; the columns are listed below."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        return upload


class StaffImportView(WagtailAdminTemplateMixin, FormView):  # type: ignore[type-arg]
    """Upload, preview (dry run), confirm. Needs ``directory.add_person``."""

    form_class = StaffImportForm
    template_name = "directory/admin/staff_import.html"
    page_title = gettext_lazy("Import a staff list")
    header_icon = "user"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(PERMISSION):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "confirm" in request.POST or "cancel" in request.POST:
            return self.confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: StaffImportForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = staff_table_read(io.BytesIO(data), filename=upload.name)
            report = staff_import(actor=self.request.user, rows=table.rows, columns=table.columns, dry_run=True)
        except StaffImportError as error:
            return self.render_to_response(self.get_context_data(form=form, issues=error.issues))
        token = secrets.token_urlsafe(16)
        self.request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "data": base64.b64encode(data).decode("ascii"),
        }
        return self.render_to_response(
            self.get_context_data(form=form, report=report, token=token, filename=upload.name)
        )

    def confirm(self, request: HttpRequest) -> HttpResponse:
        stored = request.session.pop(SESSION_KEY, None)
        if "cancel" in request.POST:
            messages.info(request, _("Import cancelled: nothing was changed."))
            return redirect(reverse("directory_staff_import"))
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("This preview has expired or was already used: upload the file again."))
            return redirect(reverse("directory_staff_import"))
        try:
            table = staff_table_read(io.BytesIO(base64.b64decode(stored["data"])), filename=stored["name"])
            report = staff_import(actor=request.user, rows=table.rows, columns=table.columns)
        except StaffImportError as error:  # the directory changed since the preview
            return self.render_to_response(self.get_context_data(form=self.get_form_class()(), issues=error.issues))
        messages.success(
            request,
            _("Staff list imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
            },
        )
        return redirect(reverse("wagtailsnippets_directory_person:list"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("issues", [])
        context["columns"] = STAFF_COLUMNS
        return context


STAFF_COLUMNS: list[tuple[str, bool, Any]] = [
    ("employee_number", True, gettext_lazy("identifier in the HR system; unique in the file")),
    ("given_name", True, gettext_lazy("given name")),
    ("family_name", True, gettext_lazy("family name")),
    ("unit", True, gettext_lazy("unit identifier (permits, eu-delegation, ...) or its group name")),
    ("title_fr, title_nl, title_en", False, gettext_lazy("title of the position in each language")),
    ("phone", False, gettext_lazy("phone number, any usual writing")),
    ("is_head", False, gettext_lazy("yes or no")),
    ("start_date, end_date", False, gettext_lazy("dates as YYYY-MM-DD")),
]

__all__ = ["StaffImportIssue", "StaffImportView"]
