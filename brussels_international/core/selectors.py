"""Read helpers of the core: the audit trail and status history of an object, deadlines, notifications."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
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


def open_deadlines_for_user(user: User) -> QuerySet[Deadline]:
    """The open deadlines of *user*: their own and their groups' (units'), by due date."""
    return (
        Deadline.objects.filter(status=DeadlineStatus.OPEN)
        .filter(models.Q(responsible_user=user) | models.Q(responsible_group__in=user.groups.all()))
        .select_related("responsible_user", "responsible_group")
        .order_by("due_date", "id")
    )


def deadlines_for_user(user: User, *, today: dt.date) -> dict[str, list[Deadline]]:
    """*user*'s open deadlines split as the workspace home shows them.

    Returns:
        ``{"overdue": due before *today*, "this_week": due from *today* to *today* + 7
        calendar days included, "later": the rest}``, each ordered by due date.
    """
    week_end = today + dt.timedelta(days=7)
    lists: dict[str, list[Deadline]] = {"overdue": [], "this_week": [], "later": []}
    for deadline in open_deadlines_for_user(user):
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
