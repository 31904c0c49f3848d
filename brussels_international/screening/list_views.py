"""Workspace screens of the sanctions lists (``/admin/screening/lists/``, namespace ``screening``):
the status of every list (active version, counts, last failed load) and a version's page with
what it added, changed and removed. Both need ``screening.view_listversion`` (checked here, on
the server). Lists are loaded by the ``screening_load`` and ``screening_refresh`` commands.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .list_selectors import DIFF_KINDS, list_status_rows, list_versions, source_label
from .models import ListVersion

VIEW_LISTS = "screening.view_listversion"
PAGE_SIZE = 50
DIFF_LABELS = {
    "added": gettext_lazy("Added"),
    "changed": gettext_lazy("Changed"),
    "removed": gettext_lazy("Removed"),
}


class _ListScreen(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(VIEW_LISTS):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class ListStatusView(_ListScreen):
    """One row per list: active version, published date, loaded at, counts, last failed load."""

    template_name = "screening/lists.html"
    page_title = gettext_lazy("Sanctions lists")

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = list_status_rows()
        return context


class ListVersionView(_ListScreen):
    """A version's facts and its changes against the version active before it, one kind
    (``?kind=added|changed|removed``) at a time, 50 a page (``?p=``); the list's other versions."""

    template_name = "screening/list_version.html"

    def get_version(self) -> ListVersion:
        if not hasattr(self, "_version"):
            self._version = get_object_or_404(ListVersion, pk=self.kwargs["pk"])
        return self._version

    def get_page_title(self) -> str:
        return source_label(self.get_version().source)

    def get_page_subtitle(self) -> str:
        return f"{self.get_version().loaded_at:%Y-%m-%d %H:%M}"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("screening:lists"), "label": gettext_lazy("Sanctions lists")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = self.get_version()
        diff = version.diff or {}
        kind = self.request.GET.get("kind", "")
        if kind not in DIFF_KINDS:
            kind = next((k for k in DIFF_KINDS if diff.get(k)), DIFF_KINDS[0])
        page = Paginator(diff.get(kind, []), PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            version=version,
            kind=kind,
            kinds=[(k, DIFF_LABELS[k], len(diff.get(k, []))) for k in DIFF_KINDS],
            page=page,
            history=list_versions(version.source)[:20],
        )
        return context
