"""Services of the core: the audit trail.

Every service of every app writes its audit entry through :func:`audit_record`, in the
same transaction as the change it records.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEntry, AuditVerb

Actor = User | AnonymousUser | None
"""Who acts: a user, the anonymous user (public forms), or ``None`` for the system."""


def _json_value(value: Any) -> Any:
    """Turn a model field value into something JSON can store (dates as ISO text, objects as ``str``)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for every key whose value differs between two snapshots.

    Args:
        before: field name -> value before the change (missing keys count as ``None``).
        after: field name -> value after the change.
    """
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _json_value(before.get(key)), _json_value(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def model_snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Return the concrete (non-relation-set) field values of *obj* as ``{name: value}``."""
    names = list(fields) if fields is not None else [f.attname for f in obj._meta.concrete_fields]
    return {name: _json_value(getattr(obj, name)) for name in names}


def audit_record(
    *,
    actor: Actor,
    verb: AuditVerb | str,
    obj: models.Model,
    target: models.Model | None = None,
    payload: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry: *actor* did *verb* to *obj*.

    Args:
        actor: the user who acted, or ``None`` for the system (commands, tasks).
        verb: one of :class:`AuditVerb`.
        obj: the saved model instance the action was done to.
        target: an optional second object (the unit a person joined, the case a note is on).
        payload: JSON-serialisable details; for updates ``{"changes": {field: [old, new]}}``.

    Raises:
        RuntimeError: when called outside a transaction (the entry must commit or roll back
            with the change it describes).
        ValueError: when *obj* is not saved.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must run inside the transaction of the change it records.")
    if obj.pk is None:
        raise ValueError("audit_record() needs a saved object.")
    user = actor if isinstance(actor, User) else None
    label = ""
    if user is not None:
        label = user.get_username()
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label or "system",
        verb=str(verb),
        object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        payload=_json_value(dict(payload or {})),
    )


_SKIPPED_SNAPSHOT_KEYS = {"pk", "id", "latest_revision", "latest_revision_created_at", "sort_order"}


def snapshot_for_audit(obj: models.Model) -> dict[str, Any]:
    """Return a comparable snapshot of *obj*, its child rows and many-to-many links.

    Uses the model's own ``audit_snapshot()`` when it has one (readable child rows),
    else modelcluster's ``serializable_data()`` when the model has it (Wagtail snippets,
    clusterable models with inline children), else the concrete fields. Child rows are
    reduced to their values (without primary keys), so that re-saving the same data
    yields the same snapshot.
    """
    custom = getattr(obj, "audit_snapshot", None)
    if callable(custom):
        return dict(custom())
    serialise = getattr(obj, "serializable_data", None)
    data: dict[str, Any] = serialise() if callable(serialise) else model_snapshot(obj)
    return _strip_keys(data)


def _strip_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _strip_keys(v)
            for k, v in value.items()
            if k not in _SKIPPED_SNAPSHOT_KEYS and not k.endswith("_ptr") and k not in {"person", "parent"}
        }
    if isinstance(value, list):
        return [_strip_keys(v) for v in value]
    return value


def audit_change(
    *, actor: Actor, obj: models.Model, before: Mapping[str, Any], verb: AuditVerb | str
) -> dict[str, list[Any]]:
    """Record a create, update or delete of *obj* with the fields that changed.

    Args:
        actor: the user who made the change.
        obj: the object after the change (before it, for a delete).
        before: :func:`snapshot_for_audit` taken before the change (``{}`` for a create).
        verb: :attr:`AuditVerb.CREATED`, ``UPDATED`` or ``DELETED``.

    Returns:
        ``{field: [old, new]}``; for an update with no change, ``{}`` and nothing is written.

    Raises:
        RuntimeError: outside a transaction (see :func:`audit_record`).
    """
    after = {} if verb == AuditVerb.DELETED else snapshot_for_audit(obj)
    changes = field_changes(before, after)
    if verb == AuditVerb.UPDATED and not changes:
        return {}
    audit_record(actor=actor, verb=verb, obj=obj, payload={"changes": changes})
    return changes
