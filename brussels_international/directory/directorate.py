"""Selector of the directorate's facts for the website (name, tagline, description, counts).

The facts are stored in the :class:`~brussels_international.directory.models.Directorate`
row loaded from ``directory/data/organisation.yaml``. The number of agreements shown is
computed from the partners (``has_agreement``), never taken from the prose: the page says
"twenty" but lists 23 (``stated_agreement_count`` keeps what it says).
"""

from __future__ import annotations

from dataclasses import dataclass

from brussels_international.core.i18n import current_language

from .models import Directorate, Partner, Person, Unit


@dataclass(frozen=True)
class DirectorateFacts:
    """The directorate as the website shows it, in one language."""

    name: str
    tagline: str
    slogan: str
    paragraphs: list[str]
    director: Person | None
    foreign_policy_since: int | None
    agreement_count: int
    stated_agreement_count: int | None
    unit_count: int


def directorate_facts(language: str | None = None) -> DirectorateFacts | None:
    """Return the directorate's facts in *language* (the active one by default), or ``None``
    when the organisation data has not been loaded.

    ``agreement_count`` is the number of partners with a bilateral cooperation agreement;
    ``unit_count`` the number of units (the direction not counted).
    """
    directorate = Directorate.objects.select_related("director").order_by("pk").first()
    if directorate is None:
        return None
    lang = language or current_language()
    return DirectorateFacts(
        name=directorate.tr("name", lang),
        tagline=directorate.tr("tagline", lang),
        slogan=directorate.tr("slogan", lang),
        paragraphs=directorate.description_paragraphs(lang),
        director=directorate.director,
        foreign_policy_since=directorate.foreign_policy_since,
        agreement_count=Partner.objects.filter(has_agreement=True).count(),
        stated_agreement_count=directorate.stated_agreement_count,
        unit_count=Unit.objects.filter(kind=Unit.Kind.UNIT).count(),
    )
