"""Shared records: the audit trail and the status changes of every case model."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin


class AuditVerb(models.TextChoices):
    """What happened to an object (the verbs of the audit trail)."""

    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    DELETED = "deleted", _("deleted")
    STATUS_CHANGED = "status_changed", _("status changed")
    IMPORTED = "imported", _("imported")
    LOADED = "loaded", _("loaded from reference data")
    RETRIED = "retried", _("run again")
    TEST_SENT = "test_sent", _("test sent")


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


class NumberSequence(models.Model):
    """The last number given in a gap-free yearly sequence (letter references, licence numbers).

    Advanced only by :func:`core.sequences.sequence_next`, which locks the row, so two
    concurrent transactions never get the same number and a rolled-back one leaves no gap.
    """

    key = models.CharField(_("sequence"), max_length=64)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="number_sequence_unique_key_year")]
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key} {self.year}: {self.last}"


def documents_storage() -> Any:
    """The storage of dossier attachments: ``storages["documents"]``, looked up at each use.

    A proxy rather than the storage itself, so that a change of ``STORAGES`` (tests, the
    ``settings`` fixture) takes effect without reloading the model (``FileField`` calls a
    storage callable only once, when the model is defined).
    """
    from .document_storage import DocumentsStorage

    return DocumentsStorage()


class DocumentTextStatus(models.TextChoices):
    """Where the extraction of a document's text (for search) stands."""

    PENDING = "pending", _("waiting for extraction")
    EXTRACTED = "extracted", _("text extracted")
    NONE = "none", _("no text")
    FAILED = "failed", _("extraction failed")


class DocumentQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Documents, searchable with the workspace's search backend (``.search("words")``)."""


class Document(index.Indexed, models.Model):
    """A file attached to a dossier: any record of a kind registered in :mod:`core.registry`.

    Written only by the services of :mod:`core.documents` (upload, delete, restore); the file
    lives in the ``documents`` storage under a random name, and is served only by the
    workspace download view to users who may open the dossier. ``name`` is the sanitised file
    name (extension from the detected type), ``text`` the text extracted from a PDF or text
    file for search. Deleting sets ``deleted_at`` (the file stays in storage: "Undo").
    """

    # Not "object_type"/"object_id": the search index's maintenance annotates "object_id" on
    # every indexed model (modelsearch), which a field of that name would clash with.
    dossier_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    dossier_id = models.CharField(_("record id"), max_length=64)
    dossier = GenericForeignKey("dossier_type", "dossier_id", for_concrete_model=False)
    file = models.FileField(_("file"), storage=documents_storage, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    title = models.CharField(_("title"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    text = models.TextField(_("text"), blank=True)
    text_status = models.CharField(
        _("text extraction"), max_length=16, choices=DocumentTextStatus.choices, default=DocumentTextStatus.PENDING
    )
    text_note = models.CharField(_("text extraction note"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    objects = DocumentQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.SearchField("title", boost=2),
        index.SearchField("text"),
        index.AutocompleteField("name"),
        index.AutocompleteField("title"),
        index.FilterField("dossier_type"),
        index.FilterField("dossier_id"),
        index.FilterField("deleted_at"),
        index.FilterField("uploaded_at"),
    ]

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["dossier_type", "dossier_id", "-uploaded_at"])]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title or self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


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


class ReminderDigestSent(models.Model):
    """That a person's deadline digest of a given day was sent: a second run of the same day (the
    command after the scheduled run, a retry) sends nothing more. Written by
    :func:`core.tasks.send_deadline_reminder_mail` in the transaction that sends the mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reminder_digest_once_a_day")]
        verbose_name = _("reminder digest sent")
        verbose_name_plural = _("reminder digests sent")

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
