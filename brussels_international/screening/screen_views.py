"""Workspace screens of the screening engine (``/admin/screening/``, namespace ``screening``).

- *Screen a name* (``/admin/screening/``): the form, the lists that will be screened and the
  threshold, the recent screenings. A POST calls :func:`.services.party_screen` (use
  ``workspace``) and redirects to the screening's page (POST-redirect-GET).
- A screening (``screenings/<pk>/``): the query, the list versions screened, each hit with its
  explanation in words, its review and, for reviewers, the review form, which posts to
  ``hits/<pk>/review/`` (:func:`.services.hit_review`).
- A listed entity (``entities/<pk>/``): every fact the list gives.
- The review queue (``reviews/``): the hits no review covers (:func:`.selectors.unreviewed_hits`).

Permissions, checked here on the server (``core/groups.py`` grants them): ``view_screening``
and ``view_hit`` to read screenings and the queue, ``add_screening`` to screen,
``review_hit`` to review, ``view_listedentity`` for an entity's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .embargo_forms import country_choices
from .engine import QueryError
from .explain import QUALITY_LABELS, explanation_view, query_error_message
from .list_selectors import active_versions, source_label
from .models import EntitySchema, Hit, ListedEntity, Screening
from .screen_forms import ReviewForm, ScreenForm
from .selectors import (
    entity_with_names,
    recent_screenings,
    reviews_for,
    screening_hits,
    screening_versions,
    unreviewed_hits,
)

VIEW_SCREENINGS = "screening.view_screening"
ADD_SCREENING = "screening.add_screening"
VIEW_HITS = "screening.view_hit"
REVIEW_HIT = "screening.review_hit"
VIEW_ENTITIES = "screening.view_listedentity"
QUEUE_PAGE_SIZE = 25
RECENT = 20


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # workspace URLs require a signed-in user
    return user


class _Screen(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "search"
    permissions: tuple[str, ...] = (VIEW_SCREENINGS, VIEW_HITS)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not all(request.user.has_perm(p) for p in self.permissions):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def crumbs(self, *items: tuple[str, str]) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("screening:screen"), "label": gettext_lazy("Screen a name")},
            *({"url": url, "label": label} for url, label in items),
        ]

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs(("", str(self.get_page_title())))


def _versions_rows(versions: list[Any]) -> list[dict[str, Any]]:
    return [{"version": v, "label": source_label(v.source)} for v in versions]


class ScreenView(_Screen):
    """The form (for users with ``add_screening``), the lists and threshold, the recent screenings."""

    template_name = "screening/screen.html"
    page_title = gettext_lazy("Screen a name")
    permissions = (VIEW_SCREENINGS,)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        can_screen = self.request.user.has_perm(ADD_SCREENING)
        if can_screen:
            context.setdefault("form", ScreenForm())
        context.update(
            can_screen=can_screen,
            lists=_versions_rows(list(active_versions().defer("diff"))),
            threshold=services.threshold_for("workspace"),
            recent=recent_screenings(limit=RECENT),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(ADD_SCREENING):
            return permission_denied(request)
        form = ScreenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                screening = services.party_screen(
                    name=data["name"],
                    birth_date=data["birth_date"],
                    country=data["country"],
                    schema=data["schema"],
                    use="workspace",
                    actor=_user(request),
                )
            except QueryError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, query_error_message(error, data["name"]))
            else:
                return redirect("screening:screening", pk=screening.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _query_facts(screening: Screening) -> dict[str, str]:
    countries = dict(country_choices()) if screening.country else {}
    return {
        "country": countries.get(screening.country, screening.country),
        "schema": str(EntitySchema(screening.schema).label) if screening.schema in EntitySchema.values else "",
    }


class ScreeningView(_Screen):
    """A screening: the query, the lists screened, each hit explained, with its review."""

    template_name = "screening/screening.html"

    def screening(self) -> Screening:
        if not hasattr(self, "_screening"):
            self._screening = get_object_or_404(Screening.objects.select_related("actor"), pk=self.kwargs["pk"])
        return self._screening

    def get_page_title(self) -> str:
        return _("Screening of “%(name)s”") % {"name": self.screening().name}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        screening = self.screening()
        hits = screening_hits(screening)
        reviews = reviews_for(hits)
        can_review = self.request.user.has_perm(REVIEW_HIT)
        bound: dict[int, ReviewForm] = kwargs.get("review_forms", {})
        context.update(
            screening=screening,
            query=_query_facts(screening),
            lists=_versions_rows(screening_versions(screening)),
            can_review=can_review,
            hits=[
                {
                    "hit": hit,
                    "list": source_label(hit.source),
                    "explanation": explanation_view(hit.explanation),
                    "review": reviews.get(hit.pk),
                    "form": (bound.get(hit.pk) or ReviewForm(prefix=f"hit-{hit.pk}")) if can_review else None,
                }
                for hit in hits
            ],
        )
        return context


class HitReviewView(ScreeningView):
    """POST only: record a decision on a hit (``review_hit``), then back to its screening."""

    permissions = (VIEW_SCREENINGS, VIEW_HITS, REVIEW_HIT)
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.hit = get_object_or_404(Hit.objects.select_related("screening"), pk=kwargs["pk"])
        self._screening = self.hit.screening
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        hit = self.hit
        form = ReviewForm(request.POST, prefix=f"hit-{hit.pk}")
        if form.is_valid():
            try:
                review = services.hit_review(
                    actor=_user(request),
                    hit=hit,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except services.ReviewError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(
                    request,
                    _("Hit “%(caption)s” reviewed: %(decision)s.")
                    % {"caption": hit.caption, "decision": review.get_decision_display()},
                )
                return redirect(reverse("screening:screening", args=[hit.screening_id]) + f"#hit-{hit.pk}")
        return self.render_to_response(self.get_context_data(review_forms={hit.pk: form}))


class EntityView(_Screen):
    """Every fact of a listed entity, as its list version gives it."""

    template_name = "screening/entity.html"
    permissions = (VIEW_ENTITIES,)

    def entity(self) -> ListedEntity:
        if not hasattr(self, "_entity"):
            try:
                self._entity = entity_with_names(self.kwargs["pk"])
            except ListedEntity.DoesNotExist:
                raise Http404 from None
        return self._entity

    def get_page_title(self) -> str:
        return self.entity().caption

    def get_page_subtitle(self) -> str:
        entity = self.entity()
        return f"{source_label(entity.version.source)} {entity.ref}"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        entity = self.entity()
        return [
            *self.breadcrumbs_items,
            {"url": reverse("screening:lists"), "label": gettext_lazy("Sanctions lists")},
            {
                "url": reverse("screening:list_version", args=[entity.version_id]),
                "label": source_label(entity.version.source),
            },
            {"url": "", "label": entity.caption},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entity = self.entity()
        countries = dict(country_choices())
        context.update(
            entity=entity,
            list_label=source_label(entity.version.source),
            kind=str(EntitySchema(entity.schema).label) if entity.schema in EntitySchema.values else entity.schema,
            names=[
                {"name": n.name, "quality": str(QUALITY_LABELS.get(n.quality, n.quality)), "script": n.script}
                for n in entity.entity_names.all()
            ],
            nationalities=[countries.get(code, code) for code in entity.nationalities],
            identifiers=[
                {**item, "country_name": countries.get(item.get("country", ""), item.get("country", ""))}
                for item in entity.identifiers
            ],
        )
        return context


class ReviewQueueView(_Screen):
    """The hits no review covers, newest screening first, 25 a page (``?p=``)."""

    template_name = "screening/review_queue.html"
    page_title = gettext_lazy("Review queue")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = Paginator(unreviewed_hits(), QUEUE_PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            rows=[{"hit": hit, "list": source_label(hit.source)} for hit in page.object_list],
        )
        return context
