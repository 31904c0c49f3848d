"""Loaders of the control lists: each reads one file, creates a new
:class:`~permits.models.ControlListVersion` with its rows, and makes it current, in one
transaction.

The file is read and checked completely *before* anything is written; a bad file raises
:class:`ControlListLoadError` naming the file and the record at fault, and the database is
untouched (the previous version stays current). Rows are indexed for the workspace search in
the same transaction (:func:`core.search.search_index_update`).

Formats:

- dual-use list: the JSON fixture dump of another project (models ``regulations.category``,
  ``regulations.regulation``, ``regulations.paragraph`` with treebeard materialised paths of 4
  characters a level). Read with :mod:`json`, never ``loaddata``.
- military list ratings: CSV ``rating,military,short_description,full_description``; the rows
  with ``military=1`` and a rating ``ML<n>`` are the categories of the EU Common Military List.
- generic CSV (:func:`control_list_load_csv`): ``code,parent_code,text_en,text_fr,text_nl,note_type``
  with that header; lines starting with ``#`` before it are comments. A row without parent is a
  category, a row whose parent is a category is an entry, deeper rows are paragraphs; a row with
  a ``note_type`` is a note on its parent (its ``code`` may be empty). Parents come before their
  children. Codes of non-note rows are unique in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from brussels_international.core.models import AuditVerb
from brussels_international.core.search import search_index_update
from brussels_international.core.services import audit_record

from .models import ControlListEntry, ControlListVersion, EntryKind, Regime

CSV_COLUMNS = ["code", "parent_code", "text_en", "text_fr", "text_nl", "note_type"]
"""The columns of the generic control list CSV, in this order."""

_ML_RATING = re.compile(r"^ML([1-9]|1[0-9]|2[0-2])$")
_PATH_STEP = 4  # treebeard's materialised path: 4 characters per level


class ControlListLoadError(ValueError):
    """A control list file that cannot be loaded; the message names the file and the record."""


@dataclass
class _Row:
    """One row to create, before it has a primary key."""

    code: str
    kind: str
    parent: _Row | None = None
    note_type: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    depth: int = 0
    obj: ControlListEntry | None = None


def _error(path: Path, where: str, problem: str) -> ControlListLoadError:
    return ControlListLoadError(
        _("%(file)s, %(where)s: %(problem)s") % {"file": path.name, "where": where, "problem": problem}
    )


def _normalise_note_type(raw: str) -> str:
    """``"Note:"``, ``"Note1:"`` → ``"Note"``; ``"N.B.2."`` → ``"N.B."``; ``"Technicals"`` → ``"Technical note"``."""
    raw = raw.strip()
    if raw.startswith("N.B"):
        return "N.B."
    if raw.startswith("Technical"):
        return "Technical note"
    if raw.startswith("Note"):
        return "Note"
    return raw


def _store(
    *, actor: User | None, regime: str, title: str, path: Path, valid_from: dt.date, rows: list[_Row]
) -> ControlListVersion:
    """Write *rows* as a new current version of *regime* (one transaction, level by level)."""
    with transaction.atomic():
        version = ControlListVersion.objects.create(
            regime=regime, title=title, source=path.name, valid_from=valid_from, is_current=False
        )
        for position, row in enumerate(rows):
            row.obj = ControlListEntry(
                version=version,
                code=row.code,
                kind=row.kind,
                note_type=row.note_type,
                text_en=row.texts.get("en", ""),
                text_fr=row.texts.get("fr", ""),
                text_nl=row.texts.get("nl", ""),
                position=position,
            )
        for depth in sorted({row.depth for row in rows}):
            level = [row for row in rows if row.depth == depth]
            for row in level:
                assert row.obj is not None
                row.obj.parent = row.parent.obj if row.parent else None
            ControlListEntry.objects.bulk_create([row.obj for row in level if row.obj is not None])
        ControlListVersion.objects.filter(regime=regime, is_current=True).update(is_current=False)
        version.is_current = True
        version.save(update_fields=["is_current"])
        counts = {kind: sum(1 for row in rows if row.kind == kind) for kind in EntryKind.values}
        audit_record(
            actor=actor,
            verb=AuditVerb.LOADED,
            obj=version,
            payload={"source": path.name, "valid_from": valid_from.isoformat(), "counts": counts},
        )
        search_index_update(ControlListEntry, version.entries.values_list("pk", flat=True))
    return version


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise _error(path, _("file"), str(error)) from error
    except json.JSONDecodeError as error:
        raise _error(
            path, _("line %(line)d") % {"line": error.lineno}, _("not valid JSON (%(reason)s)") % {"reason": error.msg}
        ) from error
    if not isinstance(data, list):
        raise _error(path, _("file"), _("expected a list of records"))
    return data


def control_list_load_dual_use(
    *, actor: User | None, path: Path, valid_from: dt.date
) -> tuple[ControlListVersion, dict[str, int]]:
    """Load the dual-use list (Annex I of Regulation (EU) 2021/821) from a JSON fixture dump.

    The tree: category (``regulations.category``; code ``"0"``…``"9"``, category 5 in two
    parts ``"5P1"`` telecommunications and ``"5P2"`` information security) → entry
    (``regulations.regulation``, e.g. ``"5A002"``; its text is its top paragraph's) →
    paragraphs nested by ``path`` (full codes such as ``"5A002.a.1"``) and notes
    (``note_type`` other than ``base``, and everything nested in a note).

    Args:
        actor: who loads (``None`` for commands).
        path: the JSON file.
        valid_from: the date from which this edition applies.

    Returns:
        ``(version, counts)`` with counts ``{"categories", "entries", "paragraphs"}``: rows of
        each model read (``paragraphs`` includes the entries' own top paragraphs).

    Raises:
        ControlListLoadError: unreadable file, bad JSON, an unknown category or regulation, a
            paragraph whose path has no parent or whose depth disagrees with its path.
    """
    path = Path(path)
    records = _read_json(path)
    categories: dict[Any, _Row] = {}
    regulations: dict[Any, _Row] = {}
    regulation_category: dict[Any, tuple[Any, str]] = {}
    paragraphs: list[dict[str, Any]] = []
    rows: list[_Row] = []
    for number, record in enumerate(records, start=1):
        model, fields, pk = record.get("model"), record.get("fields") or {}, record.get("pk")
        where = _("record %(number)d (%(model)s %(pk)s)") % {"number": number, "model": model, "pk": pk}
        try:
            if model == "regulations.category":
                part = fields.get("part")
                code = f"{fields['identifier']}" + (f"P{part}" if part else "")
                name = fields["name"] + (f" ({_('part %(part)s') % {'part': part}})" if part else "")
                categories[pk] = _Row(code=code, kind=EntryKind.CATEGORY, texts={"en": name}, depth=0)
            elif model == "regulations.regulation":
                regulations[pk] = _Row(code=fields["code"].strip(), kind=EntryKind.ENTRY, depth=1)
                regulation_category[pk] = (fields["category"], where)
            elif model == "regulations.paragraph":
                paragraphs.append({**fields, "_where": where})
        except (KeyError, TypeError, AttributeError) as error:
            raise _error(path, where, _("missing field %(field)s") % {"field": error}) from error
    rows.extend(sorted(categories.values(), key=lambda row: row.code))
    for pk, regulation in regulations.items():
        category_pk, where = regulation_category[pk]
        regulation.parent = categories.get(category_pk)
        if regulation.parent is None:
            raise _error(path, where, _("unknown category %(pk)s") % {"pk": category_pk})
    by_path: dict[str, _Row] = {}
    in_note: set[str] = set()
    entries: list[_Row] = []
    for paragraph in sorted(paragraphs, key=lambda p: str(p.get("path", ""))):
        where = paragraph["_where"]
        tree_path, depth = str(paragraph.get("path", "")), paragraph.get("depth")
        if not tree_path or len(tree_path) % _PATH_STEP or depth != len(tree_path) // _PATH_STEP:
            raise _error(
                path, where, _("path %(path)r does not match depth %(depth)s") % {"path": tree_path, "depth": depth}
            )
        text = " ".join(str(paragraph.get("text", "")).split())
        note_type = str(paragraph.get("note_type", "base"))
        if depth == 1:
            entry = regulations.get(paragraph.get("regulation"))
            if entry is None:
                raise _error(path, where, _("unknown regulation %(pk)s") % {"pk": paragraph.get("regulation")})
            entry.texts["en"] = text
            by_path[tree_path] = entry
            entries.append(entry)
            continue
        parent = by_path.get(tree_path[:-_PATH_STEP])
        if parent is None:
            raise _error(path, where, _("path %(path)s has no parent paragraph") % {"path": tree_path})
        parent_path = tree_path[:-_PATH_STEP]
        if note_type != "base" or parent_path in in_note:
            in_note.add(tree_path)
            row = _Row(
                code=parent.code,
                kind=EntryKind.NOTE,
                parent=parent,
                note_type=_normalise_note_type(note_type) if note_type != "base" else parent.note_type,
                texts={"en": text},
                depth=depth + 1,
            )
        else:
            code = str(paragraph.get("code", "")).strip().rstrip(".")
            if not code:
                raise _error(path, where, _("paragraph without code"))
            row = _Row(
                code=f"{parent.code}.{code}",
                kind=EntryKind.PARAGRAPH,
                parent=parent,
                texts={"en": text},
                depth=depth + 1,
            )
        by_path[tree_path] = row
        rows.append(row)
    missing = [entry.code for entry in regulations.values() if entry not in entries]
    if missing:
        raise _error(path, _("entries %(codes)s") % {"codes": ", ".join(missing[:5])}, _("no top paragraph"))
    # File order: categories, then each entry followed by its paragraphs (paths sort depth-first).
    ordered = [row for row in rows if row.kind == EntryKind.CATEGORY]
    children: dict[int, list[_Row]] = {}
    for row in rows[len(ordered) :]:
        assert row.parent is not None
        children.setdefault(id(row.parent), []).append(row)

    def walk(row: _Row) -> None:
        ordered.append(row)
        for child in children.get(id(row), []):
            walk(child)

    for entry in sorted(entries, key=lambda row: row.code):
        walk(entry)
    version = _store(
        actor=actor,
        regime=Regime.DUAL_USE,
        title=_("Dual-use items (Annex I, Regulation (EU) 2021/821)"),
        path=path,
        valid_from=valid_from,
        rows=ordered,
    )
    return version, {"categories": len(categories), "entries": len(regulations), "paragraphs": len(paragraphs)}


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and ``(line number, row)`` pairs of a CSV file; ``#`` lines before the header are skipped."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise _error(path, _("file"), str(error)) from error
    start = 0
    while start < len(lines) and (lines[start].startswith("#") or not lines[start].strip()):
        start += 1
    reader = csv.reader(lines[start:])
    header = next(reader, None)
    if header is None:
        raise _error(path, _("file"), _("no header line"))
    header = [column.strip() for column in header]
    result = []
    for values in reader:
        line = start + reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            raise _error(
                path,
                _("line %(line)d") % {"line": line},
                _("%(found)d columns instead of %(expected)d") % {"found": len(values), "expected": len(header)},
            )
        result.append((line, {name: value.strip() for name, value in zip(header, values, strict=True)}))
    return header, result


def control_list_load_military(
    *, actor: User | None, path: Path, valid_from: dt.date
) -> tuple[ControlListVersion, dict[str, int]]:
    """Load the 22 categories ML1–ML22 of the EU Common Military List from the ratings CSV.

    Keeps the rows with ``military=1`` and a rating ``ML1``…``ML22`` (national ratings such as
    ``PL5001`` are left out); the short description is the English text.

    Returns:
        ``(version, {"categories": n})``.

    Raises:
        ControlListLoadError: missing columns, a duplicate rating, or not exactly ML1–ML22.
    """
    path = Path(path)
    header, records = _read_csv(path)
    missing = {"rating", "military", "short_description"} - set(header)
    if missing:
        raise _error(path, _("header"), _("missing columns %(columns)s") % {"columns": ", ".join(sorted(missing))})
    rows: list[_Row] = []
    seen: set[str] = set()
    for line, record in records:
        if record["military"] != "1" or not _ML_RATING.match(record["rating"]):
            continue
        if record["rating"] in seen:
            raise _error(
                path, _("line %(line)d") % {"line": line}, _("duplicate code %(code)s") % {"code": record["rating"]}
            )
        seen.add(record["rating"])
        rows.append(_Row(code=record["rating"], kind=EntryKind.CATEGORY, texts={"en": record["short_description"]}))
    if len(rows) != 22:
        raise _error(
            path, _("file"), _("%(count)d military categories instead of 22 (ML1 to ML22)") % {"count": len(rows)}
        )
    rows.sort(key=lambda row: int(row.code[2:]))
    version = _store(
        actor=actor,
        regime=Regime.MILITARY,
        title=str(Regime.MILITARY.label),
        path=path,
        valid_from=valid_from,
        rows=rows,
    )
    return version, {"categories": len(rows)}


def control_list_load_csv(
    *, actor: User | None, regime: str, path: Path, valid_from: dt.date
) -> tuple[ControlListVersion, dict[str, int]]:
    """Load a control list from the generic CSV format (:data:`CSV_COLUMNS`, module docstring).

    Args:
        actor: who loads (``None`` for commands).
        regime: ``"military"`` or ``"dual_use"``.
        path: the CSV file (UTF-8).
        valid_from: the date from which this edition applies.

    Returns:
        ``(version, counts)`` with the number of rows per kind (``category``, ``entry``,
        ``paragraph``, ``note``).

    Raises:
        ControlListLoadError: unknown regime, wrong header, a row without code, a duplicate
            code, an unknown parent (parents must come first), a note without parent.
    """
    path = Path(path)
    if regime not in Regime.values:
        raise ControlListLoadError(
            _("Unknown control list %(regime)s: choose military or dual_use.") % {"regime": regime}
        )
    header, records = _read_csv(path)
    if header != CSV_COLUMNS:
        raise _error(path, _("header"), _("expected the columns %(columns)s") % {"columns": ",".join(CSV_COLUMNS)})
    rows: list[_Row] = []
    by_code: dict[str, _Row] = {}
    for line, record in records:
        where = _("line %(line)d") % {"line": line}
        parent = None
        if record["parent_code"]:
            parent = by_code.get(record["parent_code"])
            if parent is None:
                raise _error(
                    path,
                    where,
                    _("unknown parent %(code)s (parents must come before their children)")
                    % {"code": record["parent_code"]},
                )
        texts = {language: record[f"text_{language}"] for language in ("en", "fr", "nl")}
        if record["note_type"]:
            if parent is None:
                raise _error(path, where, _("a note needs a parent_code"))
            row = _Row(
                code=parent.code,
                kind=EntryKind.NOTE,
                parent=parent,
                note_type=record["note_type"],
                texts=texts,
                depth=parent.depth + 1,
            )
        else:
            code = record["code"]
            if not code:
                raise _error(path, where, _("no code"))
            if code in by_code:
                raise _error(path, where, _("duplicate code %(code)s") % {"code": code})
            if parent is None:
                kind = EntryKind.CATEGORY
            elif parent.kind == EntryKind.CATEGORY:
                kind = EntryKind.ENTRY
            else:
                kind = EntryKind.PARAGRAPH
            row = _Row(code=code, kind=kind, parent=parent, texts=texts, depth=parent.depth + 1 if parent else 0)
            by_code[code] = row
        rows.append(row)
    if not rows:
        raise _error(path, _("file"), _("no rows"))
    version = _store(
        actor=actor, regime=regime, title=str(Regime(regime).label), path=path, valid_from=valid_from, rows=rows
    )
    return version, {
        kind: sum(1 for row in rows if row.kind == kind)
        for kind in EntryKind.values
        if any(row.kind == kind for row in rows)
    }


CRITERIA_COLUMNS = ["number", "title_en", "title_fr", "title_nl", "text_en", "text_fr", "text_nl", "source"]
"""The columns of the criteria CSV (``permits/data/criteria.csv``), in this order."""


def criteria_load(*, actor: User | None, path: Path) -> int:
    """Load (create or update) the eight criteria of Common Position 2008/944/CFSP from *path*, a
    CSV with :data:`CRITERIA_COLUMNS` (lines starting with ``#`` before the header are comments).

    All rows are checked before anything is written; one transaction; one audit entry "loaded"
    per criterion created or changed.

    Returns:
        The number of criteria created or changed (0 when the file matches the database).

    Raises:
        ControlListLoadError: the header differs, a number is not 1 to 8 or repeats, an English
            heading is empty, or the file does not hold exactly criteria 1 to 8; the message
            names the file and the line.
    """
    from .models import Criterion

    header, rows = _read_csv(path)
    if header != CRITERIA_COLUMNS:
        raise _error(path, _("line 1"), _("the columns must be %(columns)s") % {"columns": ",".join(CRITERIA_COLUMNS)})
    seen: dict[int, dict[str, str]] = {}
    for line, row in rows:
        where = _("line %(line)s") % {"line": line}
        raw = row["number"].strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 8:
            raise _error(path, where, _("the number must be 1 to 8, not %(value)r") % {"value": raw})
        if int(raw) in seen:
            raise _error(path, where, _("criterion %(number)s appears twice") % {"number": raw})
        if not row["title_en"].strip():
            raise _error(path, where, _("the English heading is empty"))
        seen[int(raw)] = {key: row[key].strip() for key in CRITERIA_COLUMNS if key != "number"}
    if sorted(seen) != list(range(1, 9)):
        missing = ", ".join(str(n) for n in range(1, 9) if n not in seen)
        raise _error(path, _("whole file"), _("criteria %(numbers)s are missing") % {"numbers": missing})
    changed = 0
    with transaction.atomic():
        for number, values in sorted(seen.items()):
            criterion = Criterion.objects.filter(number=number).first()
            if criterion is not None and all(getattr(criterion, k) == v for k, v in values.items()):
                continue
            criterion, _created = Criterion.objects.update_or_create(number=number, defaults=values)
            audit_record(actor=actor, verb=AuditVerb.LOADED, obj=criterion, payload={"source": path.name})
            changed += 1
    return changed
