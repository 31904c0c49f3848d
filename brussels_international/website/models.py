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
- :class:`BlogIndexPage` ``/fr/blog/`` and :class:`BlogPostPage` ``/fr/blog/<post>/``: the blog
  *The Brussels Globe* (categories :class:`BlogCategory`, tags, authors from the directory).
- :class:`EventIndexPage` ``/fr/evenements/`` and :class:`EventPage` ``/fr/evenements/<event>/``:
  the events calendar.

Directory data is read through ``directory.selectors`` only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from brussels_international.core.i18n import TranslatedFieldsMixin
from brussels_international.directory import selectors
from brussels_international.directory.directorate import directorate_facts

from . import event_selectors, events, ical, structured_data, vcard, worldmap


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
        "website.BlogIndexPage",
        "website.EventIndexPage",
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


# --- Blog: The Brussels Globe ------------------------------------------------------------------


class BlogCategory(TranslatedFieldsMixin, models.Model):
    """A category of the blog (one row for the three languages: ``name_fr``, ``name_nl``, ``name_en``).

    The slug is language-neutral and appears in filter and feed URLs (``?category=<slug>``,
    ``category/<slug>/rss/``).
    """

    slug = models.SlugField(_("identifier (slug)"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("slug"),
        FieldPanel("name_fr"),
        FieldPanel("name_nl"),
        FieldPanel("name_en"),
        FieldPanel("order"),
    ]

    class Meta:
        verbose_name = _("blog category")
        verbose_name_plural = _("blog categories")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.tr("name")


class BlogPostTag(TaggedItemBase):
    """A free tag on a blog post (tags are written in the post's language)."""

    content_object = ParentalKey("website.BlogPostPage", on_delete=models.CASCADE, related_name="tagged_items")


class BlogIndexPage(RoutablePageMixin, BasePage):
    """The blog *The Brussels Globe*: listing with filters and pagination, RSS and Atom feeds.

    Routes (see :mod:`website.blog` and :mod:`website.feeds`): ``""`` the listing
    (``?category=<slug>&tag=<slug>&author=<person slug>&year=<yyyy>&page=<n>``), ``rss/`` and
    ``atom/`` (every post of the language), ``category/<slug>/rss/`` and ``category/<slug>/atom/``
    (one category; 404 for an unknown one).
    """

    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.BlogPostPage"]

    class Meta:
        verbose_name = _("blog index page")

    @path("")
    def index_view(self, request: HttpRequest) -> HttpResponse:
        from . import blog

        return self.render(request, context_overrides=blog.listing_context(self, request))

    @path("rss/")
    def rss_view(self, request: HttpRequest) -> HttpResponse:
        from .feeds import BlogRssFeed

        return BlogRssFeed(self)(request)

    @path("atom/")
    def atom_view(self, request: HttpRequest) -> HttpResponse:
        from .feeds import BlogAtomFeed

        return BlogAtomFeed(self)(request)

    @path("category/<slug:slug>/rss/")
    def category_rss_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        from .feeds import BlogRssFeed

        return BlogRssFeed(self, category=_category_or_404(slug))(request)

    @path("category/<slug:slug>/atom/")
    def category_atom_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        from .feeds import BlogAtomFeed

        return BlogAtomFeed(self, category=_category_or_404(slug))(request)


def _category_or_404(slug: str) -> BlogCategory:
    category = BlogCategory.objects.filter(slug=slug).first()
    if category is None:
        raise Http404
    return category


class BlogPostPage(BasePage):
    """One blog post: date, categories, tags, authors from the staff directory, a lead image with its
    alternative text (required when there is an image)."""

    parent_page_types = ["website.BlogIndexPage"]
    subpage_types: list[str] = []

    date = models.DateField(_("date"), help_text=_("The date shown on the post and used to order the blog."))
    categories = ParentalManyToManyField(BlogCategory, blank=True, verbose_name=_("categories"))
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True, verbose_name=_("tags"))
    authors = ParentalManyToManyField(
        "directory.Person", blank=True, verbose_name=_("authors"), related_name="blog_posts"
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("alternative text of the image"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
        FieldPanel("authors"),
        FieldPanel("categories"),
        FieldPanel("tags"),
    ]
    search_fields = [*BasePage.search_fields, index.FilterField("date")]
    # wagtail-localize: the French post is the source; its date, image, categories and authors are
    # the same in every language (kept in sync); texts, the image's alternative text and the tags
    # are translated. Many-to-many fields are left out by default, hence the explicit list.
    override_translatable_fields = [
        SynchronizedField("date"),
        SynchronizedField("image"),
        SynchronizedField("categories"),
        SynchronizedField("authors"),
    ]

    class Meta:
        verbose_name = _("blog post")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import blog

        context = super().get_context(request, *args, **kwargs)
        context.update(blog.post_context(self, request))
        return context

    def clean(self) -> None:
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})


# --- Events ------------------------------------------------------------------------------------


class EventIndexPage(RoutablePageMixin, BasePage):
    """The events calendar (upcoming and past, by month) and the iCalendar feed of all events.

    Routes: ``""`` the listing (``?period=past``, ``?month=YYYY-MM``, ``?page=N``; see
    :func:`events.listing_context`); ``ics/`` the iCalendar feed of every event of this language.
    """

    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.EventPage"]

    class Meta:
        verbose_name = _("events page")

    @path("")
    def index_view(self, request: HttpRequest) -> HttpResponse:
        context, status = events.listing_context(self, request)
        response = self.render(request, context_overrides=context)
        response.status_code = status
        return response

    @path("ics/")
    def feed_view(self, request: HttpRequest) -> HttpResponse:
        return ical.feed_response(self, event_selectors.feed_events(self), request=request)


class EventPage(RoutablePageMixin, BasePage):
    """One event: start and end (stored in UTC, typed and shown in the event's time zone), venue,
    organiser unit and registration link; ``ics/`` gives its iCalendar file. A cancelled event stays
    visible, marked as cancelled, and leaves the iCalendar feed."""

    parent_page_types = ["website.EventIndexPage"]
    subpage_types: list[str] = []
    base_form_class = events.EventPageForm

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", help_text=_("IANA name, e.g. Europe/Brussels.")
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    organiser = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("organiser unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("Shown on the page; the event leaves the calendar feed.")
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("time_zone"), FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("cancelled")],
            heading=_("Dates"),
            help_text=_("Type the start and end in the event's time zone: an event in Tokyo is typed in Tokyo time."),
        ),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("address"), FieldPanel("online_url")], heading=_("Place")),
        FieldPanel("organiser"),
        FieldPanel("registration_url"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.FilterField("starts_at")]
    # wagtail-localize: the zone is an IANA name, not text to translate; it is the same in every
    # language (kept in sync, not overridable per language), like the dates, links, organiser and
    # "cancelled" (synchronised by default as non-text fields). Venue and address stay translatable.
    override_translatable_fields = [SynchronizedField("time_zone", overridable=False)]

    class Meta:
        verbose_name = _("event")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        try:
            events.validate_time_zone(self.time_zone)
        except ValidationError as error:
            errors["time_zone"] = error
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = ValidationError(_("The event cannot end before it starts."), code="end_before_start")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        when = events.event_when(self)
        unit_url = events.organiser_url(self.organiser)
        context.update(
            when=when,
            organiser_link=unit_url,
            is_over=self.ends_at < timezone.now(),
            registration_host=events.url_host(self.registration_url),
            online_host=events.url_host(self.online_url),
            jsonld=events.event_graph(self, request=request, organiser_url=unit_url, when=when),
        )
        return context

    @path("ics/")
    def ics_view(self, request: HttpRequest) -> HttpResponse:
        return ical.event_response(self, request=request)
