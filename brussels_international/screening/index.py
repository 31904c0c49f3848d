"""The candidate index: which listed names share a key with a query, without comparing every name.

Built once when a list version is loaded (:func:`index_rebuild`, called by
``list_services.list_load`` in the load's transaction) and stored compressed in
:class:`~.models.MatcherIndex`; each process loads the newest row once
(:func:`current_index`) and keeps it in memory until a newer row appears. A query never
rebuilds it.

Keys of a name part (particles such as ``al``/``bin``/``van`` have none): the part itself,
its sound key (``~`` + :func:`~.normalise.phonetic`) and, for parts of five letters or more,
its first four letters (``^`` + prefix), so that a typo late in a part still finds it. A
query's candidates are the names sharing the rarest keys, ranked by summed inverse document
frequency; only the best :data:`CANDIDATES` are scored in full.
"""

from __future__ import annotations

import heapq
import json
import math
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .normalise import PARTICLES, Tokens, name_tokens, phonetic

#: Names scored in full per query (the rest are not compared).
CANDIDATES = 100

#: Candidates whose shared-key weight is below this share of the best candidate's are dropped.
RELATIVE_FLOOR = 0.4

#: A key held by more names than this is used only when the query has no rarer key
#: (``mohammad`` on the UN and OFAC lists together).
COMMON_KEY = 1500

ORGANISATION_SCHEMAS = frozenset({"organisation", "vessel", "aircraft"})


def part_keys(part: str) -> list[str]:
    """Index keys of one normalised name part (empty for particles and one-letter parts)."""
    if part in PARTICLES or len(part) < 2:
        return []
    keys = [part]
    sound = phonetic(part)
    if len(sound) >= 2:
        keys.append("~" + sound)
    if len(part) >= 5:
        keys.append("^" + part[:4])
    return keys


@dataclass(slots=True)
class IndexedEntity:
    """What the matcher needs of a listed entity, without a database query."""

    pk: int
    source: str
    ref: str
    fingerprint: str
    schema: str
    caption: str
    birth_dates: list[str]
    nationalities: list[str]


@dataclass(slots=True)
class IndexedName:
    """One listed name, normalised at build time."""

    entity: int  # position in MatcherData.entities
    name: str
    quality: str
    tokens: Tokens


@dataclass
class MatcherData:
    """The in-memory index: entities, names and postings (key → name positions)."""

    entities: list[IndexedEntity] = field(default_factory=list)
    names: list[IndexedName] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    versions: str = ""

    def candidates(self, keys: Iterable[str], limit: int = CANDIDATES) -> list[int]:
        """Positions of the names sharing the most informative of *keys*, best first.

        Args:
            keys: index keys of the query (:func:`part_keys` of each part, both modes).
            limit: how many names to return at most.
        """
        total = max(len(self.names), 1)
        lists = [(key, self.postings[key]) for key in set(keys) if key in self.postings]
        if not lists:
            return []
        rare = [item for item in lists if len(item[1]) <= COMMON_KEY]
        if rare:
            lists = rare
        scores: dict[int, float] = {}
        get = scores.get
        for _key, positions in lists:
            weight = math.log(1 + total / len(positions))
            for pos in positions:
                scores[pos] = get(pos, 0.0) + weight
        # Names sharing far less than the best candidate cannot reach a threshold: drop them.
        floor = max(scores.values()) * RELATIVE_FLOOR
        kept = [pos for pos, score in scores.items() if score >= floor]
        return heapq.nlargest(limit, kept, key=scores.__getitem__)

    # -- serialisation (stored in MatcherIndex.data) --------------------------------------
    def dumps(self) -> bytes:
        """The index as compressed JSON (no pickle: the blob is data, never code)."""
        payload = {
            "versions": self.versions,
            "entities": [
                [e.pk, e.source, e.ref, e.fingerprint, e.schema, e.caption, e.birth_dates, e.nationalities]
                for e in self.entities
            ],
            "names": [
                [n.entity, n.name, n.quality, n.tokens.parts, n.tokens.forms, n.tokens.abjad, n.tokens.numbers]
                for n in self.names
            ],
            "postings": self.postings,
        }
        return zlib.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(), 6)

    @classmethod
    def loads(cls, blob: bytes) -> MatcherData:
        """Read what :meth:`dumps` wrote."""
        payload = json.loads(zlib.decompress(blob))
        data = cls(versions=payload["versions"], postings=payload["postings"])
        data.entities = [IndexedEntity(*row) for row in payload["entities"]]
        data.names = [
            IndexedName(entity=row[0], name=row[1], quality=row[2], tokens=Tokens(row[3], row[4], row[5], row[6]))
            for row in payload["names"]
        ]
        return data


def build(entities: Iterable[tuple[IndexedEntity, list[tuple[str, str]]]], versions: str = "") -> MatcherData:
    """Build the index from entities and their names.

    Args:
        entities: ``(entity, [(name, quality), ...])`` pairs.
        versions: the list versions covered, e.g. ``"3,7"``.
    """
    data = MatcherData(versions=versions)
    postings: dict[str, list[int]] = defaultdict(list)
    for entity, names in entities:
        position = len(data.entities)
        data.entities.append(entity)
        organisation = entity.schema in ORGANISATION_SCHEMAS
        seen: set[tuple[str, ...]] = set()
        for name, quality in names:
            tokens = name_tokens(name, organisation=organisation)
            key = tuple(tokens.parts) + tuple(tokens.forms)
            if not tokens.parts or key in seen:
                continue
            seen.add(key)
            name_pos = len(data.names)
            data.names.append(IndexedName(entity=position, name=name, quality=quality, tokens=tokens))
            keys = {k for part in tokens.parts for k in part_keys(part)}
            keys.add("=" + tokens.joined)
            for k in keys:
                postings[k].append(name_pos)
    data.postings = dict(postings)
    return data


def build_from_records(lists: Iterable[Any]) -> MatcherData:
    """Build an index straight from parsed lists (:class:`~.records.ParsedList`), without the
    database: for benchmarks and tests. Entity ``pk`` values are positions (0, 1, ...)."""
    rows: list[tuple[IndexedEntity, list[tuple[str, str]]]] = []
    for parsed in lists:
        for record in parsed.entities:
            entity = IndexedEntity(
                len(rows),
                parsed.source,
                record.ref,
                record.fingerprint(),
                record.schema,
                record.caption,
                list(record.birth_dates),
                list(record.nationalities),
            )
            rows.append((entity, [(n.name, n.quality) for n in record.names]))
    return build(rows)


def query_keys(tokens: Tokens) -> list[str]:
    """Index keys of a normalised query."""
    keys = [k for part in tokens.parts for k in part_keys(part)]
    keys.append("=" + tokens.joined)
    return keys


# -- database side ---------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, Any] = {"pk": None, "data": None}


def index_rebuild() -> MatcherData:
    """Build the index of every active list version and store it as a new
    :class:`~.models.MatcherIndex` row (older rows are deleted). Call inside the transaction
    that changed the active versions, so that the index and the versions commit together.

    Returns:
        The new index. Processes pick it up from the database (:func:`current_index`) at their
        next screening.
    """
    from .models import EntityName, ListedEntity, ListVersion, ListVersionStatus, MatcherIndex

    active = list(ListVersion.objects.filter(status=ListVersionStatus.ACTIVE).order_by("pk"))
    names_by_entity: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for entity_id, name, quality in EntityName.objects.filter(entity__version__in=active).values_list(
        "entity_id", "name", "quality"
    ):
        names_by_entity[entity_id].append((name, quality))
    source_of = {v.pk: v.source for v in active}
    rows = (
        ListedEntity.objects.filter(version__in=active)
        .order_by("pk")
        .values_list("pk", "version_id", "ref", "fingerprint", "schema", "caption", "birth_dates", "nationalities")
    )
    versions = ",".join(str(v.pk) for v in active)
    data = build(
        (
            (
                IndexedEntity(pk, source_of[version_id], ref, fp, schema, caption, list(births), list(nats)),
                names_by_entity.get(pk, []),
            )
            for pk, version_id, ref, fp, schema, caption, births, nats in rows.iterator(chunk_size=5000)
        ),
        versions=versions,
    )
    row = MatcherIndex.objects.create(versions=versions, data=data.dumps(), names=len(data.names))
    MatcherIndex.objects.exclude(pk=row.pk).delete()
    return data


def current_index() -> MatcherData:
    """The newest stored index, loaded once per process and reloaded when a newer one is
    stored. An empty index when no list is loaded."""
    from .models import MatcherIndex

    # The key holds the build time too: a rolled-back transaction may hand the same id again.
    latest = MatcherIndex.objects.order_by("-pk").values_list("pk", "built_at").first()
    if latest is None:
        return MatcherData()
    if _cache["pk"] != latest:
        with _lock:
            if _cache["pk"] != latest:
                blob = MatcherIndex.objects.filter(pk=latest[0]).values_list("data", flat=True).first()
                if blob is None:  # replaced in between: take the newest next time
                    return _cache["data"] or MatcherData()
                _cache["data"] = MatcherData.loads(bytes(blob))
                _cache["pk"] = latest
    data: MatcherData = _cache["data"]
    return data
