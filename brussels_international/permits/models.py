"""The control lists as dated reference data: one :class:`ControlListVersion` per loaded file,
its rows as a tree of :class:`ControlListEntry`.

Written only by the loaders of :mod:`permits.services`; read through :mod:`permits.selectors`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class Regime(models.TextChoices):
    """Which control list a version belongs to."""

    MILITARY = "military", _("EU Common Military List")
    DUAL_USE = "dual_use", _("Dual-use items (Annex I, Regulation (EU) 2021/821)")


class EntryKind(models.TextChoices):
    """What a row of a control list is."""

    CATEGORY = "category", _("category")
    PRODUCT_GROUP = "product_group", _("product group")
    ENTRY = "entry", _("entry")
    PARAGRAPH = "paragraph", _("paragraph")
    NOTE = "note", _("note")


class ControlListVersion(models.Model):
    """One loaded edition of a control list (regime), valid from a date.

    At most one version per regime is current (database constraint); a loader makes its new
    version current only once the whole file is loaded, in the same transaction.
    """

    regime = models.CharField(_("control list"), max_length=16, choices=Regime.choices)
    title = models.CharField(_("title"), max_length=255)
    source = models.CharField(_("source"), max_length=500, help_text=_("File name or address loaded."))
    valid_from = models.DateField(_("valid from"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("control list version")
        verbose_name_plural = _("control list versions")
        ordering = ["regime", "-valid_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime"], condition=Q(is_current=True), name="permits_one_current_version_per_regime"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.valid_from:%Y-%m-%d})"


class ControlListEntry(index.Indexed, models.Model):
    """One row of a control list version: a category, product group, entry, paragraph or note.

    Codes are full codes (``"ML1"``, ``"ML1.a"``, ``"5P2"``, ``"5A002"``, ``"5A002.a.1"``).
    Categories, product groups and entries are unique within a version (database constraint).
    Paragraph codes are not: the published dual-use file repeats some sub-lists under several
    paragraphs (e.g. the materials list of 2B350, three times ``2B350.1``); a lookup takes the
    first in file order. A note (``kind="note"``, and every row nested in a note) carries the
    code of the row it annotates, so that searching a code finds its notes too.
    """

    version = models.ForeignKey(
        ControlListVersion, on_delete=models.CASCADE, related_name="entries", verbose_name=_("version")
    )
    code = models.CharField(_("code"), max_length=64)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    note_type = models.CharField(
        _("note type"), max_length=32, blank=True, help_text=_('"Note", "N.B.", "Technical note"; empty otherwise.')
    )
    text_en = models.TextField(_("text (English)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_nl = models.TextField(_("text (Dutch)"), blank=True)
    position = models.PositiveIntegerField(_("position"), help_text=_("Order within the version (file order)."))

    search_fields = [
        index.SearchField("code"),
        index.SearchField("text_en"),
        index.SearchField("text_fr"),
        index.SearchField("text_nl"),
        index.AutocompleteField("code"),
        index.FilterField("version_id"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("control list entry")
        verbose_name_plural = _("control list entries")
        ordering = ["version_id", "position"]
        indexes = [models.Index(fields=["version", "code"], name="permits_entry_version_code")]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                condition=Q(kind__in=["category", "product_group", "entry"]),
                name="permits_entry_unique_code",
            )
        ]

    def __str__(self) -> str:
        label = self.note_type if self.kind == EntryKind.NOTE else self.code
        return f"{label} {self.short_text}".strip()

    @property
    def short_text(self) -> str:
        """The English text (else French, else Dutch) cut to 120 characters."""
        text = " ".join((self.text_en or self.text_fr or self.text_nl).split())
        return text if len(text) <= 120 else text[:119] + "…"
