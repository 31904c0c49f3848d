"""The permits module's data.

- Control lists as dated reference data: one :class:`ControlListVersion` per loaded file, its
  rows as a tree of :class:`ControlListEntry`; written only by the loaders of
  :mod:`permits.services`.
- The eight criteria (:class:`Criterion`), loaded by ``load_permits_reference``.
- Licensing: applicant :class:`Organisation` and :class:`Membership`; the :class:`Application`
  (the case) with its goods lines, parties, documents, requests for information, consultations,
  criterion assessments and notes; the :class:`Licence` and its use reports; the
  :class:`DenialNotification` of a refusal. Written only by :mod:`permits.application_services`
  (applicant side) and :mod:`permits.case_services` (the unit's side); statuses change only through
  :func:`core.workflow.transition` with the tables of :mod:`permits.workflow`.

Read through :mod:`permits.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, gettext
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


# ---------------------------------------------------------------------------------------------
# Licensing: organisations (applicant companies), applications (cases), licences, denials.
# Written only by permits.application_services (applicant side) and permits.case_services
# (the unit's side); statuses change only through core.workflow.transition with the tables of
# permits.workflow.
# ---------------------------------------------------------------------------------------------


class Language(models.TextChoices):
    """The language an organisation receives its decisions in (licence and refusal PDFs)."""

    FR = "fr", "Français"
    NL = "nl", "Nederlands"
    EN = "en", "English"


class OrganisationStatus(models.TextChoices):
    """Where a company's registration is (graph: ``workflow.ORGANISATION_TRANSITIONS``)."""

    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SUSPENDED = "suspended", _("suspended")


class Organisation(index.Indexed, models.Model):
    """A company or body that applies for licences through the applicant portal.

    Registered by one of its people (who becomes its administrator); it may apply only once
    the Permits unit has approved it. ``registration_number`` is the Belgian enterprise number
    (KBO/BCE, ``0123.456.789``) or, for a foreign company, its national registration number.
    """

    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(_("enterprise number"), max_length=40, unique=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=16)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="BE", help_text=_("ISO 3166-1 alpha-2 code."))
    email = models.EmailField(_("contact e-mail"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(_("language of decisions"), max_length=2, choices=Language.choices, default="fr")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was rejected or suspended."))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    search_fields = [
        index.SearchField("name"),
        index.SearchField("registration_number"),
        index.AutocompleteField("name"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["name", "id"]
        permissions = [("approve_organisation", "Can approve, reject or suspend applicant organisations")]
        verbose_name = _("applicant organisation")
        verbose_name_plural = _("applicant organisations")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    """What a person may do for their organisation in the portal."""

    ADMINISTRATOR = "administrator", _("administrator")
    APPLICANT = "applicant", _("applicant")


class Membership(models.Model):
    """A portal user acting for an organisation: administrators also manage its people.

    A user belongs to one organisation (database constraint): a consultant working for two
    companies has two accounts, so that each company sees only its own files.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="permits_membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.APPLICANT)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class Criterion(models.Model):
    """One of the eight criteria of Council Common Position 2008/944/CFSP, Art. 2 (as amended by
    Council Decision (CFSP) 2019/1560), with its heading and text in three languages.

    Reference data loaded by ``load_permits_reference`` from ``permits/data/criteria.csv``.
    """

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_en = models.TextField(_("heading (English)"))
    title_fr = models.TextField(_("heading (French)"), blank=True)
    title_nl = models.TextField(_("heading (Dutch)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_nl = models.TextField(_("text (Dutch)"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.number}. {self.title()}"

    def title(self, language: str | None = None) -> str:
        """The heading in *language* (default: the active one), else in English."""
        lang = (language or get_language() or "en")[:2]
        return str(getattr(self, f"title_{lang}", "") or self.title_en)

    def text(self, language: str | None = None) -> str:
        """The text in *language* (default: the active one), else in English."""
        lang = (language or get_language() or "en")[:2]
        return str(getattr(self, f"text_{lang}", "") or self.text_en)


class ApplicationStatus(models.TextChoices):
    """Where a licence application is (graph: ``workflow.APPLICATION_TRANSITIONS``).

    After ``granted`` the status follows the licence: suspended, revoked or expired.
    """

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    INITIAL_CHECKS = "initial_checks", _("initial checks")
    UNDER_ASSESSMENT = "under_assessment", _("under assessment")
    WAITING_FOR_APPLICANT = "waiting_for_applicant", _("waiting for the applicant")
    CONSULTATION = "consultation", _("consultation")
    DECISION_PROPOSED = "decision_proposed", _("decision proposed")
    COUNTERSIGNED = "countersigned", _("countersigned")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")
    SUSPENDED = "suspended", _("suspended")
    REVOKED = "revoked", _("revoked")
    EXPIRED = "expired", _("expired")


OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INITIAL_CHECKS,
    ApplicationStatus.UNDER_ASSESSMENT,
    ApplicationStatus.WAITING_FOR_APPLICANT,
    ApplicationStatus.CONSULTATION,
    ApplicationStatus.DECISION_PROPOSED,
    ApplicationStatus.COUNTERSIGNED,
)
"""Statuses of a case the unit is working on (the queues)."""


class Outcome(models.TextChoices):
    """The decision proposed and taken on an application."""

    GRANT = "grant", _("grant")
    REFUSE = "refuse", _("refuse")


class Application(index.Indexed, models.Model):
    """A licence application, from the applicant's draft to the decision: the Permits unit's case.

    ``reference`` (``APP-<year>-<nnnnn>``) is given at submission from a gap-free yearly
    sequence; a draft has none. ``licence_type`` is a key of :data:`permits.manifest.LICENCE_TYPES`.
    The statutory time limit is a core :class:`~core.models.Deadline` (``deadline``); while a
    request for information is open the clock is stopped (``clock_stopped_on``) and the due
    date moves by the days it stood still when the applicant answers.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    licence_type = models.CharField(_("licence type"), max_length=40)
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    title = models.CharField(_("short title"), max_length=200, blank=True, help_text=_("For your own lists."))
    end_use = models.TextField(_("end use"), blank=True)
    language = models.CharField(_("language of the decision"), max_length=2, choices=Language.choices, default="fr")
    declaration_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declaration_at = models.DateTimeField(_("declaration signed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="permits_cases",
        verbose_name=_("case manager"),
    )
    deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    due_date = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    clock_stopped_on = models.DateField(_("clock stopped on"), null=True, blank=True)
    resume_status = models.CharField(
        _("status to resume"),
        max_length=24,
        choices=ApplicationStatus.choices,
        blank=True,
        help_text=_("Where the case goes back to when the applicant answers."),
    )
    days_stopped = models.PositiveIntegerField(_("days the clock stood still"), default=0)
    proposed_outcome = models.CharField(_("proposed decision"), max_length=8, choices=Outcome.choices, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposed_conditions = models.TextField(_("conditions"), blank=True)
    proposed_valid_from = models.DateField(_("valid from"), null=True, blank=True)
    proposed_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    refusal_criteria = models.JSONField(_("criteria of the refusal"), default=list, blank=True)
    refusal_reasons = models.TextField(_("reasons of the refusal"), blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("When the decision was issued or the application withdrawn.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fields = [
        index.SearchField("reference"),
        index.SearchField("title"),
        index.SearchField("end_use"),
        index.AutocompleteField("reference"),
        index.FilterField("status"),
        index.FilterField("organisation_id"),
    ]

    class Meta:
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("assess_application", "Can manage licence cases: checks, requests, assessment, proposal"),
            ("countersign_application", "Can countersign a proposed decision on a licence application"),
            ("decide_application", "Can issue the countersigned decision (licence or refusal)"),
            ("assign_application", "Can assign a licence case to a case manager"),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="permits_app_status_submitted"),
            models.Index(fields=["case_manager", "status"], name="permits_app_manager_status"),
            # The queues' orders (case_selectors.case_queue): open cases by due date, closed by decision.
            models.Index(fields=["due_date", "reference", "id"], name="permits_app_due_order"),
            models.Index(fields=["-decided_at", "-id"], name="permits_app_decided_order"),
        ]
        verbose_name = _("licence application")
        verbose_name_plural = _("licence applications")

    def __str__(self) -> str:
        return self.reference or gettext("Draft %(number)s") % {"number": self.pk}


class GoodsUnit(models.TextChoices):
    """Units of quantity of a goods line."""

    ITEMS = "items", _("items")
    KG = "kg", _("kilograms")
    LITRES = "l", _("litres")
    METRES = "m", _("metres")
    SETS = "sets", _("sets")


class ClassificationStatus(models.TextChoices):
    """Whether the unit has confirmed the control list entry of a goods line."""

    PENDING = "pending", _("to be checked")
    CONFIRMED = "confirmed", _("confirmed")
    CORRECTED = "corrected", _("corrected")


class GoodsLine(models.Model):
    """One line of goods of an application: what, which control list entry, how many, worth what.

    ``control_code`` is the code the applicant chose from the tree (``"ML1.a"``, ``"5A002"``),
    empty with ``code_unknown=True`` when they leave it to the unit. The unit confirms or
    corrects it (``confirmed_code``); the licence lists the confirmed code. Quantity and value
    are the ceilings of the licence line; licence-use reports are counted against them.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="goods_lines", verbose_name=_("application")
    )
    position = models.PositiveIntegerField(_("line"), default=1)
    description = models.TextField(_("description"))
    control_code = models.CharField(_("control list entry"), max_length=64, blank=True)
    code_unknown = models.BooleanField(_("I don't know the control list entry"), default=False)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=8, choices=GoodsUnit.choices, default=GoodsUnit.ITEMS)
    value_eur = models.DecimalField(_("value (EUR)"), max_digits=14, decimal_places=2)
    classification_status = models.CharField(
        _("classification"), max_length=16, choices=ClassificationStatus.choices, default=ClassificationStatus.PENDING
    )
    confirmed_code = models.CharField(_("confirmed control list entry"), max_length=64, blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    classified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="permits_goods_quantity_positive"),
            models.CheckConstraint(condition=Q(value_eur__gte=0), name="permits_goods_value_not_negative"),
        ]
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")

    def __str__(self) -> str:
        return f"{self.position}. {self.description[:60]}"

    @property
    def code(self) -> str:
        """The code that counts: the unit's, else the applicant's."""
        return self.confirmed_code or self.control_code


class PartyRole(models.TextChoices):
    """The role of a party in the transaction."""

    CONSIGNEE = "consignee", _("consignee")
    END_USER = "end_user", _("end-user")
    INTERMEDIARY = "intermediary", _("intermediary")


class Party(models.Model):
    """A consignee, end-user or intermediary of an application, with country and address.

    The countries of the consignees and end-users are the destinations assessed against the
    criteria; every party is screened against the sanctions lists (screening module).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="parties", verbose_name=_("application")
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"))
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["application_id", "role", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name} ({self.country})"


class DocumentKind(models.TextChoices):
    """What a document attached to an application is."""

    END_USER_CERTIFICATE = "end_user_certificate", _("end-user certificate")
    TECHNICAL = "technical", _("technical specification")
    CONTRACT = "contract", _("contract or order")
    OTHER = "other", _("other")


class ApplicationDocument(models.Model):
    """Says what a stored document (core :class:`~core.models.Document` on the application) is."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="application_documents", verbose_name=_("application")
    )
    document = models.OneToOneField(
        "core.Document", on_delete=models.CASCADE, related_name="permits_kind", verbose_name=_("document")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("party")
    )

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.document_id})"


class InformationRequest(models.Model):
    """A request for information sent to the applicant: the statutory clock stops while it is open."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests", verbose_name=_("application")
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["application_id", "asked_at", "id"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Authority(models.TextChoices):
    """Authorities whose advice the unit asks (Arrêté of 3 April 2014, Title IX)."""

    FOREIGN_AFFAIRS = "foreign_affairs", _("FPS Foreign Affairs")
    DEFENCE = "defence", _("Ministry of Defence")
    STATE_SECURITY = "state_security", _("State Security")
    CUSTOMS = "customs", _("Customs and Excise (FPS Finance)")
    OTHER_REGION = "other_region", _("licensing service of another Region")
    OTHER = "other", _("other authority")


class ConsultationAdvice(models.TextChoices):
    """What a consulted authority answered."""

    NO_OBJECTION = "no_objection", _("no objection")
    CONDITIONS = "conditions", _("no objection, with conditions")
    OBJECTION = "objection", _("objection")


class Consultation(models.Model):
    """Advice asked of another authority about an application, and its answer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("application")
    )
    authority = models.CharField(_("authority"), max_length=24, choices=Authority.choices)
    authority_other = models.CharField(_("other authority"), max_length=200, blank=True)
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    advice = models.CharField(_("advice"), max_length=16, choices=ConsultationAdvice.choices, blank=True)
    advice_text = models.TextField(_("answer"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["application_id", "asked_at", "id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.get_authority_display()}: {self.question[:60]}"


class AssessmentOutcome(models.TextChoices):
    """The finding on one criterion for one destination."""

    NO_CONCERN = "no_concern", _("no concern")
    CONCERN = "concern", _("concern, mitigated")
    REFUSAL_GROUND = "refusal_ground", _("ground for refusal")


class CriterionAssessment(models.Model):
    """The unit's finding on one criterion for one destination country of an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("application")
    )
    country = models.CharField(_("destination"), max_length=2)
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    outcome = models.CharField(_("finding"), max_length=16, choices=AssessmentOutcome.choices)
    note = models.TextField(_("note"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), auto_now=True)

    class Meta:
        ordering = ["application_id", "country", "criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "country", "criterion"], name="permits_one_assessment_per_criterion"
            )
        ]
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")

    def __str__(self) -> str:
        return f"{self.country} / {self.criterion.number}: {self.get_outcome_display()}"


class CaseNote(models.Model):
    """An internal note of the unit on a case (never shown to the applicant)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notes", verbose_name=_("application")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["application_id", "created_at", "id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return self.text[:80]


class Licence(models.Model):
    """The licence issued on a granted application: number, validity, conditions.

    ``number`` is ``BRU/<year>/<nnnnn>``, from a gap-free sequence per year of issue taken in the
    decision's transaction (:func:`core.sequences.sequence_next`). One licence per application
    (database constraint): a second "decide" cannot issue another.
    """

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="licence", verbose_name=_("application")
    )
    number = models.CharField(_("licence number"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    conditions = models.TextField(_("conditions"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="permits_licence_dates_order")
        ]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self) -> str:
        return self.number


class LicenceUseReport(models.Model):
    """A shipment made under a licence line, reported by the holder: quantity and value shipped.

    The sum of the reports of a line may not exceed the line's quantity nor its value
    (checked by :func:`permits.licence_services.use_report_record` on the locked licence).
    """

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="use_reports")
    goods_line = models.ForeignKey(GoodsLine, on_delete=models.PROTECT, related_name="use_reports")
    quantity = models.DecimalField(_("quantity shipped"), max_digits=14, decimal_places=3)
    value_eur = models.DecimalField(_("value shipped (EUR)"), max_digits=14, decimal_places=2)
    shipped_on = models.DateField(_("shipped on"))
    customs_reference = models.CharField(_("customs declaration (MRN)"), max_length=40, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["licence_id", "shipped_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="permits_use_quantity_positive"),
            models.CheckConstraint(condition=Q(value_eur__gte=0), name="permits_use_value_not_negative"),
        ]
        verbose_name = _("licence-use report")
        verbose_name_plural = _("licence-use reports")

    def __str__(self) -> str:
        return f"{self.licence} {self.shipped_on:%Y-%m-%d} {self.quantity}"


class DenialNotification(models.Model):
    """The record of a refusal for exchange with the other EU member states (Common Position
    2008/944/CFSP, Art. 4(1); Regulation (EU) 2021/821, Art. 16(5) for dual-use items).

    ``reference`` is ``BE-BRU-<year>-<nnnn>`` from a gap-free yearly sequence.
    """

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="denial", verbose_name=_("application")
    )
    reference = models.CharField(_("denial reference"), max_length=24, unique=True)
    destination = models.CharField(_("destination"), max_length=2)
    consignee = models.CharField(_("consignee"), max_length=200, blank=True)
    end_user = models.CharField(_("end-user"), max_length=200, blank=True)
    goods = models.TextField(_("goods"))
    control_codes = models.CharField(_("control list entries"), max_length=500, blank=True)
    criteria = models.JSONField(_("criteria"), default=list)
    reasons = models.TextField(_("reasons"), blank=True)
    denied_on = models.DateField(_("denied on"))
    notified_at = models.DateTimeField(_("notified to the member states at"), null=True, blank=True)

    class Meta:
        ordering = ["-denied_on", "-id"]
        verbose_name = _("denial notification")
        verbose_name_plural = _("denial notifications")

    def __str__(self) -> str:
        return self.reference
