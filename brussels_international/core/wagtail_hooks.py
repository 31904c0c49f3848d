"""Workspace hooks of the core: the history entry that says what changed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import AuditEntry


def _short(value: Any) -> str:
    text = "—" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


@hooks.register("register_log_actions")
def register_core_log_actions(actions: Any) -> None:
    """Register ``bi.changed``: an edit whose message lists each changed field, old → new."""

    @actions.register_action("bi.changed")
    class ChangedFields(LogFormatter):
        label = gettext_lazy("Changed")

        def format_message(self, log_entry: Any) -> str:
            changes = (log_entry.data or {}).get("changes", {})
            if not changes:
                return _("Edited")
            parts = [f"{field}: {_short(old)} → {_short(new)}" for field, (old, new) in sorted(changes.items())]
            return _("Changed %(changes)s") % {"changes": "; ".join(parts)}


class AuditEntryViewSet(SnippetViewSet):
    """The audit trail, read-only (only the Administrator group has ``core.view_auditentry``)."""

    model = AuditEntry
    icon = "history"
    menu_label = gettext_lazy("Audit trail")
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["created_at", "actor_label", "verb", "object_repr"]
    list_filter = ["verb", "object_type"]
    search_fields = ["object_repr", "actor_label"]
    inspect_view_enabled = True
    inspect_view_fields = ["created_at", "actor_label", "verb", "object_type", "object_id", "object_repr", "payload"]
    ordering = ["-created_at"]


register_snippet(AuditEntryViewSet)
