"""An incoming letter: who wrote, about what, which unit answers, by when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class LetterStatus(models.TextChoices):
    """Where a letter is in its handling (the graph is ``workflow.TRANSITIONS``)."""

    RECEIVED = "received", _("received")
    ASSIGNED = "assigned", _("assigned")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class Letter(index.Indexed, models.Model):
    """A letter or e-mail received by the directorate that calls for an answer.

    Registered by :func:`correspondence.services.letter_register`, which gives the reference
    (``COR-<year>-<nnnn>``, gap-free per year of receipt) and registers the reply deadline.
    Visible to the staff of its unit, to the Director and to administrators
    (:func:`correspondence.selectors.letters_visible_to`).
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    sender_name = models.CharField(_("sender"), max_length=200)
    sender_organisation = models.CharField(_("sender's organisation"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("summary"), blank=True)
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="letters", verbose_name=_("unit that answers")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
        verbose_name=_("officer in charge"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LetterStatus.choices, default=LetterStatus.RECEIVED, db_index=True
    )
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    search_fields = [
        index.SearchField("reference"),
        index.SearchField("subject"),
        index.SearchField("sender_name"),
        index.SearchField("sender_organisation"),
        index.SearchField("summary"),
        index.AutocompleteField("subject"),
        index.FilterField("unit_id"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["-received_on", "-id"]
        permissions = [
            ("view_all_letter", "Can see the letters of every unit"),
            ("assign_letter", "Can assign letters and close them"),
        ]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"
