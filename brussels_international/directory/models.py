"""The organisation as data: units, people, roles and what each role covers.

A :class:`Person` holds one or more :class:`Role` rows, each in a :class:`Unit` (the
director holds roles in several units). A role's portfolio is the set of partners,
networks, international organisations, EU programmes and topics (including EU policy
areas) it covers: "who handles X" is the set of roles whose portfolio contains X.

Source of the data: ``directory/data/organisation.yaml``, transcribed from the
directorate's own description (``shared/seed``), loaded by ``manage.py load_organisation``.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
import pycountry
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

from brussels_international.core.i18n import TranslatedFieldsMixin

from .phones import display_phone


def validate_country_code(value: str) -> None:
    """Reject anything that is not an ISO 3166-1 alpha-2 code known to ``pycountry``."""
    if not value or pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError(_("“%(value)s” is not an ISO 3166-1 alpha-2 country code."), params={"value": value})


def validate_aliases(value: Any) -> None:
    """Aliases are a list of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(_("Other names must be a list of non-empty texts."))


class TranslatedName(TranslatedFieldsMixin, models.Model):
    """Abstract base: a slug, a name in fr/nl/en and other names (local spelling, old names, acronyms)."""

    slug = models.SlugField(_("identifier (slug)"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    aliases = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        validators=[validate_aliases],
        help_text=_("Other spellings and names under which it is known, one per item."),
    )

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.tr("name")

    name.fget.short_description = _("name")  # type: ignore[attr-defined]

    def admin_search_text(self) -> str:
        """Everything the workspace listing search looks at: every name, and the acronym."""
        return " | ".join([*self.all_names(), getattr(self, "acronym", "")])

    def all_names(self) -> list[str]:
        """Every name it is known under: the three languages first, then the other names."""
        names: list[str] = []
        for value in [self.name_fr, self.name_nl, self.name_en, *(self.aliases or [])]:
            if value and value not in names:
                names.append(value)
        return names

    def __str__(self) -> str:
        return self.name


class Directorate(TranslatedFieldsMixin, models.Model):
    """The directorate itself (one row): its names, tagline, description and stated facts.

    Loaded from the ``directorate`` section of ``directory/data/organisation.yaml`` by
    ``manage.py load_organisation``; read by the website through
    :func:`brussels_international.directory.directorate.directorate_facts`, which adds the
    counts computed from the data (the number of agreements shown is the number of partners
    with ``has_agreement``, not :attr:`stated_agreement_count`).
    Descriptions hold paragraphs separated by one blank line, no markup.
    """

    slug = models.SlugField(_("identifier (slug)"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    tagline_fr = models.CharField(_("tagline (French)"), max_length=300, blank=True)
    tagline_nl = models.CharField(_("tagline (Dutch)"), max_length=300, blank=True)
    tagline_en = models.CharField(_("tagline (English)"), max_length=300, blank=True)
    slogan_fr = models.CharField(_("slogan (French)"), max_length=300, blank=True)
    slogan_nl = models.CharField(_("slogan (Dutch)"), max_length=300, blank=True)
    slogan_en = models.CharField(_("slogan (English)"), max_length=300, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    director = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("director")
    )
    foreign_policy_since = models.PositiveSmallIntegerField(_("foreign policy since (year)"), null=True, blank=True)
    stated_agreement_count = models.PositiveSmallIntegerField(
        _("number of agreements stated in the prose"),
        null=True,
        blank=True,
        help_text=_("What the directorate's text says; the site shows the number of partners with an agreement."),
    )

    class Meta:
        verbose_name = _("directorate")
        verbose_name_plural = _("directorate")

    @property
    def name(self) -> str:
        return self.tr("name")

    name.fget.short_description = _("name")  # type: ignore[attr-defined]

    @property
    def tagline(self) -> str:
        return self.tr("tagline")

    @property
    def slogan(self) -> str:
        return self.tr("slogan")

    @property
    def description(self) -> str:
        return self.tr("description")

    def description_paragraphs(self, language: str | None = None) -> list[str]:
        """The description in *language* (active language by default) as a list of paragraphs."""
        return [p.strip() for p in self.tr("description", language).split("\n\n") if p.strip()]

    def __str__(self) -> str:
        return self.name


class Unit(RevisionMixin, index.Indexed, TranslatedFieldsMixin, models.Model):
    """A unit of the directorate (or the direction itself), with its missions in three languages."""

    class Kind(models.TextChoices):
        DIRECTION = "direction", _("Direction")
        UNIT = "unit", _("Unit")

    slug = models.SlugField(_("identifier (slug)"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.UNIT)
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("Number of the unit in the directorate's own list (1-5).")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    mission_fr = models.TextField(_("missions (French)"), blank=True)
    mission_nl = models.TextField(_("missions (Dutch)"), blank=True)
    mission_en = models.TextField(_("missions (English)"), blank=True)
    staff_group = models.CharField(
        _("staff group"), max_length=80, blank=True, help_text=_("Name of the workspace group of this unit's staff.")
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="unit")

    search_fields = [
        index.SearchField("name_fr"),
        index.SearchField("name_nl"),
        index.SearchField("name_en"),
        index.AutocompleteField("name_en"),
    ]

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    @property
    def name(self) -> str:
        return self.tr("name")

    name.fget.short_description = _("name")  # type: ignore[attr-defined]

    def admin_search_text(self) -> str:
        """Everything the workspace listing search looks at: the three names."""
        return " | ".join([self.slug, self.name_fr, self.name_nl, self.name_en])

    @property
    def mission(self) -> str:
        return self.tr("mission")

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions

    def __str__(self) -> str:
        return self.name


class Person(RevisionMixin, index.Indexed, ClusterableModel):
    """One human being on the staff, whatever the number of spellings of their name in the sources."""

    slug = models.SlugField(_("identifier (slug)"), max_length=80, unique=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    aliases = models.JSONField(
        _("other spellings"),
        default=list,
        blank=True,
        validators=[validate_aliases],
        help_text=_("Other spellings of the name seen in sources (kept so that searches find them)."),
    )
    employee_number = models.CharField(
        _("HR number"),
        max_length=32,
        blank=True,
        null=True,
        unique=True,
        help_text=_("Identifier in the HR system, used by the staff-list import. Not published."),
    )
    is_public = models.BooleanField(_("published in the directory"), default=True)
    user = models.OneToOneField(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("workspace account"),
        help_text=_("The person's account in the workspace: a head of unit sees the unit's deadlines. Not published."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="person")

    search_fields = [
        index.SearchField("given_name"),
        index.SearchField("family_name"),
        index.SearchField("aliases"),  # other spellings: the workspace search finds them too
        index.AutocompleteField("family_name"),
        index.AutocompleteField("given_name"),
    ]

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    full_name.fget.short_description = _("name")  # type: ignore[attr-defined]

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions

    def admin_search_text(self) -> str:
        """Everything the workspace listing search looks at: names, other spellings, phones."""
        phones = [f"{p.number} {display_phone(p.number)}" for p in self.phones.all()]
        return " | ".join([self.full_name, *(self.aliases or []), *phones])

    def audit_snapshot(self) -> dict[str, Any]:
        """The person as the audit trail and the history show it (read from the database):
        own fields, phones as dialled in Belgium, each role as one line (unit and title in the
        language of the person who made the change), portfolio items by their identifiers."""
        roles = []
        for role in (
            Role.objects.filter(person=self)
            .select_related("unit")
            .order_by(models.F("sort_order").asc(nulls_first=True), "pk")
        ):
            parts = [f"{role.unit.name}: {role.title or '—'}"]
            if role.is_head:
                parts.append("head")
            if role.start_date or role.end_date:
                parts.append(f"{role.start_date or '…'} – {role.end_date or '…'}")
            for field in ("partners", "networks", "organisations", "programmes", "topics"):
                slugs = sorted(getattr(role, field).values_list("slug", flat=True))
                if slugs:
                    parts.append(f"{field}: {', '.join(slugs)}")
            roles.append(" | ".join(parts))
        return {
            "slug": self.slug,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "aliases": list(self.aliases or []),
            "employee_number": self.employee_number,
            "is_public": self.is_public,
            "phones": [
                display_phone(number)
                for number in PhoneNumber.objects.filter(person=self)
                .order_by(models.F("sort_order").asc(nulls_first=True), "pk")
                .values_list("number", flat=True)
            ],
            "roles": roles,
        }

    def __str__(self) -> str:
        return self.full_name


class PhoneNumber(Orderable):
    """A phone number of a person, stored in E.164 (``+3228003745``)."""

    person = ParentalKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number (E.164)"), max_length=20)

    class Meta(Orderable.Meta):
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def clean(self) -> None:
        """Validate and normalise to E.164; numbers without a country code are read as Belgian."""
        from .phones import PhoneNumberError, normalise_phone

        try:
            self.number = normalise_phone(self.number)
        except PhoneNumberError as exc:
            raise ValidationError({"number": str(exc)}) from exc

    @property
    def national(self) -> str:
        """Belgian national format for display: ``02 800 37 45`` (other countries: international format)."""
        return display_phone(self.number)

    @property
    def tel_uri(self) -> str:
        """RFC 3966 ``tel:`` URI: ``tel:+32-2-800-37-45``."""
        return phonenumbers.format_number(phonenumbers.parse(self.number, "BE"), phonenumbers.PhoneNumberFormat.RFC3966)

    def __str__(self) -> str:
        return self.number


class Partner(RevisionMixin, index.Indexed, TranslatedName):
    """A city, region or country the Region cooperates with (ISO 3166 country, coordinates)."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    country = models.CharField(_("country (ISO 3166-1 alpha-2)"), max_length=2, validators=[validate_country_code])
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    has_agreement = models.BooleanField(
        _("bilateral cooperation agreement"),
        default=False,
        help_text=_("Whether a bilateral cooperation agreement with the Region is on the agreement list."),
    )
    note_fr = models.TextField(_("note (French)"), blank=True)
    note_nl = models.TextField(_("note (Dutch)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="partner")

    search_fields = [
        index.SearchField("name_fr"),
        index.SearchField("name_nl"),
        index.SearchField("name_en"),
        index.SearchField("aliases"),  # other spellings (Kiev, Kyiv): the workspace search finds them too
    ]

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def clean(self) -> None:
        self.country = (self.country or "").upper()

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions


class Network(RevisionMixin, index.Indexed, TranslatedName):
    """An international network of cities or regions of which the Region is a member."""

    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="network")

    search_fields = [index.SearchField("name_fr"), index.SearchField("name_nl"), index.SearchField("name_en")]

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions


class InternationalOrganisation(RevisionMixin, index.Indexed, TranslatedName):
    """An international organisation or EU body in which the Region is represented or works."""

    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        EU_BODY = "eu_body", _("European Union body")
        CONFERENCE = "conference", _("Conference of regions")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INTERGOVERNMENTAL)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="organisation")

    search_fields = [index.SearchField("name_fr"), index.SearchField("name_nl"), index.SearchField("name_en")]

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("international organisation")
        verbose_name_plural = _("international organisations")

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions


class EUProgramme(RevisionMixin, index.Indexed, TranslatedName):
    """A European programme the Region takes part in (Interreg Europe, Urbact, ...)."""

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="programme")

    search_fields = [index.SearchField("name_fr"), index.SearchField("name_nl"), index.SearchField("name_en")]

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("EU programme")
        verbose_name_plural = _("EU programmes")

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions


class Topic(RevisionMixin, index.Indexed, TranslatedName):
    """A subject a role covers: a theme (development cooperation) or an EU policy area (cohesion policy)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        EU_POLICY_AREA = "eu_policy_area", _("EU policy area")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="topic")

    search_fields = [index.SearchField("name_fr"), index.SearchField("name_nl"), index.SearchField("name_en")]

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions


class Role(TranslatedFieldsMixin, Orderable):
    """A position held by a person in a unit, with its title and its portfolio.

    A role without a title is plain membership of the unit's team. Roles are dated
    (GOV.UK's "people and roles"): a role with an ``end_date`` in the past is not shown.
    """

    person = ParentalKey(Person, on_delete=models.CASCADE, related_name="roles")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="roles", verbose_name=_("unit"))
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    is_head = models.BooleanField(_("head of the unit"), default=False)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    partners = ParentalManyToManyField(Partner, blank=True, related_name="roles", verbose_name=_("partners"))
    networks = ParentalManyToManyField(Network, blank=True, related_name="roles", verbose_name=_("networks"))
    organisations = ParentalManyToManyField(
        InternationalOrganisation, blank=True, related_name="roles", verbose_name=_("international organisations")
    )
    programmes = ParentalManyToManyField(EUProgramme, blank=True, related_name="roles", verbose_name=_("EU programmes"))
    topics = ParentalManyToManyField(
        Topic, blank=True, related_name="roles", verbose_name=_("topics and EU policy areas")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="role_end_after_start",
            )
        ]

    @property
    def title(self) -> str:
        return self.tr("title")

    def __str__(self) -> str:
        return f"{self.person} – {self.title or self.unit}"
