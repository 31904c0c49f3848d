"""A hit's explanation for people: the labels of the matcher's measures, adjustments, facts and
outcomes in the active language, and the rows the workspace page, the API and the ``screen``
command show.

The explanation is the JSON the engine stores with each hit (``engine._explain``)::

    {"query_name", "listed_name", "name_quality": "primary|strong|weak",
     "parts": [{"query", "listed", "measure", "score"}], "unmatched_query": [...],
     "unmatched_listed": [...], "adjustments": [{"reason", "delta"}], "name_score",
     "facts": [{"fact", "outcome", "delta", "query"?, "listed"?}], "score", "threshold"}

Measures and adjustments are those of :mod:`.matching`, facts those of
:func:`.engine.fact_adjustments`. An unknown key (a future matcher) is shown as it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from .engine import QueryError

MEASURE_LABELS: dict[str, Promise] = {
    "exact": gettext_lazy("same word"),
    "initial": gettext_lazy("initial of the word"),
    "typo": gettext_lazy("same word with a typing error"),
    "sound": gettext_lazy("sounds the same"),
    "spelling": gettext_lazy("another spelling or transliteration"),
    "skeleton": gettext_lazy("same consonants (vowels not written)"),
    "joined": gettext_lazy("words written together or apart"),
}
"""Plain-language label of each measure of :func:`.matching.part_similarity`."""

ADJUSTMENT_LABELS: dict[str, Promise] = {
    "name parts": gettext_lazy("Score of the matched name parts"),
    "weakest part": gettext_lazy("One part matches only weakly"),
    "several parts differ": gettext_lazy("Several parts are not written the same"),
    "part without counterpart": gettext_lazy("A part of the shorter name has no counterpart"),
    "acronym": gettext_lazy("A part is the acronym of the other name's words (score set to this value)"),
    "numbers differ": gettext_lazy("The numbers in the names differ"),
    "extra parts": gettext_lazy("The longer name has extra parts"),
    "father and son swapped": gettext_lazy("Given name and father's name are swapped (father and son?)"),
    "whole name": gettext_lazy("The whole names, written without spaces, are nearly the same"),
    "initials only": gettext_lazy("One name is only initials (score capped at 0.50)"),
    "legal forms differ": gettext_lazy("The legal forms differ (two different companies?)"),
}
"""Plain-language label of each reason of a name comparison's adjustments (:mod:`.matching`)."""

VALUE_REASONS = frozenset({"name parts", "acronym"})
"""Adjustments whose number is a score, not a change of the score."""

FACT_LABELS: dict[str, Promise] = {
    "birth_date": gettext_lazy("Date of birth"),
    "country": gettext_lazy("Country or nationality"),
    "kind": gettext_lazy("Kind of party"),
}

OUTCOME_LABELS: dict[str, Promise] = {
    "same date": gettext_lazy("same date"),
    "same year": gettext_lazy("same year"),
    "same year, another day": gettext_lazy("same year, another day"),
    "within the listed range": gettext_lazy("within the listed range of years"),
    "different": gettext_lazy("different"),
    "same": pgettext_lazy("screening fact", "same"),
}

QUALITY_LABELS: dict[str, Promise] = {
    "primary": gettext_lazy("listed name"),
    "strong": gettext_lazy("good-quality alias"),
    "weak": gettext_lazy("low-quality alias"),
}


def _label(labels: dict[str, Promise], key: str) -> str:
    return str(labels[key]) if key in labels else key


def signed(value: float) -> str:
    """``0.1`` → ``"+0.10"``, ``-0.2`` → ``"−0.20"`` (a minus sign), ``0`` → ``"0.00"``."""
    if value > 0:
        return f"+{value:.2f}"
    if value < 0:
        return f"\u2212{-value:.2f}"
    return "0.00"


@dataclass
class ExplanationView:
    """An explanation ready to show: every label translated, every number formatted."""

    query_name: str
    listed_name: str
    quality: str
    parts: list[dict[str, str]] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_listed: list[str] = field(default_factory=list)
    adjustments: list[dict[str, str]] = field(default_factory=list)
    name_score: str = ""
    facts: list[dict[str, Any]] = field(default_factory=list)
    score: str = ""
    threshold: str = ""


def explanation_view(explanation: dict[str, Any]) -> ExplanationView:
    """The stored *explanation* of a hit (shape in the module docstring) with translated labels
    (:data:`MEASURE_LABELS`, :data:`ADJUSTMENT_LABELS`, :data:`FACT_LABELS`,
    :data:`OUTCOME_LABELS`, :data:`QUALITY_LABELS`) and scores with two decimals."""
    adjustments = []
    for item in explanation.get("adjustments", []):
        reason, delta = item.get("reason", ""), float(item.get("delta", 0.0))
        if reason in VALUE_REASONS:
            value = f"{delta:.2f}"
        elif reason == "initials only":
            value = "≤ 0.50"
        else:
            value = signed(delta)
        adjustments.append({"reason": reason, "label": _label(ADJUSTMENT_LABELS, reason), "value": value})
    facts = []
    for fact in explanation.get("facts", []):
        listed = fact.get("listed", "")
        facts.append(
            {
                "fact": fact.get("fact", ""),
                "label": _label(FACT_LABELS, fact.get("fact", "")),
                "outcome": _label(OUTCOME_LABELS, fact.get("outcome", "")),
                "agrees": float(fact.get("delta", 0.0)) > 0,
                "query": fact.get("query", ""),
                "listed": ", ".join(listed) if isinstance(listed, list) else str(listed),
                "value": signed(float(fact.get("delta", 0.0))),
            }
        )
    return ExplanationView(
        query_name=explanation.get("query_name", ""),
        listed_name=explanation.get("listed_name", ""),
        quality=_label(QUALITY_LABELS, explanation.get("name_quality", "")),
        parts=[
            {
                "query": part.get("query", ""),
                "listed": part.get("listed", ""),
                "measure": part.get("measure", ""),
                "label": _label(MEASURE_LABELS, part.get("measure", "")),
                "score": f"{float(part.get('score', 0.0)):.2f}",
            }
            for part in explanation.get("parts", [])
        ],
        unmatched_query=list(explanation.get("unmatched_query", [])),
        unmatched_listed=list(explanation.get("unmatched_listed", [])),
        adjustments=adjustments,
        name_score=f"{float(explanation.get('name_score', 0.0)):.2f}",
        facts=facts,
        score=f"{float(explanation.get('score', 0.0)):.2f}",
        threshold=f"{float(explanation.get('threshold', 0.0)):.2f}",
    )


def measures_summary(explanation: dict[str, Any]) -> str:
    """One line for a CSV: ``petrov=petrov exact 1.00; ivan=ivan exact 1.00``, then
    ``; unmatched query: x``, ``; unmatched listed: y``, and the facts
    (``; birth_date same date +0.10``). Untranslated keys: a file read by programs."""
    items = [
        f"{p.get('query', '')}={p.get('listed', '')} {p.get('measure', '')} {float(p.get('score', 0.0)):.2f}"
        for p in explanation.get("parts", [])
    ]
    if explanation.get("unmatched_query"):
        items.append("unmatched query: " + " ".join(explanation["unmatched_query"]))
    if explanation.get("unmatched_listed"):
        items.append("unmatched listed: " + " ".join(explanation["unmatched_listed"]))
    for fact in explanation.get("facts", []):
        delta = float(fact.get("delta", 0.0))
        items.append(f"{fact.get('fact', '')} {fact.get('outcome', '')} {delta:+.2f}")
    return "; ".join(items)


def query_error_message(error: QueryError, name: str = "") -> str:
    """The message of *error* in the active language (the engine translates it when raising;
    *name* is accepted for the callers' convenience and not used)."""
    return str(error)
