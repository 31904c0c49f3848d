"""What a list loader produces: plain records, independent of the database.

Every loader (``loaders/<format>.py``) turns one official file into a :class:`ParsedList`;
:func:`..services.list_load` stores it as a dated :class:`~.models.ListVersion`. A loader
that meets a file it cannot read raises :class:`ListFormatError` naming where (line, element).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field


class ListFormatError(ValueError):
    """A list file cannot be read. ``location`` says where: ``"line 12"``, ``"INDIVIDUAL #3"``,
    ``"byte 4096"``; the message says what is wrong there."""

    def __init__(self, message: str, *, location: str = "") -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location
        self.reason = message


class NameQuality:
    """How much a name of a listed entity can be trusted for matching.

    ``primary``: the listed name; ``strong``: a good-quality alias (UN "Good", EU/UK/OFAC
    "strong" a.k.a.); ``weak``: a low-quality alias (UN "Low", OFAC "weak" a.k.a., short
    nicknames), shown but matched only on near-identity.
    """

    PRIMARY = "primary"
    STRONG = "strong"
    WEAK = "weak"


class Schema:
    """Kinds of listed entity (a subset of FollowTheMoney's schemata)."""

    PERSON = "person"
    ORGANISATION = "organisation"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


@dataclass
class NameRecord:
    """One name of a listed entity. ``script``: optional ISO 15924 hint (``"Cyrl"``, ``"Arab"``)."""

    name: str
    quality: str = NameQuality.STRONG
    script: str = ""


@dataclass
class EntityRecord:
    """One listed entity as read from a file.

    ``ref``: the list's own identifier (UN reference number ``QDi.001``, OFAC ``ent_num``, EU
    ``logicalId``, UK unique id). ``birth_dates``: ISO dates, or ``YYYY`` / ``YYYY-MM`` when the
    list gives only part (``"1960"``), or ``"1958/1962"`` for a range. ``nationalities``: ISO
    3166-1 alpha-2 codes where the list's country can be mapped, else the list's text.
    ``identifiers``: ``{"type": ..., "number": ..., "country": ...}``.
    """

    ref: str
    schema: str
    names: list[NameRecord]
    programmes: list[str] = field(default_factory=list)
    listed_on: datetime.date | None = None
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    identifiers: list[dict[str, str]] = field(default_factory=list)
    remarks: str = ""

    @property
    def caption(self) -> str:
        """The primary name, else the first name."""
        for name in self.names:
            if name.quality == NameQuality.PRIMARY:
                return name.name
        return self.names[0].name if self.names else self.ref

    def fingerprint(self) -> str:
        """SHA-256 of the whole record in a canonical form: two loads of an unchanged listing
        give the same fingerprint, any change to a name, fact or programme changes it. Reviews
        of a hit are reused until the fingerprint of the entity changes."""
        data = asdict(self)
        data["listed_on"] = self.listed_on.isoformat() if self.listed_on else None
        data["names"] = sorted((n["name"], n["quality"], n["script"]) for n in data["names"])
        for key in ("programmes", "birth_dates", "birth_places", "nationalities", "addresses"):
            data[key] = sorted(data[key])
        data["identifiers"] = sorted(json.dumps(i, sort_keys=True) for i in data["identifiers"])
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class ParsedList:
    """A whole list file read into records. ``published``: the list's own date when the file
    gives one (UN ``dateGenerated``, EU ``generationDate``), else ``None``."""

    source: str
    entities: list[EntityRecord]
    published: datetime.date | None = None
