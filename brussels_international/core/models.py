"""Shared records: the audit trail and the status changes of every case model."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditVerb(models.TextChoices):
    """What happened to an object (the verbs of the audit trail)."""

    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    DELETED = "deleted", _("deleted")
    STATUS_CHANGED = "status_changed", _("status changed")
    IMPORTED = "imported", _("imported")
    LOADED = "loaded", _("loaded from reference data")
    RETRIED = "retried", _("run again")


class AuditEntry(models.Model):
    """One row of the audit trail: *actor* did *verb* to *object* (optionally about *target*).

    ``payload`` holds the details as JSON, for updates ``{"changes": {field: [old, new]}}``.
    Written only by :func:`brussels_international.core.services.audit_record`, inside the
    transaction of the change it describes. Pattern: uktrade/lite-api ``audit_trail``.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        _("who"), max_length=150, blank=True, help_text=_("Who acted, kept if the user is deleted.")
    )
    verb = models.CharField(_("what"), max_length=32, choices=AuditVerb.choices)
    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=255)
    object = GenericForeignKey("object_type", "object_id")
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def changes_display(self) -> str:
        """The payload as people read it: one "field: old → new" line per change, then other details."""

        def shown(value: object) -> str:
            if isinstance(value, list):
                return ", ".join(shown(v) for v in value) or "—"
            return "—" if value in (None, "") else str(value)

        payload = dict(self.payload or {})
        changes = sorted((payload.pop("changes", {}) or {}).items())
        lines = [f"{field}: {shown(old)} → {shown(new)}" for field, (old, new) in changes]
        lines += [f"{key}: {value}" for key, value in sorted(payload.items())]
        return "\n".join(lines) or "—"

    changes_display.short_description = _("details")  # type: ignore[attr-defined]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at) if self.created_at else None
        return f"{when:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.verb} {self.object_repr}"


class StatusChange(models.Model):
    """One status change of a case object, written by :func:`core.workflow.transition` only.

    Pattern: healthchecks ``Flip``: every change of status is a row.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object = GenericForeignKey("object_type", "object_id")
    from_status = models.CharField(max_length=64)
    to_status = models.CharField(max_length=64)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class DeadlineCounting(models.TextChoices):
    """How a time limit is counted."""

    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")


class Deadline(models.Model):
    """A dated obligation that someone must meet: a statutory time limit, a report due date.

    Registered by a module through :func:`core.deadline_services.deadline_register`; shown
    on the workspace home, in the person's iCal feed and in reminder mails. The responsible
    is a user, a group (a unit), or both (a database constraint requires at least one).
    """

    title = models.CharField(_("what"), max_length=255)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    due_date = models.DateField(_("due date"), db_index=True)
    counting = models.CharField(_("counted in"), max_length=16, choices=DeadlineCounting.choices, blank=True)
    days = models.PositiveIntegerField(_("number of days"), null=True, blank=True)
    start_date = models.DateField(_("counted from"), null=True, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
        verbose_name=_("responsible person"),
    )
    responsible_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
        verbose_name=_("responsible unit"),
    )
    object_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    dossier = GenericForeignKey("object_type", "object_id")
    url = models.CharField(_("link to the dossier"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN, db_index=True
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(responsible_user__isnull=False) | models.Q(responsible_group__isnull=False),
                name="deadline_has_responsible",
            )
        ]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.due_date:%Y-%m-%d} {self.title}"


class CalendarFeedToken(models.Model):
    """The secret of a person's iCal feed (``/calendar/<token>.ics``); one live token per user.

    Created and revoked by :func:`core.deadline_services.calendar_token_create` and
    ``calendar_token_revoke``; a revoked token answers 404.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class Notification(models.Model):
    """One message to one person: shown in the workspace's notifications list and (usually) mailed.

    Created only by :func:`core.notifications.notify`, in the transaction of the change it
    announces. ``title`` and ``body`` are rendered once, in the recipient's language, from the
    templates of its ``kind`` (``core/notifications/<kind>/``). ``read_at`` is empty while unread.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("from"),
    )
    object_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("object_type", "object_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __str__(self) -> str:
        return self.title
