"""The workspace search screen (``/admin/search/``): one box over every kind of record.

The sidebar's search box leads here: ``core/hooks_search.py`` registers this screen as the
first of Wagtail's "search areas" (the sidebar searches the first area the user may see);
the other areas (pages, images, documents, users) stay one click away under "Other searches".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .registry import record_kinds
from .search import MAX_QUERY_LENGTH, workspace_search


class WorkspaceSearchView(WagtailAdminTemplateMixin, TemplateView):
    """Results of ``?q=`` grouped by kind, first hits of each with a "show all" link; with
    ``&kind=<key>``, every result of that kind, 20 a page (``&p=<page>``). An unknown kind
    searches every kind; an empty query shows the box alone."""

    template_name = "core/search.html"
    page_title = gettext_lazy("Search")
    header_icon = "search"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        known = {kind.key for kind in record_kinds()}
        kind = params.get("kind") if params.get("kind") in known else None
        query = params.get("q", "")
        results = workspace_search(user=self.request.user, query=query, kind=kind, page=params.get("p", 1))
        base = reverse("core_search")
        context.update(
            results=results,
            max_length=MAX_QUERY_LENGTH,
            all_kinds_url=f"{base}?{urlencode({'q': results.query})}",
            groups=[
                (group, f"{base}?{urlencode({'q': results.query, 'kind': group.key})}") for group in results.groups
            ],
        )
        return context
