"""Read helpers of the core: the audit trail and status history of an object, deadlines, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry, Deadline, DeadlineStatus, Notification, StatusChange


def audit_entries_for(obj: models.Model) -> QuerySet[AuditEntry]:
    """Return the audit entries about *obj*, newest first, with their actor loaded."""
    return AuditEntry.objects.filter(
        object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")


def status_history_for(obj: models.Model) -> QuerySet[StatusChange]:
    """Return the status changes of *obj*, oldest first."""
    return StatusChange.objects.filter(
        object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


HeadedGroups = Callable[[User], QuerySet[Group]]
_HEADED_GROUPS: list[HeadedGroups] = []


def register_headed_groups(provider: HeadedGroups) -> None:
    """Register a function ``provider(user) -> QuerySet[Group]`` giving the groups (units) *user*
    heads. The directory registers one (heads of unit from its roles); the core does not read
    the directory's tables itself (ARCHITECTURE.md, "Layout")."""
    if provider not in _HEADED_GROUPS:
        _HEADED_GROUPS.append(provider)


def groups_headed_by(user: User) -> list[QuerySet[Group]]:
    """The querysets of groups *user* heads, one per registered provider (not evaluated)."""
    return [provider(user) for provider in _HEADED_GROUPS]


def open_deadlines_for_user(user: User, *, include_staff: bool = True) -> QuerySet[Deadline]:
    """The open deadlines *user* sees, by due date: their own (they are the responsible person), their
    units' that nobody in particular holds yet (a group responsible, no person), and, for a head of
    unit (unless *include_staff* is false), every deadline of the unit: the unit's own and those of
    each member of its group. A colleague's deadline is not an officer's. One query (the groups are
    subqueries)."""
    seen = models.Q(responsible_user=user) | models.Q(
        responsible_group__in=user.groups.all(), responsible_user__isnull=True
    )
    for headed in groups_headed_by(user) if include_staff else []:
        members = User.objects.filter(groups__in=headed).values("pk")
        seen |= models.Q(responsible_group__in=headed) | models.Q(responsible_user__in=members)
    return (
        Deadline.objects.filter(status=DeadlineStatus.OPEN)
        .filter(seen)
        .select_related("responsible_user", "responsible_group")
        .order_by("due_date", "id")
    )


def deadlines_for_user(user: User, *, today: dt.date, include_staff: bool = True) -> dict[str, list[Deadline]]:
    """*user*'s open deadlines split as the workspace home shows them (with their staff's for a
    head of unit, unless *include_staff* is false: see :func:`open_deadlines_for_user`).

    Returns:
        ``{"overdue": due before *today*, "this_week": due from *today* to *today* + 7
        calendar days included, "later": the rest}``, each ordered by due date.
    """
    week_end = today + dt.timedelta(days=7)
    lists: dict[str, list[Deadline]] = {"overdue": [], "this_week": [], "later": []}
    for deadline in open_deadlines_for_user(user, include_staff=include_staff):
        if deadline.due_date < today:
            lists["overdue"].append(deadline)
        elif deadline.due_date <= week_end:
            lists["this_week"].append(deadline)
        else:
            lists["later"].append(deadline)
    return lists


def notifications_for_user(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """*user*'s notifications: unread first, then newest first (only the unread with *unread_only*)."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    unread_first = models.Case(models.When(read_at__isnull=True, then=0), default=1)
    return notifications.order_by(unread_first, "-created_at", "-id")


def unread_notification_count(user: User) -> int:
    """How many of *user*'s notifications are unread (one ``COUNT`` query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
