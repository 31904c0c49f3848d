"""Loader of the UK Sanctions List (Foreign, Commonwealth and Development Office), CSV.

Source: https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv (overridable in
``settings.SCREENING_LIST_URLS``); the FCDO list is the single UK list since OFSI's
Consolidated List closed (January 2026). Layout of the CSV as published by the FCDO:

- an optional first line ``Report Date: 03-May-2024`` (→ ``published``), then a header row;
- one row per name: the entity's rows share ``Unique ID`` (``RUS0001``, our ref);
  ``Name type`` ``Primary Name`` gives the primary name, other rows (``Alias``,
  ``Primary Name Variation``) aliases, weak when ``Alias strength`` is ``Low quality``;
  the name is ``Name 1`` .. ``Name 5`` then ``Name 6`` (the family name or the entity's name);
  ``Name non-latin script`` adds a strong name in that script;
- ``Designation Type`` ``Individual`` → person, ``Entity`` → organisation, ``Ship`` → vessel;
  ``Regime Name`` → programme; ``Date Designated`` (``dd/mm/yyyy``) → listing date;
  ``Date of birth`` or ``D.O.B`` (``dd/mm/yyyy``, unknown parts as ``00``); ``Nationality(/ies)``;
  ``Town of birth``, ``Country of birth``; ``Address Line 1..6``, ``Address Postal Code``,
  ``Address Country``; ``Passport number``, ``National Identifier number``, ``IMO number``;
  ``Current believed flag of ship``; ``Other Information`` → remarks.

Cells holding several values number them (``(1) 01/01/1960 (2) 00/00/1961``) or separate them
with ``|``; both are read. Columns are found by their header, so added or reordered columns
do not matter; the columns named above as required must be present.
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

from django.utils.translation import gettext as _

from ..records import EntityRecord, ListFormatError, NameQuality, NameRecord, ParsedList, Schema
from . import add_unique, country_code, join_names, partial_date, read_error
from .un import script_of

REQUIRED = ("Unique ID", "Name 6", "Name type", "Designation Type")
_SCHEMAS = {"individual": Schema.PERSON, "entity": Schema.ORGANISATION, "ship": Schema.VESSEL}
_SCRIPTS = {"cyrillic": "Cyrl", "arabic": "Arab", "chinese": "Hani", "korean": "Hang", "greek": "Grek"}


def split_values(text: str) -> list[str]:
    """``"(1) a (2) b"`` or ``"a|b"`` → ``["a", "b"]``; empty cells give ``[]``."""
    text = " ".join(text.split())
    if not text:
        return []
    if re.match(r"^\(1\)\s", text):
        return [p.strip() for p in re.split(r"\(\d+\)\s+", text) if p.strip()]
    return [p.strip() for p in text.split("|") if p.strip()]


def parse(path: Path) -> ParsedList:
    """Read a UK Sanctions List CSV file.

    Returns:
        the list with ``source="uk"``, ``published`` from the ``Report Date`` line when present.

    Raises:
        ListFormatError: a missing required column (``line N`` of the header), a row with more
            cells than the header, an unknown designation type, a row without name, an entity
            without primary name, or a date that cannot be read (``line N``).
    """
    records: dict[str, EntityRecord] = {}
    published: datetime.date | None = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header: list[str] | None = None
            try:
                for row in reader:
                    line = reader.line_num
                    if not any(cell.strip() for cell in row):
                        continue
                    if header is None:
                        first = row[0].strip()
                        if first.lower().startswith("report date"):
                            value = first.split(":", 1)[-1].strip()
                            try:
                                published = datetime.datetime.strptime(value, "%d-%b-%Y").date()
                            except ValueError as error:
                                raise ListFormatError(
                                    _("report date %(value)r is not a date") % {"value": value}, location=f"line {line}"
                                ) from error
                            continue
                        header = [cell.strip() for cell in row]
                        missing = [name for name in REQUIRED if name not in header]
                        if missing:
                            raise ListFormatError(
                                _("missing columns: %(columns)s") % {"columns": ", ".join(missing)},
                                location=f"line {line}",
                            )
                        continue
                    if len(row) > len(header):
                        raise ListFormatError(
                            _("%(found)d cells, the header has %(expected)d")
                            % {"found": len(row), "expected": len(header)},
                            location=f"line {line}",
                        )
                    _read_row(records, dict(zip(header, row, strict=False)), f"line {line}")
            except csv.Error as error:
                raise ListFormatError(
                    _("not valid CSV (%(reason)s)") % {"reason": error}, location=f"line {reader.line_num}"
                ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise read_error(path, error) from error
    if header is None:
        raise ListFormatError(_("no header row"), location="line 1")
    for record in records.values():
        if not any(n.quality == NameQuality.PRIMARY for n in record.names):
            raise ListFormatError(
                _("entity %(ref)s has no primary name") % {"ref": record.ref}, location=f"Unique ID {record.ref}"
            )
    return ParsedList(source="uk", entities=list(records.values()), published=published)


def _date(value: str, column: str, location: str) -> str:
    try:
        return partial_date(value)
    except ValueError as error:
        raise ListFormatError(
            _("%(column)s %(value)r is not a date") % {"column": column, "value": value}, location=location
        ) from error


def _read_row(records: dict[str, EntityRecord], row: dict[str, str], location: str) -> None:
    def cell(name: str) -> str:
        return " ".join((row.get(name) or "").split())

    ref = cell("Unique ID")
    if not ref:
        raise ListFormatError(_("empty Unique ID"), location=location)
    kind = cell("Designation Type").lower()
    if kind not in _SCHEMAS:
        raise ListFormatError(
            _("unknown Designation Type %(value)r") % {"value": cell("Designation Type")}, location=location
        )
    record = records.get(ref)
    if record is None:
        record = records[ref] = EntityRecord(ref=ref, schema=_SCHEMAS[kind], names=[])
    name = join_names(*(cell(f"Name {i}") for i in range(1, 7)))
    if not name:
        raise ListFormatError(_("the name is empty"), location=location)
    name_type = cell("Name type").lower()
    if name_type == "primary name":
        quality = NameQuality.PRIMARY
    elif cell("Alias strength").lower().startswith("low"):
        quality = NameQuality.WEAK
    else:
        quality = NameQuality.STRONG
    if not any(n.name == name and n.quality == quality for n in record.names):
        record.names.append(NameRecord(name, quality, script_of(name)))
    original = cell("Name non-latin script")
    if original and not any(n.name == original for n in record.names):
        script = _SCRIPTS.get(cell("Non-latin script type").lower()) or script_of(original)
        record.names.append(NameRecord(original, NameQuality.STRONG, script))

    add_unique(record.programmes, cell("Regime Name"))
    designated = cell("Date Designated")
    if designated and record.listed_on is None:
        iso = _date(designated, "Date Designated", location)
        if len(iso) == 10:
            record.listed_on = datetime.date.fromisoformat(iso)
    for column in ("Date of birth", "D.O.B"):
        for value in split_values(cell(column)):
            add_unique(record.birth_dates, _date(value, column, location))
    for value in split_values(cell("Nationality(/ies)")):
        add_unique(record.nationalities, country_code(value))
    flag = cell("Current believed flag of ship")
    if flag:
        add_unique(record.nationalities, country_code(flag))
    add_unique(record.birth_places, ", ".join(p for p in (cell("Town of birth"), cell("Country of birth")) if p))
    address = ", ".join(
        p
        for p in [
            *(cell(f"Address Line {i}") for i in range(1, 7)),
            cell("Address Postal Code"),
            cell("Address Country"),
        ]
        if p
    )
    add_unique(record.addresses, address)
    for column, kind_label in (
        ("Passport number", "Passport"),
        ("National Identifier number", "National ID"),
        ("IMO number", "IMO"),
        ("Business registration number (s)", "Registration number"),
    ):
        for number in split_values(cell(column)):
            identifier = {"type": kind_label, "number": number, "country": ""}
            if identifier not in record.identifiers:
                record.identifiers.append(identifier)
    remarks = cell("Other Information")
    if remarks and remarks not in record.remarks:
        record.remarks = f"{record.remarks}\n{remarks}".strip()
