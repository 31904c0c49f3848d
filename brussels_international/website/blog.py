"""The blog *The Brussels Globe* on the public site: the listing's filters and pages, and what a post
page shows besides its text (authors linked to the staff directory, category and tag links, Open
Graph tags, schema.org ``BlogPosting`` JSON-LD).

The listing (``BlogIndexPage``, ``/fr/blog/``) shows the live posts of its language, newest first,
:data:`POSTS_PER_PAGE` a page; filters come from the query string: ``category=<slug>``,
``tag=<slug>``, ``author=<person slug>``, ``year=<yyyy>``, ``page=<n>``. A filter value that is not
offered (an unknown category, a year without posts) is reported next to its field and ignored; a
page number that is not a number gives the first page, one past the end the last page (Django's
``Paginator.get_page``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from brussels_international.core.i18n import current_language

from . import blog_selectors, navigation, structured_data

if TYPE_CHECKING:
    from .models import BlogCategory, BlogIndexPage, BlogPostPage

POSTS_PER_PAGE = 10
FILTERS = ("category", "tag", "author", "year")

#: Open Graph locale (``language_TERRITORY``, https://ogp.me/#optional) of each site language.
OG_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}

#: The lead image as shown on the post and given to Open Graph (at most 1200 × 800 pixels).
LEAD_IMAGE_RENDITION = "max-1200x800"


class BlogFilterForm(forms.Form):
    """The listing's filters (GET). Choices come from :func:`blog_selectors.blog_filter_choices`;
    every field is optional and an empty value means "any"."""

    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)
    author = forms.ChoiceField(label=gettext_lazy("Author"), required=False)
    year = forms.ChoiceField(label=gettext_lazy("Year"), required=False)

    def __init__(self, data: Any, *, choices: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__(data, auto_id="filter-%s")
        for name in FILTERS:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("All")), *choices[name]]
            field.error_messages["invalid_choice"] = _("“%(value)s” is not one of the choices: showing all.")

    def filters(self) -> dict[str, str]:
        """The valid, non-empty filter values by name (invalid ones are left out)."""
        self.is_valid()
        return {name: self.cleaned_data[name] for name in FILTERS if self.cleaned_data.get(name)}


def _query(filters: dict[str, str], **extra: Any) -> str:
    params = {**filters, **{k: v for k, v in extra.items() if v}}
    return f"?{urlencode(params)}" if params else ""


def feed_links(
    index: BlogIndexPage, request: HttpRequest, category: BlogCategory | None = None
) -> list[dict[str, str]]:
    """The ``<link rel="alternate">`` entries of the listing: RSS and Atom of the language, and of
    *category* when the listing is filtered by one. Absolute URLs."""
    base = index.get_url(request) or ""
    links = [
        {"type": "application/rss+xml", "title": _("%(blog)s (RSS)") % {"blog": index.title}, "href": f"{base}rss/"},
        {"type": "application/atom+xml", "title": _("%(blog)s (Atom)") % {"blog": index.title}, "href": f"{base}atom/"},
    ]
    if category is not None:
        name = f"{index.title} – {category.name}"
        links += [
            {
                "type": "application/rss+xml",
                "title": _("%(blog)s (RSS)") % {"blog": name},
                "href": f"{base}category/{category.slug}/rss/",
            },
            {
                "type": "application/atom+xml",
                "title": _("%(blog)s (Atom)") % {"blog": name},
                "href": f"{base}category/{category.slug}/atom/",
            },
        ]
    return [{**link, "href": request.build_absolute_uri(link["href"])} for link in links]


def listing_context(index: BlogIndexPage, request: HttpRequest) -> dict[str, Any]:
    """Template context of the listing: ``filter_form``, ``filters``, ``posts`` (a paginator page),
    ``page_links`` ([{number, url, current}]), ``previous_url``/``next_url``, ``feeds``,
    ``active_category``, ``subpage_title`` (set when a filter or a page beyond the first applies).
    """
    choices = blog_selectors.blog_filter_choices(index)
    form = BlogFilterForm(request.GET or None, choices=choices)
    filters = form.filters() if request.GET else {}
    posts = blog_selectors.blog_posts(
        index,
        category=filters.get("category", ""),
        tag=filters.get("tag", ""),
        author=filters.get("author", ""),
        year=int(filters["year"]) if filters.get("year") else None,
    )
    page: PaginatorPage = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    base = index.get_url(request) or ""
    page_links = [
        {"number": n, "url": base + _query(filters, page=n if n > 1 else None), "current": n == page.number}
        for n in page.paginator.page_range
    ]
    active_category = None
    if filters.get("category"):
        from .models import BlogCategory

        active_category = BlogCategory.objects.filter(slug=filters["category"]).first()
    labels = {name: dict(choices[name]) for name in FILTERS}
    described = [f"{form.fields[name].label}: {labels[name][value]}" for name, value in filters.items()]
    if page.number > 1:
        described.append(_("page %(number)d") % {"number": page.number})
    return {
        "filter_form": form,
        "filters": filters,
        "filter_summary": described,
        "posts": page,
        "page_links": page_links if page.paginator.num_pages > 1 else [],
        "previous_url": page_links[page.number - 2]["url"] if page.has_previous() else "",
        "next_url": page_links[page.number]["url"] if page.has_next() else "",
        "feeds": feed_links(index, request, active_category),
        "active_category": active_category,
        "subpage_title": "; ".join(described),
        "listing_url": base,
    }


def _lead_image(post: BlogPostPage) -> Any:
    return post.image.get_rendition(LEAD_IMAGE_RENDITION) if post.image is not None else None


def post_context(post: BlogPostPage, request: HttpRequest) -> dict[str, Any]:
    """Template context of a post page: ``authors`` ([{name, url}]: people published in the
    directory, linked to their page), ``categories`` and ``tags`` ([{name, url}] to the filtered
    listing), ``lead_image`` (rendition or ``None``), ``og`` (Open Graph properties) and
    ``jsonld`` (schema.org ``BlogPosting``)."""
    index = blog_selectors.blog_index_for(post)
    listing = (index.get_url(request) if index is not None else "") or ""
    directory = navigation.site_navigation().get("links", {}).get("directory")
    authors = [
        {"name": person.full_name, "url": f"{directory.url}{person.slug}/" if directory else ""}
        for person in blog_selectors.public_authors().filter(blog_posts=post)
    ]
    categories = [
        {"name": c.name, "slug": c.slug, "url": f"{listing}{_query({'category': c.slug})}"}
        for c in post.categories.all()
    ]
    tags = [{"name": t.name, "url": f"{listing}{_query({'tag': t.slug})}"} for t in post.tags.order_by("name")]
    lead = _lead_image(post)
    url = request.build_absolute_uri(post.get_url(request) or "")
    image_url = request.build_absolute_uri(lead.url) if lead is not None else ""
    return {
        "authors": authors,
        "categories": categories,
        "tags": tags,
        "lead_image": lead,
        "canonical_url": url,
        "og": open_graph(post, request, url=url, image_url=image_url, categories=categories, tags=tags),
        "jsonld": blog_posting(
            post, request, url=url, image_url=image_url, authors=authors, categories=categories, tags=tags
        ),
    }


def _description(post: Page) -> str:
    return str(getattr(post, "search_description", "") or getattr(post, "intro", "") or "")


def open_graph(
    post: BlogPostPage,
    request: HttpRequest,
    *,
    url: str,
    image_url: str,
    categories: list[dict[str, str]],
    tags: list[dict[str, str]],
) -> list[tuple[str, str]]:
    """The Open Graph properties of a post (https://ogp.me/, type ``article``), as ``(property,
    content)`` pairs in order: ``og:title``, ``og:description``, ``og:url``, ``og:type``,
    ``og:site_name``, ``og:locale`` and one ``og:locale:alternate`` per live translation,
    ``og:image`` (absolute) and ``og:image:alt`` when there is an image, then
    ``article:published_time`` (the post's date, ISO 8601), ``article:section`` and ``article:tag``."""
    language = post.locale.language_code
    properties = [
        ("og:title", post.seo_title or post.title),
        ("og:description", _description(post)),
        ("og:url", url),
        ("og:type", "article"),
        ("og:site_name", structured_data.ORGANISATION),
        ("og:locale", OG_LOCALES.get(language, language)),
    ]
    others = (
        Page.objects.live()
        .filter(translation_key=post.translation_key)
        .exclude(locale_id=post.locale_id)
        .values_list("locale__language_code", flat=True)
    )
    properties += [("og:locale:alternate", OG_LOCALES.get(code, code)) for code in sorted(others)]
    if image_url:
        properties += [("og:image", image_url), ("og:image:alt", post.image_alt)]
    properties.append(("article:published_time", post.date.isoformat()))
    properties += [("article:section", c["name"]) for c in categories]
    properties += [("article:tag", t["name"]) for t in tags]
    return properties


def blog_posting(
    post: BlogPostPage,
    request: HttpRequest,
    *,
    url: str,
    image_url: str,
    authors: list[dict[str, str]],
    categories: list[dict[str, str]],
    tags: list[dict[str, str]],
) -> dict[str, Any]:
    """schema.org ``BlogPosting`` (https://schema.org/BlogPosting) of a post: headline, description,
    dates (``datePublished`` the post's date; ``dateModified`` the last publication, ISO 8601),
    authors (``Person`` with their directory page), publisher, image, language, sections, keywords."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": _description(post),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": post.locale.language_code,
        "datePublished": post.date.isoformat(),
        "publisher": structured_data.organisation(request),
        "isPartOf": {"@type": "Blog", "name": "The Brussels Globe"},
    }
    if post.last_published_at:
        data["dateModified"] = post.last_published_at.astimezone(dt.UTC).isoformat()
    if authors:
        data["author"] = [
            {
                "@type": "Person",
                "name": a["name"],
                **({"url": request.build_absolute_uri(a["url"])} if a["url"] else {}),
            }
            for a in authors
        ]
    else:
        data["author"] = structured_data.organisation(request)
    if image_url:
        data["image"] = image_url
    if categories:
        data["articleSection"] = [c["name"] for c in categories]
    if tags:
        data["keywords"] = [t["name"] for t in tags]
    return data


def person_posts(person: Any) -> list[BlogPostPage]:
    """The latest posts of *person* in the active language (for their directory page)."""
    return blog_selectors.person_blog_posts(person, language=current_language())
