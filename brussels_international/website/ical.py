"""iCalendar (RFC 5545, RFC 7986) files of the events, built with the ``icalendar`` library.

- One event: ``<event>/ics/`` (``EventPage``), a file to import ("Add to calendar").
- Every event of one language, past and upcoming (cancelled ones left out): ``ics/`` on the events
  page (``EventIndexPage``), a feed to subscribe to.

Each ``VEVENT`` has ``DTSTART``/``DTEND`` with the ``TZID`` of the event's zone and the matching
``VTIMEZONE`` (RFC 5545 §3.6.5); ``UID`` is the page's ``translation_key`` (a UUID, as RFC 7986 §5.3
recommends), the same for the fr, nl and en versions of an event, so that a calendar holds the
event once whatever the language it was imported in; ``DTSTAMP`` and ``LAST-MODIFIED`` are the
page's last publication (RFC 5545 §3.8.7.2: in an object without ``METHOD``, ``DTSTAMP`` is when the
information was last revised), so the files only change when the event does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import icalendar
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from .events import organiser_url, zone_or_default

if TYPE_CHECKING:
    from .models import EventIndexPage, EventPage

PRODID = "-//Brussels International//Events//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
#: RFC 7986 §5.7: how often a subscribed calendar should fetch the feed again.
REFRESH_INTERVAL = dt.timedelta(hours=12)


def event_uid(event: EventPage) -> str:
    """The ``UID`` of *event*: its ``translation_key`` (the same in every language)."""
    return str(event.translation_key)


def _stamp(event: EventPage) -> dt.datetime:
    stamp = event.last_published_at or event.latest_revision_created_at or event.first_published_at
    return (stamp or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)


def _location(event: EventPage) -> str:
    parts = [part for part in (event.venue, event.address) if part]
    if not parts and event.online_url:
        parts = [event.online_url]
    return ", ".join(parts)


def event_component(event: EventPage, *, request: HttpRequest) -> icalendar.Event:
    """The ``VEVENT`` of *event*: ``UID``, ``DTSTAMP``, ``DTSTART``/``DTEND`` (with ``TZID``),
    ``SUMMARY`` (title), ``DESCRIPTION`` (introduction), ``LOCATION`` (venue and address, else the online
    link), ``URL`` (the event page), ``ORGANIZER`` (the organiser unit's page, ``CN`` its name in the
    page's language), ``STATUS`` (``CONFIRMED`` or ``CANCELLED``)."""
    zone = zone_or_default(event.time_zone)
    stamp = _stamp(event)
    component = icalendar.Event.new(
        uid=event_uid(event),
        stamp=stamp,
        last_modified=stamp,
        start=event.starts_at.astimezone(zone),
        end=event.ends_at.astimezone(zone),
        summary=event.title,
        description=event.intro or None,
        location=_location(event) or None,
        url=request.build_absolute_uri(event.get_url(request) or ""),
        status=icalendar.STATUS.CANCELLED if event.cancelled else icalendar.STATUS.CONFIRMED,
    )
    if event.organiser is not None:
        page = organiser_url(event.organiser)
        address = request.build_absolute_uri(page) if page else request.build_absolute_uri("/")
        organizer = icalendar.vCalAddress(address)  # the unit's page (RFC 5545 §3.3.3: a URI)
        organizer.params["CN"] = event.organiser.name
        component.add("organizer", organizer)
    if event.online_url and _location(event) != event.online_url:
        component.add("conference", event.online_url, parameters={"VALUE": "URI"})
    return component


def _calendar(events: Iterable[EventPage], *, request: HttpRequest, name: str, uid: str) -> bytes:
    events = list(events)
    calendar = icalendar.Calendar.new(prodid=PRODID, uid=uid, name=name, refresh_interval=REFRESH_INTERVAL)
    for event in events:
        calendar.add_component(event_component(event, request=request))
    if events:
        first = min(e.starts_at for e in events).date() - dt.timedelta(days=366)
        last = max(e.ends_at for e in events).date() + dt.timedelta(days=366)
        calendar.add_missing_timezones(first_date=max(first, dt.date(1970, 1, 1)), last_date=last)
    return bytes(calendar.to_ical())


def event_response(event: EventPage, *, request: HttpRequest) -> HttpResponse:
    """The ``.ics`` file of one event (downloaded: ``Content-Disposition: attachment``)."""
    body = _calendar([event], request=request, name=event.title, uid=f"{event_uid(event)}-{event.locale.language_code}")
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(event.slug) or "event"}.ics"'
    return response


def feed_response(index: EventIndexPage, events: Iterable[EventPage], *, request: HttpRequest) -> HttpResponse:
    """The feed of *events* (the index's language), shown inline so calendars can subscribe to it."""
    language = index.locale.language_code
    name = f"{index.title} – Brussels International"
    body = _calendar(events, request=request, name=name, uid=f"{index.translation_key}-{language}")
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="events-{language}.ics"'
    return response
