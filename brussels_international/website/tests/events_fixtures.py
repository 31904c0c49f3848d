"""Fixtures of the events tests: the events page in fr/nl/en and a factory of published events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from wagtail.models import Locale


@pytest.fixture
def events_index(site):  # type: ignore[no-untyped-def]
    """The French events page (``/fr/evenements/``) created by ``setup_site``."""
    from brussels_international.website.models import EventIndexPage

    return EventIndexPage.objects.get(locale__language_code="fr")


def _publish(page: Any) -> Any:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def make_event(events_index):  # type: ignore[no-untyped-def]
    """``make_event(slug, starts_at=…, ends_at=…, translations={"nl": "Titel", "en": "Title"}, **fields)``:
    a published French event (and its published translations, titles given) under the events page."""
    from brussels_international.website.models import EventPage

    def make(
        slug: str,
        *,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        title: str | None = None,
        translations: dict[str, str] | None = None,
        publish: bool = True,
        **fields: Any,
    ) -> EventPage:
        event = EventPage(
            title=title or slug.replace("-", " ").capitalize(),
            slug=slug,
            starts_at=starts_at,
            ends_at=ends_at,
            **fields,
        )
        events_index.add_child(instance=event)
        if publish:
            _publish(event)
        else:
            event.save_revision()
            event.unpublish()
        for code, translated_title in (translations or {}).items():
            copy = event.copy_for_translation(Locale.objects.get(language_code=code))
            copy.title = copy.draft_title = translated_title
            copy.save()
            if publish:
                _publish(copy)
        return event

    return make
