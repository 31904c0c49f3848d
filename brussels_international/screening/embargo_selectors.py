"""Reads of the arms-embargo table: which embargoes are in force on a destination on a day.

Rule: criterion 1 of Council Common Position 2008/944/CFSP, Art. 2(1)(a) and (b): a Member
State denies an export licence that would breach its obligations under the arms embargoes of
the UN Security Council, the European Union and the OSCE (and the other international
obligations and commitments listed there). Data: :class:`..models.ArmsEmbargo`, seeded from the
curated ``data/arms-embargoes.csv`` (as of 2026-11-29; to be reviewed by the unit's legal
staff) and kept in the workspace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pycountry
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ArmsEmbargo, DatePrecision

CURATED_AS_OF = dt.date(2026, 11, 29)
"""The day the curated table (``data/arms-embargoes.csv``) was compiled; the unit's legal staff
review it before use."""

NO_COUNTRY = "ZZ"
"""The target code of a named group tied to no country (ISIL/Al-Qaida)."""


class LegalForce:
    """Whether an embargo binds, read from the start of its ``scope`` (the curated table's
    convention, ``data/README.md``): ``Legally binding`` (UN Security Council resolution under
    Chapter VII, EU Council decision or regulation), ``POLITICAL COMMITMENT`` (European Council
    declaration on China 1989, Council conclusions on Egypt 2013, CSCE/OSCE 1992) or
    ``Non-mandatory`` (a UN call that is not binding)."""

    BINDING = "binding"
    POLITICAL = "political"
    NON_MANDATORY = "non_mandatory"

    PREFIXES = (
        ("legally binding", BINDING),
        ("political commitment", POLITICAL),
        ("non-mandatory", NON_MANDATORY),
    )
    LABELS = {
        BINDING: _("legally binding"),
        POLITICAL: _("political commitment (not legally binding)"),
        NON_MANDATORY: _("non-mandatory call (not legally binding)"),
    }


def legal_force(scope: str) -> str | None:
    """The :class:`LegalForce` value of a ``scope`` text (case and leading spaces ignored), or
    ``None`` when it starts with none of the three prefixes."""
    text = scope.strip().lower()
    return next((force for prefix, force in LegalForce.PREFIXES if text.startswith(prefix)), None)


class Verdict:
    """The answer of :func:`destination_check` for the country itself."""

    EMBARGOED = "embargoed"
    POLITICAL_ONLY = "political"
    NONE = "none"

    LABELS = {
        EMBARGOED: _("Embargoed: at least one legally binding arms embargo is in force"),
        POLITICAL_ONLY: _("Political commitment only: no legally binding arms embargo is in force"),
        NONE: pgettext_lazy("arms embargo verdict", "No arms embargo in force"),
    }


@dataclass(frozen=True)
class EmbargoInForce:
    """One embargo in force on the day checked.

    ``legal_force``: a :class:`LegalForce` value; ``binding``: it is ``BINDING`` (an embargo
    whose scope starts with no known prefix counts as binding, the cautious reading);
    ``whole_country``: its scope says "whole state" or "whole territory" without "except"
    (otherwise it targets non-state actors, designated persons or a part of the country: read
    the scope); ``start_unknown``: no source gave its start, so it may not yet have been in force
    on the day checked; ``imprecise``: a bound is known only to the month or the year.
    """

    embargo: ArmsEmbargo
    legal_force: str
    binding: bool
    whole_country: bool
    start_unknown: bool
    imprecise: bool

    @property
    def legal_force_label(self) -> str:
        return str(LegalForce.LABELS.get(self.legal_force, LegalForce.LABELS[LegalForce.BINDING]))


@dataclass(frozen=True)
class DestinationCheck:
    """The answer for one country on one day.

    ``embargoes``: the embargoes in force on ``country`` (binding first, then by body);
    ``also_check``: the embargoes in force on groups tied to no country (``ZZ``: ISIL/Al-Qaida),
    against which the parties must also be checked; ``verdict``: a :class:`Verdict` value for
    the country (the ``ZZ`` embargoes do not change it).
    """

    country: str
    on: dt.date
    embargoes: list[EmbargoInForce] = field(default_factory=list)
    also_check: list[EmbargoInForce] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if any(item.binding for item in self.embargoes):
            return Verdict.EMBARGOED
        if self.embargoes:
            return Verdict.POLITICAL_ONLY
        return Verdict.NONE

    @property
    def verdict_label(self) -> str:
        return str(Verdict.LABELS[self.verdict])


def country_code(value: str) -> str:
    """*value* as an upper-case ISO 3166-1 alpha-2 country code (``pycountry``).

    Raises:
        ValueError: not a two-letter code of a country, or ``ZZ`` (not a country), with a message
            saying so.
    """
    code = (value or "").strip().upper()
    if code == NO_COUNTRY:
        raise ValueError(
            _("ZZ is not a country: embargoes on groups tied to no country are listed with every country's answer.")
        )
    if len(code) != 2 or not code.isalpha() or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(
            _("Unknown country code %(code)r: expected an ISO 3166-1 alpha-2 code such as 'RU' or 'CN'.")
            % {"code": value}
        )
    return code


def in_force_on(on: dt.date | None = None) -> Q:
    """The condition "in force on *on*" (today in Brussels when ``None``): started on or before
    that day (or start unknown) and not ended before it."""
    day = on or timezone.localdate()
    return (Q(start__lte=day) | Q(start__isnull=True)) & (Q(end__isnull=True) | Q(end__gte=day))


def _item(embargo: ArmsEmbargo) -> EmbargoInForce:
    force = legal_force(embargo.scope) or LegalForce.BINDING
    scope = embargo.scope.lower()
    return EmbargoInForce(
        embargo=embargo,
        legal_force=force,
        binding=force == LegalForce.BINDING,
        whole_country=("whole state" in scope or "whole territory" in scope) and "except" not in scope,
        start_unknown=embargo.start is None,
        imprecise=embargo.start_precision in (DatePrecision.MONTH, DatePrecision.YEAR)
        or (embargo.end is not None and embargo.end_precision in (DatePrecision.MONTH, DatePrecision.YEAR)),
    )


def destination_check(*, country: str, on: dt.date) -> DestinationCheck:
    """The arms embargoes in force on *country* on the day *on*, and the verdict.

    Args:
        country: ISO 3166-1 alpha-2 code (case ignored), e.g. ``"RU"``.
        on: the day checked (a licence decision's day, a shipment's day).

    Returns:
        A :class:`DestinationCheck`: the embargoes with ``start <= on`` (or start unknown) and
        ``end`` empty or ``>= on`` on the country, each with its body, scope, legal force,
        exceptions and instruments; the same for the ``ZZ`` groups; the verdict (embargoed /
        political commitment only / no embargo). One query.

    Raises:
        ValueError: *country* is not a known ISO 3166-1 alpha-2 code (see :func:`country_code`).

    Source: Council Common Position 2008/944/CFSP, Art. 2(1), criterion 1 (international
    obligations: UN, EU and OSCE arms embargoes).
    """
    code = country_code(country)
    rows = ArmsEmbargo.objects.filter(in_force_on(on), target__in=[code, NO_COUNTRY]).order_by(
        "issuing_body", "start", "pk"
    )
    items = [_item(embargo) for embargo in rows]
    return DestinationCheck(
        country=code,
        on=on,
        embargoes=sorted((i for i in items if i.embargo.target == code), key=lambda i: not i.binding),
        also_check=[i for i in items if i.embargo.target == NO_COUNTRY],
    )


def embargo_list(
    *, status: str = "in_force", issuing_body: str = "", on: dt.date | None = None
) -> QuerySet[ArmsEmbargo]:
    """The embargoes for the workspace list, by target, body and start.

    Args:
        status: ``in_force`` (in force on *on*), ``lifted`` (ended before *on*) or ``all``.
        issuing_body: ``EU``, ``UN``, ``OSCE`` or ``""`` for every body.
        on: the day (today in Brussels when ``None``).

    Raises:
        ValueError: an unknown *status*.
    """
    rows = ArmsEmbargo.objects.all()
    if status == "in_force":
        rows = rows.filter(in_force_on(on))
    elif status == "lifted":
        rows = rows.filter(end__lt=on or timezone.localdate())
    elif status != "all":
        raise ValueError(f"unknown status {status!r}: in_force, lifted or all")
    if issuing_body:
        rows = rows.filter(issuing_body=issuing_body)
    return rows.order_by("target", "issuing_body", "start", "pk")
