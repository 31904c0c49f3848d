"""The name scorer: compares a query name with a listed name and explains the score.

A name is normalised into :class:`~.normalise.Tokens` (see :mod:`.normalise`). Two token
lists are aligned one to one, each pair scored by several measures (exact, initial,
Levenshtein with a length-dependent typo allowance, Jaro-Winkler, a sound key, consonant
skeletons for abjad scripts, joined words for split or merged parts). The shorter name must
be found in the longer one: a part of the shorter name with no counterpart sinks the score;
extra parts of the longer name lower it a little (persons: dropped middle names and
patronymics are common; organisations: an extra word is often a different company).

:func:`score_entity` then raises or lowers the best name score with the facts given:
date of birth, nationality or country, and entity kind.

Every comparison returns a :class:`NameComparison` that says which measure matched which
parts; :func:`explain` turns it into the JSON stored with a hit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from .normalise import PARTICLES, PATRONYMIC_MARKERS, Tokens, is_patronymic, phonetic, skeleton, spelling

#: Score at or above which a pair of names is called a match when no use-specific threshold
#: is given (``settings.SCREENING_THRESHOLDS`` holds the thresholds per use).
DEFAULT_THRESHOLD = 0.70


def typo_allowance(length: int) -> int:
    """Edits allowed between two spellings of one name part of *length* letters (1 up to 5
    letters, 2 up to 9, then 3)."""
    if length <= 2:
        return 0
    if length <= 5:
        return 1
    if length <= 9:
        return 2
    return 3


@dataclass(frozen=True, slots=True)
class PartMatch:
    """Query part ``query`` aligned with list part ``listed`` with similarity ``score``
    (0-1) by ``measure`` (``exact``, ``initial``, ``typo``, ``sound``, ``skeleton``,
    ``joined``)."""

    query: str
    listed: str
    score: float
    measure: str


@lru_cache(maxsize=131072)
def part_similarity(a: str, b: str, abjad: bool = False) -> tuple[float, str]:
    """Similarity of two normalised name parts, with the measure that gave it.

    Rules (chosen on the labelled pairs of ``screening-benchmark/name-pairs.csv`` and the
    perturbed UN names of ``bench/screening.py``): one edit (a transposition counts as one,
    optimal string alignment) is a typo in a part of four letters or more; two edits are a
    typo only when the sound keys agree (``Schulze``/``Scholz``, ``Narender``/``Narendra``)
    or the part is long; a changed ending with a different sound key is another name
    (``Lukashevich``/``Lukashenko``, ``Sancho``/``Sanchez``).

    Args:
        a, b: lower-case Latin words.
        abjad: one of them was written in an abjad script (compare consonant skeletons).

    Returns:
        ``(score, measure)``, score 0-1; 0 means unrelated.
    """
    if a == b:
        return 1.0, "exact"
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        if not abjad and ((la == 1 and b[0] == a) or (lb == 1 and a[0] == b)):
            return 0.85, "initial"
        return 0.0, ""
    shortest = min(la, lb)
    best, measure = 0.0, ""
    if abjad:
        sa, sb = skeleton(a), skeleton(b)
        if sa and sb:
            # Two consonants say little (``gl`` is Giulia, Gloria, Ghali...): only long skeletons count.
            if sa == sb:
                if len(sa) >= 3:
                    return 0.95, "skeleton"
                best, measure = 0.75, "skeleton"
            elif min(len(sa), len(sb)) >= 4 and OSA.distance(sa, sb, score_cutoff=1) <= 1:
                best, measure = 0.86, "skeleton"
    dist = OSA.distance(a, b, score_cutoff=3)
    same_sound = shortest >= 3 and phonetic(a) == phonetic(b)
    if dist > 1:
        sa, sb = spelling(a), spelling(b)
        if sa == sb and len(sa) >= 2:
            return 0.9, "spelling"
        if min(len(sa), len(sb)) >= 5 and OSA.distance(sa, sb, score_cutoff=2) <= 1:
            best, measure = 0.84, "spelling"
    if dist == 1 and shortest >= 4:
        score = 0.92 if shortest >= 5 else 0.86
    elif (dist == 1 and same_sound) or (dist == 2 and same_sound and shortest >= 4):
        score = 0.85
    elif dist == 2 and shortest >= 10:
        score = 0.8
    elif dist == 3 and same_sound and shortest >= 8:
        score = 0.78
    elif shortest >= 3 and (a.startswith(b) or b.startswith(a)) and max(la, lb) >= 6:
        score = 0.75
    else:
        score = 0.0
    if score > best:
        best, measure = score, ("sound" if dist > 1 else "typo")
    return best, measure


@dataclass
class NameComparison:
    """The outcome of comparing two names: ``score`` 0-1, the aligned ``parts``, the query
    parts and list parts left without counterpart, and the adjustments applied (``notes``:
    ``[(reason, delta)]``)."""

    score: float
    parts: list[PartMatch] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_listed: list[str] = field(default_factory=list)
    notes: list[tuple[str, float]] = field(default_factory=list)


def _acronym_match(short: list[str], long: list[str]) -> bool:
    """``PLA`` for ``People's Liberation Army`` (initials of the longer name's parts)."""
    if not short or len(long) < 2:
        return False
    initials = "".join(word[0] for word in long)
    return any(
        len(word) >= 2 and word in (initials, initials[: len(word)]) and len(word) == len(long) for word in short
    )


def _align(q: list[str], c: list[str], abjad: bool) -> tuple[list[tuple[int, int, float, str]], set[int], set[int]]:
    """Greedy one-to-one alignment of parts by similarity (best pairs first)."""
    pairs: list[tuple[float, int, int, str]] = []
    for i, a in enumerate(q):
        for j, b in enumerate(c):
            score, measure = part_similarity(a, b, abjad)
            if score > 0.0:
                pairs.append((score, i, j, measure))
    pairs.sort(key=lambda p: (-p[0], abs(p[1] - p[2])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    aligned: list[tuple[int, int, float, str]] = []
    for score, i, j, measure in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        aligned.append((i, j, score, measure))
    return aligned, set(range(len(q))) - used_q, set(range(len(c))) - used_c


def _join_unmatched(
    q: list[str], c: list[str], free_q: set[int], free_c: set[int], aligned: list[tuple[int, int, float, str]]
) -> None:
    """Match one part against two adjacent parts of the other name (``JanDaniel`` ↔ ``Jan
    Daniel``, ``Kim Jongun`` ↔ ``Kim Jong Un``), updating the alignment in place."""
    for side_a, side_b, free_a, free_b, flip in ((q, c, free_q, free_c, False), (c, q, free_c, free_q, True)):
        for i in sorted(free_a):
            word = side_a[i]
            for j in range(len(side_b) - 1):
                if j in free_b and j + 1 in free_b:
                    joined = side_b[j] + side_b[j + 1]
                    dist = Levenshtein.distance(word, joined, score_cutoff=2)
                    if dist <= typo_allowance(len(word)) // 2:
                        free_a.discard(i)
                        free_b.discard(j)
                        free_b.discard(j + 1)
                        score = 0.97 - 0.05 * dist
                        aligned.append((j, i, score, "joined") if flip else (i, j, score, "joined"))
                        break


def _merge_split_parts(a: list[str], b: list[str]) -> list[str]:
    """Join two adjacent parts of *a* when, together, they are a part of *b* and neither is
    on its own (``jan daniel`` ↔ ``jandaniel``, ``patr ushev`` ↔ ``patrushev``, ``van der
    bilt`` ↔ ``vanderbilt``); one edit is allowed in joined words of seven letters or more."""
    if len(a) < 2:
        return a
    targets = set(b)
    free = [word not in targets for word in a]
    if not any(free[i] and free[i + 1] for i in range(len(a) - 1)):
        return a
    lengths = {len(t) for t in targets}
    out: list[str] = []
    i = 0
    while i < len(a):
        if i + 1 < len(a) and free[i] and free[i + 1]:
            joined = a[i] + a[i + 1]
            size = len(joined)
            near = joined in targets or (
                size >= 7
                and bool(lengths & {size - 1, size, size + 1})
                and any(OSA.distance(joined, t, score_cutoff=1) <= 1 for t in targets if abs(len(t) - size) <= 1)
            )
            if near:
                out.append(joined)
                i += 2
                continue
        out.append(a[i])
        i += 1
    if len(out) < len(a):
        return _merge_split_parts(out, b)
    return out


def _patronymic_crossed(q: list[str], c: list[str], aligned: list[tuple[int, int, float, str]]) -> bool:
    """True when the father's name (the part after the first ``bin``/``ibn``) in one name is
    aligned with the given name (the first part) of the other: ``Salman bin Muhammad`` is not
    ``Muhammad bin Salman`` (father and son). Other reorderings are allowed."""
    qm = next((i for i, w in enumerate(q) if w in PATRONYMIC_MARKERS), None)
    cm = next((j for j, w in enumerate(c) if w in PATRONYMIC_MARKERS), None)
    if qm is None or cm is None or qm == 0 or cm == 0 or qm + 1 >= len(q) or cm + 1 >= len(c):
        return False
    return any((i == qm + 1 and j == 0) or (i == 0 and j == cm + 1) for i, j, _, _ in aligned)


def _weight(word: str) -> int:
    """Weight of a part in the name score: its length (at least 3), 1 for a particle."""
    return 1 if word in PARTICLES else max(len(word), 3)


def compare_names(query: Tokens, listed: Tokens, *, organisation: bool = False) -> NameComparison:
    """Score how well *listed* matches *query*.

    Args:
        query: the screened name, normalised.
        listed: a name of a listed entity, normalised the same way.
        organisation: compare as organisation names (stricter on extra words and legal forms).

    Returns:
        A :class:`NameComparison`; its ``score`` is 0 when either name has no part.
    """
    q, c = query.parts, listed.parts
    if not q or not c:
        return NameComparison(score=0.0)
    if q == c:
        result = NameComparison(score=1.0, parts=[PartMatch(a, a, 1.0, "exact") for a in q])
        _legal_forms(query, listed, result, organisation)
        return result
    abjad = query.abjad != listed.abjad
    q, c = _merge_split_parts(q, c), _merge_split_parts(c, q)
    aligned, free_q, free_c = _align(q, c, abjad)
    if free_q and free_c:
        _join_unmatched(q, c, free_q, free_c, aligned)
    result = NameComparison(
        score=0.0,
        parts=[PartMatch(q[i], c[j], s, m) for i, j, s, m in sorted(aligned)],
        unmatched_query=[q[i] for i in sorted(free_q)],
        unmatched_listed=[c[j] for j in sorted(free_c)],
    )
    # The name with fewer parts must be found in the other: weigh its parts by length.
    q_shorter = len(q) < len(c) or (len(q) == len(c) and len(free_q) <= len(free_c))
    short, long = (q, c) if q_shorter else (c, q)
    short_free, long_free = (free_q, free_c) if q_shorter else (free_c, free_q)
    weights = {i: _weight(word) for i, word in enumerate(short)}
    matched = {(i if q_shorter else j): s for i, j, s, _ in aligned}
    total = sum(weights.values())
    score = sum(weights[i] * matched.get(i, 0.0) for i in weights) / total
    result.notes.append(("name parts", round(score, 3)))
    if matched:
        weakest = min(matched.values())
        if weakest < 0.9 and len(matched) > 1:
            penalty = (0.9 - weakest) * 0.5
            score -= penalty
            result.notes.append(("weakest part", -round(penalty, 3)))
        inexact = sum(1 for value in matched.values() if value < 1.0)
        if inexact >= 2:
            penalty = 0.05 * (inexact - 1)
            score -= penalty
            result.notes.append(("several parts differ", -round(penalty, 3)))
    missing = [i for i in short_free if short[i] not in PARTICLES and not short[i].isdigit()]
    if missing:
        if len(missing) == 1 and _acronym_match([short[i] for i in missing], [long[j] for j in long_free]):
            score = 0.8
            long_free = set()
            result.notes.append(("acronym", 0.8))
        else:
            missing_share = sum(weights[i] for i in missing) / total
            penalty = 0.25 + 0.5 * missing_share
            score -= penalty
            result.notes.append(("part without counterpart", -round(penalty, 3)))
    numbers_free = [i for i in short_free if short[i].isdigit()] + [j for j in long_free if long[j].isdigit()]
    if numbers_free:
        score -= 0.05
        result.notes.append(("numbers differ", -0.05))
    extra = [j for j in long_free if long[j] not in PARTICLES and not long[j].isdigit()]
    if extra:
        if organisation:
            penalty = min(0.15 * len(extra), 0.45)
            if len(short) - len(short_free) == 1:
                penalty += 0.2
        else:
            # Dropped middle names are common, but the query must cover most of the listed name.
            # Patronymics (Viktorovich, Oleksandrovych, Ivanovna) are often left out: they cost little.
            counted = [j for j in extra if not is_patronymic(long[j])]
            uncovered = sum(len(long[j]) for j in counted) / sum(len(w) for w in long)
            penalty = 0.02 * len(extra) + max(0.0, uncovered - 0.3)
            if len(short) - len(short_free) == 1:
                penalty += 0.25
        score -= penalty
        result.notes.append(("extra parts", -round(penalty, 3)))
    if _patronymic_crossed(q, c, aligned):
        score -= 0.4
        result.notes.append(("father and son swapped", -0.4))
    joined_q, joined_c = query.joined_with_forms, listed.joined_with_forms
    if score < 0.9 and min(len(joined_q), len(joined_c)) >= 8:
        dist = OSA.distance(joined_q, joined_c, score_cutoff=3)
        if dist <= 1 or (dist == 2 and min(len(joined_q), len(joined_c)) >= 12):
            joined_score = 0.95 - 0.05 * dist
            if joined_score > score:
                result.notes.append(("whole name", round(joined_score - score, 3)))
                score = joined_score
    if query.initials_only or listed.initials_only:
        score = min(score, 0.5)
        result.notes.append(("initials only", 0.0))
    result.score = max(0.0, min(1.0, score))
    _legal_forms(query, listed, result, organisation)
    return result


def _legal_forms(query: Tokens, listed: Tokens, result: NameComparison, organisation: bool) -> None:
    """Two different legal forms name two companies (``Deutsche Bank AG``/``Deutsche Bank GmbH``)."""
    if organisation and query.forms and listed.forms and not set(query.forms) & set(listed.forms):
        result.score = max(0.0, result.score - 0.2)
        result.notes.append(("legal forms differ", -0.2))
