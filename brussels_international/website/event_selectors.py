"""Reads of the events calendar: upcoming, past, one month, the iCalendar feed.

Every function returns live (published) :class:`~brussels_international.website.models.EventPage`
children of one :class:`~brussels_international.website.models.EventIndexPage` (so one language),
with their organiser unit joined (one query, whatever the number of events).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .events import zone_or_default

if TYPE_CHECKING:
    from .models import EventIndexPage, EventPage

#: The widest offsets from UTC in the tz database (UTC-12:00 … UTC+14:00), to widen a month's window.
MAX_OFFSET = dt.timedelta(hours=14)


def _events(index: EventIndexPage) -> QuerySet[EventPage]:
    from .models import EventPage

    return EventPage.objects.live().child_of(index).select_related("organiser")


def upcoming_events(index: EventIndexPage, *, now: dt.datetime) -> QuerySet[EventPage]:
    """Events not over at *now* (``ends_at >= now``, ongoing ones included), soonest first."""
    return _events(index).filter(ends_at__gte=now).order_by("starts_at", "pk")


def past_events(index: EventIndexPage, *, now: dt.datetime) -> QuerySet[EventPage]:
    """Events over at *now* (``ends_at < now``), the most recent (by start) first."""
    return _events(index).filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def month_events(index: EventIndexPage, *, year: int, month: int) -> list[EventPage]:
    """Events taking place, at least partly, during *month* of *year* in their own zone, soonest first.

    The database narrows to the month widened by the largest UTC offsets (±14 hours); the dates in each
    event's zone decide (an event in Tokyo on 1 April at 08:00 is an April event, though it is still
    31 March in UTC).
    """
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    start_utc = dt.datetime(first.year, first.month, 1, tzinfo=dt.UTC) - MAX_OFFSET
    end_utc = dt.datetime(following.year, following.month, 1, tzinfo=dt.UTC) + MAX_OFFSET
    candidates = _events(index).filter(starts_at__lt=end_utc, ends_at__gte=start_utc).order_by("starts_at", "pk")
    found = []
    for event in candidates:
        zone = zone_or_default(event.time_zone)
        local_start = event.starts_at.astimezone(zone).date()
        local_end = event.ends_at.astimezone(zone).date()
        if local_start < following and local_end >= first:
            found.append(event)
    return found


def feed_events(index: EventIndexPage) -> QuerySet[EventPage]:
    """Every event of the feed, past and upcoming, oldest first; cancelled events are left out (a
    calendar subscribed to the feed then drops them)."""
    return _events(index).filter(cancelled=False).order_by("starts_at", "pk")
