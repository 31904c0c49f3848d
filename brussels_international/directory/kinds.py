"""The directory's records as kinds of the workspace core (search, documents): people and partners.

Every workspace group may view the directory (``core.groups``); a user without the model's
``view`` permission sees none of its records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brussels_international.core.registry import AnyUser, RecordKind, register_kind

from .models import Partner, Person


def _visible(model: Any, perm: str) -> Any:
    def visible_to(user: AnyUser) -> QuerySet[Any]:
        if getattr(user, "is_authenticated", False) and user.has_perm(perm):
            return model.objects.all()
        return model.objects.none()

    return visible_to


def _changeable(perm: str) -> Any:
    def can_change(user: AnyUser, obj: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False) and user.has_perm(perm))

    return can_change


def _inspect_url(name: str) -> Any:
    def url(obj: Any) -> str:
        return reverse(f"wagtailsnippets_directory_{name}:inspect", args=[obj.pk])

    return url


def _person_summary(person: Person) -> str:
    return ", ".join(str(role.unit) for role in person.roles.all()[:2])


def _partner_summary(partner: Partner) -> str:
    return f"{partner.get_kind_display()} · {partner.country}"


def register_directory_kinds() -> None:
    """Register people and partners with the core registry (called from ``DirectoryConfig.ready``)."""
    register_kind(
        RecordKind(
            key="directory.person",
            model=Person,
            label=_("People"),
            visible_to=_visible(Person, "directory.view_person"),
            url=_inspect_url("person"),
            can_change=_changeable("directory.change_person"),
            summary=_person_summary,
            order=10,
            related=("roles__unit",),
        )
    )
    register_kind(
        RecordKind(
            key="directory.partner",
            model=Partner,
            label=_("Partners"),
            visible_to=_visible(Partner, "directory.view_partner"),
            url=_inspect_url("partner"),
            can_change=_changeable("directory.change_partner"),
            summary=_partner_summary,
            order=20,
        )
    )
