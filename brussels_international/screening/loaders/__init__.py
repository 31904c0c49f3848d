"""List loaders: one module per official format, each with ``parse(path) -> ParsedList``.

| module | format | official source |
| --- | --- | --- |
| :mod:`.un` | UN Security Council Consolidated List XML | scsanctions.un.org |
| :mod:`.eu` | EU consolidated financial sanctions list, XML "FSF 1.1" | webgate.ec.europa.eu/fsd/fsf |
| :mod:`.ofac` | US OFAC SDN list, ``sdn.csv`` (+ ``alt.csv``, ``add.csv``) | treasury.gov/ofac |
| :mod:`.uk` | UK Sanctions List (FCDO), CSV | sanctionslist.fcdo.gov.uk |
| :mod:`.generic` | our documented generic CSV | any other list |

The helpers here are shared by the loaders: country names to ISO 3166-1 alpha-2 codes, dates
in the lists' several forms, and the wrapping of read errors into
:class:`~brussels_international.screening.records.ListFormatError`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pycountry
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from ..records import ListFormatError, ParsedList

FORMATS: tuple[str, ...] = ("un", "eu", "ofac", "uk", "generic")
"""The list formats we read (``generic`` for our documented CSV)."""

# Country names used by the lists that neither pycountry's name, official name nor common name
# give (source: the UN list's NATIONALITY values and OFAC's "nationality" remarks, 2024-2026).
_NOT_KNOWN = {"na", "n/a", "unknown", "not known"}
_COUNTRY_ALIASES = {
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo": "CG",
    "state of palestine": "PS",
    "palestinian": "PS",
    "korea, north": "KP",
    "north korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "burma": "MM",
    "turkey": "TR",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "venezuela": "VE",
    "bolivia": "BO",
    "tanzania": "TZ",
    "moldova": "MD",
    "the gambia": "GM",
    "gambia": "GM",
    "kosovo": "XK",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "macau": "MO",
    "czech republic": "CZ",
    "united kingdom": "GB",
    "uk": "GB",
    "usa": "US",
    "united states": "US",
    "the netherlands": "NL",
    "north macedonia, the republic of": "MK",
    "st. vincent and the grenadines": "VC",
    "st. kitts and nevis": "KN",
    "st. kitts & nevis": "KN",
    "man, isle of": "IM",
    "brunei": "BN",
    "bahamas, the": "BS",
    "west bank": "PS",
    "gaza": "PS",
}


def _key(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed (for country look-up)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9,]+", " ", text.lower()).split())


@cache
def _country_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            table[_key(value)] = country.alpha_2
            if "," in value:  # "Korea, Democratic People's Republic of" -> "Democratic People's Republic of Korea"
                head, _, tail = value.partition(",")
                table[_key(f"{tail.strip()} {head}")] = country.alpha_2
            if value.lower().startswith("the "):
                table[_key(value[4:])] = country.alpha_2
        table[country.alpha_3.lower()] = country.alpha_2
    table.update({_key(name): code for name, code in _COUNTRY_ALIASES.items()})
    return table


def country_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country named in a list (``"Iran (Islamic Republic of)"``
    → ``"IR"``, ``"Korea, North"`` → ``"KP"``), or the trimmed text itself when no country is
    known by that name (``"former Soviet Union"`` stays as written), or ``""`` for "na",
    "unknown". Upper-case two-letter codes are returned as given. Source of the names:
    ``pycountry`` (ISO 3166-1) plus the variants the UN and OFAC lists use."""
    text = " ".join(text.split()).strip().rstrip(".")
    if not text:
        return ""
    if text.lower() in _NOT_KNOWN:
        return ""
    if len(text) == 2 and text.isalpha() and text.isupper():
        return text
    key = _key(text)
    table = _country_table()
    if key in table:
        return table[key]
    without_brackets = _key(re.sub(r"\(.*?\)", " ", text))
    if without_brackets in table:
        return table[without_brackets]
    bracketed = re.sub(r"[()]", " ", text)  # "Iran (Islamic Republic of)" -> "Islamic Republic of Iran"
    match = re.match(r"^(.*?)\s*\((.*)\)\s*$", text)
    if match:
        swapped = _key(f"{match.group(2)} {match.group(1)}")
        if swapped in table:
            return table[swapped]
    return table.get(_key(bracketed), text)


_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}


def iso_date(text: str) -> datetime.date:
    """``"2012-12-31"`` (also with a time or ``Z`` after it) as a date.

    Raises:
        ValueError: not such a date.
    """
    return datetime.date.fromisoformat(text.strip()[:10])


def partial_date(text: str) -> str:
    """A date written ``"01 Jan 1960"``, ``"Jan 1960"``, ``"1960"``, ``"01/01/1960"``,
    ``"00/00/1960"`` (UK: unknown parts as zeros) or ``"1960-01-01"`` as ISO text, keeping only
    the known parts: ``"1960-01-01"``, ``"1960-01"``, ``"1960"``.

    Raises:
        ValueError: the text is none of these forms, or not a real date.
    """
    text = text.strip().rstrip(".").strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        datetime.date(int(text[:4]), int(text[5:]), 1)
        return text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.date.fromisoformat(text).isoformat()
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if month == 0:
            return f"{year:04d}"
        if day == 0:
            datetime.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return datetime.date(year, month, day).isoformat()
    match = re.fullmatch(r"(?:(\d{1,2}) )?([A-Za-z]{3})[a-z]* (\d{4})", text)
    if match and match.group(2).lower() in _MONTHS:
        month, year = _MONTHS[match.group(2).lower()], int(match.group(3))
        if match.group(1) is None:
            datetime.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return datetime.date(year, month, int(match.group(1))).isoformat()
    raise ValueError(f"not a date: {text!r}")


def join_names(*parts: str | None) -> str:
    """The non-empty parts, trimmed, joined by single spaces."""
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


def birth_date_text(date: str, year: str, start: str, end: str) -> str:
    """A date of birth as the lists give it, in our form: ``"1960-01-31"`` for a full *date*, ``"1960"``
    for a *year*, ``"1958/1962"`` for a range (*start*/*end*, either may be missing); ``""``
    when all are empty.

    Raises:
        ValueError: a value that is not a date or a year.
    """
    if date:
        return iso_date(date).isoformat()
    if year:
        return f"{int(year):04d}"
    if start or end:
        return f"{int(start or end):04d}/{int(end or start):04d}"
    return ""


@contextmanager
def xml_errors(path: Path) -> Iterator[None]:
    """Turn the errors of reading an XML list file into :class:`ListFormatError`: not
    well-formed XML (naming the line and column), a forbidden construct such as a DTD, or a
    file that cannot be read."""
    try:
        yield
    except ET.ParseError as error:
        line, column = error.position
        raise ListFormatError(
            _("not well-formed XML (%(reason)s)") % {"reason": str(error).split(":")[0]},
            location=f"line {line}, column {column}",
        ) from error
    except DefusedXmlException as error:
        raise ListFormatError(_("forbidden XML construct (%(reason)s)") % {"reason": error}, location="DTD") from error
    except (OSError, UnicodeDecodeError) as error:
        raise read_error(path, error) from error


def add_unique(items: list[str], value: str) -> None:
    """Append *value* to *items* unless empty or already there (order kept)."""
    if value and value not in items:
        items.append(value)


def parser_for(fmt: str) -> Callable[..., ParsedList]:
    """The ``parse`` function of the loader of *fmt* (one of :data:`FORMATS`).

    Raises:
        ValueError: unknown format.
    """
    from . import eu, generic, ofac, uk, un

    parsers: dict[str, Callable[..., ParsedList]] = {
        "un": un.parse,
        "eu": eu.parse,
        "ofac": ofac.parse,
        "uk": uk.parse,
        "generic": generic.parse,
    }
    if fmt not in parsers:
        raise ValueError(f"unknown list format {fmt!r}")
    return parsers[fmt]


def read_error(path: Path, error: Exception, location: str = "") -> ListFormatError:
    """A :class:`ListFormatError` for a file that cannot be opened or decoded."""
    if isinstance(error, UnicodeDecodeError):
        return ListFormatError(f"not UTF-8 text ({error.reason})", location=location or f"byte {error.start}")
    return ListFormatError(f"cannot read {path.name}: {error}", location=location)
