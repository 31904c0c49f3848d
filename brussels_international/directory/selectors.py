"""Reads of the directory: "who handles what" search and the data of the public pages.

The search (:func:`who_handles`) answers "who handles X" for a name, a unit, a role title,
a partner (under any of its names: French, Dutch, English, local spelling, old names), a
network, an international organisation (acronyms included), an EU programme, a topic or an
EU policy area. It is case- and accent-insensitive (Unidecode + casefold), ignores
apostrophes ("Xi'an" = "Xian"), and forgives small typos (Levenshtein distance, rapidfuzz):
one edit in words of 4 to 7 letters, two edits from 8 letters on. Typo matches are only
returned when nothing matches exactly.

The term index is built once from the database and cached (Django cache holds a version
token; each process keeps the index built for that token). ``directory/signals.py``
invalidates it whenever a directory row or a portfolio changes.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from threading import Lock
from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone
from rapidfuzz.distance import Levenshtein

from brussels_international.core.i18n import LANGUAGE_CODES, current_language, translated
from brussels_international.core.text import APOSTROPHES, fold

from .models import (
    EUProgramme,
    InternationalOrganisation,
    Network,
    Partner,
    Person,
    PhoneNumber,
    Role,
    Topic,
    Unit,
)
from .phones import display_phone

#: Longest search text considered (characters); longer input is cut, never refused.
MAX_QUERY_LENGTH = 200

#: Kinds of match reasons, in the order results explain them.
REASON_KINDS: tuple[str, ...] = (
    "name",
    "phone",
    "unit",
    "role",
    "partner",
    "network",
    "organisation",
    "programme",
    "topic",
    "eu_policy_area",
    "mission",
)

# Scores: exact whole term > whole words > word prefixes > typos.
SCORE_EXACT = 100.0
SCORE_WORDS = 90.0
SCORE_PREFIX = 75.0
SCORE_FUZZY = 60.0

# Words ignored in a query of several words (they match almost every name).
STOPWORDS = frozenset(
    [
        "a",
        "and",
        "d",
        "de",
        "del",
        "der",
        "des",
        "du",
        "en",
        "et",
        "for",
        "het",
        "in",
        "l",
        "la",
        "le",
        "les",
        "of",
        "op",
        "the",
        "to",
        "van",
        "voor",
        "von",
    ]
)

_CACHE_KEY = "directory:who-handles:version"
_CACHE_TIMEOUT = 24 * 3600
_memo: dict[str, Any] = {"version": None, "index": None}
_memo_lock = Lock()


@dataclass
class MatchReason:
    """Why a person was found: *kind* of thing, its *label* in the asked language, the text that *matched*."""

    kind: str
    label: str
    matched: str
    fuzzy: bool

    @property
    def shows_matched(self) -> bool:
        """Whether the matched text differs from the label enough to be shown (``Kyiv (matched “Kiev”)``)."""
        if self.kind in {"phone", "mission"}:
            return False  # the number is shown in one format; a mission reason quotes the words itself
        return normalise(self.matched) != normalise(self.label)


@dataclass
class DirectoryHit:
    """One person found by :func:`who_handles`, with the roles concerned and the reasons."""

    person: Person
    roles: list[Role]
    reasons: list[MatchReason]
    score: float


@dataclass(frozen=True)
class _Term:
    """One searchable text of the index."""

    norm: str
    words: tuple[str, ...]
    compact: str
    original: str
    kind: str
    key: tuple[str, int]
    labels: tuple[tuple[str, str], ...]  # (language, label)
    role_ids: tuple[int, ...]


@dataclass
class _Index:
    terms: list[_Term] = field(default_factory=list)
    unhandled: list[_Term] = field(default_factory=list)  # things in nobody's portfolio
    missions: list[_Term] = field(default_factory=list)  # units' mission texts, searched last
    phones: list[_Term] = field(default_factory=list)  # phone numbers: whole-number matches only
    roles: dict[int, Role] = field(default_factory=dict)
    persons: dict[int, Person] = field(default_factory=dict)


# --- normalisation -------------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    """Return *raw* without control characters (NUL included), trimmed and cut to :data:`MAX_QUERY_LENGTH`."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def normalise(text: str) -> str:
    """Fold *text* for comparison: transliterate (Unidecode), casefold, drop apostrophes, keep words.

    ``"Xi’an"`` → ``"xian"``, ``"Île-de-France"`` → ``"ile de france"``, ``"Київ"`` → ``"kyiv"``.
    """
    return fold(text)


def _max_edits(word: str) -> int:
    """Typo tolerance of a query word: none under 4 letters, 1 edit up to 7, 2 edits from 8."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


# --- index ---------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def current_roles() -> QuerySet[Role]:
    """Roles held today (no end date, or an end date not past) by people published in the directory."""
    today = _today()
    return Role.objects.filter(person__is_public=True).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), Q(start_date__isnull=True) | Q(start_date__lte=today)
    )


def _labels(obj: Any, field_name: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, translated(obj, field_name, code)) for code in LANGUAGE_CODES)


def _make_terms(
    texts: Iterable[str],
    *,
    kind: str,
    key: tuple[str, int],
    labels: tuple[tuple[str, str], ...],
    role_ids: Sequence[int],
) -> list[_Term]:
    terms: list[_Term] = []
    seen: set[str] = set()
    for text in texts:
        norm = normalise(text)
        if not norm or norm in seen:
            continue
        seen.add(norm)
        words = tuple(norm.split())
        terms.append(
            _Term(
                norm=norm,
                words=words,
                compact="".join(words),
                original=text,
                kind=kind,
                key=key,
                labels=labels,
                role_ids=tuple(role_ids),
            )
        )
    return terms


def _build_index() -> _Index:
    """Read the directory (a fixed number of queries) and build the list of searchable terms."""
    index = _Index()
    roles = list(
        current_roles()
        .select_related("person", "unit")
        .prefetch_related("partners", "networks", "organisations", "programmes", "topics", "person__phones")
        .order_by("person__family_name", "person__given_name", "-is_head", "id")
    )
    by_person: dict[int, list[int]] = defaultdict(list)
    by_unit: dict[int, list[int]] = defaultdict(list)
    by_thing: dict[tuple[str, int], list[int]] = defaultdict(list)
    things: dict[tuple[str, int], Any] = {}
    for role in roles:
        index.roles[role.pk] = role
        index.persons[role.person_id] = role.person
        by_person[role.person_id].append(role.pk)
        by_unit[role.unit_id].append(role.pk)
        things[("unit", role.unit_id)] = role.unit
        for kind, related in (
            ("partner", role.partners.all()),
            ("network", role.networks.all()),
            ("organisation", role.organisations.all()),
            ("programme", role.programmes.all()),
            ("topic", role.topics.all()),
        ):
            for obj in related:
                by_thing[(kind, obj.pk)].append(role.pk)
                things[(kind, obj.pk)] = obj

    for person_id, role_ids in by_person.items():
        person = index.persons[person_id]
        full = person.full_name
        label = tuple((code, full) for code in LANGUAGE_CODES)
        texts = [full, f"{person.family_name} {person.given_name}", *(person.aliases or [])]
        index.terms += _make_terms(texts, kind="name", key=("person", person_id), labels=label, role_ids=role_ids)
        for phone in person.phones.all():
            shown = display_phone(phone.number)
            index.phones += _make_terms(
                [shown, phone.number],
                kind="phone",
                key=("phone", phone.pk),
                labels=tuple((code, shown) for code in LANGUAGE_CODES),
                role_ids=role_ids,
            )

    for role in roles:
        texts = [role.title_fr, role.title_nl, role.title_en]
        index.terms += _make_terms(
            texts, kind="role", key=("role", role.pk), labels=_labels(role, "title"), role_ids=[role.pk]
        )

    for unit_id, role_ids in by_unit.items():
        unit = things[("unit", unit_id)]
        texts = [unit.name_fr, unit.name_nl, unit.name_en]
        index.terms += _make_terms(
            texts, kind="unit", key=("unit", unit_id), labels=_labels(unit, "name"), role_ids=role_ids
        )
        index.missions += _make_terms(
            # Elisions are separate words here ("d'armes" → "d armes"), unlike in names ("Xi'an").
            [APOSTROPHES.sub(" ", text) for text in (unit.mission_fr, unit.mission_nl, unit.mission_en)],
            kind="mission",
            key=("mission", unit_id),
            labels=_labels(unit, "name"),
            role_ids=role_ids,
        )

    for (kind, pk), role_ids in by_thing.items():
        index.terms += _thing_terms(kind, things[(kind, pk)], sorted(set(role_ids)))
    index.unhandled = _unhandled_terms(set(things))
    return index


def _thing_terms(kind: str, obj: Any, role_ids: Sequence[int]) -> list[_Term]:
    texts = list(obj.all_names())
    acronym = getattr(obj, "acronym", "")
    if acronym:
        texts.append(acronym)
    reason_kind = "eu_policy_area" if kind == "topic" and obj.kind == Topic.Kind.EU_POLICY_AREA else kind
    return _make_terms(texts, kind=reason_kind, key=(kind, obj.pk), labels=_labels(obj, "name"), role_ids=role_ids)


def _unhandled_terms(handled: set[tuple[str, int]]) -> list[_Term]:
    """Terms of the partners, networks, organisations, programmes and topics nobody handles."""
    terms: list[_Term] = []
    for kind, model in (
        ("partner", Partner),
        ("network", Network),
        ("organisation", InternationalOrganisation),
        ("programme", EUProgramme),
        ("topic", Topic),
    ):
        for obj in model.objects.all():  # type: ignore[attr-defined]
            if (kind, obj.pk) not in handled:
                terms += _thing_terms(kind, obj, [])
    return terms


def _get_index() -> _Index:
    version = cache.get(_CACHE_KEY)
    with _memo_lock:
        if version is not None and _memo["version"] == version and _memo["index"] is not None:
            return _memo["index"]  # type: ignore[no-any-return]
    index = _build_index()
    if version is None:
        version = uuid.uuid4().hex
        cache.set(_CACHE_KEY, version, _CACHE_TIMEOUT)
    with _memo_lock:
        _memo["version"] = version
        _memo["index"] = index
    return index


def invalidate_directory_cache() -> None:
    """Forget the search index (called by ``directory/signals.py`` and after bulk loads)."""
    cache.delete(_CACHE_KEY)
    with _memo_lock:
        _memo["version"] = None
        _memo["index"] = None


# --- matching ------------------------------------------------------------------------------


def _match(term: _Term, query_norm: str, query_words: Sequence[str], query_compact: str) -> tuple[float, bool] | None:
    """Score *term* against the query, or ``None``; the flag says whether the match needed a typo."""
    if term.norm == query_norm or term.compact == query_compact:
        return SCORE_EXACT, False
    if all(word in term.words for word in query_words):
        return SCORE_WORDS + min(len(query_words), 5) - len(term.words) * 0.1, False
    if any(len(qw) >= 3 for qw in query_words) and all(
        len(qw) >= 2 and any(tw.startswith(qw) for tw in term.words) for qw in query_words
    ):
        # Prefixes: every query word begins a word of the term ("transpo" → "Transposition ...").
        return SCORE_PREFIX - len(term.words) * 0.1, False
    # Typos: the whole text, or every query word against some word of the term.
    limit = _max_edits(query_compact)
    if limit and Levenshtein.distance(query_compact, term.compact, score_cutoff=limit) <= limit:
        return SCORE_FUZZY - Levenshtein.distance(query_compact, term.compact), True
    total = 0
    for qw in query_words:
        word_limit = _max_edits(qw)
        best = min(
            (Levenshtein.distance(qw, tw, score_cutoff=word_limit + 1) for tw in term.words),
            default=word_limit + 1,
        )
        if best > word_limit:
            return None
        total += best
    return SCORE_FUZZY - total - len(term.words) * 0.1, True


def _find_in_missions(terms: Iterable[_Term], words: Sequence[str]) -> list[tuple[_Term, float, bool]]:
    """Mission texts containing every query word of 3 letters or more (whole word, or a prefix of
    5 letters or more); the reason's *matched* text is the query's words. No typo tolerance: a
    mission is long prose, where near-words abound."""
    significant = [w for w in words if len(w) >= 3]
    if not significant:
        return []
    found = []
    for term in terms:
        if all(w in term.words or (len(w) >= 5 and any(tw.startswith(w) for tw in term.words)) for w in significant):
            found.append((replace(term, original=" ".join(significant)), SCORE_FUZZY - 10, False))
    return found


def _prepare(query: str) -> tuple[str, list[str], str] | None:
    query_norm = normalise(clean_query(query))
    if len(query_norm.replace(" ", "")) < 2:
        return None  # one letter finds everything and means nothing
    all_words = query_norm.split()
    words = [w for w in all_words if w not in STOPWORDS] or all_words
    return query_norm, words, "".join(all_words)


def _find(
    terms: Iterable[_Term], query_norm: str, words: Sequence[str], compact: str
) -> list[tuple[_Term, float, bool]]:
    """Terms matching the query; typo matches only when nothing matches exactly."""
    exact: list[tuple[_Term, float]] = []
    fuzzy: list[tuple[_Term, float]] = []
    for term in terms:
        found = _match(term, query_norm, words, compact)
        if found is None:
            continue
        score, is_fuzzy = found
        (fuzzy if is_fuzzy else exact).append((term, score))
    if exact:
        return [(t, s, False) for t, s in exact]
    return [(t, s, True) for t, s in fuzzy]


def who_handles(query: str, *, language: str | None = None, limit: int = 50) -> list[DirectoryHit]:
    """Answer "who handles *query*": the people whose name, unit, role or portfolio matches.

    Args:
        query: free text typed by a visitor (any length or script; cut to 200 characters).
        language: ``fr``, ``nl`` or ``en`` for the labels of the reasons; the active language when ``None``.
        limit: maximum number of people returned.

    Returns:
        People sorted by relevance (best score, then family name), each with the roles concerned
        and the reasons (kind, label in *language*, the text that matched, whether it was a typo
        match). Typo matches are returned only when there is no exact or prefix match. An empty
        query returns no hit.
    """
    lang = language if language in LANGUAGE_CODES else current_language()
    prepared = _prepare(query)
    if prepared is None:
        return []
    query_norm, words, compact = prepared
    index = _get_index()
    matches = _find(index.terms, query_norm, words, compact)
    digits = "".join(ch for ch in compact if ch.isdigit())
    if len(digits) >= 8 and len(digits) >= len(compact) - 2:  # a phone number, as a whole
        matches = [(t, SCORE_EXACT, False) for t in index.phones if t.compact.lstrip("0") == digits.lstrip("0")]
    elif not matches or all(is_fuzzy for _, _, is_fuzzy in matches):
        # Last resort before typos: the words of the units' missions ("armes" → the Permits unit).
        missions = _find_in_missions(index.missions, words)
        if missions:
            matches = missions
    # Keep the best matching text per (thing, person).
    best: dict[tuple[int, tuple[str, int]], tuple[_Term, float, bool, list[int]]] = {}
    for term, score, is_fuzzy in matches:
        for role_id in term.role_ids:
            role = index.roles[role_id]
            slot = (role.person_id, term.key)
            current = best.get(slot)
            if current is None or score > current[1]:
                ids = current[3] if current else []
                best[slot] = (term, score, is_fuzzy, ids)
            if role_id not in best[slot][3]:
                best[slot][3].append(role_id)

    per_person: dict[int, dict[str, Any]] = {}
    for (person_id, _key), (term, score, is_fuzzy, role_ids) in best.items():
        entry = per_person.setdefault(person_id, {"score": 0.0, "reasons": [], "role_ids": [], "n": 0})
        entry["score"] = max(entry["score"], score)
        entry["n"] += 1
        label = dict(term.labels).get(lang, "") or term.original
        entry["reasons"].append(
            (
                REASON_KINDS.index(term.kind),
                -score,
                MatchReason(kind=term.kind, label=label, matched=term.original, fuzzy=is_fuzzy),
            )
        )
        for role_id in role_ids:
            if role_id not in entry["role_ids"]:
                entry["role_ids"].append(role_id)

    hits: list[DirectoryHit] = []
    for person_id, entry in per_person.items():
        reasons = [reason for _, _, reason in sorted(entry["reasons"], key=lambda r: (r[0], r[1], r[2].label))]
        roles = sorted((index.roles[r] for r in entry["role_ids"]), key=lambda r: (not r.is_head, r.pk))
        hits.append(
            DirectoryHit(
                person=index.persons[person_id],
                roles=roles,
                reasons=reasons,
                score=entry["score"] + min(entry["n"] - 1, 5) * 0.5,
            )
        )
    hits.sort(key=lambda h: (-h.score, normalise(h.person.family_name), normalise(h.person.given_name)))
    return hits[: max(limit, 0)]


def nobody_handles(query: str, *, language: str | None = None) -> list[MatchReason]:
    """Partners, networks, organisations, programmes and topics matching *query* that are in
    nobody's portfolio (known to the directory, but no one is named for them).

    Same matching as :func:`who_handles`; one reason per thing, label in *language*.
    """
    lang = language if language in LANGUAGE_CODES else current_language()
    prepared = _prepare(query)
    if prepared is None:
        return []
    index = _get_index()
    reasons: dict[tuple[str, int], tuple[float, MatchReason]] = {}
    for term, score, is_fuzzy in _find(index.unhandled, *prepared):
        label = dict(term.labels).get(lang, "") or term.original
        if term.key not in reasons or score > reasons[term.key][0]:
            reasons[term.key] = (score, MatchReason(kind=term.kind, label=label, matched=term.original, fuzzy=is_fuzzy))
    ordered = sorted(reasons.values(), key=lambda item: (-item[0], REASON_KINDS.index(item[1].kind), item[1].label))
    return [reason for _, reason in ordered]


# --- selectors of the public pages ---------------------------------------------------------

_PORTFOLIO = ("partners", "networks", "organisations", "programmes", "topics")


def _team_prefetch(to_attr: str = "team") -> Prefetch:
    return Prefetch(
        "roles",
        queryset=current_roles()
        .select_related("person")
        .prefetch_related(
            Prefetch("person__phones", queryset=PhoneNumber.objects.order_by("sort_order", "id")), *_PORTFOLIO
        )
        .order_by("-is_head", "id"),
        to_attr=to_attr,
    )


def units_with_teams() -> list[Unit]:
    """Every unit (direction first, then by number) with ``unit.team``: its current roles, head first.

    Each role has its person (with phones) and its portfolio prefetched: 9 queries whatever the size.
    """
    return list(Unit.objects.order_by("order", "number", "slug").prefetch_related(_team_prefetch()))


def unit_with_team(slug: str) -> Unit | None:
    """One unit by slug with ``unit.team`` (as in :func:`units_with_teams`), or ``None``."""
    return Unit.objects.filter(slug=slug).prefetch_related(_team_prefetch()).first()


def person_detail(slug: str) -> Person | None:
    """A person published in the directory, with ``person.current_roles`` (unit, portfolio) and phones."""
    roles = (
        current_roles()
        .select_related("unit")
        .prefetch_related(*_PORTFOLIO)
        .order_by("unit__order", "unit__number", "-is_head", "id")
    )
    return (
        Person.objects.filter(slug=slug, is_public=True)
        .prefetch_related(
            Prefetch("roles", queryset=roles, to_attr="current_roles"),
            Prefetch("phones", queryset=PhoneNumber.objects.order_by("sort_order", "id")),
        )
        .first()
    )


def directory_people() -> list[Person]:
    """Everyone published in the directory, alphabetically, with ``person.current_roles`` (unit) and phones."""
    roles = current_roles().select_related("unit").order_by("unit__order", "unit__number", "-is_head", "id")
    return list(
        Person.objects.filter(is_public=True)
        .filter(pk__in=current_roles().values("person_id"))
        .order_by("family_name", "given_name")
        .prefetch_related(
            Prefetch("roles", queryset=roles, to_attr="current_roles"),
            Prefetch("phones", queryset=PhoneNumber.objects.order_by("sort_order", "id")),
        )
    )


def _handlers_prefetch() -> Prefetch:
    return Prefetch(
        "roles",
        queryset=current_roles().select_related("person", "unit").order_by("person__family_name", "id"),
        to_attr="handler_roles",
    )


def _sorted_by_name(objects: Iterable[Any]) -> list[Any]:
    return sorted(objects, key=lambda o: normalise(o.name))


def partners_with_handlers() -> list[Partner]:
    """Every partner sorted by name in the active language, with ``partner.handler_roles`` (person, unit)."""
    return _sorted_by_name(Partner.objects.prefetch_related(_handlers_prefetch()))


def agreement_count() -> int:
    """Number of partners with a bilateral cooperation agreement on the list (as the data has it)."""
    return Partner.objects.filter(has_agreement=True).count()


def networks_with_handlers() -> dict[str, list[Model]]:
    """Networks, international organisations and EU programmes, each with ``handler_roles``.

    Returns ``{"networks": [...], "organisations": [...], "programmes": [...]}`` sorted by name.
    """
    return {
        "networks": _sorted_by_name(Network.objects.prefetch_related(_handlers_prefetch())),
        "organisations": _sorted_by_name(InternationalOrganisation.objects.prefetch_related(_handlers_prefetch())),
        "programmes": _sorted_by_name(EUProgramme.objects.prefetch_related(_handlers_prefetch())),
    }


def topics_with_handlers() -> list[Topic]:
    """Topics and EU policy areas, each with ``handler_roles``."""
    return _sorted_by_name(Topic.objects.prefetch_related(_handlers_prefetch()))


def contact_units() -> list[Unit]:
    """Units with ``unit.contacts``: the head(s) of each unit, or the whole team of the direction."""
    units = units_with_teams()
    for unit in units:
        team: list[Role] = unit.team  # type: ignore[attr-defined]
        heads = [role for role in team if role.is_head]
        unit.contacts = team if unit.kind == Unit.Kind.DIRECTION else heads  # type: ignore[attr-defined]
    return units


def groups_headed_by(user: Any) -> QuerySet[Group]:
    """The workspace groups of the units *user* heads today: their person (``Person.user``) holds
    a role with ``is_head`` that has not ended. Registered with the core
    (:func:`core.selectors.register_headed_groups`) so that a head of unit sees the unit's
    deadlines. Not evaluated (usable as a subquery)."""
    today = timezone.localdate()
    units = Role.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        Q(start_date__isnull=True) | Q(start_date__lte=today),
        person__user_id=getattr(user, "pk", None),
        is_head=True,
    ).exclude(unit__staff_group="")
    return Group.objects.filter(name__in=units.values("unit__staff_group"))
