"""Reads of the Permits unit's casework screens: the queues, a case's timeline, the officers who
may manage cases, the registrations and the denial records.

Every list is one query for the page plus one count, whatever the number of cases: rows come
with their organisation and case manager (``select_related``), and nothing on a row reads the
database again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from brussels_international.core.models import AuditEntry
from brussels_international.core.registry import AnyUser

from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    DenialNotification,
    Organisation,
    OrganisationStatus,
)
from .selectors import applications_visible_to

S = ApplicationStatus


@dataclass(frozen=True)
class Queue:
    """One tab of the case queue."""

    key: str
    label: Any


QUEUES = (
    Queue("unassigned", _("Unassigned")),
    Queue("mine", _("My cases")),
    Queue("open", _("All open")),
    Queue("waiting", _("Waiting for applicant")),
    Queue("countersign", _("Decision to countersign")),
    Queue("closed", _("Closed")),
)
"""The tabs of the queue, in display order; the first is the default."""

QUEUE_KEYS = tuple(queue.key for queue in QUEUES)
TIMELINE_LIMIT = 300
"""Entries shown at most on a case's timeline (the newest)."""


def case_queue(user: AnyUser, key: str) -> QuerySet[Application]:
    """The cases of queue *key* that *user* may open, with organisation and case manager loaded.

    - ``unassigned``: open cases without a case manager;
    - ``mine``: open cases whose case manager is *user*;
    - ``open``: every open case (:data:`~permits.models.OPEN_STATUSES`);
    - ``waiting``: cases waiting for the applicant's answer;
    - ``countersign``: proposed decisions that someone other than *user* proposed (four eyes);
    - ``closed``: decided, withdrawn and later statuses, latest decision first.

    Open queues are ordered by decision due date (cases without one last), then reference.

    Raises:
        KeyError: unknown *key* (the view offers only :data:`QUEUE_KEYS`).
    """
    cases = applications_visible_to(user).select_related("organisation", "case_manager")
    open_cases = cases.filter(status__in=OPEN_STATUSES)
    pk = getattr(user, "pk", None)
    chosen = {
        "unassigned": lambda: open_cases.filter(case_manager__isnull=True),
        "mine": lambda: open_cases.filter(case_manager_id=pk),
        "open": lambda: open_cases,
        "waiting": lambda: cases.filter(status=S.WAITING_FOR_APPLICANT),
        "countersign": lambda: cases.filter(status=S.DECISION_PROPOSED).exclude(proposed_by_id=pk),
        "closed": lambda: cases.exclude(status__in=(*OPEN_STATUSES, S.DRAFT)),
    }[key]()
    if key == "closed":
        return chosen.order_by("-decided_at", "-pk")  # every closed case has it (decision or withdrawal)
    return chosen.order_by(F("due_date").asc(nulls_last=True), "reference", "pk")


def days_left(due: dt.date | None, today: dt.date) -> int | None:
    """Calendar days from *today* to *due* (negative when overdue), or ``None`` without a due date."""
    return None if due is None else (due - today).days


def officers() -> QuerySet[User]:
    """Active users who may manage licence cases (``permits.assess_application`` through a group
    or their own permissions, or superusers), by name."""
    perm = Q(codename="assess_application", content_type__app_label="permits")
    holds = (
        Q(is_superuser=True)
        | Q(groups__permissions__codename="assess_application", groups__permissions__content_type__app_label="permits")
        | Q(user_permissions__in=_permissions(perm))
    )
    return User.objects.filter(is_active=True).filter(holds).distinct().order_by("last_name", "first_name", "username")


def _permissions(condition: Q) -> QuerySet[Any]:
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition)


def case_timeline(application: Application) -> list[AuditEntry]:
    """What happened on *application*, newest first (at most :data:`TIMELINE_LIMIT`): the audit
    entries about the application itself (changes, status moves) and about its children
    (requests for information, consultations, classifications, assessments, notes, the licence
    or denial), which carry the application as their target. One query."""
    kind = ContentType.objects.get_for_model(Application)
    key = str(application.pk)
    return list(
        AuditEntry.objects.filter(Q(object_type=kind, object_id=key) | Q(target_type=kind, target_id=key))
        .select_related("object_type")
        .order_by("-created_at", "-pk")[:TIMELINE_LIMIT]
    )


def registrations() -> QuerySet[Organisation]:
    """Every applicant organisation, the pending registrations first, each part by name."""
    return Organisation.objects.annotate(
        pending_first=Case(
            When(status=OrganisationStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("pending_first", "name", "pk")


def denial_records() -> QuerySet[DenialNotification]:
    """The denial notifications, newest first, with their application."""
    return DenialNotification.objects.select_related("application").order_by("-denied_on", "-pk")
