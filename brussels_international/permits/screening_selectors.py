"""Reads of the screening of a case: the latest screening of the applicant and of each party with
its hits and their reviews, the arms embargoes in force on each destination, and what the
screening still blocks before a decision can be proposed.

Rules (:func:`screening_problems`, called by :func:`permits.selectors.proposal_problems`):

- no proposal while the applicant or a party has never been screened, or has a hit on its latest
  screening that no review covers (:func:`screening.selectors.reviews_for`);
- no proposal to grant while a hit on a latest screening is reviewed as a true match;
- no proposal to grant while a legally binding arms embargo on the whole of a destination is in
  force (Common Position 2008/944/CFSP, Art. 2(1), criterion 1); an embargo that binds only part
  of a destination (non-state actors, listed persons, a region) blocks a grant until criterion 1
  is assessed for that destination, where the case manager records why the end-user is outside
  its scope. A refusal stays possible in every case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brussels_international.screening.embargo_selectors import DestinationCheck, EmbargoInForce, destination_check
from brussels_international.screening.list_selectors import active_version_ids
from brussels_international.screening.models import Hit, HitReview, ReviewDecision, Screening
from brussels_international.screening.selectors import latest_screenings, list_sources, reviews_for

from .models import Application, Party
from .screening import CaseSubject, case_subjects

MEASURES = {
    "exact": gettext_lazy("exact"),
    "initial": gettext_lazy("initial"),
    "typo": gettext_lazy("typing error"),
    "sound": gettext_lazy("sounds alike"),
    "skeleton": gettext_lazy("same consonants"),
    "spelling": gettext_lazy("spelling variant"),
}
FACTS = {
    "birth_date": gettext_lazy("date of birth"),
    "country": gettext_lazy("country"),
    "kind": gettext_lazy("kind"),
}
OUTCOMES = {
    "same": gettext_lazy("same"),
    "same date": gettext_lazy("same date"),
    "same year": gettext_lazy("same year"),
    "within the listed range": gettext_lazy("within the listed range"),
    "different": gettext_lazy("different"),
}


def screening_url(pk: int) -> str:
    """The screening's page in the workspace (``screening:screening``)."""
    return reverse("screening:screening", args=[pk])


def hit_explanation(hit: Hit) -> str:
    """A short explanation of *hit* in the user's language: the name that matched, the measures
    per name part, the facts that raised or lowered the score, the score against the threshold.

    E.g. ``“Mapel Ridge Trading” matched “MAPLE RIDGE TRADING” (mapel ~ maple: typing error;
    ridge = ridge: exact); country: same (+0.05); score 0.95, threshold 0.70``."""
    e: dict[str, Any] = hit.explanation or {}
    parts = "; ".join(
        f"{p.get('query', '')} ~ {p.get('listed', '')}: {MEASURES.get(p.get('measure', ''), p.get('measure', ''))}"
        for p in e.get("parts", [])
    )
    text = _("“%(query)s” matched “%(listed)s”") % {
        "query": e.get("query_name", ""),
        "listed": e.get("listed_name", hit.caption),
    }
    if parts:
        text += f" ({parts})"
    for fact in e.get("facts", []):
        label = FACTS.get(fact.get("fact", ""), fact.get("fact", ""))
        outcome = OUTCOMES.get(fact.get("outcome", ""), fact.get("outcome", ""))
        text += f"; {label}: {outcome} ({float(fact.get('delta', 0)):+.2f})"
    text += "; " + _("score %(score)s, threshold %(threshold)s") % {
        "score": f"{hit.score:.2f}",
        "threshold": f"{float(e.get('threshold', 0)):.2f}",
    }
    return text


@dataclass
class HitRow:
    """One hit of a subject's latest screening with the review that covers it (or ``None``)."""

    hit: Hit
    review: HitReview | None
    explanation: str
    url: str
    form: Any = None
    """The review form the case page shows for an unreviewed hit (set by the view)."""

    @property
    def is_true_match(self) -> bool:
        return self.review is not None and self.review.decision == ReviewDecision.TRUE_MATCH


@dataclass
class SubjectScreening:
    """The applicant or a party with its latest screening (``None``: never screened)."""

    subject: CaseSubject
    screening: Screening | None
    lists: list[str] = field(default_factory=list)
    hits: list[HitRow] = field(default_factory=list)
    url: str = ""

    @property
    def unreviewed(self) -> list[HitRow]:
        return [row for row in self.hits if row.review is None]

    @property
    def true_matches(self) -> list[HitRow]:
        return [row for row in self.hits if row.is_true_match]


def case_screening(application: Application, parties: list[Party] | None = None) -> list[SubjectScreening]:
    """The applicant and each party of *application* with its latest screening, the lists it was
    screened against (``"un"``, ``"demo-watch-list"``...), its hits best first and their reviews.

    Args:
        parties: the application's parties when already read (saves a query).

    Four queries whatever the number of parties and hits (latest screening per subject,
    screenings with their hits, list versions, reviews).
    """
    subjects = case_subjects(application, parties)
    screenings = latest_screenings([s.key for s in subjects])
    sources = list_sources({v for s in screenings.values() for v in s.versions})
    hits = [hit for s in screenings.values() for hit in s.hits.all()]
    reviews = reviews_for(hits)
    rows = []
    for subject in subjects:
        screening = screenings.get(subject.key)
        if screening is None:
            rows.append(SubjectScreening(subject=subject, screening=None))
            continue
        url = screening_url(screening.pk)
        rows.append(
            SubjectScreening(
                subject=subject,
                screening=screening,
                lists=sorted({sources.get(v, str(v)) for v in screening.versions}),
                hits=[
                    HitRow(hit=hit, review=reviews.get(hit.pk), explanation=hit_explanation(hit), url=url)
                    for hit in screening.hits.all()
                ],
                url=url,
            )
        )
    return rows


def destination_checks(
    application: Application, countries: list[str], on: dt.date | None = None
) -> list[DestinationCheck]:
    """:func:`screening.embargo_selectors.destination_check` for each destination country, on *on*
    (today in Brussels by default). A code that is not a country is left out. One query per country."""
    day = on or timezone.localdate()
    checks = []
    for country in countries:
        try:
            checks.append(destination_check(country=country, on=day))
        except ValueError:
            continue
    return checks


def embargo_label(item: EmbargoInForce) -> str:
    """``EU – Russian Federation (Council Decision 2014/512/CFSP of 31 July 2014)``: the issuing
    body, the target and the first legal instrument."""
    instrument = item.embargo.instruments.split(";")[0].strip()
    return f"{item.embargo.issuing_body} – {item.embargo.target_label} ({instrument})"


def screening_problems(
    application: Application,
    *,
    rows: list[SubjectScreening] | None = None,
    checks: list[DestinationCheck] | None = None,
    assessed_criterion_1: set[str] | None = None,
    parties: list[Party] | None = None,
) -> list[str]:
    """What the screening blocks before a decision on *application* can be proposed (translated
    sentences, see the module docstring); the grant-only problems are listed unless the
    proposed outcome is a refusal.

    Args:
        rows, checks: :func:`case_screening` and :func:`destination_checks` when already read.
        assessed_criterion_1: the destinations where criterion 1 is assessed (not as a ground
            for refusal), when already read.
        parties: the application's parties when already read.
    """
    from .selectors import destinations

    if parties is None:
        parties = list(application.parties.all())
    if rows is None:
        rows = case_screening(application, parties)
    problems = []
    active = sorted(active_version_ids())
    if not active:
        problems.append(_("No sanctions list is loaded: load the lists, then screen the parties again."))
    for row in rows:
        who = f"{row.subject.role_label}: {row.subject.name}"
        if row.screening is None:
            problems.append(_("Screen %(who)s against the sanctions lists (not screened yet).") % {"who": who})
        elif active and sorted(row.screening.versions) != active:
            problems.append(
                _("Screen %(who)s again: the sanctions lists changed since the last screening.") % {"who": who}
            )
        elif row.unreviewed:
            problems.append(
                _("Review the %(count)s screening hit(s) of %(who)s.") % {"count": len(row.unreviewed), "who": who}
            )
    if application.proposed_outcome == "refuse":
        return problems
    for row in rows:
        for hit in row.true_matches:
            problems.append(
                _("%(who)s is a true match of %(caption)s (%(list)s): a licence cannot be proposed.")
                % {
                    "who": f"{row.subject.role_label}: {row.subject.name}",
                    "caption": hit.hit.caption,
                    "list": hit.hit.source.upper(),
                }
            )
    if checks is None:
        checks = destination_checks(application, destinations(application, parties))
    if assessed_criterion_1 is None:
        assessed_criterion_1 = set(
            application.assessments.filter(criterion__number=1)
            .exclude(outcome="refusal_ground")
            .values_list("country", flat=True)
        )
    for check in checks:
        for item in check.embargoes:
            if not item.binding:
                continue
            if item.whole_country:
                problems.append(
                    _("Criterion 1: arms embargo %(embargo)s in force on %(country)s: a licence cannot be proposed.")
                    % {"embargo": embargo_label(item), "country": check.country}
                )
            elif check.country not in assessed_criterion_1:
                problems.append(
                    _(
                        "Criterion 1: arms embargo %(embargo)s in force on part of %(country)s (%(scope)s): assess "
                        "criterion 1 for %(country)s, saying why the end-user is outside its scope, before a "
                        "licence can be proposed."
                    )
                    % {"embargo": embargo_label(item), "country": check.country, "scope": item.embargo.scope}
                )
    return problems
