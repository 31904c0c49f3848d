"""Read helpers of the core: the audit trail and status history of an object."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry, StatusChange


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
