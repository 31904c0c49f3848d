"""Workspace hooks of the core: the history entry that says what changed, the audit trail screen,
the deadlines panel of the home page and the calendar address screen."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .deadline_services import met_in_dossier
from .feeds import CalendarFeedView
from .models import AuditEntry
from .selectors import deadlines_for_user

MAX_VALUE_LENGTH = 200


def _short(value: Any) -> str:
    text = "—" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[: MAX_VALUE_LENGTH - 1] + "…"


def field_label(model: Any, name: str) -> str:
    """The translated label of field *name* of *model* (verbose name, or the related model's plural)."""
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        label = getattr(field, "verbose_name", None)
        if label is None and getattr(field, "related_model", None) is not None:
            label = field.related_model._meta.verbose_name_plural
        if label:
            return capfirst(str(label))
    return name


def describe_change(label: str, old: Any, new: Any) -> str:
    """One readable line: ``Label: old → new``; for lists, the items added (+) and removed (−)."""
    if isinstance(old, list) and isinstance(new, list):
        added = [f"+ {_short(item)}" for item in new if item not in old]
        removed = [f"− {_short(item)}" for item in old if item not in new]
        listed = "; ".join(removed + added) or _("order changed")
        return f"{label}: {listed}"
    return f"{label}: {_short(old)} → {_short(new)}"


@hooks.register("register_log_actions", order=100)  # after Wagtail's own, which it extends
def register_core_log_actions(actions: Any) -> None:
    """Make Wagtail's "edited" history entry list each changed field, old → new, when the
    audited edit screens (``core.admin_views``) stored the changes on it."""

    @actions.register_action("wagtail.edit")
    class ChangedFields(LogFormatter):
        label = gettext_lazy("Edit")

        def format_message(self, log_entry: Any) -> str:
            changes = (log_entry.data or {}).get("changes", {})
            if not changes:
                return _("Edited")
            model = log_entry.content_type.model_class() if log_entry.content_type_id else None
            parts = [
                describe_change(field_label(model, name), old, new) for name, (old, new) in sorted(changes.items())
            ]
            return _("Changed %(changes)s") % {"changes": " · ".join(parts)}


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only "view" can ever be granted, to superusers too: the audit trail is written by services."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return "view" in actions and super().user_has_permission(user, "view")


register_permission_policy(AuditEntry, ReadOnlyPermissionPolicy(AuditEntry))


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
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "actor_label",
        "verb",
        "object_type",
        "object_id",
        "object_repr",
        "changes_display",
    ]
    ordering = ["-created_at"]


register_snippet(AuditEntryViewSet)


class DeadlinesPanel(Component):
    """Workspace home panel: the user's open deadlines (own and unit's): overdue, this week, later."""

    name = "deadlines"
    template_name = "core/deadlines_panel.html"
    order = 50

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        request = parent_context["request"]
        lists = deadlines_for_user(request.user, today=timezone.localdate())
        markable = {d.pk for items in lists.values() for d in items if not met_in_dossier(d)}
        return {
            "request": request,
            "markable": markable,  # the others are met in their dossier (no "Mark as done")
            "heading": _("My deadlines"),
            "sections": [
                ("overdue", _("Overdue"), lists["overdue"]),
                ("this_week", _("Due within 7 days"), lists["this_week"]),
                ("later", _("Later"), lists["later"]),
            ],
        }


@hooks.register("construct_homepage_panels")
def add_deadlines_panel(request: Any, panels: list[Any]) -> None:
    """Put the deadlines panel first on the workspace home."""
    panels.insert(0, DeadlinesPanel())


@hooks.register("register_admin_urls")
def register_calendar_feed_url() -> list[Any]:
    """The screen where a person shows, renews or revokes their calendar address."""
    return [path("calendar/", CalendarFeedView.as_view(), name="core_calendar_feed")]


# The hooks of the other core parts live in their own modules; importing them registers them.
from . import hooks_documents, hooks_notifications, hooks_otp, hooks_search  # noqa: E402,F401
