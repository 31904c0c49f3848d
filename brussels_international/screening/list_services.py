"""Services of the sanctions lists: load a list file as a new dated version.

:func:`list_load` reads a file with its format's loader (:mod:`.loaders`), stores it as a new
:class:`~.models.ListVersion` with its entities and names, works out what was added, changed
and removed since the version that was active, makes the new version the active one, rebuilds
the matcher's candidate index and, once committed, queues the re-screening of the parties of
active licences. A file that cannot be read leaves a ``failed`` version naming the place of the
error, and the active version stays as it was.
"""

from __future__ import annotations

import hashlib
import re
from functools import partial
from pathlib import Path

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.utils.translation import gettext as _

from brussels_international.core.models import AuditVerb
from brussels_international.core.services import audit_record

from . import index, services
from .loaders import FORMATS, parser_for
from .models import EntityName, EntitySchema, ListedEntity, ListVersion, ListVersionStatus
from .records import EntityRecord, ListFormatError, ParsedList

OFFICIAL_SOURCES = ("un", "eu", "ofac", "uk")
"""The official lists; any other source name is a list in the generic CSV format."""

BATCH_SIZE = 2000
_COUNTED = {
    EntitySchema.PERSON: "persons",
    EntitySchema.ORGANISATION: "organisations",
    EntitySchema.VESSEL: "vessels",
    EntitySchema.AIRCRAFT: "aircraft",
}
_SOURCE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def list_format(source: str) -> str:
    """The loader format of *source*: itself for an official list, else ``generic``.

    Raises:
        ValueError: *source* is not a valid list name (2-40 lower-case letters, digits, hyphens,
            starting with a letter) or is ``generic`` itself.
    """
    if source in OFFICIAL_SOURCES:
        return source
    if source == "generic" or not _SOURCE_NAME.match(source):
        raise ValueError(
            f"{source!r} is not a list name: use un, eu, ofac, uk, or a name of 2-40 lower-case letters, "
            "digits and hyphens for a list in the generic CSV format"
        )
    return "generic"


def files_sha256(paths: list[Path]) -> str:
    """SHA-256 of one file (hex), or, for several (OFAC ``sdn.csv`` + ``alt.csv`` + ``add.csv``),
    of the list of their SHA-256 in order. Read by 1 MiB blocks."""
    digests = []
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digests.append(digest.hexdigest())
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _natural(ref: str) -> tuple[object, ...]:
    """Sort key putting ``"9"`` before ``"10"`` and ``"QDi.2"`` before ``"QDi.10"``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", ref))


def _diff(old: dict[str, tuple[str, str]], new: dict[str, tuple[str, str]]) -> dict[str, list[list[str]]]:
    """``{"added": [[ref, caption]], "changed": [...], "removed": [...]}`` between two
    ``{ref: (fingerprint, caption)}`` maps, each sorted by ref."""
    added = sorted(set(new) - set(old), key=_natural)
    removed = sorted(set(old) - set(new), key=_natural)
    changed = sorted((ref for ref in set(new) & set(old) if new[ref][0] != old[ref][0]), key=_natural)
    return {
        "added": [[ref, new[ref][1]] for ref in added],
        "changed": [[ref, new[ref][1]] for ref in changed],
        "removed": [[ref, old[ref][1]] for ref in removed],
    }


def _store_entities(version: ListVersion, records: list[EntityRecord], fingerprints: list[str]) -> int:
    """Bulk-create the entities and names of *version*; returns the number of names."""
    entities = [
        ListedEntity(
            version=version,
            ref=record.ref[:100],
            schema=record.schema,
            caption=record.caption[:500],
            programmes=record.programmes,
            listed_on=record.listed_on,
            birth_dates=record.birth_dates,
            birth_places=record.birth_places,
            nationalities=record.nationalities,
            addresses=record.addresses,
            identifiers=record.identifiers,
            remarks=record.remarks,
            fingerprint=fingerprint,
        )
        for record, fingerprint in zip(records, fingerprints, strict=True)
    ]
    ListedEntity.objects.bulk_create(entities, batch_size=BATCH_SIZE)
    if any(entity.pk is None for entity in entities):  # a database that returns no ids on bulk insert
        ids = dict(ListedEntity.objects.filter(version=version).values_list("ref", "pk"))
        for entity in entities:
            entity.pk = ids[entity.ref]
    names = [
        EntityName(entity=entity, name=name.name[:1000], quality=name.quality, script=name.script[:4])
        for entity, record in zip(entities, records, strict=True)
        for name in record.names
    ]
    EntityName.objects.bulk_create(names, batch_size=BATCH_SIZE * 2)
    return len(names)


def _record_failure(
    *, source: str, file_name: str, sha256: str, actor: User | None, error: ListFormatError
) -> ListVersion:
    with transaction.atomic():
        return ListVersion.objects.create(
            source=source,
            status=ListVersionStatus.FAILED,
            file_name=file_name,
            sha256=sha256,
            loaded_by=actor,
            error=str(error),
        )


#: Key of the PostgreSQL advisory lock held by a list load for its whole transaction.
LOAD_LOCK_KEY = 5_100_001


def _serialise_loads() -> None:
    """Make list loads take turns, each for its whole transaction: a load reads the active
    versions of every list to rebuild the candidate index, so two loads at once would each build
    an index without the other's new version. PostgreSQL: a transaction-level advisory lock;
    SQLite takes one writer at a time already (``IMMEDIATE`` transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK_KEY])


def _check_unique_refs(records: list[EntityRecord], file_name: str) -> None:
    """Refuse a file in which two entities share a reference (as stored: 100 characters).

    Raises:
        ListFormatError: naming the reference and the file.
    """
    seen: set[str] = set()
    for record in records:
        ref = record.ref[:100]
        if ref in seen:
            raise ListFormatError(
                _("the reference %(ref)s is given to two entities") % {"ref": ref}, location=file_name
            )
        seen.add(ref)


def list_load(
    *,
    source: str,
    path: Path,
    actor: User | AnonymousUser | None = None,
    alt_path: Path | None = None,
    add_path: Path | None = None,
) -> ListVersion:
    """Load the list file *path* as the new active version of *source*.

    Args:
        source: ``un``, ``eu``, ``ofac``, ``uk`` (read with that list's loader), or the name of
            a list in the generic CSV format (2-40 lower-case letters, digits, hyphens).
        path: the file (UN/EU XML, OFAC ``sdn.csv``, UK CSV, generic CSV).
        actor: who loads it; ``None`` for the system (``screening_refresh``).
        alt_path, add_path: OFAC only: ``alt.csv`` (aliases) and ``add.csv`` (addresses).

    Returns:
        the new active version; or, when the file (with its alias and address files) has the
        same SHA-256 as the active version's, that active version, unchanged (nothing is written).

    Raises:
        ValueError: a bad *source*, or *alt_path*/*add_path* given for a list other than OFAC.
        ListFormatError: the file cannot be read; the error names the place (``line 12``,
            ``INDIVIDUAL #3 (QDi.001)``). A ``failed`` version holding the error is recorded (its
            own transaction) and the active version stays active and unchanged.

    Side effects, in one transaction: the version with its counts and its diff against the
    previously active version of *source* (by ``ref`` and ``fingerprint``), the entities and
    names, the previous version marked ``superseded``, :func:`.index.index_rebuild`, an audit
    entry (``loaded``); after commit, :func:`.services.rescreen_after_list_change`.
    """
    fmt = list_format(source)
    if (alt_path or add_path) and fmt != "ofac":
        raise ValueError("alias and address files are read for the OFAC list only")
    user = actor if isinstance(actor, User) else None
    paths = [p for p in (path, alt_path, add_path) if p is not None]
    file_name = ", ".join(p.name for p in paths)
    try:
        sha256 = files_sha256(paths)
    except OSError as error:
        failure = ListFormatError(
            _("cannot read the file (%(reason)s)") % {"reason": error.strerror or error},
            location=str(error.filename or ""),
        )
        _record_failure(source=source, file_name=file_name, sha256="", actor=user, error=failure)
        raise failure from error

    active = ListVersion.objects.filter(source=source, status=ListVersionStatus.ACTIVE).first()
    if active is not None and active.sha256 == sha256:
        return active

    try:
        parser = parser_for(fmt)
        parsed: ParsedList = parser(path, alt_path, add_path) if fmt == "ofac" else parser(path)
        if not parsed.entities:
            raise ListFormatError(_("the file lists no entity"), location=path.name)
    except ListFormatError as error:
        _record_failure(source=source, file_name=file_name, sha256=sha256, actor=user, error=error)
        raise

    records = parsed.entities
    try:
        _check_unique_refs(records, path.name)
    except ListFormatError as error:
        _record_failure(source=source, file_name=file_name, sha256=sha256, actor=user, error=error)
        raise
    fingerprints = [record.fingerprint() for record in records]
    new = {
        record.ref[:100]: (fingerprint, record.caption)
        for record, fingerprint in zip(records, fingerprints, strict=True)
    }
    counts = dict.fromkeys(_COUNTED.values(), 0)
    for record in records:
        counts[_COUNTED[EntitySchema(record.schema)]] += 1

    with transaction.atomic():
        _serialise_loads()
        previous = (
            ListVersion.objects.select_for_update().filter(source=source, status=ListVersionStatus.ACTIVE).first()
        )
        old: dict[str, tuple[str, str]] = {}
        if previous is not None:
            old = {
                ref: (fingerprint, caption)
                for ref, fingerprint, caption in previous.entities.values_list("ref", "fingerprint", "caption")
            }
            previous.status = ListVersionStatus.SUPERSEDED
            previous.save(update_fields=["status"])
        diff = _diff(old, new)
        version = ListVersion.objects.create(
            source=source,
            status=ListVersionStatus.ACTIVE,
            file_name=file_name,
            sha256=sha256,
            published=parsed.published,
            loaded_by=user,
            added=len(diff["added"]),
            changed=len(diff["changed"]),
            removed=len(diff["removed"]),
            diff=diff,
            **counts,
        )
        version.names = _store_entities(version, records, fingerprints)
        version.save(update_fields=["names"])
        index.index_rebuild()
        audit_record(
            actor=actor,
            verb=AuditVerb.LOADED,
            obj=version,
            payload={
                "source": source,
                "file": file_name,
                "sha256": sha256,
                "published": parsed.published.isoformat() if parsed.published else None,
                "counts": {**counts, "names": version.names},
                "added": version.added,
                "changed": version.changed,
                "removed": version.removed,
                "previous_version": previous.pk if previous is not None else None,
            },
        )
        transaction.on_commit(partial(services.rescreen_after_list_change, version_id=version.pk))
    return version


def list_versions_prune(
    *, keep: int = 2, actor: User | AnonymousUser | None = None, dry_run: bool = False
) -> list[ListVersion]:
    """Delete the old versions of every list, with their entities and names, keeping for each
    list its active version and its *keep* most recent other versions (superseded or failed).

    Hits found on a deleted version keep their list, reference, fingerprint, name and
    explanation (their link to the entity is cleared), and reviews are kept: nothing a decision
    relied on is lost. The screenings still name the deleted version ids.

    Args:
        keep: how many versions besides the active one to keep per list (0 or more).
        actor: who prunes (``None`` for a command run by the system).
        dry_run: only say which versions would be deleted.

    Returns:
        The versions deleted (or that would be), oldest first.

    Raises:
        ValueError: *keep* below 0.
    """
    if keep < 0:
        raise ValueError(_("Keep 0 or more old versions per list."))
    doomed: list[ListVersion] = []
    for source in ListVersion.objects.values_list("source", flat=True).distinct().order_by("source"):
        old = (
            ListVersion.objects.filter(source=source)
            .exclude(status=ListVersionStatus.ACTIVE)
            .order_by("-loaded_at", "-pk")
        )
        doomed.extend(old[keep:])
    doomed.sort(key=lambda v: (v.loaded_at, v.pk))
    if dry_run or not doomed:
        return doomed
    with transaction.atomic():
        for version in doomed:
            audit_record(
                actor=actor,
                verb=AuditVerb.DELETED,
                obj=version,
                payload={
                    "source": version.source,
                    "status": version.status,
                    "file": version.file_name,
                    "loaded_at": version.loaded_at.isoformat(),
                },
            )
        ListVersion.objects.filter(pk__in=[v.pk for v in doomed]).delete()
    return doomed


__all__ = ["FORMATS", "OFFICIAL_SOURCES", "files_sha256", "list_format", "list_load", "list_versions_prune"]
