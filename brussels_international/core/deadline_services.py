"""Services of the deadlines radar: register and complete deadlines, manage iCal feed tokens.

Every module registers the time limits its officers must meet here (ARCHITECTURE.md,
"Deadlines"), so that each person sees them on the workspace home, in an iCal feed and in
the daily reminder mail (:mod:`core.tasks`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .deadlines import add_calendar_days, add_working_days
from .models import AuditVerb, CalendarFeedToken, Deadline, DeadlineCounting, DeadlineStatus
from .notifications import notify
from .services import Actor, audit_record
from .workflow import ANYONE, Transition, TransitionError, transition


def deadline_register(
    *,
    actor: Actor,
    title: str,
    legal_basis: str,
    due: dt.date | None = None,
    start: dt.date | None = None,
    days: int | None = None,
    counting: DeadlineCounting | str = "",
    responsible_user: User | None = None,
    responsible_group: Group | None = None,
    obj: models.Model | None = None,
    url: str = "",
    notify_responsible: bool = True,
) -> Deadline:
    """Register a deadline, given either its due date or how to compute it.

    Args:
        actor: who registers it (``None`` for the system).
        title: what must be done ("Decide on licence application BI-2026-014").
        legal_basis: the rule that sets the time limit ("Ordonnance du 20 juin 2013, art. 16").
        due: the due date; or else *start*, *days* (days) and *counting* (calendar or
            working days, see :mod:`core.deadlines`), from which it is computed.
        responsible_user: the person who must meet it; and/or
        responsible_group: the unit (its workspace group).
        obj: the dossier it belongs to (any saved model instance), optional.
        url: the address that opens the dossier in the workspace.
        notify_responsible: tell *responsible_user* (``False`` when the module sends its own,
            more specific notification, as the correspondence module does on assignment).

    Returns:
        The saved :class:`Deadline`; an audit entry "created" is written in the same transaction.
        When *responsible_user* is someone other than *actor*, they get a "deadline_assigned"
        notification (in the workspace, and by mail once the transaction commits).

    Raises:
        ValidationError: no responsible; both *due* and *start*/*days* given; neither; a
            negative number of days; an unknown counting; an empty title.
    """
    if not title.strip():
        raise ValidationError(gettext("A deadline needs a title (what must be done)."))
    if responsible_user is None and responsible_group is None:
        raise ValidationError(gettext("A deadline needs a responsible person or unit."))
    computed = start is not None or days is not None or bool(counting)
    if due is not None and computed:
        raise ValidationError(gettext("Give either the due date or start, days and counting, not both."))
    if due is None:
        if start is None or days is None or not counting:
            raise ValidationError(gettext("Give the due date, or start, days and counting to compute it."))
        if days < 0:
            raise ValidationError(gettext("The number of days cannot be negative."))
        if counting == DeadlineCounting.WORKING:
            due = add_working_days(start, days)
        elif counting == DeadlineCounting.CALENDAR:
            due = add_calendar_days(start, days)
        else:
            raise ValidationError(
                gettext("Unknown counting %(counting)r: use “calendar” or “working”.") % {"counting": counting}
            )
    if obj is not None and obj.pk is None:
        raise ValidationError(gettext("The dossier must be saved before a deadline is linked to it."))
    with transaction.atomic():
        deadline = Deadline.objects.create(
            title=title.strip(),
            legal_basis=legal_basis,
            due_date=due,
            counting=str(counting),
            days=days,
            start_date=start,
            responsible_user=responsible_user,
            responsible_group=responsible_group,
            object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            url=url,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=deadline,
            target=obj,
            payload={"due_date": due, "responsible": str(responsible_user or responsible_group)},
        )
        if (
            notify_responsible
            and responsible_user is not None
            and (not isinstance(actor, User) or actor.pk != responsible_user.pk)
        ):
            notify(
                recipient=responsible_user,
                kind="deadline_assigned",
                context={"deadline": deadline},
                url=url or reverse("wagtailadmin_home"),
                actor=actor,
                obj=deadline,
            )
    return deadline


def deadline_may_complete(deadline: Deadline, actor: Actor) -> bool:
    """Whether *actor* may mark *deadline* done: its responsible person, a member of its
    unit's group, or a superuser."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    if actor.is_superuser or deadline.responsible_user_id == actor.pk:
        return True
    return deadline.responsible_group_id is not None and actor.groups.filter(pk=deadline.responsible_group_id).exists()


def _responsible_guard(deadline: Deadline, actor: Actor) -> str | None:
    if deadline_may_complete(deadline, actor):
        return None
    return gettext("Only the person or unit responsible can complete this deadline.")


def _responsible_reopen_guard(deadline: Deadline, actor: Actor) -> str | None:
    if deadline_may_complete(deadline, actor):
        return None
    return gettext("Only the person or unit responsible can reopen this deadline.")


DEADLINE_TRANSITIONS = (
    Transition(DeadlineStatus.OPEN, DeadlineStatus.DONE, ANYONE, _responsible_guard, label=gettext_lazy("Done")),
    Transition(
        DeadlineStatus.DONE, DeadlineStatus.OPEN, ANYONE, _responsible_reopen_guard, label=gettext_lazy("Reopen")
    ),
)
"""The status graph of a deadline: open → done and back (done → open, to undo a mistake), each by
the person or a member of the unit responsible (or a superuser)."""

_DOSSIER_DEADLINE_TRANSITIONS = (
    Transition(DeadlineStatus.OPEN, DeadlineStatus.DONE, ANYONE, label=gettext_lazy("Done")),
    Transition(DeadlineStatus.DONE, DeadlineStatus.OPEN, ANYONE, label=gettext_lazy("Reopen")),
)
"""The same moves made by a dossier's workflow, which has already checked its actor (an applicant
withdrawing a licence application meets the unit's deadline to decide on it)."""


def _deadline_transitions(from_dossier: bool) -> tuple[Transition, ...]:
    return _DOSSIER_DEADLINE_TRANSITIONS if from_dossier else DEADLINE_TRANSITIONS


def met_in_dossier(deadline: Deadline) -> bool:
    """Whether *deadline* belongs to a dossier whose own workflow meets it (a letter's reply is
    done when the answer is recorded): then it is completed or reopened only by that workflow,
    never on its own, so the two cannot get out of step."""
    return deadline.object_type_id is not None


def _check_not_a_dossier_step(deadline: Deadline, from_dossier: bool) -> None:
    if met_in_dossier(deadline) and not from_dossier:
        raise TransitionError(gettext("This deadline is met in its dossier: record the step there."))


def deadline_complete(*, actor: Actor, deadline: Deadline, note: str = "", from_dossier: bool = False) -> Deadline:
    """Mark *deadline* done through the shared :func:`~core.workflow.transition` (status change,
    audit entry), and stamp ``done_at``; one transaction.

    Raises:
        TransitionError: *actor* is not responsible for it (see :func:`deadline_may_complete`),
            it is already done, or it is met in its dossier (:func:`met_in_dossier`) and the
            call does not come from that dossier's service (``from_dossier=True``); the message
            says which, in the active language. With ``from_dossier=True`` the dossier's
            workflow has checked *actor* already (``None`` for the system).
    """
    _check_not_a_dossier_step(deadline, from_dossier)
    with transaction.atomic():
        locked = transition(
            actor=actor,
            obj=deadline,
            to=DeadlineStatus.DONE,
            transitions=_deadline_transitions(from_dossier),
            note=note,
            system=from_dossier and actor is None,
        )
        Deadline.objects.filter(pk=locked.pk).update(done_at=timezone.now())
        locked.refresh_from_db()
    return locked  # type: ignore[return-value]


def deadline_reopen(*, actor: Actor, deadline: Deadline, note: str = "", from_dossier: bool = False) -> Deadline:
    """Put a done *deadline* back to open (the "Undo" of marking it done) through the shared
    :func:`~core.workflow.transition` (status change, audit entry), and clear ``done_at``; one
    transaction.

    Raises:
        TransitionError: *actor* is not responsible for it (see :func:`deadline_may_complete`),
            it is not done, or it is met in its dossier and the call does not come from that
            dossier's service (``from_dossier=True``); the message says which.
    """
    _check_not_a_dossier_step(deadline, from_dossier)
    with transaction.atomic():
        locked = transition(
            actor=actor,
            obj=deadline,
            to=DeadlineStatus.OPEN,
            transitions=_deadline_transitions(from_dossier),
            note=note,
            system=from_dossier and actor is None,
        )
        Deadline.objects.filter(pk=locked.pk).update(done_at=None)
        locked.refresh_from_db()
    return locked  # type: ignore[return-value]


def deadline_reschedule(*, actor: Actor, deadline: Deadline, due: dt.date, reason: str) -> Deadline:
    """Move an open *deadline* to *due* (a statutory clock that stood still while a request for
    information was open, an extension granted); one transaction with an audit entry
    ``{"changes": {"due_date": [old, new]}, "reason": reason}``.

    Raises:
        ValidationError: the deadline is done (reopen it first), or *reason* is empty.
    """
    if not reason.strip():
        raise ValidationError(gettext("Say why the deadline moves."))
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if locked.status != DeadlineStatus.OPEN:
            raise ValidationError(gettext("This deadline is done: reopen it before moving it."))
        old = locked.due_date
        if old == due:
            return locked
        locked.due_date = due
        locked.save(update_fields=["due_date"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            payload={"changes": {"due_date": [old, due]}, "reason": reason.strip()},
        )
    return locked


def deadline_reassign(
    *, actor: Actor, deadline: Deadline, responsible_user: User | None, notify_responsible: bool = True
) -> Deadline:
    """Make *responsible_user* (or nobody but the unit, with ``None``) responsible for *deadline*,
    as when a dossier gets a new officer; one transaction with an audit entry. The new person
    gets a "deadline_assigned" notification unless they are *actor* or *notify_responsible* is
    ``False`` (the dossier's module sends its own, as the permits module does on assignment).

    Raises:
        ValidationError: ``None`` for a deadline that has no responsible unit either.
    """
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if responsible_user is None and locked.responsible_group_id is None:
            raise ValidationError(gettext("A deadline needs a responsible person or unit."))
        old = locked.responsible_user
        if (old.pk if old else None) == (responsible_user.pk if responsible_user else None):
            return locked
        locked.responsible_user = responsible_user
        locked.save(update_fields=["responsible_user"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            payload={"changes": {"responsible_user": [str(old or ""), str(responsible_user or "")]}},
        )
        if (
            notify_responsible
            and responsible_user is not None
            and (not isinstance(actor, User) or actor.pk != responsible_user.pk)
        ):
            notify(
                recipient=responsible_user,
                kind="deadline_assigned",
                context={"deadline": locked},
                url=locked.url or reverse("wagtailadmin_home"),
                actor=actor,
                obj=locked,
            )
    return locked


def calendar_token_create(*, user: User) -> CalendarFeedToken:
    """Give *user* a new secret iCal feed address; the previous one stops working.

    Returns:
        The new token (``secrets.token_urlsafe(32)``, 43 characters).
    """
    with transaction.atomic():
        now = timezone.now()
        CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        token = CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(32))
        audit_record(actor=user, verb=AuditVerb.CREATED, obj=token)
    return token


def calendar_token_revoke(*, user: User) -> int:
    """Revoke *user*'s live iCal feed address (it answers 404 from now on).

    Returns:
        The number of tokens revoked (0 when there was none).
    """
    with transaction.atomic():
        live = list(CalendarFeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        now = timezone.now()
        for token in live:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(actor=user, verb=AuditVerb.UPDATED, obj=token, payload={"revoked_at": now})
    return len(live)
