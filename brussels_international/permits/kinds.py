"""The control list entries as a kind of the workspace core (search): every workspace user with
``permits.view_controllistentry`` (every group, ``core.groups``) may open them.

Only the rows of the current versions are offered (older versions stay for the record).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brussels_international.core.registry import AnyUser, RecordKind, register_kind

from .models import ControlListEntry


def entries_visible_to(user: AnyUser) -> QuerySet[ControlListEntry]:
    """The rows of the current control lists if *user* has the view permission; none otherwise."""
    if getattr(user, "is_authenticated", False) and user.has_perm("permits.view_controllistentry"):
        return ControlListEntry.objects.filter(version__is_current=True)
    return ControlListEntry.objects.none()


def _can_change(user: AnyUser, obj: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("permits.change_controllistentry"))


def _url(entry: ControlListEntry) -> str:
    return reverse("permits:control_list_entry", args=[entry.version.regime, entry.code])


def _summary(entry: ControlListEntry) -> str:
    return str(entry.version.get_regime_display())


def register_permits_kinds() -> None:
    """Register the control list entries with the core registry (``PermitsConfig.ready``)."""
    register_kind(
        RecordKind(
            key="permits.controllistentry",
            model=ControlListEntry,
            label=_("Control list entries"),
            visible_to=entries_visible_to,
            url=_url,
            can_change=_can_change,
            summary=_summary,
            order=60,
            related=("version",),
        )
    )
