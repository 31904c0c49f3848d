"""The daily refresh of the official lists: off by default, scheduled and run when on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from brussels_international.screening.models import ListVersion
from brussels_international.screening.tasks import refresh_lists, schedule_list_refresh

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def test_no_refresh_is_scheduled_unless_asked(settings) -> None:
    settings.SCREENING_REFRESH_DAILY = False
    assert schedule_list_refresh() is None


def test_the_refresh_task_loads_the_lists_from_their_addresses(settings) -> None:
    settings.SCREENING_REFRESH_DAILY = True
    settings.SCREENING_LIST_URLS = {
        "un": (DATA / "un-sample.xml").as_uri(),
        "eu": (DATA / "eu-fsf-sample.xml").as_uri(),
        "ofac": [(DATA / "ofac-sdn-sample.csv").as_uri()],
        "uk": (DATA / "uk-sanctions-list-sample.csv").as_uri(),
    }
    from brussels_international.core.tasks import daily_schedules

    assert daily_schedules()["Refresh of the sanctions lists"] is schedule_list_refresh
    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    report = refresh_lists.call(timezone.localdate(now).isoformat())
    un_version = ListVersion.objects.get(source="un", status="active").pk
    assert report.splitlines()[0] == (
        f"un: version {un_version} loaded from un-sample.xml, published 2026-01-15: "
        "1 persons, 1 organisations, 0 vessels, 0 aircraft, 7 names."
    )
    assert sorted(ListVersion.objects.filter(status="active").values_list("source", flat=True)) == [
        "eu",
        "ofac",
        "uk",
        "un",
    ]
    # The four loads rebuilt the candidate index: a name of the EU sample is found.
    from brussels_international.screening.services import party_screen

    assert party_screen(name="Sidorenko Ivan").hits.get().ref == "9001"
