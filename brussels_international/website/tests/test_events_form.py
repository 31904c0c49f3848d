"""Workspace editing of an event: start and end typed in the event's time zone, stored in UTC;
field errors for an unknown zone, a time skipped by a clock change and an end before the start."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from wagtail.test.utils.form_data import rich_text
from wagtail.users.models import UserProfile

from brussels_international.website.models import EventPage

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Forum des villes",
        "slug": "forum-des-villes",
        "time_zone": "Asia/Tokyo",
        "starts_at": "2026-04-01 09:00",
        "ends_at": "2026-04-01 17:30",
        "venue": "Tokyo International Forum",
        "address": "3-5-1 Marunouchi, Chiyoda, Tokyo",
        "online_url": "",
        "registration_url": "",
        "intro": "",
        "body": rich_text(""),
        "slug-SUBMIT": "",
    }
    data.update(overrides)
    return data


def _form(events_index, user, data, instance=None):  # type: ignore[no-untyped-def]
    form_class = EventPage.get_edit_handler().get_form_class()
    return form_class(data, instance=instance or EventPage(), parent_page=events_index, for_user=user)


def test_admin_add_reads_the_times_in_the_event_zone_not_the_editors(admin_client, admin_user, events_index):
    profile = UserProfile.get_for_user(admin_user)
    profile.current_time_zone = "UTC"  # the editor works in UTC: it must not matter
    profile.save()
    response = admin_client.post(
        f"/admin/pages/add/website/eventpage/{events_index.pk}/", {**_data(), "action-publish": "publish"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = EventPage.objects.get(slug="forum-des-villes")
    assert event.live
    assert event.time_zone == "Asia/Tokyo"
    assert event.starts_at == dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo (UTC+9)
    assert event.ends_at == dt.datetime(2026, 4, 1, 8, 30, tzinfo=UTC)


def test_admin_edit_shows_the_times_in_the_event_zone(admin_client, make_event):
    event = make_event(
        "forum",
        starts_at=dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 4, 1, 8, 30, tzinfo=UTC),
        time_zone="Asia/Tokyo",
    )
    html = admin_client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert 'name="starts_at" value="2026-04-01 09:00"' in html
    assert 'name="ends_at" value="2026-04-01 17:30"' in html


@pytest.mark.parametrize(
    ("zone", "typed", "expected"),
    [
        ("Europe/Brussels", "2026-01-15 18:00", dt.datetime(2026, 1, 15, 17, 0, tzinfo=UTC)),  # CET, UTC+1
        ("Europe/Brussels", "2026-07-01 18:00", dt.datetime(2026, 7, 1, 16, 0, tzinfo=UTC)),  # CEST, UTC+2
        ("America/New_York", "2026-09-22 10:00", dt.datetime(2026, 9, 22, 14, 0, tzinfo=UTC)),  # EDT, UTC-4
        ("Asia/Kolkata", "2026-09-22 10:00", dt.datetime(2026, 9, 22, 4, 30, tzinfo=UTC)),  # IST, UTC+5:30
        # Clocks go back on 25 October 2026 at 03:00 CEST: 02:30 happens twice, the first (CEST) is taken.
        ("Europe/Brussels", "2026-10-25 02:30", dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_form_stores_utc_of_the_local_time(admin_user, events_index, zone, typed, expected):
    form = _form(events_index, admin_user, _data(time_zone=zone, starts_at=typed, ends_at="2026-12-31 23:00"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == expected
    assert form.cleaned_data["time_zone"] == zone


def test_form_keeps_an_explicit_offset(admin_user, events_index):
    form = _form(events_index, admin_user, _data(starts_at="2026-04-01T09:00:00+02:00"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == dt.datetime(2026, 4, 1, 7, 0, tzinfo=UTC)


def test_unknown_time_zone_is_a_field_error(admin_user, events_index):
    with translation.override("en"):
        form = _form(events_index, admin_user, _data(time_zone="Mars/Olympus_Mons"))
        assert not form.is_valid()
        assert form.errors["time_zone"] == [
            "“Mars/Olympus_Mons” is not a time zone name. Use an IANA name such as Europe/Brussels or Asia/Tokyo."
        ]
        assert "starts_at" not in form.errors
        assert "ends_at" not in form.errors


def test_end_before_start_is_a_field_error(admin_user, events_index):
    with translation.override("en"):
        form = _form(events_index, admin_user, _data(starts_at="2026-04-01 09:00", ends_at="2026-04-01 08:59"))
        assert not form.is_valid()
        assert form.errors["ends_at"] == ["The event cannot end before it starts."]
    # End equal to start is allowed (an instant).
    form = _form(events_index, admin_user, _data(starts_at="2026-04-01 09:00", ends_at="2026-04-01 09:00"))
    assert form.is_valid(), form.errors


def test_time_skipped_by_the_clock_change_is_a_field_error(admin_user, events_index):
    # Clocks go forward on 29 March 2026 at 02:00 CET in Brussels: 02:30 does not exist.
    with translation.override("en"):
        form = _form(
            events_index,
            admin_user,
            _data(time_zone="Europe/Brussels", starts_at="2026-03-29 02:30", ends_at="2026-03-29 05:00"),
        )
        assert not form.is_valid()
        assert form.errors["starts_at"] == [
            "2026-03-29 02:30 does not exist in Europe/Brussels: the clocks are changed at that moment. "
            "Choose another time."
        ]


def test_admin_shows_the_errors_and_creates_nothing(admin_client, events_index):
    response = admin_client.post(
        f"/admin/pages/add/website/eventpage/{events_index.pk}/",
        {**_data(time_zone="Tokyo", ends_at="2026-03-31 09:00"), "action-publish": "publish"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "«\u00a0Tokyo\u00a0»" in html  # the message quotes what was typed (the workspace is in French)
    assert not EventPage.objects.filter(slug="forum-des-villes").exists()
