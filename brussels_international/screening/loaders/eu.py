"""Loader of the EU consolidated list of persons, groups and entities subject to EU financial
sanctions, XML "FSF 1.1" format.

Source: https://webgate.ec.europa.eu/fsd/fsf (file ``xmlFullSanctionsList_1_1``, which needs the
token given on the Financial Sanctions Files page). Namespace
``http://eu.europa.eu/fpi/fsd/export``; root ``export`` (attribute ``generationDate``) holding
``sanctionEntity`` elements (attribute ``logicalId``, our ref; ``euReferenceNumber``).

What we read from each ``sanctionEntity``:

- ``subjectType@code``: ``person`` → person, ``enterprise`` → organisation (``vessel``/
  ``aircraft`` accepted if the Commission ever uses them).
- ``regulation``: ``@programme`` → programmes, earliest ``@publicationDate`` → listing date.
- ``nameAlias``: ``@wholeName`` (else ``@firstName @middleName @lastName``); the first alias is
  the primary name, the others strong or weak after ``@strong="true|false"``; the script is
  guessed from the letters (``@nameLanguage`` is a language, not a script).
- ``birthdate``: ``@birthdate`` (ISO), else ``@year``, else ``@yearRangeFrom``/``@yearRangeTo``
  as ``"1958/1962"``; ``@city``/``@place``/``@countryDescription`` as a place of birth.
- ``citizenship@countryIso2Code`` → nationalities; ``address`` → addresses;
  ``identification`` → identifiers (``@identificationTypeDescription``, ``@number``,
  ``@countryIso2Code``); ``remark`` → remarks; ``@euReferenceNumber`` and ``@unitedNationId``
  → identifiers.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from ..records import EntityRecord, ListFormatError, NameQuality, NameRecord, ParsedList, Schema
from . import add_unique, birth_date_text, country_code, iso_date, join_names, xml_errors
from .un import script_of

NS = "{http://eu.europa.eu/fpi/fsd/export}"
_SCHEMAS = {
    "person": Schema.PERSON,
    "enterprise": Schema.ORGANISATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}


def _attr(element: ET.Element, name: str) -> str:
    return " ".join((element.get(name) or "").split())


def _date(element: ET.Element, name: str, location: str) -> datetime.date | None:
    value = _attr(element, name)
    if not value:
        return None
    try:
        return iso_date(value)
    except ValueError as error:
        raise ListFormatError(
            _("%(element)s@%(attribute)s %(value)r is not a date")
            % {"element": element.tag.removeprefix(NS), "attribute": name, "value": value},
            location=location,
        ) from error


def _record(element: ET.Element, number: int) -> EntityRecord:
    location = f"sanctionEntity #{number}"
    ref = _attr(element, "logicalId")
    if not ref:
        raise ListFormatError(_("no logicalId"), location=location)
    location = f"sanctionEntity #{number} (logicalId {ref})"
    subject = element.find(f"{NS}subjectType")
    code = _attr(subject, "code") if subject is not None else ""
    if code not in _SCHEMAS:
        raise ListFormatError(_("unknown subjectType code %(value)r") % {"value": code}, location=location)
    names: list[NameRecord] = []
    for alias in element.iter(f"{NS}nameAlias"):
        name = _attr(alias, "wholeName") or join_names(
            alias.get("firstName"), alias.get("middleName"), alias.get("lastName")
        )
        if not name:
            continue
        if not names:
            quality = NameQuality.PRIMARY
        else:
            quality = NameQuality.WEAK if _attr(alias, "strong").lower() == "false" else NameQuality.STRONG
        names.append(NameRecord(name, quality, script_of(name)))
    if not names:
        raise ListFormatError(_("no nameAlias with a name"), location=location)
    record = EntityRecord(ref=ref, schema=_SCHEMAS[code], names=names)
    listed: list[datetime.date] = []
    for regulation in element.iter(f"{NS}regulation"):
        add_unique(record.programmes, _attr(regulation, "programme"))
        published = _date(regulation, "publicationDate", location)
        if published:
            listed.append(published)
    record.listed_on = min(listed) if listed else None
    for birth in element.iter(f"{NS}birthdate"):
        full, year = _attr(birth, "birthdate"), _attr(birth, "year")
        start, end = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
        try:
            add_unique(record.birth_dates, birth_date_text(full, year, start, end))
        except ValueError as error:
            raise ListFormatError(
                _("birthdate %(value)r is not a date or a year") % {"value": full or year or start},
                location=location,
            ) from error
        country = _attr(birth, "countryDescription") if _attr(birth, "countryIso2Code") not in ("", "00") else ""
        place = ", ".join(p for p in (_attr(birth, "city") or _attr(birth, "place"), country) if p)
        add_unique(record.birth_places, place)
    for citizenship in element.iter(f"{NS}citizenship"):
        code = _attr(citizenship, "countryIso2Code")
        if code in ("", "00"):
            code = country_code(_attr(citizenship, "countryDescription"))
        add_unique(record.nationalities, code.upper() if len(code) == 2 else code)
    for address in element.iter(f"{NS}address"):
        parts = ("street", "poBox", "city", "zipCode", "region", "place", "countryDescription")
        add_unique(record.addresses, ", ".join(p for p in (_attr(address, a) for a in parts) if p))
    for document in element.iter(f"{NS}identification"):
        number_text = _attr(document, "number")
        if not number_text:
            continue
        identifier = {
            "type": _attr(document, "identificationTypeDescription") or _attr(document, "identificationTypeCode"),
            "number": number_text,
            "country": _attr(document, "countryIso2Code").replace("00", ""),
        }
        if identifier not in record.identifiers:
            record.identifiers.append(identifier)
    for attribute, label in (("euReferenceNumber", "EU reference number"), ("unitedNationId", "UN reference number")):
        if _attr(element, attribute):
            record.identifiers.append({"type": label, "number": _attr(element, attribute), "country": ""})
    record.remarks = "\n".join(
        " ".join((r.text or "").split()) for r in element.findall(f"{NS}remark") if (r.text or "").strip()
    )
    return record


def parse(path: Path) -> ParsedList:
    """Read an EU FSF 1.1 XML file.

    Returns:
        the list with ``source="eu"``, ``published`` = the date of ``export@generationDate``.

    Raises:
        ListFormatError: unreadable or not well-formed XML (``line N, column M``), a root that is
            not ``export`` in the FSF namespace, or a ``sanctionEntity`` without ``logicalId``,
            name, known ``subjectType`` or with an unreadable date (``sanctionEntity #n``).
    """
    entities: list[EntityRecord] = []
    published = None
    root: ET.Element | None = None
    number = 0
    with xml_errors(path):
        for event, element in iterparse(path, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if root is None:
                    root = element
                    if element.tag != f"{NS}export":
                        raise ListFormatError(
                            _("the root element is %(tag)s, not export in the FSF namespace") % {"tag": element.tag},
                            location="line 1",
                        )
                    published = _date(element, "generationDate", "export")
                continue
            if element.tag == f"{NS}sanctionEntity":
                number += 1
                entities.append(_record(element, number))
                element.clear()
    if root is None:
        raise ListFormatError(_("empty file"), location="line 1")
    return ParsedList(source="eu", entities=entities, published=published)
