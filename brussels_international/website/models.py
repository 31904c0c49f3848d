"""Public pages (Wagtail), in French, Dutch and English (one page tree per locale, kept in sync
by ``wagtail-localize``; ``manage.py setup_site`` creates the tree).

Page types and their routes (French slugs; Dutch and English in ``setup_site``):

- :class:`HomePage` ``/fr/``: the directorate, its five units, the number of agreements.
- :class:`StandardPage` ``/fr/a-propos/``: free text (about).
- :class:`UnitIndexPage` ``/fr/unites/`` and ``/fr/unites/<unit>/``: missions and team.
- :class:`DirectoryPage` ``/fr/annuaire/?q=…``, ``/fr/annuaire/<person>/``,
  ``/fr/annuaire/<person>/vcard/``: "who handles what" search, person pages, vCards.
- :class:`PartnersPage` ``/fr/partenaires/`` (+ ``world-map/``): world map and list of partners.
- :class:`NetworksPage` ``/fr/reseaux/``: networks, international organisations, EU programmes.
- :class:`ContactPage` ``/fr/contact/``: phone numbers of the direction and of each unit's head.

Directory data is read through ``directory.selectors`` only.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from brussels_international.directory import selectors
from brussels_international.directory.directorate import directorate_facts

from . import structured_data, vcard, worldmap


class BasePage(Page):
    """Shared fields of every public page: a short introduction and a rich-text body."""

    is_creatable = False

    intro = models.TextField(_("introduction"), blank=True, help_text=_("One or two sentences under the title."))
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True


class HomePage(BasePage):
    """Home: what Brussels International does, its units, the number of agreements, the search."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "website.StandardPage",
        "website.UnitIndexPage",
        "website.DirectoryPage",
        "website.PartnersPage",
        "website.NetworksPage",
        "website.ContactPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        units = selectors.units_with_teams()
        context["direction"] = next((u for u in units if u.kind == "direction"), None)
        context["units"] = [u for u in units if u.kind != "direction"]
        context["facts"] = directorate_facts()  # description from the organisation data, or None
        context["agreement_count"] = selectors.agreement_count()
        return context


class StandardPage(BasePage):
    """A page of text (about the directorate)."""

    parent_page_types = ["website.HomePage", "website.StandardPage"]
    subpage_types = ["website.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class UnitIndexPage(RoutablePageMixin, BasePage):
    """The units of the directorate; ``<unit slug>/`` shows one unit's missions and team."""

    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("units page")

    @path("")
    def index_view(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, context_overrides={"units": selectors.units_with_teams()})

    @path("<slug:slug>/")
    def unit_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        unit = selectors.unit_with_team(slug)
        if unit is None:
            raise Http404
        context = {
            "unit": unit,
            "jsonld": structured_data.unit_graph(unit, request=request),
            "subpage_title": unit.name,
        }
        return self.render(request, template="website/unit_page.html", context_overrides=context)


class DirectoryPage(RoutablePageMixin, BasePage):
    """Staff directory: search "who handles X", person pages and vCards."""

    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("directory page")

    @path("")
    def index_view(self, request: HttpRequest) -> HttpResponse:
        raw = request.GET.get("q", "")
        query = selectors.clean_query(raw)
        context: dict[str, Any] = {"query": query, "query_truncated": len(raw) > selectors.MAX_QUERY_LENGTH}
        if query:
            context["hits"] = selectors.who_handles(query)
            context["unhandled"] = unhandled = selectors.nobody_handles(query)
            context["unhandled_partner"] = any(reason.kind == "partner" for reason in unhandled)
            context["unhandled_other"] = any(reason.kind != "partner" for reason in unhandled)
        else:
            context["people"] = selectors.directory_people()
        return self.render(request, context_overrides=context)

    @path("<slug:slug>/")
    def person_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        person = selectors.person_detail(slug)
        if person is None:
            raise Http404
        context = {
            "person": person,
            "jsonld": structured_data.person_graph(person, request=request),
            "subpage_title": person.full_name,
        }
        return self.render(request, template="website/person_page.html", context_overrides=context)

    @path("<slug:slug>/vcard/")
    def vcard_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        person = selectors.person_detail(slug)
        if person is None:
            raise Http404
        url = request.build_absolute_uri(f"{self.get_url(request)}{person.slug}/")
        response = HttpResponse(vcard.person_vcard(person, url=url), content_type="text/vcard; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(person.slug)}.vcf"'
        return response


class PartnersPage(RoutablePageMixin, BasePage):
    """The partners on a world map (server-rendered SVG) and in a list with who handles each."""

    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("partners page")

    @path("")
    def index_view(self, request: HttpRequest) -> HttpResponse:
        partners = selectors.partners_with_handlers()
        context = {
            "partners": partners,
            "agreement_count": sum(1 for p in partners if p.has_agreement),
            "map": worldmap.partner_map(partners),
        }
        return self.render(request, context_overrides=context)

    @path("world-map/")
    def map_view(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(worldmap.countries_svg(), content_type="image/svg+xml")
        patch_cache_control(response, public=True, max_age=86400)
        return response


class NetworksPage(BasePage):
    """Networks, international organisations and EU programmes, with who handles each."""

    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("networks page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.networks_with_handlers())
        context["topics"] = selectors.topics_with_handlers()
        return context


class ContactPage(BasePage):
    """How to reach the directorate: the direction's and each unit head's phone numbers."""

    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("contact page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["units"] = selectors.contact_units()
        return context
