"""Loader of the US OFAC Specially Designated Nationals list (SDN), CSV files.

Source: https://www.treasury.gov/ofac/downloads/ (``sdn.csv``, ``alt.csv``, ``add.csv``;
format described in OFAC's "SDN data specification"). The files have no header row; ``-0-``
stands for an empty value; a control-Z (``\\x1a``) may end the file.

- ``sdn.csv``: ``ent_num, SDN_name, SDN_type, program, title, call_sign, vess_type, tonnage,
  GRT, vess_flag, vess_owner, remarks``. ``SDN_type`` ``individual`` → person, ``vessel``,
  ``aircraft``, empty → organisation. ``program``: several as ``"NPWMD] [IFSR"``. The name is
  kept as the list writes it (``"LAST, First"`` for persons; the matcher handles name order).
  ``remarks`` (parts separated by ``"; "``) give ``DOB``/``alt. DOB`` (``01 Jan 1960``,
  ``Jan 1960``, ``1960``, ``circa 1960``, ``1958 to 1962``, ``1979-1982``), ``POB``, ``nationality``,
  ``citizen``, identity documents (``Passport X (Country)``, ``National ID No.``, ``Tax ID No.``,
  ``Registration Number``, IMO, ...) and aliases in quotes (``a.k.a. 'X'``, ``f.k.a.``,
  ``n.k.a.``; an alias cut by the end of a truncated remarks field is kept as it is, unless it
  has no letter or digit). OFAC writes the weak aliases there (its "weak AKA" convention: the strong ones are
  in ``alt.csv``), so they are read as weak names.
- ``alt.csv`` (optional): ``ent_num, alt_num, alt_type, alt_name, alt_remarks``; ``alt_type``
  ``aka``/``fka``/``nka`` (or ``a.k.a.``...). Strong aliases, weak when ``alt_remarks`` says
  ``weak``.
- ``add.csv`` (optional): ``ent_num, add_num, address, city_state_postal, country, add_remarks``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from ..records import EntityRecord, ListFormatError, NameQuality, NameRecord, ParsedList, Schema
from . import add_unique, country_code, join_names, partial_date, read_error

EMPTY = "-0-"
SDN_COLUMNS = 12
_TYPES = {"individual": Schema.PERSON, "vessel": Schema.VESSEL, "aircraft": Schema.AIRCRAFT, "": Schema.ORGANISATION}
# the closing quote is missing when OFAC cut a long remarks field in the middle of an alias
_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.*?)'?$")
_ID_TYPES = (
    "Passport",
    "alt. Passport",
    "National ID No.",
    "Tax ID No.",
    "Registration Number",
    "Registration ID",
    "Vessel Registration Identification",
    "Identification Number",
    "Cedula No.",
    "C.U.R.P.",
    "R.F.C.",
    "NIT #",
    "RUC #",
    "RIF #",
    "D.N.I.",
    "SSN",
    "Business Registration Number",
    "Company Number",
    "Commercial Registry Number",
    "Unified Social Credit Code (USCC)",
    "Legal Entity Number",
    "Government Gazette Number",
    "MMSI",
    "SWIFT/BIC",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Tail Number",
    "Birth Certificate Number",
    "Driver's License No.",
    "Electoral Registry No.",
    "Folio Mercantil No.",
    "Trade License No.",
    "V.A.T. Number",
    "Residency Number",
    "Personal ID Card",
    "Public Security and Immigration No.",
)
_ID = re.compile(
    r"^(?P<type>" + "|".join(re.escape(t) for t in sorted(_ID_TYPES, key=len, reverse=True)) + r")"
    r"\s+(?P<number>.+?)(?:\s+\((?P<country>[^()]*)\))?$"
)


def _value(text: str) -> str:
    text = " ".join(text.split())
    return "" if text == EMPTY else text


def _rows(path: Path, columns: tuple[int, ...]) -> Iterator[tuple[int, list[str]]]:
    """``(line, row)`` of a header-less OFAC CSV, skipping blank lines and the final control-Z.

    Raises ListFormatError for a row whose number of columns is not in *columns*."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            try:
                for row in reader:
                    if not row or (len(row) == 1 and row[0].strip(" \x1a") == ""):
                        continue
                    if len(row) not in columns:
                        raise ListFormatError(
                            _("%(file)s: expected %(expected)d columns, found %(found)d")
                            % {"file": path.name, "expected": columns[-1], "found": len(row)},
                            location=f"line {reader.line_num}",
                        )
                    yield reader.line_num, row
            except csv.Error as error:
                raise ListFormatError(
                    _("%(file)s: not valid CSV (%(reason)s)") % {"file": path.name, "reason": error},
                    location=f"line {reader.line_num}",
                ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise read_error(path, error) from error


def _birth_date(text: str) -> str:
    """``"circa 1960"`` → ``"1960"``; ``"1958 to 1962"`` → ``"1958/1962"`` (raises ValueError)."""
    text = re.sub(r"^circa\s+", "", text.strip().rstrip("."), flags=re.IGNORECASE)
    years = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text)  # "1979-1982" (seen once in the 2024 file)
    if years:
        return f"{years.group(1)}/{years.group(2)}"
    if " to " in text:
        start, _sep, end = text.partition(" to ")
        return f"{partial_date(start)}/{partial_date(end)}"
    return partial_date(text)


def _read_remarks(record: EntityRecord, remarks: str, location: str) -> None:
    """Fill *record*'s facts and weak aliases from an SDN ``remarks`` text."""
    for part in re.split(r";\s+", remarks.strip().rstrip(".")):
        part = part.strip()
        alias = _ALIAS.match(part)
        if alias:
            name = alias.group(2).strip()
            if any(c.isalnum() for c in name):
                record.names.append(NameRecord(name, NameQuality.WEAK))
            continue
        fact = part[5:] if part.startswith("alt. ") else part
        if fact.startswith("DOB "):
            try:
                add_unique(record.birth_dates, _birth_date(fact[4:]))
            except ValueError as error:
                raise ListFormatError(
                    _("date of birth %(value)r cannot be read") % {"value": fact[4:]}, location=location
                ) from error
        elif fact.startswith("POB "):
            add_unique(record.birth_places, fact[4:].strip())
        elif fact.startswith(("nationality ", "citizen ")):
            add_unique(record.nationalities, country_code(fact.split(" ", 1)[1]))
        else:
            match = _ID.match(part)
            if match:
                identifier = {
                    "type": match.group("type").removeprefix("alt. "),
                    "number": match.group("number").strip(),
                    "country": country_code(match.group("country") or ""),
                }
                if identifier not in record.identifiers:
                    record.identifiers.append(identifier)


def _programmes(text: str) -> list[str]:
    return [p.strip(" []") for p in text.split("] [") if p.strip(" []")]


def parse(path: Path, alt_path: Path | None = None, add_path: Path | None = None) -> ParsedList:
    """Read OFAC's ``sdn.csv`` and, when given, its ``alt.csv`` (aliases) and ``add.csv``
    (addresses).

    Returns:
        the list with ``source="ofac"``; ``published`` is ``None`` (the CSV files carry no date).

    Raises:
        ListFormatError: a row with the wrong number of columns, an ``ent_num`` that is not a
            number or repeats, an empty name, an unknown ``SDN_type``, a date of birth that
            cannot be read (location ``line N`` of ``sdn.csv``), or an alias or address row
            naming an ``ent_num`` absent from ``sdn.csv`` (location ``alt.csv line N``).
    """
    records: dict[str, EntityRecord] = {}
    for line, row in _rows(path, (SDN_COLUMNS,)):
        location = f"line {line}"
        ref = _value(row[0])
        if not ref.isdigit():
            raise ListFormatError(_("ent_num %(value)r is not a number") % {"value": row[0]}, location=location)
        if ref in records:
            raise ListFormatError(_("ent_num %(value)s appears twice") % {"value": ref}, location=location)
        name = _value(row[1])
        if not name:
            raise ListFormatError(_("the name is empty"), location=location)
        kind = _value(row[2]).lower()
        if kind not in _TYPES:
            raise ListFormatError(_("unknown SDN type %(value)r") % {"value": row[2]}, location=location)
        record = EntityRecord(
            ref=ref,
            schema=_TYPES[kind],
            names=[NameRecord(name, NameQuality.PRIMARY)],
            programmes=_programmes(_value(row[3])),
            remarks=_value(row[11]),
        )
        call_sign, flag = _value(row[5]), _value(row[9])
        if call_sign:
            record.identifiers.append({"type": "Call sign", "number": call_sign, "country": ""})
        if flag:
            add_unique(record.nationalities, country_code(flag))
        _read_remarks(record, record.remarks, location)
        records[ref] = record

    if alt_path is not None:
        for line, row in _rows(alt_path, (5,)):
            ref, name = _value(row[0]), _value(row[3])
            aliased = records.get(ref)
            if aliased is None:
                raise ListFormatError(
                    _("ent_num %(value)r is not in %(file)s") % {"value": row[0], "file": path.name},
                    location=f"{alt_path.name} line {line}",
                )
            if not name:
                continue
            quality = NameQuality.WEAK if "weak" in _value(row[4]).lower() else NameQuality.STRONG
            # the same name given weak in the remarks and strong here is one strong name
            aliased.names = [n for n in aliased.names if not (n.name == name and n.quality == NameQuality.WEAK)]
            if not any(n.name == name for n in aliased.names):
                aliased.names.append(NameRecord(name, quality))
    if add_path is not None:
        for line, row in _rows(add_path, (5, 6)):
            located = records.get(_value(row[0]))
            if located is None:
                raise ListFormatError(
                    _("ent_num %(value)r is not in %(file)s") % {"value": row[0], "file": path.name},
                    location=f"{add_path.name} line {line}",
                )
            address = ", ".join(p for p in (_value(row[2]), _value(row[3]), _value(row[4])) if p)
            add_unique(located.addresses, join_names(address))
    return ParsedList(source="ofac", entities=list(records.values()))
