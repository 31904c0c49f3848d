"""The permits module's kinds of the workspace core (search, documents):

- control list entries: every workspace user with ``permits.view_controllistentry`` (every
  group, ``core.groups``) may open them; only the rows of the current versions are offered;
- licence applications: staff with ``permits.view_application`` (all but drafts) and the
  applicant organisation's people (:func:`permits.selectors.applications_visible_to`); the
  applicant may change (attach documents to) a draft or an application waiting for them,
  the unit's case officers (``permits.assess_application``) any open case;
- applicant organisations: staff with ``permits.view_organisation``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brussels_international.core.registry import AnyUser, RecordKind, register_kind

from .models import OPEN_STATUSES, Application, ApplicationStatus, ControlListEntry, Organisation
from .selectors import applications_visible_to, is_workspace_user
from .workflow import is_member


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


def application_can_change(user: AnyUser, application: Any) -> bool:
    """Whether *user* may change *application* (attach or remove documents): a member of the
    applicant organisation while it is a draft or waits for their answer; a case officer while
    the case is open."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_member(application, user):
        return application.status in (ApplicationStatus.DRAFT, ApplicationStatus.WAITING_FOR_APPLICANT)
    return bool(
        is_workspace_user(user) and user.has_perm("permits.assess_application") and application.status in OPEN_STATUSES
    )


def _application_url(application: Application) -> str:
    return reverse("permits_cases:case", args=[application.pk])


def _application_summary(application: Application) -> str:
    return f"{application.organisation} · {application.get_status_display()}"


def organisations_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    """Every organisation for staff with ``permits.view_organisation``; none otherwise."""
    if is_workspace_user(user) and user.has_perm("permits.view_organisation"):
        return Organisation.objects.all()
    return Organisation.objects.none()


def register_permits_kinds() -> None:
    """Register the permits module's kinds with the core registry (``PermitsConfig.ready``)."""
    register_kind(
        RecordKind(
            key="permits.application",
            model=Application,
            label=_("Licence applications"),
            visible_to=applications_visible_to,
            url=_application_url,
            can_change=application_can_change,
            summary=_application_summary,
            order=55,
            related=("organisation",),
        )
    )
    register_kind(
        RecordKind(
            key="permits.organisation",
            model=Organisation,
            label=_("Applicant organisations"),
            visible_to=organisations_visible_to,
            url=lambda org: reverse("permits_cases:organisation", args=[org.pk]),
            summary=lambda org: str(org.get_status_display()),
            order=56,
        )
    )
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
