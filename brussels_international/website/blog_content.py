"""Reference categories of the blog and, in demo mode, three invented demo posts.

- :data:`CATEGORIES`: created by ``manage.py setup_site`` (:func:`blog_categories_setup`) when
  missing (by slug); the Communication team edits them in the workspace ("Blog categories"): names
  edited there are kept, and a reference category deleted there is created again by the next
  ``setup_site`` (delete it from :data:`CATEGORIES` too to drop it for good).
- :data:`DEMO_POSTS`: ``manage.py load_demo_blog`` (run by ``bootstrap`` in demo mode only) writes
  them in French and translates them into Dutch and English. Their texts are invented for the
  demonstration (they describe the units' missions as published in ``shared/seed``); their authors
  are people of the public staff directory, found by slug (left out when absent).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.db import transaction

from .models import BlogCategory

#: slug → (French, Dutch, English) name, in display order.
CATEGORIES: Final[dict[str, tuple[str, str, str]]] = {
    "bilateral-relations": ("Relations bilatérales", "Bilaterale betrekkingen", "Bilateral relations"),
    "europe": ("Europe", "Europa", "Europe"),
    "multilateral": ("Multilatéral", "Multilateraal", "Multilateral"),
    "events": ("Événements", "Evenementen", "Events"),
    "permits": ("Licences", "Vergunningen", "Permits"),
}


@transaction.atomic
def blog_categories_setup() -> list[str]:
    """Create the categories of :data:`CATEGORIES` that do not exist (by slug); leave the others
    as they are. Returns the slugs created."""
    created = []
    existing = set(BlogCategory.objects.values_list("slug", flat=True))
    for order, (slug, (fr, nl, en)) in enumerate(CATEGORIES.items(), start=1):
        if slug not in existing:
            BlogCategory.objects.create(slug=slug, name_fr=fr, name_nl=nl, name_en=en, order=order * 10)
            created.append(slug)
    return created


#: One demo post: its date, categories, tags per language, authors (directory slugs) and, per
#: language, (title, slug, intro, body HTML).
DemoPost = tuple[
    dt.date, tuple[str, ...], dict[str, tuple[str, ...]], tuple[str, ...], dict[str, tuple[str, str, str, str]]
]

DEMO_POSTS: Final[tuple[DemoPost, ...]] = (
    (
        dt.date(2026, 1, 12),
        ("events",),
        {"fr": ("blog",), "nl": ("blog",), "en": ("blog",)},
        ("jean-michel-verdin",),
        {
            "fr": (
                "Bienvenue sur The Brussels Globe",
                "bienvenue-sur-the-brussels-globe",
                "Le blog de Brussels International raconte l’action internationale de la Région de Bruxelles-Capitale.",
                "<p>L’unité Relations bilatérales, relations publiques, protocole et communication publie ici les "
                "nouvelles de la direction : partenariats, réseaux, Europe et grands événements.</p>"
                "<p>Abonnez-vous au flux RSS ou Atom pour suivre les nouveaux articles.</p>",
            ),
            "nl": (
                "Welkom op The Brussels Globe",
                "welkom-op-the-brussels-globe",
                "De blog van Brussels International vertelt over het internationale optreden van het Brussels "
                "Hoofdstedelijk Gewest.",
                "<p>De cel Bilaterale betrekkingen, public relations, protocol en communicatie publiceert hier het "
                "nieuws van de directie: partnerschappen, netwerken, Europa en grote evenementen.</p>"
                "<p>Abonneer u op de RSS- of Atom-feed om de nieuwe artikels te volgen.</p>",
            ),
            "en": (
                "Welcome to The Brussels Globe",
                "welcome-to-the-brussels-globe",
                "The blog of Brussels International tells of the international action of the Brussels-Capital Region.",
                "<p>The Bilateral Relations, Public Relations, Protocol and Communication unit publishes the news of "
                "the directorate here: partnerships, networks, Europe and major events.</p>"
                "<p>Subscribe to the RSS or Atom feed to follow new posts.</p>",
            ),
        },
    ),
    (
        dt.date(2026, 2, 3),
        ("bilateral-relations",),
        {"fr": ("partenariats",), "nl": ("partnerschappen",), "en": ("partnerships",)},
        ("willy-van-waeyenberge", "jean-michel-verdin"),
        {
            "fr": (
                "Des partenaires dans le monde entier",
                "des-partenaires-dans-le-monde-entier",
                "La Région a conclu des accords de coopération avec des villes, des régions et des pays.",
                "<p>L’unité Relations bilatérales assure le suivi de ces accords. La carte des partenaires, sur ce "
                "site, indique qui s’occupe de chacun d’eux.</p>",
            ),
            "nl": (
                "Partners over de hele wereld",
                "partners-over-de-hele-wereld",
                "Het Gewest heeft samenwerkingsakkoorden gesloten met steden, regio’s en landen.",
                "<p>De cel Bilaterale betrekkingen volgt deze akkoorden op. De partnerkaart op deze site toont wie "
                "elk van hen behandelt.</p>",
            ),
            "en": (
                "Partners all over the world",
                "partners-all-over-the-world",
                "The Region has concluded cooperation agreements with cities, regions and countries.",
                "<p>The Bilateral Relations unit follows up on these agreements. The map of partners on this site "
                "shows who handles each of them.</p>",
            ),
        },
    ),
    (
        dt.date(2026, 2, 20),
        ("permits",),
        {"fr": ("licences", "portail"), "nl": ("vergunningen", "portaal"), "en": ("licences", "portal")},
        ("jean-michel-verdin",),
        {
            "fr": (
                "Demander une licence en ligne",
                "demander-une-licence-en-ligne",
                "Les entreprises peuvent demander leurs licences pour les biens stratégiques sur le portail.",
                "<p>L’unité Licences traite les demandes de licences d’exportation, d’importation et de transit "
                "d’armes, de biens militaires et de biens à double usage.</p>",
            ),
            "nl": (
                "Een vergunning online aanvragen",
                "een-vergunning-online-aanvragen",
                "Bedrijven kunnen hun vergunningen voor strategische goederen aanvragen op het portaal.",
                "<p>De cel Vergunningen behandelt de aanvragen voor vergunningen voor de uitvoer, invoer en doorvoer "
                "van wapens, militaire goederen en goederen voor tweeërlei gebruik.</p>",
            ),
            "en": (
                "Applying for a licence online",
                "applying-for-a-licence-online",
                "Companies can apply for their strategic-goods licences on the portal.",
                "<p>The Permits unit handles applications for licences to export, import and transit arms, military "
                "goods and dual-use goods.</p>",
            ),
        },
    ),
)
