"""Loader of our generic list CSV, for any list that has no official loader (national lists,
internal watch lists).

The file is UTF-8 CSV (comma-separated, double quotes around cells that hold commas), one row
per listed entity, with a header row naming the columns. Columns (order free; ``ref``,
``schema`` and ``name`` required, the others optional; an unknown column is an error, to catch
typos). In cells holding several values, the values are separated by ``|``:

=================  ===========================================================================
column             content
=================  ===========================================================================
``ref``            the list's identifier of the entity, unique in the file (``ABC-001``)
``schema``         ``person``, ``organisation``, ``vessel`` or ``aircraft``
``name``           the primary name
``aliases``        strong aliases, ``|``-separated
``weak_aliases``   weak aliases (nicknames, short forms), ``|``-separated
``birth_dates``    ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a range ``YYYY/YYYY``, ``|``-separated
``birth_places``   places of birth, ``|``-separated
``nationalities``  ISO 3166-1 alpha-2 codes or country names, ``|``-separated
``addresses``      addresses, ``|``-separated
``identifiers``    documents as ``type:number`` or ``type:number:CC``, ``|``-separated
``programmes``     sanctions programmes, ``|``-separated
``listed_on``      listing date ``YYYY-MM-DD``
``remarks``        free text
=================  ===========================================================================

Example::

    ref,schema,name,aliases,birth_dates,nationalities,programmes,listed_on
    X-1,person,Ivan PETROV,Иван Петров|Vanya PETROV,1960-01-31,RU,ARMS,2024-05-01
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

from django.utils.translation import gettext as _

from ..records import EntityRecord, ListFormatError, NameQuality, NameRecord, ParsedList, Schema
from . import add_unique, country_code, iso_date, partial_date, read_error
from .un import script_of

COLUMNS = (
    "ref",
    "schema",
    "name",
    "aliases",
    "weak_aliases",
    "birth_dates",
    "birth_places",
    "nationalities",
    "addresses",
    "identifiers",
    "programmes",
    "listed_on",
    "remarks",
)
REQUIRED = ("ref", "schema", "name")
SCHEMAS = (Schema.PERSON, Schema.ORGANISATION, Schema.VESSEL, Schema.AIRCRAFT)


def _values(text: str) -> list[str]:
    return [" ".join(v.split()) for v in text.split("|") if v.strip()]


def _birth_date(value: str) -> str:
    if re.fullmatch(r"\d{4}/\d{4}", value):
        return value
    return partial_date(value)


def parse(path: Path) -> ParsedList:
    """Read a list in the generic CSV format (see the module's documentation).

    Returns:
        the list with ``source="generic"`` (the service stores it under the name it is given),
        ``published=None``.

    Raises:
        ListFormatError: a missing or unknown column (``line 1``), a row with more cells than
            the header, an empty or repeated ``ref``, an unknown ``schema``, an empty ``name``,
            an unreadable date, an identifier without ``type:number`` (``line N, column C``).
    """
    entities: list[EntityRecord] = []
    seen: set[str] = set()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            try:
                header = [h.strip().lower() for h in next(reader, [])]
                if not header:
                    raise ListFormatError(_("empty file"), location="line 1")
                unknown = [h for h in header if h not in COLUMNS]
                missing = [h for h in REQUIRED if h not in header]
                if unknown or missing:
                    problems = []
                    if missing:
                        problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
                    if unknown:
                        problems.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
                    raise ListFormatError("; ".join(problems), location="line 1")
                for row in reader:
                    if not any(cell.strip() for cell in row):
                        continue
                    line = reader.line_num
                    if len(row) > len(header):
                        raise ListFormatError(
                            _("%(found)d cells, the header has %(expected)d")
                            % {"found": len(row), "expected": len(header)},
                            location=f"line {line}",
                        )
                    entities.append(_record(dict(zip(header, row, strict=False)), line, seen))
            except csv.Error as error:
                raise ListFormatError(
                    _("not valid CSV (%(reason)s)") % {"reason": error}, location=f"line {reader.line_num}"
                ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise read_error(path, error) from error
    return ParsedList(source="generic", entities=entities)


def _record(row: dict[str, str], line: int, seen: set[str]) -> EntityRecord:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    def where(column: str) -> str:
        return f"line {line}, column {column}"

    ref = cell("ref")
    if not ref:
        raise ListFormatError(_("empty ref"), location=where("ref"))
    if ref in seen:
        raise ListFormatError(_("ref %(ref)s appears twice") % {"ref": ref}, location=where("ref"))
    seen.add(ref)
    schema = cell("schema").lower()
    if schema not in SCHEMAS:
        raise ListFormatError(
            _("schema %(value)r is not one of %(choices)s") % {"value": cell("schema"), "choices": ", ".join(SCHEMAS)},
            location=where("schema"),
        )
    name = " ".join(cell("name").split())
    if not name:
        raise ListFormatError(_("empty name"), location=where("name"))
    names = [NameRecord(name, NameQuality.PRIMARY, script_of(name))]
    names += [NameRecord(a, NameQuality.STRONG, script_of(a)) for a in _values(cell("aliases"))]
    names += [NameRecord(a, NameQuality.WEAK, script_of(a)) for a in _values(cell("weak_aliases"))]
    record = EntityRecord(ref=ref, schema=schema, names=names, remarks=cell("remarks"))
    for value in _values(cell("birth_dates")):
        try:
            add_unique(record.birth_dates, _birth_date(value))
        except ValueError as error:
            raise ListFormatError(
                _("date of birth %(value)r is not YYYY-MM-DD, YYYY-MM, YYYY or YYYY/YYYY") % {"value": value},
                location=where("birth_dates"),
            ) from error
    listed = cell("listed_on")
    if listed:
        try:
            record.listed_on = iso_date(listed) if len(listed) == 10 else datetime.date.fromisoformat(listed)
        except ValueError as error:
            raise ListFormatError(
                _("listing date %(value)r is not YYYY-MM-DD") % {"value": listed}, location=where("listed_on")
            ) from error
    for value in _values(cell("birth_places")):
        add_unique(record.birth_places, value)
    for value in _values(cell("nationalities")):
        add_unique(record.nationalities, country_code(value))
    for value in _values(cell("addresses")):
        add_unique(record.addresses, value)
    for value in _values(cell("programmes")):
        add_unique(record.programmes, value)
    for value in _values(cell("identifiers")):
        parts = [p.strip() for p in value.split(":")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ListFormatError(
                _("identifier %(value)r is not type:number or type:number:CC") % {"value": value},
                location=where("identifiers"),
            )
        identifier = {
            "type": parts[0],
            "number": parts[1],
            "country": country_code(parts[2]) if len(parts) == 3 else "",
        }
        if identifier not in record.identifiers:
            record.identifiers.append(identifier)
    return record
