"""Screening one party against the index: candidates, name scores, facts, explanations.

Pure functions over an in-memory :class:`~.index.MatcherData`; :mod:`.services` stores the
outcome. Facts change the best name score as follows (each change is written in the
explanation):

- **Date of birth** (persons): the same full date +0.10; the same year when one side gives only
  the year +0.05 (two full dates of one year that differ: 0); a listed date range that holds
  the year +0.03; every listed date more than one year away −0.20.
- **Country**: the query's country among the entity's nationalities +0.05; the entity has
  nationalities and none is the query's −0.05 (people move; a weak signal).
- **Kind**: a person query against an organisation, vessel or aircraft, or the reverse, −0.15.
- **Weak aliases** (UN "Low" quality, OFAC weak a.k.a.) only count when the name score is at
  least 0.95.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from .index import ORGANISATION_SCHEMAS, IndexedEntity, MatcherData, query_keys
from .matching import DEFAULT_THRESHOLD, NameComparison, compare_names
from .normalise import MAX_NAME_LENGTH, Tokens, name_tokens, unsupported_script
from .records import NameQuality

_YEAR = re.compile(r"^(\d{4})")


class QueryError(ValueError):
    """A query that cannot be screened; ``field`` names the input at fault (``name``,
    ``birth_date``, ``country``, ``schema``), ``code`` is a stable machine-readable reason."""

    def __init__(self, message: str, *, field: str, code: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code


@dataclass
class Query:
    """A party to screen. ``birth_date``: ``YYYY-MM-DD`` or ``YYYY``; ``country``: ISO
    3166-1 alpha-2; ``schema``: ``person``, ``organisation``, ``vessel``, ``aircraft`` or
    empty when unknown."""

    name: str
    birth_date: str = ""
    country: str = ""
    schema: str = ""


@dataclass
class Match:
    """One listed entity at or above the threshold, with the explanation of its score."""

    entity: IndexedEntity
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


def _is_date_or_year(value: str) -> bool:
    """``YYYY`` or an existing ``YYYY-MM-DD`` date (``1960-02-30`` is not one)."""
    if re.fullmatch(r"\d{4}", value):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate(query: Query) -> Query:
    """Check and tidy *query*.

    Raises:
        QueryError: empty name (``code="empty"``), longer than
            :data:`~.normalise.MAX_NAME_LENGTH` characters (``"too_long"``), nothing left to
            compare after normalisation (``"no_letters"``), a script that cannot be
            transliterated (``"script"``), a malformed date of birth (``"birth_date"``), a
            country that is not two letters (``"country"``), an unknown kind (``"schema"``).
    """
    name = " ".join(query.name.split())
    if not name:
        raise QueryError(_("The name is empty."), field="name", code="empty")
    if len(name) > MAX_NAME_LENGTH:
        raise QueryError(
            f"The name has {len(name)} characters; at most {MAX_NAME_LENGTH} are screened.",
            field="name",
            code="too_long",
        )
    if unsupported_script(name):
        raise QueryError(
            _("The name is written in a script that cannot be transliterated to Latin letters."),
            field="name",
            code="script",
        )
    if not name_tokens(name).parts:
        raise QueryError(_("The name has no letters or digits to compare."), field="name", code="no_letters")
    birth = query.birth_date.strip()
    if birth and not _is_date_or_year(birth):
        raise QueryError(
            _("The date of birth must be a date (YYYY-MM-DD) or a year (YYYY)."), field="birth_date", code="birth_date"
        )
    country = query.country.strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise QueryError(_("The country must be a two-letter ISO code, such as BE."), field="country", code="country")
    schema = query.schema.strip().lower()
    if schema and schema not in ORGANISATION_SCHEMAS | {"person"}:
        raise QueryError(
            _("Unknown kind %(kind)s: use person, organisation, vessel or aircraft.") % {"kind": schema},
            field="schema",
            code="schema",
        )
    return Query(name=name, birth_date=birth, country=country, schema=schema)


def _years(value: str) -> tuple[int, int] | None:
    """``"1960-01-02"`` → (1960, 1960); ``"1958/1962"`` → (1958, 1962); unreadable → None."""
    if "/" in value:
        start, _, end = value.partition("/")
        a, b = _YEAR.match(start), _YEAR.match(end)
        return (int(a.group(1)), int(b.group(1))) if a and b else None
    m = _YEAR.match(value)
    return (int(m.group(1)), int(m.group(1))) if m else None


def fact_adjustments(query: Query, entity: IndexedEntity) -> list[dict[str, Any]]:
    """The facts that agree or disagree between *query* and *entity*, with the score change
    of each (rules in the module docstring)."""
    facts: list[dict[str, Any]] = []
    if query.birth_date and entity.birth_dates and entity.schema == "person":
        year = int(query.birth_date[:4])
        if query.birth_date in entity.birth_dates:
            facts.append({"fact": "birth_date", "outcome": "same date", "delta": 0.10})
        else:
            dated = [(listed, span) for listed in entity.birth_dates if (span := _years(listed))]
            spans = [span for _listed, span in dated]
            year_only = len(query.birth_date) == 4
            if any(a == b == year and (year_only or len(listed) < 10) for listed, (a, b) in dated):
                facts.append({"fact": "birth_date", "outcome": "same year", "delta": 0.05})
            elif any(a == b == year for a, b in spans):
                # Two full dates of one year that differ: neither agreement nor a clear conflict.
                facts.append({"fact": "birth_date", "outcome": "same year, another day", "delta": 0.0})
            elif any(a <= year <= b for a, b in spans):
                facts.append({"fact": "birth_date", "outcome": "within the listed range", "delta": 0.03})
            elif spans and all(year < a - 1 or year > b + 1 for a, b in spans):
                facts.append({"fact": "birth_date", "outcome": "different", "delta": -0.20})
        if facts:
            facts[-1].update(query=query.birth_date, listed=entity.birth_dates)
    if query.country and entity.nationalities:
        if query.country in entity.nationalities:
            facts.append({"fact": "country", "outcome": "same", "delta": 0.05})
        elif all(len(n) == 2 for n in entity.nationalities):
            facts.append({"fact": "country", "outcome": "different", "delta": -0.05})
        if facts and facts[-1]["fact"] == "country":
            facts[-1].update(query=query.country, listed=entity.nationalities)
    if query.schema:
        query_org = query.schema in ORGANISATION_SCHEMAS
        entity_org = entity.schema in ORGANISATION_SCHEMAS
        if query_org != entity_org:
            facts.append(
                {"fact": "kind", "outcome": "different", "delta": -0.15, "query": query.schema, "listed": entity.schema}
            )
    return facts


def _explain(
    name: str,
    listed_name: str,
    quality: str,
    comparison: NameComparison,
    facts: list[dict[str, Any]],
    score: float,
    threshold: float,
) -> dict[str, Any]:
    return {
        "query_name": name,
        "listed_name": listed_name,
        "name_quality": quality,
        "parts": [
            {"query": p.query, "listed": p.listed, "measure": p.measure, "score": round(p.score, 3)}
            for p in comparison.parts
        ],
        "unmatched_query": comparison.unmatched_query,
        "unmatched_listed": comparison.unmatched_listed,
        "adjustments": [{"reason": reason, "delta": delta} for reason, delta in comparison.notes],
        "name_score": round(comparison.score, 3),
        "facts": facts,
        "score": round(score, 3),
        "threshold": threshold,
    }


#: Above this many candidates, a fast whole-name similarity (RapidFuzz ``token_set_ratio``, in
#: C) keeps the best :data:`PREFILTER_KEEP` for the full comparison.
PREFILTER_FROM = 30
PREFILTER_KEEP = 30


def _prefilter(data: MatcherData, positions: list[int], as_person: Tokens, as_org: Tokens) -> list[int]:
    """The candidates worth a full comparison: all of them when few, else the
    :data:`PREFILTER_KEEP` most similar as whole names (either reading of the query)."""
    if len(positions) <= PREFILTER_FROM:
        return positions
    person_text, org_text = as_person.spaced, as_org.spaced
    similarity = fuzz.token_set_ratio
    scored = [
        (max(similarity(person_text, text), similarity(org_text, text)), pos)
        for pos in positions
        for text in (data.names[pos].tokens.spaced,)
    ]
    scored.sort(key=lambda item: -item[0])
    return [pos for _score, pos in scored[:PREFILTER_KEEP]]


def screen(data: MatcherData, query: Query, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 20) -> list[Match]:
    """Screen one party.

    Args:
        data: the index (:func:`~.index.current_index`).
        query: a validated :class:`Query` (:func:`validate`).
        threshold: the lowest final score reported (0-1).
        limit: most hits returned, best first.

    Returns:
        The entities scoring at or above *threshold*, best first, one per entity (its best
        name), each with its explanation.
    """
    as_person = name_tokens(query.name, organisation=False)
    as_org = name_tokens(query.name, organisation=True)
    keys = query_keys(as_person) + query_keys(as_org)
    best: dict[int, tuple[float, int, NameComparison]] = {}
    for pos in _prefilter(data, data.candidates(keys), as_person, as_org):
        indexed = data.names[pos]
        entity = data.entities[indexed.entity]
        organisation = entity.schema in ORGANISATION_SCHEMAS
        tokens: Tokens = as_org if organisation else as_person
        comparison = compare_names(tokens, indexed.tokens, organisation=organisation)
        if indexed.quality == NameQuality.WEAK and comparison.score < 0.95:
            continue
        current = best.get(indexed.entity)
        if current is None or comparison.score > current[0]:
            best[indexed.entity] = (comparison.score, pos, comparison)
    matches: list[Match] = []
    for entity_pos, (name_score, pos, comparison) in best.items():
        if name_score < threshold - 0.25:
            continue
        entity = data.entities[entity_pos]
        facts = fact_adjustments(query, entity)
        score = max(0.0, min(1.0, name_score + sum(f["delta"] for f in facts)))
        if score >= threshold:
            indexed = data.names[pos]
            matches.append(
                Match(
                    entity=entity,
                    score=score,
                    explanation=_explain(
                        query.name, indexed.name, indexed.quality, comparison, facts, score, threshold
                    ),
                )
            )
    matches.sort(key=lambda m: (-m.score, m.entity.source, m.entity.ref))
    return matches[:limit]
