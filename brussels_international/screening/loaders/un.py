"""Loader of the UN Security Council Consolidated List (XML).

Source: https://scsanctions.un.org/resources/xml/en/consolidated.xml, schema
https://www.un.org/sc/resources/sc-sanctions.xsd. The root ``CONSOLIDATED_LIST`` (attribute
``dateGenerated``) holds ``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY`` elements.

What we read from each element:

- ref: ``REFERENCE_NUMBER`` (``CDi.001``); programme: ``UN_LIST_TYPE`` (``DRC``, ``Al-Qaida``...);
  listing date: ``LISTED_ON``; remarks: ``COMMENTS1``.
- names: ``FIRST_NAME`` .. ``FOURTH_NAME`` joined as the primary name (entities use only
  ``FIRST_NAME``); ``NAME_ORIGINAL_SCRIPT`` as a strong name with its script;
  ``INDIVIDUAL_ALIAS``/``ENTITY_ALIAS``: ``QUALITY`` ``Good``, ``a.k.a.``, ``f.k.a.`` or empty →
  strong, ``Low`` → weak. Empty aliases (``<ALIAS_NAME/>``) are skipped.
- dates of birth (``INDIVIDUAL_DATE_OF_BIRTH``): ``DATE``, else ``YEAR``, else
  ``FROM_YEAR``/``TO_YEAR`` as the range ``"1958/1962"``.
- places of birth, addresses: the parts joined with ", "; nationalities: ``NATIONALITY/VALUE``
  mapped to ISO alpha-2 (text kept when unknown); documents (``INDIVIDUAL_DOCUMENT``) →
  identifiers ``{"type", "number", "country"}``.

The file (about 2 MB) is read with ``defusedxml``'s ``iterparse`` (no DTD, no entities) and
each element freed once read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from ..records import EntityRecord, ListFormatError, NameQuality, NameRecord, ParsedList, Schema
from . import add_unique, birth_date_text, country_code, iso_date, join_names, xml_errors

_WEAK = {"low"}
_SCRIPTS = (
    (re.compile(r"[\u0600-\u06FF\u0750-\u077F]"), "Arab"),
    (re.compile(r"[\u0400-\u04FF]"), "Cyrl"),
    (re.compile(r"[\uAC00-\uD7AF\u1100-\u11FF]"), "Hang"),
    (re.compile(r"[\u4E00-\u9FFF]"), "Hani"),
    (re.compile(r"[\u0370-\u03FF]"), "Grek"),
)


def script_of(text: str) -> str:
    """ISO 15924 code of the first non-Latin script found in *text* (``"Arab"``, ``"Cyrl"``,
    ``"Hang"``, ``"Hani"``, ``"Grek"``), else ``""``."""
    for pattern, code in _SCRIPTS:
        if pattern.search(text):
            return code
    return ""


def _text(element: ET.Element, tag: str) -> str:
    return " ".join((element.findtext(tag) or "").split())


def _place(element: ET.Element, tags: tuple[str, ...]) -> str:
    return ", ".join(part for part in (_text(element, tag) for tag in tags) if part)


def _record(element: ET.Element, kind: str, number: int) -> EntityRecord:
    """One INDIVIDUAL or ENTITY element as a record (raises ListFormatError naming it)."""
    location = f"{kind} #{number}"
    ref = _text(element, "REFERENCE_NUMBER") or _text(element, "DATAID")
    if not ref:
        raise ListFormatError(_("no REFERENCE_NUMBER nor DATAID"), location=location)
    location = f"{kind} #{number} ({ref})"
    individual = kind == "INDIVIDUAL"
    names: list[NameRecord] = []
    primary = join_names(*(element.findtext(tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")))
    if not primary:
        raise ListFormatError(_("no name (FIRST_NAME is empty)"), location=location)
    names.append(NameRecord(primary, NameQuality.PRIMARY))
    original = _text(element, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(NameRecord(original, NameQuality.STRONG, script_of(original)))
    for alias in element.iter("INDIVIDUAL_ALIAS" if individual else "ENTITY_ALIAS"):
        name = _text(alias, "ALIAS_NAME")
        if not name:
            continue
        quality = NameQuality.WEAK if _text(alias, "QUALITY").lower() in _WEAK else NameQuality.STRONG
        names.append(NameRecord(name, quality, script_of(name)))

    listed_on = None
    listed_text = _text(element, "LISTED_ON")
    if listed_text:
        try:
            listed_on = iso_date(listed_text)
        except ValueError as error:
            raise ListFormatError(
                _("LISTED_ON %(value)r is not a date") % {"value": listed_text}, location=location
            ) from error

    record = EntityRecord(
        ref=ref,
        schema=Schema.PERSON if individual else Schema.ORGANISATION,
        names=names,
        programmes=[p for p in [_text(element, "UN_LIST_TYPE")] if p],
        listed_on=listed_on,
        remarks=(element.findtext("COMMENTS1") or "").strip(),
    )
    for birth in element.iter("INDIVIDUAL_DATE_OF_BIRTH"):
        date, year = _text(birth, "DATE"), _text(birth, "YEAR")
        start, end = _text(birth, "FROM_YEAR"), _text(birth, "TO_YEAR")
        try:
            add_unique(record.birth_dates, birth_date_text(date, year, start, end))
        except ValueError as error:
            raise ListFormatError(
                _("INDIVIDUAL_DATE_OF_BIRTH %(value)r is not a date or a year") % {"value": date or year or start},
                location=location,
            ) from error
    for place in element.iter("INDIVIDUAL_PLACE_OF_BIRTH"):
        add_unique(record.birth_places, _place(place, ("CITY", "STATE_PROVINCE", "COUNTRY")))
    for nationality in element.iter("NATIONALITY"):
        for value in nationality.iter("VALUE"):
            add_unique(record.nationalities, country_code(value.text or ""))
    for address in element.iter("INDIVIDUAL_ADDRESS" if individual else "ENTITY_ADDRESS"):
        add_unique(record.addresses, _place(address, ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")))
    for document in element.iter("INDIVIDUAL_DOCUMENT"):
        number_text = _text(document, "NUMBER")
        if not number_text:
            continue
        country = _text(document, "ISSUING_COUNTRY") or _text(document, "COUNTRY_OF_ISSUE")
        identifier = {
            "type": _text(document, "TYPE_OF_DOCUMENT") or _text(document, "TYPE_OF_DOCUMENT2"),
            "number": number_text,
            "country": country_code(country) if country else "",
        }
        if identifier not in record.identifiers:
            record.identifiers.append(identifier)
    return record


def parse(path: Path) -> ParsedList:
    """Read a UN Consolidated List XML file.

    Returns:
        the list with ``source="un"``, ``published`` = the date of ``dateGenerated``.

    Raises:
        ListFormatError: the file cannot be read, is not well-formed XML (location ``line N``,
            e.g. a truncated file), is not a ``CONSOLIDATED_LIST``, or an element lacks a
            reference or a name or has an unreadable date (location ``INDIVIDUAL #n (ref)``).
    """
    entities: list[EntityRecord] = []
    published = None
    counts = {"INDIVIDUAL": 0, "ENTITY": 0}
    root: ET.Element | None = None
    with xml_errors(path):
        for event, element in iterparse(path, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if root is None:
                    root = element
                    if element.tag != "CONSOLIDATED_LIST":
                        raise ListFormatError(
                            _("the root element is %(tag)s, not CONSOLIDATED_LIST") % {"tag": element.tag},
                            location="line 1",
                        )
                    generated = element.get("dateGenerated", "")
                    if generated:
                        try:
                            published = iso_date(generated)
                        except ValueError as error:
                            raise ListFormatError(
                                _("dateGenerated %(value)r is not a date") % {"value": generated},
                                location="CONSOLIDATED_LIST",
                            ) from error
                continue
            if element.tag in counts:
                counts[element.tag] += 1
                entities.append(_record(element, element.tag, counts[element.tag]))
                element.clear()
    if root is None:
        raise ListFormatError(_("empty file"), location="line 1")
    return ParsedList(source="un", entities=entities, published=published)
