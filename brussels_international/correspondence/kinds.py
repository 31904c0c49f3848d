"""Letters as a kind of record of the workspace core (search, documents, notifications)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brussels_international.core.registry import AnyUser, RecordKind, register_kind

from .models import Letter, LetterStatus
from .selectors import letters_visible_to


def letter_can_change(user: AnyUser, letter: Letter) -> bool:
    """Whether *user* may change *letter* (attach documents): ``change_letter`` and the letter is
    not closed."""
    return bool(user.has_perm("correspondence.change_letter")) and letter.status != LetterStatus.CLOSED


def _summary(letter: Letter) -> str:
    sender = ", ".join(part for part in (letter.sender_name, letter.sender_organisation) if part)
    return f"{letter.reference} · {sender} · {letter.get_status_display()}"


def register_correspondence_kinds() -> None:
    """Register letters with the core registry (called from ``CorrespondenceConfig.ready``)."""
    register_kind(
        RecordKind(
            key="correspondence.letter",
            model=Letter,
            label=_("Letters"),
            visible_to=letters_visible_to,
            url=lambda letter: reverse("correspondence:detail", args=[letter.pk]),
            can_change=letter_can_change,
            summary=_summary,
            order=30,
        )
    )
