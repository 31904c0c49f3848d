"""Events: time zones, the workspace form of an event, how an event's dates are shown, its JSON-LD.

Rules (sources):

- An event's start and end are stored in UTC (``USE_TZ``) with the IANA name of the zone where the
  event takes place (``EventPage.time_zone``, IANA tz database via :mod:`zoneinfo`). The editor types
  the start and end *in the event's zone* (an event in Tokyo is typed in Tokyo time), whatever the
  editor's own zone in the workspace: :class:`EventPageForm`.
- A wall-clock time that does not exist in the zone (skipped when clocks go forward) is refused;
  a time that happens twice (clocks go back) is read as the first one (``fold=0``, PEP 495).
- Pages show the dates in the event's zone, with the zone named (CLDR names through ``babel``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_interval, format_skeleton, format_time, get_timezone_name
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminDateTimeInput

from brussels_international.core.i18n import current_language

from . import structured_data
from .navigation import site_navigation

if TYPE_CHECKING:
    from brussels_international.directory.models import Unit

    from .models import EventIndexPage, EventPage

DEFAULT_TIME_ZONE = "Europe/Brussels"

#: Django language code → babel (CLDR) locale used to write dates: Belgian French and Dutch, British English.
BABEL_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}


# --- Time zones --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    """The IANA zone names known to this machine's tz database (``zoneinfo.available_timezones``)."""
    return frozenset(available_timezones())


def validate_time_zone(name: str) -> ZoneInfo:
    """Return the zone called *name* (an IANA name such as ``Asia/Tokyo``).

    Raises:
        ValidationError: (code ``time_zone``) when *name* is empty or not in the tz database; the
            message says what was typed and gives two examples.
    """
    name = (name or "").strip()
    if name in time_zone_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ValidationError(
        _("“%(value)s” is not a time zone name. Use an IANA name such as Europe/Brussels or Asia/Tokyo."),
        code="time_zone",
        params={"value": name},
    )


def zone_or_default(name: str) -> ZoneInfo:
    """The zone called *name*, or Europe/Brussels when the name is not valid (display never fails)."""
    try:
        return validate_time_zone(name)
    except ValidationError:
        return ZoneInfo(DEFAULT_TIME_ZONE)


def from_wall_clock(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of the wall-clock time *value* (naive) in *zone*; an aware *value* is only
    converted to UTC.

    Raises:
        ValidationError: (code ``nonexistent``) when *value* is skipped in *zone* (clocks go forward).
    """
    if timezone.is_aware(value):
        return value.astimezone(dt.UTC)
    aware = value.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != value:
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s: the clocks are changed at that moment. Choose another time."),
            code="nonexistent",
            params={"time": value.strftime("%Y-%m-%d %H:%M"), "zone": zone.key},
        )
    return instant


def to_wall_clock(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The naive wall-clock time in *zone* of the aware instant *value* (what the editor sees)."""
    return value.astimezone(zone).replace(tzinfo=None)


# --- Workspace form ----------------------------------------------------------------------------


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, *not* attached to the editor's zone (Django's field would read it in
    the active zone): naive, unless the text itself has an offset (``2026-03-10T09:00+09:00``)."""

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        text = str(value).strip()
        try:
            result = parse_datetime(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if result is None:
            result = forms.fields.BaseTemporalField.to_python(self, text)  # the input formats, naive
        return result

    def prepare_value(self, value: Any) -> Any:
        return value  # initial values are already wall-clock times of the event's zone


class EventPageForm(WagtailAdminPageForm):
    """Workspace form of :class:`~brussels_international.website.models.EventPage`.

    The start and end are typed and shown in the event's zone (field ``time_zone``), not in the
    editor's zone; ``clean`` turns them into UTC instants. Errors, each on its field: unknown zone
    name; time that does not exist in the zone; end before start (``EventPage.clean``).
    """

    starts_at = WallClockDateTimeField(
        label=_("starts at"),
        widget=AdminDateTimeInput,
        help_text=_("Local time of the event, in its time zone (not your own)."),
    )
    ends_at = WallClockDateTimeField(
        label=_("ends at"),
        widget=AdminDateTimeInput,
        help_text=_("Local time of the event, in its time zone (not your own)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        zone = zone_or_default(getattr(instance, "time_zone", "") or DEFAULT_TIME_ZONE)
        for name in ("starts_at", "ends_at"):
            value = getattr(instance, name, None)
            if isinstance(value, dt.datetime) and timezone.is_aware(value):
                self.initial[name] = to_wall_clock(value, zone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            zone = validate_time_zone(cleaned.get("time_zone") or "")
            cleaned["time_zone"] = zone.key
            zone_valid = True
        except ValidationError as error:
            if "time_zone" not in self.errors:
                self.add_error("time_zone", error)
            zone, zone_valid = ZoneInfo(DEFAULT_TIME_ZONE), False
        for name in ("starts_at", "ends_at"):
            value = cleaned.get(name)
            if not isinstance(value, dt.datetime):
                continue
            try:
                cleaned[name] = from_wall_clock(value, zone)
            except ValidationError as error:
                cleaned[name] = value.replace(tzinfo=zone).astimezone(dt.UTC)  # never naive, form is invalid
                if zone_valid:
                    self.add_error(name, error)
        return cleaned


# --- Display -----------------------------------------------------------------------------------


def babel_locale(language: str | None = None) -> str:
    """The CLDR locale used to write dates in *language* (active language by default)."""
    return BABEL_LOCALES.get(language or current_language(), "fr_BE")


@dataclass(frozen=True)
class EventWhen:
    """When an event takes place, in its own zone, written in one language.

    ``text``: the dates and times ("mardi 10 mars 2026, 09:00 – 17:30"); ``zone_label``: the zone named
    ("heure normale du Japon, Asia/Tokyo, UTC+09:00"); ``start``/``end``: aware datetimes in the event's
    zone (``start.isoformat()`` is ISO 8601 with the offset).
    """

    start: dt.datetime
    end: dt.datetime
    text: str
    zone_label: str
    same_day: bool

    @property
    def month(self) -> tuple[int, int]:
        """(year, month) of the local start: the month under which the event is listed."""
        return (self.start.year, self.start.month)


def _offset(value: dt.datetime) -> str:
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def event_when(event: EventPage, language: str | None = None) -> EventWhen:
    """Dates, times and zone of *event* in *language* (the active language by default).

    Dates in CLDR's full format, times in the short one (``babel``, locales :data:`BABEL_LOCALES`).
    The zone is given by its CLDR long name at the start (summer or standard time), its IANA name and
    its offset from UTC.
    """
    locale = babel_locale(language)
    zone = zone_or_default(event.time_zone)
    start = event.starts_at.astimezone(zone)
    end = event.ends_at.astimezone(zone)
    same_day = start.date() == end.date()
    if same_day:
        if end == start:
            times = format_time(start, "short", locale=locale)
        else:
            times = format_interval(start, end, "Hm", locale=locale)
        text = f"{format_date(start, 'full', locale=locale)}, {times}"
    else:
        text = gettext("%(start)s – %(end)s") % {
            "start": f"{format_date(start, 'full', locale=locale)}, {format_time(start, 'short', locale=locale)}",
            "end": f"{format_date(end, 'full', locale=locale)}, {format_time(end, 'short', locale=locale)}",
        }
    name = get_timezone_name(start, "long", locale=locale)
    zone_label = f"{name}, {zone.key}, {_offset(start)}"
    if _offset(end) != _offset(start):
        zone_label += f" / {_offset(end)}"
    return EventWhen(start=start, end=end, text=text, zone_label=zone_label, same_day=same_day)


def month_label(year: int, month: int, language: str | None = None) -> str:
    """ "mars 2026", "maart 2026", "March 2026": the month in the language (CLDR skeleton ``yMMMM``)."""
    return str(format_skeleton("yMMMM", dt.date(year, month, 1), locale=babel_locale(language)))


def organiser_url(unit: Unit | None, language: str | None = None) -> str | None:
    """The page of *unit* on the site in *language* (``<units page>/<unit slug>/``), or ``None`` when the
    units page does not exist in that language (no query: the navigation is cached)."""
    if unit is None:
        return None
    units = site_navigation(language)["links"].get("units")
    return f"{units.url}{unit.slug}/" if units else None


def url_host(url: str) -> str:
    """The host name of *url* (``https://www.example.org/x`` → ``www.example.org``), to say where an
    external link leads."""
    return urlsplit(url).hostname or url


# --- Calendar listing --------------------------------------------------------------------------

#: Events per page of the listing.
PER_PAGE = 10
#: Months that can be asked for (``?month=YYYY-MM``).
MIN_YEAR, MAX_YEAR = 1970, 2100
_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")


def parse_month(raw: str) -> tuple[int, int]:
    """``"2026-03"`` → ``(2026, 3)``.

    Raises:
        ValidationError: when *raw* is not ``YYYY-MM``, the month is not 01-12, or the year is outside
            :data:`MIN_YEAR`-:data:`MAX_YEAR`; the message quotes *raw* and says what to write.
    """
    text = raw.strip()
    match = _MONTH_RE.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(
            _("“%(value)s” is not a month. Write the year and the month as YYYY-MM, for example 2026-03."),
            code="month",
            params={"value": text[:20]},
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("Choose a month between %(first)s and %(last)s."),
            code="month_range",
            params={"first": MIN_YEAR, "last": MAX_YEAR},
        )
    return year, month


def _shift(year: int, month: int, delta: int) -> tuple[int, int] | None:
    index = year * 12 + (month - 1) + delta
    shifted = divmod(index, 12)
    if not MIN_YEAR <= shifted[0] <= MAX_YEAR:
        return None
    return shifted[0], shifted[1] + 1


@dataclass(frozen=True)
class MonthLink:
    """A month of the navigation: ``value`` for ``?month=`` (``2026-03``) and its ``label``."""

    value: str
    label: str

    @classmethod
    def of(cls, year: int, month: int) -> MonthLink:
        return cls(value=f"{year:04d}-{month:02d}", label=month_label(year, month))


@dataclass
class MonthGroup:
    """Events listed under one month heading."""

    label: str
    value: str
    events: list[Any] = field(default_factory=list)


def group_by_month(events: list[EventPage]) -> list[MonthGroup]:
    """Consecutive events with the same local start month (see :attr:`EventWhen.month`) in one group,
    in the order given. Each event must have its ``when`` (:func:`event_when`) set."""
    groups: list[MonthGroup] = []
    for event in events:
        year, month = event.when.month  # type: ignore[attr-defined]
        link = MonthLink.of(year, month)
        if not groups or groups[-1].value != link.value:
            groups.append(MonthGroup(label=link.label, value=link.value))
        groups[-1].events.append(event)
    return groups


def listing_context(
    index: EventIndexPage, request: HttpRequest, *, now: dt.datetime | None = None
) -> tuple[dict[str, Any], int]:
    """Context and HTTP status of the calendar listing.

    Query string: ``period=upcoming`` (default: events not over, soonest first) or ``period=past``
    (newest first); ``month=YYYY-MM`` (events of that month, with previous/next links; a bad month gives
    status 400, a message and the upcoming events); ``page=N`` (:data:`PER_PAGE` events a page; out of
    range gives the last page). Events are grouped by month of their local start.
    """
    from . import event_selectors

    now = now or timezone.now()
    period = "past" if request.GET.get("period") == "past" else "upcoming"
    raw_month = request.GET.get("month", "")
    status = 200
    context: dict[str, Any] = {"period": period, "month_input": raw_month}
    month: tuple[int, int] | None = None
    if raw_month.strip():
        try:
            month = parse_month(raw_month)
        except ValidationError as error:
            context["month_error"] = error.messages[0]
            status = 400
    events: Any
    if month is not None:
        events = event_selectors.month_events(index, year=month[0], month=month[1])
        previous, following = _shift(*month, -1), _shift(*month, 1)
        context["month"] = MonthLink.of(*month)
        context["previous_month"] = MonthLink.of(*previous) if previous else None
        context["next_month"] = MonthLink.of(*following) if following else None
        context["month_input"] = context["month"].value
        query = {"month": context["month"].value}
    elif period == "past":
        events = event_selectors.past_events(index, now=now)
        query = {"period": "past"}
    else:
        events = event_selectors.upcoming_events(index, now=now)
        query = {}
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    units = site_navigation()["links"].get("units")
    for event in page.object_list:
        event.when = event_when(event)
        event.organiser_link = f"{units.url}{event.organiser.slug}/" if units and event.organiser else None
        event.is_over = event.ends_at < now
        event.registration_host = url_host(event.registration_url)
    if month is not None:
        groups = [MonthGroup(label=context["month"].label, value=context["month"].value, events=list(page.object_list))]
    else:
        groups = group_by_month(list(page.object_list))
    today = now.astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date()
    context.update(
        groups=[group for group in groups if group.events],
        page_obj=page,
        paginated=page.paginator.num_pages > 1,
        page_query=urlencode(query),
        this_month=MonthLink.of(today.year, today.month),
    )
    return context, status


# --- schema.org --------------------------------------------------------------------------------


def event_graph(
    event: EventPage, *, request: HttpRequest, organiser_url: str | None, when: EventWhen | None = None
) -> dict[str, Any]:
    """schema.org ``Event`` JSON-LD of *event* (https://schema.org/Event).

    ``startDate``/``endDate`` in ISO 8601 with the offset of the event's zone; ``location`` a ``Place``
    (venue, address) and/or a ``VirtualLocation`` (online link); ``organizer`` the organiser unit as a
    ``GovernmentOrganization`` (its page *organiser_url*) within Brussels International;
    ``eventStatus`` scheduled or cancelled; ``offers`` the registration link.
    """
    when = when or event_when(event)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": request.build_absolute_uri(event.get_url(request) or ""),
        "inLanguage": event.locale.language_code,
        "startDate": when.start.isoformat(),
        "endDate": when.end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled" if event.cancelled else "https://schema.org/EventScheduled",
    }
    if event.intro:
        data["description"] = event.intro
    locations: list[dict[str, Any]] = []
    if event.venue or event.address:
        place: dict[str, Any] = {"@type": "Place", "name": event.venue or event.address}
        if event.address:
            place["address"] = event.address
        locations.append(place)
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
        modes = {"Place": "Offline", "VirtualLocation": "Online"}
        kinds = {modes[loc["@type"]] for loc in locations}
        mode = kinds.pop() if len(kinds) == 1 else "Mixed"
        data["eventAttendanceMode"] = f"https://schema.org/{mode}EventAttendanceMode"
    if event.organiser is not None:
        organizer: dict[str, Any] = {
            "@type": "GovernmentOrganization",
            "name": event.organiser.name,
            "parentOrganization": structured_data.organisation(request),
        }
        if organiser_url:
            organizer["url"] = request.build_absolute_uri(organiser_url)
        data["organizer"] = organizer
    else:
        data["organizer"] = structured_data.organisation(request)
    if event.registration_url:
        data["offers"] = {"@type": "Offer", "url": event.registration_url}
    return data
