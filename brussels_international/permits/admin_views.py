"""Workspace screens of the control lists: the current versions with a search, a list's tree,
an entry's page. Every screen needs ``permits.view_controllistentry`` (checked here, on the server).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import EntryKind, Regime
from .selectors import (
    TreeNode,
    control_list_entry,
    control_list_search,
    control_list_tree,
    current_versions,
    entry_ancestors,
)


class _ControlListView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "list-ul"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("permits.view_controllistentry"):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def regime(self) -> str:
        regime = self.kwargs["regime"]
        if regime not in Regime.values:
            raise Http404
        return str(regime)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("permits:control_lists"), "label": gettext_lazy("Control lists")},
        ]


class ControlListsView(_ControlListView):
    """The current version of each list (counts) and the search box with its results."""

    template_name = "permits/control_lists.html"
    page_title = gettext_lazy("Control lists")

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        regime = self.request.GET.get("regime", "")
        if regime not in Regime.values:
            regime = ""
        context.update(
            versions=list(current_versions()),
            query=query,
            regime=regime,
            regimes=Regime.choices,
            results=control_list_search(query, regime or None) if query else None,
        )
        return context


class ControlListTreeView(_ControlListView):
    """A list as a tree: categories with their entries; with ``?code=`` a prefix, the matching
    rows with every paragraph and note under them."""

    template_name = "permits/control_list_tree.html"

    def get_page_title(self) -> str:
        return str(Regime(self.regime()).label)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        code = self.request.GET.get("code", "").strip()[:64]
        context.update(
            regime=self.regime(), code=code, roots=control_list_tree(self.regime(), code_prefix=code), full=bool(code)
        )
        return context


class ControlListEntryView(_ControlListView):
    """One row by code: its place in the tree, its text and everything under it."""

    template_name = "permits/control_list_entry.html"

    def get_page_title(self) -> str:
        return str(self.kwargs["code"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            entry = control_list_entry(self.kwargs["code"], self.regime())
        except ValidationError as error:
            raise Http404(error.messages[0]) from error
        subtree = control_list_tree(self.regime(), code_prefix=entry.code)
        node = next((node for node in subtree if node.entry.pk == entry.pk), TreeNode(entry))
        context.update(
            regime=self.regime(),
            entry=entry,
            node=node,
            ancestors=entry_ancestors(entry),
            note_kind=EntryKind.NOTE,
        )
        return context
