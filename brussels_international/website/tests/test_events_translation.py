"""wagtail-localize: an event's time zone (an IANA name) is synchronised into its translations like
its dates, never offered for translation; venue and address are translated."""

from __future__ import annotations

import datetime as dt

import pytest
from wagtail.models import Locale
from wagtail_localize.fields import SynchronizedField, TranslatableField, get_translatable_fields
from wagtail_localize.models import OverridableSegment, StringSegment, TranslationSource

from brussels_international.website.models import EventPage

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_the_time_zone_is_synchronised_not_translated():
    fields = {f.field_name: f for f in get_translatable_fields(EventPage)}
    for name in ("time_zone", "starts_at", "ends_at", "online_url", "registration_url", "organiser", "cancelled"):
        assert type(fields[name]) is SynchronizedField, name
    for name in ("title", "intro", "body", "venue", "address"):
        assert type(fields[name]) is TranslatableField, name
    assert fields["time_zone"].is_overridable(EventPage()) is False


def test_translation_follows_the_source_zone_and_offers_no_zone_segment(
    make_event, site, django_capture_on_commit_callbacks
):
    source = make_event(
        "reception-expo",
        title="Réception au pavillon",
        starts_at=dt.datetime(2026, 4, 10, 9, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 4, 10, 12, 0, tzinfo=UTC),
        time_zone="Asia/Tokyo",
        venue="Pavillon de la Belgique",
    )
    translation_source, _ = TranslationSource.get_or_create_from_instance(source)
    paths = set(StringSegment.objects.filter(source=translation_source).values_list("context__path", flat=True))
    overridable = set(
        OverridableSegment.objects.filter(source=translation_source).values_list("context__path", flat=True)
    )
    assert "venue" in paths
    assert "time_zone" not in paths | overridable
    english_locale = Locale.objects.get(language_code="en")
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        translation_source.create_or_update_translation(english_locale, fallback=True)
    english = EventPage.objects.get(translation_key=source.translation_key, locale=english_locale)
    assert (english.time_zone, english.starts_at) == ("Asia/Tokyo", dt.datetime(2026, 4, 10, 9, 0, tzinfo=UTC))

    # The French source moves to another zone: the next synchronisation carries it over.
    source = EventPage.objects.get(pk=source.pk)
    source.time_zone = "America/New_York"
    source.save_revision().publish()
    translation_source.update_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        translation_source.create_or_update_translation(english_locale, fallback=True)

    assert EventPage.objects.get(pk=english.pk).time_zone == "America/New_York"
