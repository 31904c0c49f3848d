"""Screening data: dated list versions with their entities and names, the persisted matcher
index, screenings with their hits and reviews, and the arms-embargo table.

Sources of the lists: UN Security Council Consolidated List, EU consolidated financial
sanctions list (FSF), US OFAC SDN list, UK sanctions list, and any list in the documented
generic CSV. Each load is a :class:`ListVersion`; exactly one version per source is active.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EntitySchema(models.TextChoices):
    """What a listed entity is (a subset of FollowTheMoney's schemata)."""

    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")
    VESSEL = "vessel", _("vessel")
    AIRCRAFT = "aircraft", _("aircraft")


class ListVersionStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUPERSEDED = "superseded", _("superseded")
    FAILED = "failed", _("failed")


class ListVersion(models.Model):
    """One load of one sanctions list file.

    ``source``: ``un``, ``eu``, ``ofac``, ``uk``, or the slug given to a generic CSV list.
    A failed load is kept (status ``failed`` with ``error``) so that the list status page
    shows it; it has no entities and the source's active version stays active. ``diff``
    holds ``{"added": [[ref, caption], ...], "changed": [...], "removed": [...]}`` against
    the version that was active before.
    """

    source = models.CharField(_("list"), max_length=40, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=ListVersionStatus.choices)
    file_name = models.CharField(_("file"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    persons = models.PositiveIntegerField(_("persons"), default=0)
    organisations = models.PositiveIntegerField(_("organisations"), default=0)
    vessels = models.PositiveIntegerField(_("vessels"), default=0)
    aircraft = models.PositiveIntegerField(_("aircraft"), default=0)
    names = models.PositiveIntegerField(_("names"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    diff = models.JSONField(_("changes"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["source", "-loaded_at", "-pk"]
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=Q(status="active"), name="screening_one_active_version_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.loaded_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def entity_count(self) -> int:
        return self.persons + self.organisations + self.vessels + self.aircraft


class ListedEntity(models.Model):
    """A person, organisation, vessel or aircraft on one list version, with its facts.

    ``birth_dates``: ISO strings, possibly partial (``"1960"``) or ranges (``"1958/1962"``);
    ``nationalities``: ISO 3166-1 alpha-2 codes where known, else the list's text;
    ``identifiers``: ``[{"type", "number", "country"}]``. ``fingerprint``: SHA-256 of the whole
    listing (:meth:`..records.EntityRecord.fingerprint`).
    """

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="entities")
    ref = models.CharField(_("reference"), max_length=100)
    schema = models.CharField(_("kind"), max_length=16, choices=EntitySchema.choices)
    caption = models.CharField(_("name"), max_length=500)
    programmes = models.JSONField(_("programmes"), default=list)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    birth_dates = models.JSONField(_("dates of birth"), default=list)
    birth_places = models.JSONField(_("places of birth"), default=list)
    nationalities = models.JSONField(_("nationalities"), default=list)
    addresses = models.JSONField(_("addresses"), default=list)
    identifiers = models.JSONField(_("identifiers"), default=list)
    remarks = models.TextField(_("remarks"), blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)

    class Meta:
        ordering = ["version_id", "ref"]
        verbose_name = _("listed entity")
        verbose_name_plural = _("listed entities")
        constraints = [models.UniqueConstraint(fields=["version", "ref"], name="screening_entity_ref_unique")]

    def __str__(self) -> str:
        return f"{self.caption} ({self.ref})"


class EntityName(models.Model):
    """One name or alias of a listed entity, with its quality (primary, strong, weak)."""

    entity = models.ForeignKey(ListedEntity, on_delete=models.CASCADE, related_name="entity_names")
    name = models.CharField(_("name"), max_length=1000)
    quality = models.CharField(_("quality"), max_length=8)
    script = models.CharField(_("script"), max_length=4, blank=True)

    class Meta:
        ordering = ["entity_id", "id"]
        verbose_name = _("name")
        verbose_name_plural = _("names")

    def __str__(self) -> str:
        return self.name


class MatcherIndex(models.Model):
    """The candidate index of the active list versions, built when a version is loaded.

    ``versions``: the sorted ids of the active versions it covers (``"3,7,9"``); ``data``: the
    compressed index (:mod:`.index`). Each process loads it once and reloads it when a newer
    row appears, so that no query rebuilds it.
    """

    versions = models.CharField(max_length=500)
    built_at = models.DateTimeField(auto_now_add=True)
    data = models.BinaryField()
    names = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"index of versions {self.versions} ({self.names} names)"


class Screening(models.Model):
    """One screening of one party (a name, with optional date of birth, country and kind).

    ``subject``: an opaque key naming what was screened, e.g. ``"permits.party:42"``, or empty
    for an ad-hoc screening; reviews are reused for the same subject and entity. ``use``: the
    threshold profile (``settings.SCREENING_THRESHOLDS``). ``versions``: ids of the list
    versions screened against.
    """

    subject = models.CharField(_("subject"), max_length=100, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=1000)
    birth_date = models.CharField(_("date of birth"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    schema = models.CharField(_("kind"), max_length=16, blank=True)
    use = models.CharField(_("use"), max_length=30)
    threshold = models.FloatField(_("threshold"))
    versions = models.JSONField(default=list)
    created_at = models.DateTimeField(_("screened at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})"


class Hit(models.Model):
    """A listed entity that scored at or above the threshold for a screening.

    ``explanation``: which entity name matched which query name, the measures, the facts
    that agreed or disagreed, and the final score (:class:`..matching.Explanation` as a dict).
    ``source``, ``ref`` and ``fingerprint`` survive the deletion of old list versions.
    """

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="hits")
    entity = models.ForeignKey(ListedEntity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("list"), max_length=40)
    ref = models.CharField(_("reference"), max_length=100)
    fingerprint = models.CharField(max_length=64)
    caption = models.CharField(_("name"), max_length=500)
    score = models.FloatField(_("score"))
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ["screening_id", "-score", "pk"]
        permissions = [("review_hit", "Can review screening hits")]
        verbose_name = _("hit")
        verbose_name_plural = _("hits")

    def __str__(self) -> str:
        return f"{self.caption} {self.score:.2f}"


class ReviewDecision(models.TextChoices):
    TRUE_MATCH = "true_match", _("true match")
    FALSE_MATCH = "false_match", _("false match")


class HitReview(models.Model):
    """An officer's decision on a hit, reused for the same subject and entity listing.

    A review applies to every later hit with the same ``subject``, ``source``, ``ref`` and
    ``fingerprint``; once the entity's listing changes (new fingerprint) the hit needs a new
    review. Ad-hoc screenings (no subject) are reviewed per hit only.
    """

    hit = models.ForeignKey(Hit, on_delete=models.CASCADE, related_name="reviews")
    subject = models.CharField(max_length=100, blank=True, db_index=True)
    source = models.CharField(max_length=40)
    ref = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    decision = models.CharField(_("decision"), max_length=12, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("hit review")
        verbose_name_plural = _("hit reviews")
        indexes = [models.Index(fields=["subject", "source", "ref", "fingerprint"], name="screening_review_key")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.ref}"


class IssuingBody(models.TextChoices):
    EU = "EU", _("European Union")
    UN = "UN", _("United Nations")
    OSCE = "OSCE", _("OSCE")


class DatePrecision(models.TextChoices):
    """How precisely a source gives a date of an arms embargo."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    UNKNOWN = "unknown", _("unknown")


class ArmsEmbargo(models.Model):
    """One arms embargo of one issuing body on one target (criterion 1, Common Position
    2008/944/CFSP, Art. 2(1)).

    ``target``: ISO 3166-1 alpha-2 country code, also for embargoes on non-state actors in
    that country; ``ZZ`` for a named group tied to no country (ISIL/Al-Qaida). ``start``/``end``:
    the first and last day in force (``end`` empty while in force). When a source gives only a
    year or a month, ``start`` is the first day of it and ``end`` the last day of it, with
    ``start_precision``/``end_precision`` saying so (both bounds are the widest the source
    allows: a check on a day inside the uncertain period finds the embargo). ``start`` is empty
    (precision ``unknown``) when no source gave it. A row is identified by ``target``,
    ``issuing_body`` and ``start``. ``scope`` starts with "Legally binding", "POLITICAL
    COMMITMENT" or "Non-mandatory" (:func:`..embargo_selectors.legal_force`). ``verified``: the
    instrument and a date were seen in the cited ``sources``. Seeded from the curated table
    (``data/arms-embargoes.csv``), then kept by the Permits unit in the workspace, every change
    audited.
    """

    target = models.CharField(_("target country"), max_length=2)
    target_label = models.CharField(_("target"), max_length=300)
    issuing_body = models.CharField(_("issuing body"), max_length=8, choices=IssuingBody.choices)
    instruments = models.TextField(_("legal instruments"))
    scope = models.TextField(_("scope"))
    exceptions = models.TextField(_("exceptions"), blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(
        _("start known to the"), max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(
        _("end known to the"), max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status_note = models.CharField(_("status"), max_length=500, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    sources = models.TextField(_("sources"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["target", "issuing_body", "start"]
        verbose_name = _("arms embargo")
        verbose_name_plural = _("arms embargoes")
        constraints = [
            models.UniqueConstraint(fields=["target", "issuing_body", "start"], name="screening_embargo_key"),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_body} {self.target_label}"

    AUDITED_FIELDS = (
        "target",
        "target_label",
        "issuing_body",
        "instruments",
        "scope",
        "exceptions",
        "start",
        "start_precision",
        "end",
        "end_precision",
        "status_note",
        "verified",
        "sources",
    )
    """The fields an audit entry compares (not the primary key nor ``updated_at``)."""

    def audit_snapshot(self) -> dict[str, object]:
        """The audited fields (:data:`AUDITED_FIELDS`) with dates as ISO text."""
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name in self.AUDITED_FIELDS
            for value in [getattr(self, name)]
        }
