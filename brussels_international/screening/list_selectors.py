"""Selectors of the sanctions lists: the active versions and the rows of the list status page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ListVersion, ListVersionStatus

SOURCE_LABELS: dict[str, Promise] = {
    "un": _("UN Security Council Consolidated List"),
    "eu": _("EU consolidated financial sanctions list"),
    "ofac": _("US OFAC Specially Designated Nationals (SDN) list"),
    "uk": _("UK Sanctions List"),
}
"""The official lists, in the order the status page shows them."""

DIFF_KINDS = ("added", "changed", "removed")


def source_label(source: str) -> str:
    """The name of the list *source* (the source itself for a generic CSV list)."""
    return str(SOURCE_LABELS.get(source, source))


def active_versions() -> QuerySet[ListVersion]:
    """The active version of every list, by source."""
    return ListVersion.objects.filter(status=ListVersionStatus.ACTIVE).order_by("source")


def active_version_ids() -> list[int]:
    """Ids of the active list versions (what a screening made now is screened against)."""
    return list(ListVersion.objects.filter(status=ListVersionStatus.ACTIVE).values_list("pk", flat=True))


def active_version(source: str) -> ListVersion | None:
    """The active version of *source*, or ``None`` when none is loaded."""
    return ListVersion.objects.filter(source=source, status=ListVersionStatus.ACTIVE).first()


@dataclass(frozen=True)
class ListStatusRow:
    """One line of the list status page: a list, its active version (if any) and its last
    failed load (if any)."""

    source: str
    label: str
    active: ListVersion | None
    last_failure: ListVersion | None


def list_status_rows() -> list[ListStatusRow]:
    """One row per list: the official lists first (even when never loaded), then every other
    list that has a version, by name. Two queries."""
    versions = ListVersion.objects.filter(status=ListVersionStatus.ACTIVE).defer("diff")
    active = {v.source: v for v in versions}
    failures: dict[str, ListVersion] = {}
    for failure in (
        ListVersion.objects.filter(status=ListVersionStatus.FAILED)
        .defer("diff")
        .order_by("source", "-loaded_at", "-pk")
    ):
        failures.setdefault(failure.source, failure)
    others = sorted((set(active) | set(failures)) - set(SOURCE_LABELS))
    return [
        ListStatusRow(source, source_label(source), active.get(source), failures.get(source))
        for source in [*SOURCE_LABELS, *others]
    ]


def list_versions(source: str) -> QuerySet[ListVersion]:
    """Every version of *source*, newest first, without their diffs."""
    return ListVersion.objects.filter(source=source).defer("diff").order_by("-loaded_at", "-pk")
