"""The decision documents of a licence application as PDF: the licence and the refusal letter.

Both are rendered with WeasyPrint from HTML templates (``permits/pdf/licence.html``,
``permits/pdf/refusal.html``) in the language of the application (``Application.language``):
the interface strings come from the gettext catalogues, country names from CLDR (``babel``),
amounts, quantities and dates are written the Belgian-French, Belgian-Dutch or British-English
way (:data:`permits.licence_services.BABEL_LOCALES`), and the criteria headings come from the
loaded :class:`~permits.models.Criterion` rows.

The same data gives the same bytes: no creation or modification date (no ``dcterms.created``
metadata), fixed title and author, fonts subset by HarfBuzz. System libraries (Debian packages,
installed by ``make pdf-libraries``): Pango (``libpango-1.0-0``, ``libpangoft2-1.0-0``),
HarfBuzz's subsetter (``libharfbuzz-subset0``: without it WeasyPrint 70 falls back to fontTools
and warns, and the embedded font streams then differ from one rendering to the next), and the
DejaVu fonts (``fonts-dejavu-core``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .licence_services import babel_locale, format_eur, format_quantity
from .manifest import licence_type
from .models import Application, Criterion, Licence, Party

AUTHOR = "Brussels International – Permits"
"""The author written in the metadata of every decision document."""


def _date(value: dt.date | dt.datetime | None, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return str(format_date(value, format="long", locale=babel_locale(language)))


def _country(code: str, language: str) -> str:
    territories = Locale.parse(babel_locale(language)).territories
    return str(territories.get((code or "").upper(), code))


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _parties(application: Application, language: str) -> list[dict[str, Any]]:
    parties: list[Party] = list(application.parties.all())
    return [
        {
            "role": party.get_role_display(),
            "name": party.name,
            "address": party.address,
            "country": _country(party.country, language),
        }
        for party in parties
    ]


def _lines(application: Application, language: str) -> list[dict[str, Any]]:
    return [
        {
            "position": line.position,
            "code": line.code,
            "description": line.description,
            "quantity": format_quantity(line.quantity, line.unit, language),
            "value": format_eur(line.value_eur, language),
        }
        for line in application.goods_lines.order_by("position", "id")
    ]


def _common(application: Application, language: str) -> dict[str, Any]:
    spec = licence_type(application.licence_type)
    organisation = application.organisation
    return {
        "language": language,
        "application": application,
        "organisation": organisation,
        "organisation_country": _country(organisation.country, language),
        "licence_type_name": str(spec.name),
        "legal_basis": spec.legal_basis,
        "submitted_on": _date(application.submitted_at, language),
        "lines": _lines(application, language),
        "parties": _parties(application, language),
        "proposed_by": _name(application.proposed_by),
        "countersigned_by": _name(application.countersigned_by),
        "author": AUTHOR,
    }


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported when used: it loads Pango

    html = render_to_string(template, context)
    pdf = HTML(string=html, base_url=None).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _application(pk: int) -> Application:
    return Application.objects.select_related("organisation", "proposed_by", "countersigned_by").get(pk=pk)


def licence_pdf(licence: Licence) -> bytes:
    """The licence *licence* as a PDF in its application's language.

    It shows the Region's header, the licence number, the holder, the licence type (manifest
    name), the validity dates, the goods lines (confirmed control list entry, description,
    quantity with unit, value in EUR), the consignees, end-users and intermediaries with their
    country, the end use, the conditions, the legal basis (manifest) and the officers who
    proposed and countersigned the decision.
    """
    application = _application(licence.application_id)
    language = application.language or "fr"
    with translation.override(language):
        context = _common(application, language)
        context.update(
            {
                "licence": licence,
                "issued_on": _date(licence.issued_at, language),
                "valid_from": _date(licence.valid_from, language),
                "valid_until": _date(licence.valid_until, language),
                "total_value": format_eur(
                    sum((line.value_eur for line in application.goods_lines.all()), Decimal("0")), language
                ),
            }
        )
        return _render("permits/pdf/licence.html", context)


def refusal_letter_pdf(application: Application) -> bytes:
    """The refusal letter of *application* as a PDF in its language.

    It names the applicant, the application, the goods, each criterion of Council Common
    Position 2008/944/CFSP, Art. 2 the refusal rests on (number and heading in the letter's
    language), the reasons, and the reference of the denial notification exchanged with the EU
    member states (Art. 4(1)); it tells the applicant how to contact the unit.
    """
    application = _application(application.pk)
    language = application.language or "fr"
    denial = getattr(application, "denial", None)
    numbers = list(application.refusal_criteria or (denial.criteria if denial is not None else []))
    with translation.override(language):
        context = _common(application, language)
        context.update(
            {
                "denial": denial,
                "decided_on": _date(application.decided_at or (denial.denied_on if denial else None), language),
                "criteria": [
                    {"number": criterion.number, "title": criterion.title(language)}
                    for criterion in Criterion.objects.filter(number__in=numbers).order_by("number")
                ],
                "reasons": application.refusal_reasons,
            }
        )
        return _render("permits/pdf/refusal.html", context)
