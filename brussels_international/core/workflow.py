"""The shared transition helper: the only place where a case's status changes.

Each case app declares a ``TRANSITIONS`` table in its ``workflow.py``: a tuple of
:class:`Transition` rows (from, to, permission, guard). :func:`transition` locks the row,
checks that the move is in the table, that the actor holds the permission and that the
guard allows it, saves the new status, records a :class:`~core.models.StatusChange` and an
audit entry, all in one transaction. A move absent from the table is refused: the status
graph is written down in full (unlike uktrade/lite-api's list of forbidden moves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import AuditVerb, StatusChange
from .services import Actor, audit_record

ANYONE = "*"
"""Permission of a move that any signed-in user may ask for: its guard decides (for example
"only the person or unit responsible")."""

Guard = Callable[[Any, Actor], str | None]
"""A guard gets (locked object, actor) and returns ``None`` to allow or a translated reason to refuse."""


@dataclass(frozen=True)
class Transition:
    """One allowed move of a status graph.

    Attributes:
        source: status the object must be in.
        target: status it moves to.
        permission: Django permission the actor needs (``"app_label.codename"``), :data:`ANYONE`
            when the guard alone decides, or ``None`` for system moves (commands, tasks) that no
            user may trigger.
        guard: optional extra rule, called with the locked object and the actor.
        label: short verb shown on the button ("Submit", "Grant"); a lazy translation.
    """

    source: str
    target: str
    permission: str | None
    guard: Guard | None = None
    label: Any = ""


class TransitionError(Exception):
    """The move is not in the table, or its guard refused it. ``str(error)`` is translated."""


class HasStatus(Protocol):
    pk: Any
    status: str


def status_label(model: type[models.Model], value: str) -> str:
    """The translated label of status *value* of *model* (its ``status`` field's choices), or
    *value* itself when the field has no such choice."""
    try:
        choices = dict(model._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
    except Exception:
        return value
    return str(choices.get(value, value))


def _find(transitions: Iterable[Transition], source: str, target: str) -> Transition | None:
    for row in transitions:
        if row.source == source and row.target == target:
            return row
    return None


def _has_perm(actor: Actor, permission: str) -> bool:
    if permission == ANYONE:
        return actor is not None and bool(actor.is_authenticated)
    return actor is not None and bool(actor.has_perm(permission))


def available_transitions(obj: HasStatus, *, actor: Actor, transitions: Sequence[Transition]) -> list[Transition]:
    """Return the moves *actor* may make now from *obj*'s status (permission and guard checked).

    Used to show buttons; :func:`transition` checks everything again on the locked row.
    """
    allowed = []
    for row in transitions:
        if row.source != obj.status:
            continue
        if row.permission is not None and not _has_perm(actor, row.permission):
            continue
        if row.guard is not None and row.guard(obj, actor) is not None:
            continue
        allowed.append(row)
    return allowed


def transition(
    *,
    actor: Actor,
    obj: models.Model,
    to: str,
    transitions: Sequence[Transition],
    note: str = "",
    system: bool = False,
) -> models.Model:
    """Move *obj* to status *to*, if the table, the permission and the guard allow it.

    Args:
        actor: the user making the move; ``None`` only with ``system=True``.
        obj: a saved instance of a model with a ``status`` field.
        to: the target status value.
        transitions: the app's ``TRANSITIONS`` table.
        note: free text kept with the status change (a reason, a reference).
        system: ``True`` for moves made by the platform itself (commands, tasks); these
            skip the user permission check but still need a row in the table.

    Returns:
        The locked, updated instance (re-read from the database).

    Raises:
        TransitionError: the move from the current status to *to* is not in the table, or
            the guard refused it (the message says why, in the active language).
        PermissionDenied: *actor* lacks the row's permission, or a user tried a system move.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        current = locked.status  # type: ignore[attr-defined]
        row = _find(transitions, current, to)
        if row is None:
            raise TransitionError(
                _("A case in status “%(source)s” cannot move to “%(target)s”.")
                % {"source": status_label(model, current), "target": status_label(model, to)}
            )
        if row.permission is None and not system:
            raise PermissionDenied(_("This change of status is made by the system only."))
        if row.permission is not None and not system and not _has_perm(actor, row.permission):
            raise PermissionDenied(_("You are not allowed to make this change of status."))
        if row.guard is not None:
            reason = row.guard(locked, actor)
            if reason is not None:
                raise TransitionError(reason)
        locked.status = to  # type: ignore[attr-defined]
        locked.save(update_fields=["status"])
        user = actor if isinstance(actor, User) else None
        StatusChange.objects.create(
            actor=user,
            object_type=ContentType.objects.get_for_model(locked),
            object_id=str(locked.pk),
            from_status=current,
            to_status=to,
            note=note,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATUS_CHANGED,
            obj=locked,
            payload={"from": current, "to": to, "note": note},
        )
    obj.status = to  # type: ignore[attr-defined]
    return locked
