"""Reads of the correspondence module: which letters a user may see, a letter's timeline."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from brussels_international.core.models import AuditEntry, StatusChange
from brussels_international.core.registry import AnyUser
from brussels_international.core.selectors import audit_entries_for, status_history_for

from .models import Letter, LetterStatus


def letters_visible_to(user: AnyUser) -> QuerySet[Letter]:
    """The letters *user* may open.

    - without ``correspondence.view_letter``: none;
    - with ``correspondence.view_all_letter`` (Director, Administrator, superusers): all;
    - otherwise the letters of the units whose workspace group the user belongs to
      (``Unit.staff_group``) and the letters assigned to the user.
    """
    if not getattr(user, "is_authenticated", False) or not user.has_perm("correspondence.view_letter"):
        return Letter.objects.none()
    if user.has_perm("correspondence.view_all_letter"):
        return Letter.objects.all()
    groups = user.groups.values("name")  # a subquery: no query of its own
    return Letter.objects.filter(Q(unit__staff_group__in=groups) | Q(assigned_to_id=user.pk))


def letter_list(user: AnyUser, *, status: str = "") -> QuerySet[Letter]:
    """Letters *user* may open, optionally of one status, with unit and officer loaded, newest first."""
    letters = letters_visible_to(user).select_related("unit", "assigned_to", "deadline")
    if status:
        letters = letters.filter(status=status)
    return letters.order_by("-received_on", "-id")


def letter_timeline(letter: Letter) -> list[dict[str, Any]]:
    """What happened to *letter*, oldest first: audit entries (registration, changes, status moves).

    Each item: ``{"when": datetime, "who": str, "entry": AuditEntry, "move": "received → assigned"
    (translated status labels; empty for entries that are not status changes)}``.
    """
    entries: list[AuditEntry] = list(audit_entries_for(letter))
    labels = dict(LetterStatus.choices)

    def move(entry: AuditEntry) -> str:
        payload = entry.payload or {}
        if "to" not in payload:
            return ""
        source, target = str(payload.get("from", "")), str(payload["to"])
        return f"{labels.get(source, source)} → {labels.get(target, target)}"

    return [{"when": e.created_at, "who": e.actor_label or "—", "entry": e, "move": move(e)} for e in reversed(entries)]


def letter_status_history(letter: Letter) -> QuerySet[StatusChange]:
    """The status changes of *letter*, oldest first."""
    return status_history_for(letter)
