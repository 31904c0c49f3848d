"""Pruning old list versions keeps the active one, the newest others, and every hit and review."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from brussels_international.core.models import AuditEntry
from brussels_international.screening.list_services import list_load, list_versions_prune
from brussels_international.screening.models import Hit, HitReview, ListedEntity, ListVersion
from brussels_international.screening.services import hit_review, party_screen

pytestmark = pytest.mark.django_db

HEADER = "ref,schema,name\n"


def _load(tmp_path: Path, number: int) -> ListVersion:
    path = tmp_path / f"v{number}.csv"
    path.write_text(HEADER + f"W-1,person,Ivan PETROV\nW-{number + 1},person,Person {number} INVENTED\n")
    return list_load(source="watch", path=path)


def test_old_versions_go_hits_and_reviews_stay(tmp_path: Path, user_factory) -> None:
    first = _load(tmp_path, 1)
    hit = party_screen(name="Ivan Petrov", subject="permits.party:1").hits.get()
    hit_review(actor=user_factory(), hit=hit, decision="false_match", reason="Other person, passport seen.")
    second, third, fourth = _load(tmp_path, 2), _load(tmp_path, 3), _load(tmp_path, 4)
    out = StringIO()
    call_command("screening_prune", "--keep", "1", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[0].startswith(f"Would delete watch version {first.pk} (superseded, v1.csv")
    assert ListVersion.objects.count() == 4

    deleted = list_versions_prune(keep=1)
    assert [v.pk for v in deleted] == [first.pk, second.pk]
    assert list(ListVersion.objects.order_by("pk").values_list("pk", "status")) == [
        (third.pk, "superseded"),
        (fourth.pk, "active"),
    ]
    assert not ListedEntity.objects.filter(version_id__in=[first.pk, second.pk]).exists()
    kept = Hit.objects.get(pk=hit.pk)
    assert (kept.entity_id, kept.source, kept.ref, kept.caption) == (None, "watch", "W-1", "Ivan PETROV")
    assert HitReview.objects.get().hit_id == hit.pk
    assert AuditEntry.objects.filter(verb="deleted").count() == 2
    # The active version still screens, and the review still covers the unchanged listing.
    again = party_screen(name="Ivan Petrov", subject="permits.party:1").hits.get()
    from brussels_international.screening.selectors import reviews_for

    assert reviews_for([again])[again.pk] is not None


def test_keep_must_not_be_negative() -> None:
    with pytest.raises(ValueError):
        list_versions_prune(keep=-1)
