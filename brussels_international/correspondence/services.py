"""Writes of the correspondence module: register, assign, answer, close and reopen a letter.

Each service runs in one transaction, writes the audit trail, moves the status only through
:func:`core.workflow.transition` with :data:`workflow.TRANSITIONS`, keeps the letter's reply
deadline (core deadlines radar) in step, and tells the officer put in charge (core
notifications: in the workspace, and by mail once the transaction commits).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brussels_international.core.deadline_services import deadline_complete, deadline_register, deadline_reopen
from brussels_international.core.models import AuditVerb, Deadline, DeadlineCounting, DeadlineStatus
from brussels_international.core.notifications import notify
from brussels_international.core.sequences import sequence_next
from brussels_international.core.services import audit_change, audit_record, model_snapshot
from brussels_international.core.workflow import transition
from brussels_international.directory.models import Unit

from .models import Letter, LetterStatus
from .workflow import TRANSITIONS

REPLY_WORKING_DAYS = 15
"""Working days to answer a letter, counted from the day after receipt."""

REPLY_RULE = gettext_lazy(
    "Service standard of Brussels International (demo module): answer within 15 working days of receipt"
)
"""The source of :data:`REPLY_WORKING_DAYS`. The demo module has no statutory time limit; the
real modules cite their ordinance or regulation here."""

SEQUENCE_KEY = "correspondence.letter"
MAX_AGE_DAYS = 366
"""A letter received longer ago than this (calendar days) is refused as a probable typing error."""
AUDITED_FIELDS = [
    "reference",
    "subject",
    "sender_name",
    "sender_organisation",
    "received_on",
    "summary",
    "unit",
    "assigned_to",
    "status",
    "reply_due",
    "answered_on",
]


def has_control_characters(text: str) -> bool:
    """Whether *text* holds a line break, a tab or another control character (U+0000–U+001F, U+007F)."""
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def units_for(actor: User) -> list[Unit]:
    """The units *actor* may register letters for: every unit with ``view_all_letter`` (Director,
    Administrator), else the units whose group they belong to."""
    units = Unit.objects.exclude(staff_group="").order_by("order")
    if not actor.has_perm("correspondence.view_all_letter"):
        units = units.filter(staff_group__in=actor.groups.values("name"))
    return list(units)


def unit_group(unit: Unit) -> Group | None:
    """The workspace group of *unit*'s staff (``Unit.staff_group``), or ``None``."""
    if not unit.staff_group:
        return None
    return Group.objects.filter(name=unit.staff_group).first()


def officer_choices(unit: Unit) -> list[User]:
    """Active users who may be put in charge of a letter of *unit*: the members of its group."""
    group = unit_group(unit)
    if group is None:
        return []
    return list(group.user_set.filter(is_active=True).order_by("last_name", "first_name", "username"))


def _snapshot(letter: Letter) -> dict[str, object]:
    return model_snapshot(letter, [f if f not in {"unit", "assigned_to"} else f"{f}_id" for f in AUDITED_FIELDS])


def _check_officer(letter: Letter, officer: User) -> None:
    if not officer.is_active or officer not in officer_choices(letter.unit):
        raise ValidationError(
            {"officer": _("%(name)s is not on the staff of %(unit)s.") % {"name": officer, "unit": letter.unit}}
        )


def letter_register(
    *,
    actor: User,
    unit: Unit,
    subject: str,
    sender_name: str,
    received_on: dt.date,
    sender_organisation: str = "",
    summary: str = "",
    officer: User | None = None,
) -> Letter:
    """Register an incoming letter, give it its reference and its reply deadline.

    Args:
        actor: the staff member registering it; needs ``correspondence.add_letter``.
        unit: the unit that answers.
        subject, sender_name: required, non-blank.
        received_on: day of receipt; not in the future (Brussels time).
        sender_organisation, summary: optional.
        officer: optional officer in charge, a member of *unit*'s group; when given the letter
            is assigned at once (``received → assigned``, needs ``correspondence.assign_letter``).

    Returns:
        The saved letter, reference ``COR-<year of receipt>-<nnnn>`` (gap-free per year), its
        reply deadline registered: :data:`REPLY_WORKING_DAYS` working days after receipt,
        Belgian and Brussels public holidays excluded (:mod:`core.deadlines`), responsible:
        the unit's group and the officer.

    Raises:
        PermissionDenied: *actor* may not register letters.
        ValidationError: ``{field: message}`` for a blank subject or sender, a line break or
            control character in them, a date in the future or more than a year ago
            (:data:`MAX_AGE_DAYS`), a unit that is not the actor's (:func:`units_for`), an
            officer outside the unit. Nothing is stored.
    """
    if not actor.has_perm("correspondence.add_letter"):
        raise PermissionDenied(_("You are not allowed to register letters."))
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = _("Enter the subject of the letter.")
    if not sender_name.strip():
        errors["sender_name"] = _("Enter who sent the letter.")
    for field, value in (
        ("subject", subject),
        ("sender_name", sender_name),
        ("sender_organisation", sender_organisation),
    ):
        if field not in errors and has_control_characters(value):
            errors[field] = _("Write it on one line, without control characters.")
    today = timezone.localdate()
    if received_on > today:
        errors["received_on"] = _("The date of receipt cannot be in the future.")
    elif received_on < today - dt.timedelta(days=MAX_AGE_DAYS):
        errors["received_on"] = _("The date of receipt is more than a year ago: check it.")
    if unit not in units_for(actor):
        errors["unit"] = _("You can register letters for your own unit only.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        number = sequence_next(key=SEQUENCE_KEY, year=received_on.year)
        letter = Letter.objects.create(
            reference=f"COR-{received_on.year}-{number:04d}",
            subject=subject.strip(),
            sender_name=sender_name.strip(),
            sender_organisation=sender_organisation.strip(),
            received_on=received_on,
            summary=summary.strip(),
            unit=unit,
        )
        if officer is not None:
            _check_officer(letter, officer)
        # Stored text, read by the whole unit: in the workspace's language, not the registrant's.
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Answer letter %(reference)s: %(subject)s") % {"reference": letter.reference, "subject": subject}
            rule = str(REPLY_RULE)
        deadline = deadline_register(
            actor=actor,
            title=title,
            legal_basis=rule,
            start=received_on,
            days=REPLY_WORKING_DAYS,
            counting=DeadlineCounting.WORKING,
            responsible_user=officer,
            responsible_group=unit_group(unit),
            obj=letter,
            url=reverse("correspondence:detail", args=[letter.pk]),
            notify_responsible=False,  # the officer gets the letter's own notification below
        )
        letter.deadline = deadline
        letter.reply_due = deadline.due_date
        letter.assigned_to = officer
        letter.save(update_fields=["deadline", "reply_due", "assigned_to"])
        audit_record(actor=actor, verb=AuditVerb.CREATED, obj=letter, payload={"changes": {}, **_snapshot(letter)})
        if officer is not None:
            transition(actor=actor, obj=letter, to=LetterStatus.ASSIGNED, transitions=TRANSITIONS)
            letter.refresh_from_db()
            if officer.pk != actor.pk:
                _tell_officer(actor, letter)
    return letter


ASSIGNABLE = (LetterStatus.RECEIVED, LetterStatus.ASSIGNED)
"""Statuses in which the officer in charge may be chosen or changed."""


def letter_may_assign(user: User, letter: Letter) -> bool:
    """Whether *user* may choose *letter*'s officer now (the rule :func:`letter_assign` enforces)."""
    return bool(user.has_perm("correspondence.assign_letter")) and letter.status in ASSIGNABLE


def letter_assign(*, actor: User, letter: Letter, officer: User) -> Letter:
    """Put *officer* in charge of *letter*; a received letter becomes assigned.

    The reply deadline's responsible person becomes *officer*.

    Raises:
        PermissionDenied: *actor* lacks ``correspondence.assign_letter``.
        ValidationError: ``{"officer": ...}`` when *officer* is not on the unit's staff or
            inactive; the letter is answered or closed (``{"__all__": ...}``).
    """
    if not actor.has_perm("correspondence.assign_letter"):
        raise PermissionDenied(_("You are not allowed to assign letters."))
    with transaction.atomic():
        locked = Letter.objects.select_for_update().select_related("unit").get(pk=letter.pk)
        if locked.status not in ASSIGNABLE:
            raise ValidationError(_("An answered or closed letter cannot be assigned."))
        _check_officer(locked, officer)
        before = _snapshot(locked)
        locked.assigned_to = officer
        locked.save(update_fields=["assigned_to"])
        audit_change(actor=actor, obj=locked, before=before, verb=AuditVerb.UPDATED)
        if locked.deadline_id is not None:
            Deadline.objects.filter(pk=locked.deadline_id).update(responsible_user=officer)
        if locked.status == LetterStatus.RECEIVED:
            transition(actor=actor, obj=locked, to=LetterStatus.ASSIGNED, transitions=TRANSITIONS)
        locked.refresh_from_db()
        if officer.pk != actor.pk:
            _tell_officer(actor, locked)
    return locked


def _tell_officer(actor: User, letter: Letter) -> None:
    """Notify the officer in charge (in-app now, mail after the commit), in their language."""
    assert letter.assigned_to is not None
    notify(
        recipient=letter.assigned_to,
        kind="letter_assigned",
        context={"letter": letter},
        url=reverse("correspondence:detail", args=[letter.pk]),
        actor=actor,
        obj=letter,
    )


def letter_answer(*, actor: User, letter: Letter, answered_on: dt.date, note: str = "") -> Letter:
    """Record that *letter* was answered on *answered_on*; its reply deadline is done.

    Raises:
        ValidationError: *answered_on* before receipt or in the future.
        TransitionError: the letter is not assigned, or *actor* is neither the officer in
            charge nor on the unit's staff (:func:`workflow.officer_or_unit`).
    """
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The date of the answer cannot be in the future.")})
    if answered_on < letter.received_on:
        raise ValidationError({"answered_on": _("The answer cannot predate the letter.")})
    with transaction.atomic():
        locked = transition(actor=actor, obj=letter, to=LetterStatus.ANSWERED, transitions=TRANSITIONS, note=note)
        assert isinstance(locked, Letter)
        locked.answered_on = answered_on
        locked.save(update_fields=["answered_on"])
        deadline = Deadline.objects.filter(pk=locked.deadline_id, status="open").first() if locked.deadline_id else None
        if deadline is not None:
            deadline_complete(actor=actor, deadline=deadline, note=locked.reference, from_dossier=True)
    return locked


def letter_close(*, actor: User, letter: Letter, note: str = "") -> Letter:
    """Close an answered letter (``answered → closed``).

    Raises:
        TransitionError: the letter is not answered. PermissionDenied: *actor* lacks
        ``correspondence.assign_letter``.
    """
    locked = transition(actor=actor, obj=letter, to=LetterStatus.CLOSED, transitions=TRANSITIONS, note=note)
    assert isinstance(locked, Letter)
    return locked


def letter_reopen(*, actor: User, letter: Letter, note: str = "") -> Letter:
    """Put an answered letter back to assigned (the answer was recorded by mistake, or a
    follow-up is needed); its reply deadline opens again and the answer date is cleared.

    Raises:
        TransitionError: the letter is not answered. PermissionDenied: *actor* lacks
        ``correspondence.assign_letter``.
    """
    with transaction.atomic():
        locked = transition(actor=actor, obj=letter, to=LetterStatus.ASSIGNED, transitions=TRANSITIONS, note=note)
        assert isinstance(locked, Letter)
        locked.answered_on = None
        locked.save(update_fields=["answered_on"])
        deadline = (
            Deadline.objects.filter(pk=locked.deadline_id, status=DeadlineStatus.DONE).first()
            if locked.deadline_id
            else None
        )
        if deadline is not None:
            deadline_reopen(actor=actor, deadline=deadline, note=locked.reference, from_dossier=True)
    return locked
