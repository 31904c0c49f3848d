"""Writes of the arms-embargo table: the loader of the curated CSV and the workspace's create,
update and delete. Each runs in one transaction with its audit entries (``core.services``).

The table serves criterion 1 of Council Common Position 2008/944/CFSP, Art. 2(1) (UN, EU and
OSCE arms embargoes). File format: ``data/README.md`` (columns :data:`EMBARGO_COLUMNS`).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from brussels_international.core.models import AuditEntry, AuditVerb
from brussels_international.core.services import audit_change, snapshot_for_audit

from .embargo_selectors import NO_COUNTRY, legal_force
from .models import ArmsEmbargo, DatePrecision, IssuingBody

EMBARGO_COLUMNS = list(ArmsEmbargo.AUDITED_FIELDS)
"""The columns of the arms-embargo CSV, in this order (``data/README.md``)."""

EMBARGO_FIELDS = tuple(EMBARGO_COLUMNS)
"""The keys of the *values* mapping of :func:`embargo_create` and :func:`embargo_update`."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Key = tuple[str, str, dt.date | None]


class EmbargoLoadError(ValueError):
    """An arms-embargo file that cannot be loaded; the message names the file, the line and the column."""


# --- checks shared by the loader and the workspace ----------------------------------------------


def _last_day(day: dt.date, precision: str) -> dt.date:
    if precision == DatePrecision.YEAR:
        return dt.date(day.year, 12, 31)
    return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def embargo_values_check(
    values: Mapping[str, Any], *, instance: ArmsEmbargo | None = None, check_unique: bool = True
) -> dict[str, Any]:
    """Check the values of one embargo and return them cleaned (stripped texts, upper-case codes).

    Args:
        values: :data:`EMBARGO_FIELDS` → value; ``start``/``end`` are ``datetime.date`` or
            ``None``, ``verified`` a ``bool``, the rest text. ``end_precision`` may be empty
            when ``end`` is (it is stored as ``day``).
        instance: the embargo being changed (left out of the uniqueness check), if any.
        check_unique: check that no other row has the same key (the loader matches rows by key
            instead).

    Rules: ``target`` is an ISO 3166-1 alpha-2 code or ``ZZ``; ``target_label``, ``instruments``
    and ``scope`` are required; ``scope`` starts with "Legally binding", "POLITICAL COMMITMENT"
    or "Non-mandatory" (:func:`..embargo_selectors.legal_force`); a start known to the year is
    1 January, to the month the 1st; an end known to the year is 31 December, to the month its
    last day; ``start`` is empty exactly when its precision is ``unknown``; the start is not
    after the end; no other embargo has the same target, body and start.

    Raises:
        ValidationError: ``{field: message}`` for every value that breaks a rule.
    """
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name in ("target_label", "instruments", "scope", "exceptions", "status_note", "sources"):
        clean[name] = str(values.get(name) or "").strip()
    for name in ("target_label", "instruments", "scope"):
        if not clean[name]:
            errors[name] = _("This field is required.")
    for name, limit in (("target_label", 300), ("status_note", 500)):
        if len(clean[name]) > limit:
            errors[name] = _("At most %(limit)d characters (%(count)d given).") % {
                "limit": limit,
                "count": len(clean[name]),
            }
    target = str(values.get("target") or "").strip().upper()
    if target != NO_COUNTRY and (len(target) != 2 or pycountry.countries.get(alpha_2=target) is None):
        errors["target"] = _(
            "Unknown country code %(code)r: an ISO 3166-1 alpha-2 code, or ZZ for a group tied to no country."
        ) % {"code": target}
    clean["target"] = target
    body = str(values.get("issuing_body") or "").strip()
    if body not in IssuingBody.values:
        errors["issuing_body"] = _("Unknown issuing body %(body)r: EU, UN or OSCE.") % {"body": body}
    clean["issuing_body"] = body
    if clean["scope"] and legal_force(clean["scope"]) is None:
        errors["scope"] = _(
            "The scope must start with “Legally binding”, “POLITICAL COMMITMENT” or “Non-mandatory”: "
            "the destination check reads the legal force from it."
        )
    clean["verified"] = bool(values.get("verified"))

    start, start_precision = values.get("start"), str(values.get("start_precision") or "").strip()
    if start_precision not in DatePrecision.values:
        errors["start_precision"] = _("Unknown precision %(value)r: day, month, year or unknown.") % {
            "value": start_precision
        }
    elif start is None and start_precision != DatePrecision.UNKNOWN:
        errors["start"] = _("The start is required unless its precision is “unknown”.")
    elif start is not None and start_precision == DatePrecision.UNKNOWN:
        errors["start_precision"] = _("A start date is given: its precision is day, month or year.")
    elif start is not None and start_precision == DatePrecision.YEAR and (start.month, start.day) != (1, 1):
        errors["start"] = _("A start known to the year is written as 1 January of that year (%(day)s).") % {
            "day": dt.date(start.year, 1, 1).isoformat()
        }
    elif start is not None and start_precision == DatePrecision.MONTH and start.day != 1:
        errors["start"] = _("A start known to the month is written as the 1st of that month (%(day)s).") % {
            "day": start.replace(day=1).isoformat()
        }
    clean["start"], clean["start_precision"] = start, start_precision

    end, end_precision = values.get("end"), str(values.get("end_precision") or "").strip()
    if end is None:
        end_precision = end_precision or DatePrecision.DAY
        if end_precision != DatePrecision.DAY:
            errors["end_precision"] = _("No end date: leave its precision empty.")
    elif end_precision not in (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR):
        errors["end_precision"] = _("Unknown precision %(value)r for the end: day, month or year.") % {
            "value": end_precision
        }
    elif end_precision != DatePrecision.DAY and end != _last_day(end, end_precision):
        errors["end"] = _(
            "An end known to the %(precision)s is written as the last day of it (%(day)s), so that the embargo "
            "counts as in force until then."
        ) % {"precision": DatePrecision(end_precision).label, "day": _last_day(end, end_precision).isoformat()}
    elif start is not None and end < start:
        errors["end"] = _("The end (%(end)s) is before the start (%(start)s).") % {
            "end": end.isoformat(),
            "start": start.isoformat(),
        }
    clean["end"], clean["end_precision"] = end, end_precision

    if not errors and check_unique:
        same = ArmsEmbargo.objects.filter(target=target, issuing_body=body)
        same = same.filter(start=start) if start is not None else same.filter(start__isnull=True)
        if instance is not None:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            errors["start"] = _("An embargo of %(body)s on %(target)s starting %(start)s already exists.") % {
                "body": body,
                "target": target,
                "start": start.isoformat() if start else _("on an unknown day"),
            }
    if errors:
        raise ValidationError(errors)
    return clean


# --- the workspace --------------------------------------------------------------------------------


def embargo_create(*, actor: User | None, values: Mapping[str, Any]) -> ArmsEmbargo:
    """Add an arms embargo to the table (one transaction, audit entry "created").

    Args:
        actor: the officer (``screening.add_armsembargo``, checked by the view).
        values: :data:`EMBARGO_FIELDS` → value (see :func:`embargo_values_check`).

    Raises:
        ValidationError: ``{field: message}`` (see :func:`embargo_values_check`).
    """
    with transaction.atomic():
        clean = embargo_values_check(values)
        embargo = ArmsEmbargo.objects.create(**clean)
        audit_change(actor=actor, obj=embargo, before={}, verb=AuditVerb.CREATED)
    return embargo


def embargo_update(*, actor: User | None, embargo: ArmsEmbargo, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Change an arms embargo (row locked; one transaction; audit entry "updated" with the changed
    fields, none when nothing changed).

    Args:
        actor: the officer (``screening.change_armsembargo``, checked by the view).
        embargo: the row to change.
        values: :data:`EMBARGO_FIELDS` → value (see :func:`embargo_values_check`).

    Returns:
        ``{field: [old, new]}`` (empty when nothing changed).

    Raises:
        ValidationError: ``{field: message}`` (see :func:`embargo_values_check`).
    """
    with transaction.atomic():
        locked = ArmsEmbargo.objects.select_for_update().get(pk=embargo.pk)
        clean = embargo_values_check(values, instance=locked)
        before = snapshot_for_audit(locked)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
        changes = audit_change(actor=actor, obj=locked, before=before, verb=AuditVerb.UPDATED)
    embargo.refresh_from_db()
    return changes


def embargo_delete(*, actor: User | None, embargo: ArmsEmbargo) -> None:
    """Delete an arms embargo (one transaction; audit entry "deleted" holding every value, so that
    the row can be read in the trail and a reload of the curated file does not bring it back,
    :func:`embargoes_load`).

    Args:
        actor: the officer (``screening.delete_armsembargo``, checked by the view).
        embargo: the row to delete.
    """
    with transaction.atomic():
        locked = ArmsEmbargo.objects.select_for_update().get(pk=embargo.pk)
        before = snapshot_for_audit(locked)
        audit_change(actor=actor, obj=locked, before=before, verb=AuditVerb.DELETED)
        locked.delete()


# --- the loader -----------------------------------------------------------------------------------


@dataclass
class EmbargoLoadReport:
    """What :func:`embargoes_load` did, each row named ``"EU RU 2014-07-31 (Russian Federation)"``.

    ``created``, ``updated``: rows written from the file; ``unchanged``: how many rows already
    matched it; ``kept_edited``: rows that differ from the file but were changed in the
    workspace since they were last loaded (kept as the workspace has them); ``kept_deleted``:
    rows of the file deleted in the workspace (not re-created); ``not_in_file``: rows of the
    table that the file does not hold (kept).
    """

    file: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_edited: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as lines of text for the command's output."""
        out = [
            _(
                "Arms embargoes (%(file)s): %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(edited)d kept as edited in the workspace, %(deleted)d kept deleted, %(extra)d not in the file."
            )
            % {
                "file": self.file,
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": self.unchanged,
                "edited": len(self.kept_edited),
                "deleted": len(self.kept_deleted),
                "extra": len(self.not_in_file),
            }
        ]
        for title, names in (
            (_("Updated from the file"), self.updated),
            (_("Edited in the workspace since the last load, kept (--overwrite-edits applies the file)"),
             self.kept_edited),
            (_("Deleted in the workspace, not re-created (--overwrite-edits re-creates them)"), self.kept_deleted),
            (_("In the table but not in the file, kept"), self.not_in_file),
        ):  # fmt: skip
            if names:
                out.append(f"{title}:")
                out.extend(f"  - {name}" for name in names)
        return out


def _name(key: Key, label: str) -> str:
    target, body, start = key
    return f"{body} {target} {start.isoformat() if start else '?'} ({label})"


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(line number, row)`` of the file; ``#`` lines (and blank lines) before the header are comments."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise EmbargoLoadError(_("%(file)s: %(problem)s") % {"file": path.name, "problem": error}) from error
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and (lines[skipped].startswith("#") or not lines[skipped].strip()):
        skipped += 1
    reader = csv.reader(io.StringIO("".join(lines[skipped:])))
    header = [column.strip() for column in next(reader, [])]
    if header != EMBARGO_COLUMNS:
        raise EmbargoLoadError(
            _("%(file)s, line %(line)d: the columns must be %(columns)s")
            % {"file": path.name, "line": skipped + 1, "columns": ",".join(EMBARGO_COLUMNS)}
        )
    rows = []
    first = reader.line_num + 1
    try:
        for values in reader:
            line, first = skipped + first, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise EmbargoLoadError(
                    _("%(file)s, line %(line)d: %(found)d columns instead of %(expected)d")
                    % {"file": path.name, "line": line, "found": len(values), "expected": len(header)}
                )
            rows.append((line, dict(zip(header, (value.strip() for value in values), strict=True))))
    except csv.Error as error:
        raise EmbargoLoadError(
            _("%(file)s, line %(line)d: %(problem)s") % {"file": path.name, "line": skipped + first, "problem": error}
        ) from error
    return rows


def _parse_row(path: Path, line: int, row: dict[str, str]) -> dict[str, Any]:
    def fail(column: str, problem: str) -> EmbargoLoadError:
        return EmbargoLoadError(
            _("%(file)s, line %(line)d (%(body)s %(target)s), column %(column)s: %(problem)s")
            % {
                "file": path.name,
                "line": line,
                "body": row["issuing_body"] or "?",
                "target": row["target"] or "?",
                "column": column,
                "problem": problem,
            }
        )

    values: dict[str, Any] = dict(row)
    for column in ("start", "end"):
        raw = row[column]
        if not raw:
            values[column] = None
            continue
        try:
            if not _ISO_DATE.match(raw):
                raise ValueError(raw)
            values[column] = dt.date.fromisoformat(raw)
        except ValueError:
            raise fail(
                column,
                _("%(value)r is not a date: write YYYY-MM-DD (a year or a month alone as its first or last day, "
                  "with the precision column saying so)") % {"value": raw},
            ) from None  # fmt: skip
    if row["verified"] not in ("yes", "no"):
        raise fail("verified", _("%(value)r: write yes or no") % {"value": row["verified"]})
    values["verified"] = row["verified"] == "yes"
    try:
        return embargo_values_check(values, check_unique=False)
    except ValidationError as error:
        column, messages = next(iter(error.message_dict.items()))
        raise fail(column, messages[0]) from error


def embargoes_load(*, path: Path, actor: User | None = None, overwrite_edits: bool = False) -> EmbargoLoadReport:
    """Load the curated arms-embargo CSV (:data:`EMBARGO_COLUMNS`) into the table. Idempotent.

    A row is identified by ``target`` + ``issuing_body`` + ``start``. A row of the file that is
    not in the table is created; one that differs from the table is updated (audit entry
    "loaded from reference data" with the changed fields), unless it was edited in the
    workspace since it was last loaded (its newest audit entry is not a load): then the
    workspace's version is kept and reported. A row deleted in the workspace (audit entry
    "deleted" with the same key) is not re-created. Rows of the table that the file does not
    hold are kept and reported, never deleted. ``overwrite_edits=True`` applies the file to
    edited rows and re-creates deleted ones.

    The whole file is read and checked before anything is written; one transaction.

    Args:
        path: the CSV file (default of the command: ``screening/data/arms-embargoes.csv``).
        actor: who loads (``None``: the system, e.g. ``bootstrap``).
        overwrite_edits: let the file win over the workspace's edits and deletions.

    Returns:
        An :class:`EmbargoLoadReport`.

    Raises:
        EmbargoLoadError: unreadable file, wrong header, a row with the wrong number of columns,
            a bad date, code, body, precision or scope, or two rows with the same key; the message
            names the file, the line and the column; nothing is written.
    """
    parsed: dict[Key, dict[str, Any]] = {}
    lines: dict[Key, int] = {}
    for line, row in _read_rows(path):
        values = _parse_row(path, line, row)
        key = (values["target"], values["issuing_body"], values["start"])
        if key in parsed:
            raise EmbargoLoadError(
                _("%(file)s, line %(line)d: the same target, body and start as line %(first)d")
                % {"file": path.name, "line": line, "first": lines[key]}
            )
        parsed[key], lines[key] = values, line
    report = EmbargoLoadReport(file=path.name)
    kind = ContentType.objects.get_for_model(ArmsEmbargo)
    with transaction.atomic():
        existing = {(e.target, e.issuing_body, e.start): e for e in ArmsEmbargo.objects.select_for_update()}
        latest: dict[str, str] = {}
        deleted: set[Key] = set()
        for entry in AuditEntry.objects.filter(object_type=kind).order_by("created_at", "pk"):
            latest[entry.object_id] = entry.verb
            if entry.verb == AuditVerb.DELETED:
                deleted.add(_deleted_key(entry.payload))
        for key, values in parsed.items():
            embargo = existing.get(key)
            if embargo is None:
                if key in deleted and not overwrite_edits:
                    report.kept_deleted.append(_name(key, values["target_label"]))
                    continue
                embargo = ArmsEmbargo.objects.create(**values)
                audit_change(actor=actor, obj=embargo, before={}, verb=AuditVerb.LOADED)
                report.created.append(_name(key, values["target_label"]))
                continue
            before = snapshot_for_audit(embargo)
            for name, value in values.items():
                setattr(embargo, name, value)
            if snapshot_for_audit(embargo) == before:
                report.unchanged += 1
                continue
            if latest.get(str(embargo.pk)) != AuditVerb.LOADED and not overwrite_edits:
                report.kept_edited.append(_name(key, before["target_label"]))
                continue
            embargo.save()
            audit_change(actor=actor, obj=embargo, before=before, verb=AuditVerb.LOADED)
            report.updated.append(_name(key, values["target_label"]))
        report.not_in_file = [_name(key, e.target_label) for key, e in existing.items() if key not in parsed]
    return report


def _deleted_key(payload: Any) -> Key:
    """The key of a deleted row from its audit entry (``{"changes": {field: [old, None]}}``)."""
    changes = (payload or {}).get("changes", {})

    def old(name: str) -> Any:
        pair = changes.get(name) or [None]
        return pair[0]

    start = old("start")
    return (str(old("target") or ""), str(old("issuing_body") or ""), dt.date.fromisoformat(start) if start else None)
