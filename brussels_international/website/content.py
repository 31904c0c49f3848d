"""Initial texts of the public pages in French, Dutch and English (translated from ``shared/seed``).

Used once by ``manage.py setup_site`` to create pages that do not exist yet; afterwards the
pages are edited in the workspace and these texts are not read again.
"""

from __future__ import annotations

from typing import Final

#: Page key → (page model name, {language: (title, slug, intro, body HTML)}), in menu order.
PAGES: Final[dict[str, tuple[str, dict[str, tuple[str, str, str, str]]]]] = {
    "home": (
        "HomePage",
        {
            "fr": (
                "Brussels International",
                "accueil",
                "La Région de Bruxelles-Capitale, une région dynamique ouverte sur le monde.",
                "",  # the description comes from the organisation data (directorate_facts)
            ),
            "nl": (
                "Brussels International",
                "startpagina",
                "Het Brussels Hoofdstedelijk Gewest, een dynamisch gewest met een open blik op de wereld.",
                "",  # the description comes from the organisation data (directorate_facts)
            ),
            "en": (
                "Brussels International",
                "home",
                "The Brussels-Capital Region, a dynamic region with an open perspective on the world.",
                "",  # the description comes from the organisation data (directorate_facts)
            ),
        },
    ),
    "about": (
        "StandardPage",
        {
            "fr": (
                "À propos",
                "a-propos",
                "Brussels International joue un rôle actif dans la politique étrangère de la Région de "
                "Bruxelles-Capitale.",
                "<p>Capitale de l’Union européenne, la Région de Bruxelles-Capitale accueille de nombreuses "
                "institutions et organisations internationales. Son ouverture au monde se traduit par la politique "
                "étrangère dynamique qu’elle mène depuis 1989.</p><p>Sous la responsabilité de sa directrice, "
                "Brussels International est organisé en cinq unités : Relations bilatérales, relations publiques, "
                "protocole et communication ; Relations multilatérales et Europe ; Délégation de la Région de "
                "Bruxelles-Capitale auprès de l’Union européenne ; Finances et voyages ; Licences.</p>",
            ),
            "nl": (
                "Over ons",
                "over-ons",
                "Brussels International speelt een actieve rol in het buitenlands beleid van het Brussels "
                "Hoofdstedelijk Gewest.",
                "<p>Als hoofdstad van de Europese Unie is het Brussels Hoofdstedelijk Gewest de thuisbasis van "
                "talrijke internationale instellingen en organisaties. Zijn openheid naar de wereld blijkt uit het "
                "dynamische buitenlands beleid dat het sinds 1989 voert.</p><p>Onder de verantwoordelijkheid van "
                "zijn directeur is Brussels International georganiseerd in vijf cellen: Bilaterale betrekkingen, "
                "public relations, protocol en communicatie; Multilaterale betrekkingen en Europa; Delegatie van het "
                "Brussels Hoofdstedelijk Gewest bij de Europese Unie; Financiën en reizen; Vergunningen.</p>",
            ),
            "en": (
                "About us",
                "about",
                "Brussels International plays an active role in the foreign policy of the Brussels-Capital Region.",
                "<p>As capital of the European Union, the Brussels-Capital Region is home to several international "
                "institutions and organisations. Its openness to the world is reflected in the dynamic foreign policy "
                "it has implemented since 1989.</p><p>Under the responsibility of its director, Brussels International "
                "is organised in five units: Bilateral Relations, Public Relations, Protocol and Communication; "
                "Multilateral Relations and Europe; Delegation of the Brussels-Capital Region to the European Union; "
                "Finance and Travel; Permits.</p>",
            ),
        },
    ),
    "units": (
        "UnitIndexPage",
        {
            "fr": (
                "Unités",
                "unites",
                "Les cinq unités de Brussels International, leurs missions et leurs équipes.",
                "",
            ),
            "nl": (
                "Cellen",
                "diensten",
                "De vijf cellen van Brussels International, hun opdrachten en hun teams.",
                "",
            ),
            "en": ("Units", "units", "The five units of Brussels International, their missions and their teams.", ""),
        },
    ),
    "directory": (
        "DirectoryPage",
        {
            "fr": (
                "Annuaire",
                "annuaire",
                "Qui s’occupe de quoi ? Cherchez un nom, une unité, une ville, une région, un pays, un réseau, une "
                "organisation internationale ou un thème.",
                "",
            ),
            "nl": (
                "Personeelsgids",
                "personeelsgids",
                "Wie doet wat? Zoek op naam, cel, stad, regio, land, netwerk, internationale organisatie of thema.",
                "",
            ),
            "en": (
                "Staff directory",
                "directory",
                "Who handles what? Search by name, unit, city, region, country, network, international organisation "
                "or topic.",
                "",
            ),
        },
    ),
    "partners": (
        "PartnersPage",
        {
            "fr": (
                "Partenaires",
                "partenaires",
                "La Région de Bruxelles-Capitale a conclu des accords de coopération bilatérale avec des villes, des "
                "régions et des pays. L’unité Relations bilatérales assure le suivi de ces accords.",
                "",
            ),
            "nl": (
                "Partners",
                "partners",
                "Het Brussels Hoofdstedelijk Gewest heeft bilaterale samenwerkingsakkoorden gesloten met steden, "
                "regio’s en landen. De cel Bilaterale betrekkingen volgt deze akkoorden op.",
                "",
            ),
            "en": (
                "Partners",
                "partners",
                "The Brussels-Capital Region has concluded bilateral cooperation agreements with cities, regions and "
                "countries. The Bilateral Relations unit follows up on these agreements.",
                "",
            ),
        },
    ),
    "networks": (
        "NetworksPage",
        {
            "fr": (
                "Réseaux et organisations",
                "reseaux",
                "Les réseaux internationaux dont la Région est membre, les organisations internationales où elle est "
                "représentée en tant qu’entité fédérée et les programmes européens auxquels elle participe.",
                "",
            ),
            "nl": (
                "Netwerken en organisaties",
                "netwerken",
                "De internationale netwerken waarvan het Gewest lid is, de internationale organisaties waarin het als "
                "deelstaat vertegenwoordigd is en de Europese programma’s waaraan het deelneemt.",
                "",
            ),
            "en": (
                "Networks and organisations",
                "networks",
                "The international networks of which the Region is a member, the international organisations in "
                "which it is represented as a federated entity and the European programmes it takes part in.",
                "",
            ),
        },
    ),
    "blog": (
        "BlogIndexPage",
        {
            "fr": (
                "The Brussels Globe",
                "blog",
                "Le blog de Brussels International : la Région de Bruxelles-Capitale dans le monde.",
                "",
            ),
            "nl": (
                "The Brussels Globe",
                "blog",
                "De blog van Brussels International: het Brussels Hoofdstedelijk Gewest in de wereld.",
                "",
            ),
            "en": (
                "The Brussels Globe",
                "blog",
                "The blog of Brussels International: the Brussels-Capital Region in the world.",
                "",
            ),
        },
    ),
    "events": (
        "EventIndexPage",
        {
            "fr": (
                "Événements",
                "evenements",
                "Les conférences, expositions et rencontres internationales organisées par Brussels International.",
                "",
            ),
            "nl": (
                "Evenementen",
                "evenementen",
                "De conferenties, tentoonstellingen en internationale ontmoetingen die Brussels International "
                "organiseert.",
                "",
            ),
            "en": (
                "Events",
                "events",
                "The conferences, exhibitions and international meetings organised by Brussels International.",
                "",
            ),
        },
    ),
    "contact": (
        "ContactPage",
        {
            "fr": ("Contact", "contact", "Les numéros de téléphone de la direction et des chefs d’unité.", ""),
            "nl": ("Contact", "contact", "De telefoonnummers van de directie en van de celhoofden.", ""),
            "en": ("Contact", "contact", "The phone numbers of the direction and of the heads of unit.", ""),
        },
    ),
}
