"""The status graph of a letter: received → assigned → answered → closed (answered → assigned
reopens it).

Assigning and closing need ``correspondence.assign_letter`` (the unit's staff have it);
only the officer in charge, or a member of the letter's unit, records the answer.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brussels_international.core.workflow import ANYONE, Transition

from .models import LetterStatus


def _unit_member(letter: Any, actor: Any) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser or letter.assigned_to_id == actor.pk:
        return True
    group = letter.unit.staff_group
    return bool(group) and actor.groups.filter(name=group).exists()


def officer_or_unit(letter: Any, actor: Any) -> str | None:
    """Only the officer in charge or a member of the letter's unit may record the answer."""
    if _unit_member(letter, actor):
        return None
    return _("Only the officer in charge or the unit's staff can record the answer.")


def has_officer(letter: Any, actor: Any) -> str | None:
    """A letter is assigned to someone."""
    if letter.assigned_to_id is None:
        return _("Choose the officer in charge first.")
    return None


TRANSITIONS = (
    Transition(
        LetterStatus.RECEIVED,
        LetterStatus.ASSIGNED,
        "correspondence.assign_letter",
        has_officer,
        label=gettext_lazy("Assign"),
    ),
    Transition(LetterStatus.ASSIGNED, LetterStatus.ANSWERED, ANYONE, officer_or_unit, label=gettext_lazy("Answered")),
    Transition(LetterStatus.ANSWERED, LetterStatus.CLOSED, "correspondence.assign_letter", label=gettext_lazy("Close")),
    Transition(
        LetterStatus.ANSWERED, LetterStatus.ASSIGNED, "correspondence.assign_letter", label=gettext_lazy("Reopen")
    ),
)
