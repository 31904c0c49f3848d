"""Invented demo events (demo mode only): past and upcoming, relative to today, in fr with nl and
en translations, organised by units of the seed (``directory`` slugs). Loaded by
``manage.py load_demo_events`` (``bootstrap`` runs it in demo mode). Every text says it is invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale

from brussels_international.directory.models import Unit

#: Language → (title, introduction).
Texts = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class DemoEvent:
    """One invented event: *days* from today (negative: past), local start/end times in *time_zone*."""

    slug: str
    texts: Texts
    days: int
    start: dt.time
    end: dt.time
    time_zone: str
    organiser: str
    duration_days: int = 0
    venue: str = ""
    address: str = ""
    online_url: str = ""
    registration_url: str = ""
    cancelled: bool = False
    extra: dict[str, str] = field(default_factory=dict)


DEMO_EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        slug="demo-conference-villes-monde",
        texts={
            "fr": (
                "Conférence internationale « Les villes-régions dans le monde »",
                "Deux jours d’échanges entre villes et régions partenaires sur leur action internationale "
                "(événement fictif de démonstration).",
            ),
            "nl": (
                "Internationale conferentie ‘Stadsgewesten in de wereld’",
                "Twee dagen uitwisseling tussen partnersteden en -regio’s over hun internationale werking "
                "(fictief demonstratie-evenement).",
            ),
            "en": (
                "International conference “City-regions in the world”",
                "Two days of exchanges between partner cities and regions on their international work "
                "(invented demonstration event).",
            ),
        },
        days=40,
        duration_days=1,
        start=dt.time(9, 0),
        end=dt.time(17, 30),
        time_zone="Europe/Brussels",
        organiser="multilateral-relations-and-europe",
        venue="Palais des Académies",
        address="Rue Ducale 1, 1000 Bruxelles",
        registration_url="https://example.org/demo/inscription-conference",
    ),
    DemoEvent(
        slug="demo-reception-exposition-universelle",
        texts={
            "fr": (
                "Réception bruxelloise à l’Exposition universelle",
                "Une réception au pavillon belge pour les partenaires de la Région (événement fictif de "
                "démonstration).",
            ),
            "nl": (
                "Brusselse receptie op de Wereldtentoonstelling",
                "Een receptie in het Belgische paviljoen voor de partners van het Gewest (fictief "
                "demonstratie-evenement).",
            ),
            "en": (
                "Brussels reception at the World Expo",
                "A reception at the Belgian pavilion for the Region’s partners (invented demonstration event).",
            ),
        },
        days=-60,
        start=dt.time(18, 0),
        end=dt.time(21, 0),
        time_zone="Asia/Tokyo",
        organiser="bilateral-relations",
        venue="Pavillon de la Belgique",
        address="Yumeshima, Osaka",
    ),
    DemoEvent(
        slug="demo-webinaire-programmes-europeens",
        texts={
            "fr": (
                "Webinaire : les programmes européens pour les villes",
                "Une heure et demie pour découvrir les programmes européens ouverts aux acteurs bruxellois "
                "(événement fictif de démonstration).",
            ),
            "nl": (
                "Webinar: Europese programma’s voor steden",
                "Anderhalf uur om de Europese programma’s te ontdekken die openstaan voor Brusselse actoren "
                "(fictief demonstratie-evenement).",
            ),
            "en": (
                "Webinar: European programmes for cities",
                "An hour and a half to discover the European programmes open to Brussels players (invented "
                "demonstration event).",
            ),
        },
        days=12,
        start=dt.time(10, 0),
        end=dt.time(11, 30),
        time_zone="Europe/Brussels",
        organiser="eu-delegation",
        online_url="https://example.org/demo/webinaire",
        registration_url="https://example.org/demo/inscription-webinaire",
    ),
    DemoEvent(
        slug="demo-evenement-parallele-new-york",
        texts={
            "fr": (
                "Événement parallèle à New York : les régions et les objectifs de développement durable",
                "Une table ronde en marge d’une réunion internationale (événement fictif de démonstration).",
            ),
            "nl": (
                "Nevenevenement in New York: de regio’s en de duurzameontwikkelingsdoelstellingen",
                "Een rondetafel in de marge van een internationale vergadering (fictief demonstratie-evenement).",
            ),
            "en": (
                "Side event in New York: regions and the sustainable development goals",
                "A round table on the margins of an international meeting (invented demonstration event).",
            ),
        },
        days=-20,
        start=dt.time(13, 15),
        end=dt.time(14, 30),
        time_zone="America/New_York",
        organiser="multilateral-relations-and-europe",
        venue="Salle de conférence (fictive)",
        address="New York, NY",
    ),
    DemoEvent(
        slug="demo-journee-des-partenaires",
        texts={
            "fr": (
                "Journée des partenaires (annulée)",
                "Une journée de rencontres avec les villes partenaires, annulée (événement fictif de démonstration).",
            ),
            "nl": (
                "Dag van de partners (geannuleerd)",
                "Een ontmoetingsdag met de partnersteden, geannuleerd (fictief demonstratie-evenement).",
            ),
            "en": (
                "Partners’ day (cancelled)",
                "A day of meetings with the partner cities, cancelled (invented demonstration event).",
            ),
        },
        days=25,
        start=dt.time(9, 30),
        end=dt.time(16, 0),
        time_zone="Europe/Brussels",
        organiser="bilateral-relations",
        venue="Hôtel de Ville de Bruxelles",
        address="Grand-Place, 1000 Bruxelles",
        cancelled=True,
    ),
)


def _instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def demo_events_load(*, today: dt.date | None = None, progress: Callable[[str], object] = print) -> int:
    """Create the missing :data:`DEMO_EVENTS` under the French events page, each published with its
    Dutch and English translations; return how many pages were created (0 when all exist).

    Idempotent: an event is found by its slug under the French events page, a translation by
    ``get_translation_or_none``; existing pages are left as they are (edits kept). Dates are *today*
    (Europe/Brussels, default the current day) plus each event's ``days``. A missing organiser unit
    leaves the organiser empty. One transaction.

    Raises:
        LookupError: when the French events page does not exist (run ``manage.py setup_site`` first).
    """
    from .models import EventIndexPage, EventPage

    today = today or timezone.localdate(timezone=ZoneInfo("Europe/Brussels"))
    created = 0
    with transaction.atomic():
        index = EventIndexPage.objects.filter(locale__language_code="fr").order_by("path").first()
        if index is None:
            raise LookupError("No French events page: run `manage.py setup_site` first.")
        units = {unit.slug: unit for unit in Unit.objects.all()}
        locales = {locale.language_code: locale for locale in Locale.objects.all()}
        for demo in DEMO_EVENTS:
            zone = ZoneInfo(demo.time_zone)
            start_day = today + dt.timedelta(days=demo.days)
            event = EventPage.objects.child_of(index).filter(slug=demo.slug).first()
            if event is None:
                title, intro = demo.texts["fr"]
                event = EventPage(
                    title=title,
                    slug=demo.slug,
                    intro=intro,
                    starts_at=_instant(start_day, demo.start, zone),
                    ends_at=_instant(start_day + dt.timedelta(days=demo.duration_days), demo.end, zone),
                    time_zone=demo.time_zone,
                    venue=demo.venue,
                    address=demo.address,
                    online_url=demo.online_url,
                    registration_url=demo.registration_url,
                    organiser=units.get(demo.organiser),
                    cancelled=demo.cancelled,
                )
                index.add_child(instance=event)
                event.save_revision().publish()
                created += 1
                progress(f"created fr {event.url_path}")
            for code in ("nl", "en"):
                locale = locales.get(code)
                if locale is None or event.get_translation_or_none(locale) is not None:
                    continue
                if index.get_translation_or_none(locale) is None:
                    continue  # no events page in that language
                translation = event.copy_for_translation(locale)
                translation.title = translation.draft_title = demo.texts[code][0]
                translation.intro = demo.texts[code][1]
                translation.slug = find_available_slug(
                    translation.get_parent(), f"demo-{slugify(translation.title)}", ignore_page_id=translation.pk
                )
                translation.save()
                translation.save_revision().publish()
                created += 1
                progress(f"created {code} {translation.url_path}")
    return created
