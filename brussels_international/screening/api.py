"""JSON API of the screening engine (django-ninja), with its OpenAPI document.

Served under ``/api/screening/v1/`` (namespace ``screening_api``):

- ``POST /screen``: screen one party (:func:`.services.party_screen`, use ``api``) and get the
  stored screening with its explained hits;
- ``GET /screenings/{id}``: a stored screening, with the review covering each hit;
- ``GET /lists``: the active list versions with their counts;
- ``GET /embargoes/check?country=RU&date=2026-11-30``: the arms embargoes in force on a
  destination on a day (:func:`.embargo_selectors.destination_check`).

OpenAPI at ``/api/screening/v1/openapi.json``, documentation at ``/api/screening/v1/docs``.

Authentication: the staff session of the workspace (Django's session cookie, after sign-in
*and* the two-factor code); a session without the code is refused like no session (401).
Like every session-authenticated POST in Django, ``POST /screen`` needs the CSRF token: send
the ``csrftoken`` cookie and the same value in an ``X-CSRFToken`` header (and, over HTTPS, a
``Referer`` or ``Origin`` of this site), see the README. Each endpoint then checks a permission
(403 without it): ``screening.add_screening`` to screen, ``view_screening`` and ``view_hit`` to
read a screening, ``view_listversion`` for the lists, ``view_armsembargo`` for the embargo
check (``core/groups.py``: the Permits group; the Director reads).

Errors: a party that cannot be screened gives 422 with
``{"detail": [{"loc": ["body", field], "msg": message, "type": code}]}`` (the shape of the
framework's own validation errors), the message in the language of ``Accept-Language``
(default French).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth

from brussels_international.core.two_factor import is_verified

from . import services
from .embargo_selectors import DestinationCheck, EmbargoInForce, destination_check
from .engine import QueryError
from .explain import query_error_message
from .list_selectors import active_versions, source_label
from .models import Hit, HitReview, ListVersion, Screening
from .selectors import reviews_for, screening_hits, screening_versions

API_USE = "api"


class StaffSession(SessionAuth):
    """Django's session, signed in with the two-factor code (as the workspace requires).
    CSRF is checked on unsafe methods (django-ninja's cookie authentication)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if is_verified(user) else None


api = NinjaAPI(
    title="Brussels International screening API",
    version="1",
    description=(
        "Screening of parties against the sanctions lists loaded by Brussels International (UN, EU, OFAC, UK and "
        "national lists) and check of destinations against the arms embargoes. Authentication: the workspace "
        "session (signed in with the two-factor code); POST requests also need the CSRF token (`X-CSRFToken` "
        "header with the value of the `csrftoken` cookie). Messages in the language of `Accept-Language` "
        "(fr, nl, en; default French)."
    ),
    urls_namespace="screening_api",
    auth=StaffSession(),
)


class ScreeningRequestError(Exception):
    """A request refused with 422, in the shape of the framework's validation errors."""

    def __init__(self, *, location: str, field: str, message: str, code: str) -> None:
        super().__init__(message)
        self.detail = [{"loc": [location, field], "msg": message, "type": code}]


@api.exception_handler(ScreeningRequestError)
def _request_error(request: HttpRequest, error: ScreeningRequestError) -> HttpResponse:
    return api.create_response(request, {"detail": error.detail}, status=422)


def _require(request: HttpRequest, *permissions: str) -> None:
    if not all(request.user.has_perm(p) for p in permissions):
        raise HttpError(403, _("You do not have permission to do this."))


# -- schemas ------------------------------------------------------------------------------


class ScreenIn(Schema):
    name: str = Field(..., description="The party's name, any script, at most 500 characters.")
    birth_date: str = Field("", description="YYYY-MM-DD or YYYY (persons), or empty.")
    country: str = Field("", description="ISO 3166-1 alpha-2 (nationality or country of the party), or empty.")
    kind: str = Field("", alias="schema", description="person, organisation, vessel, aircraft, or empty.")
    threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Lowest score reported (0-1); default: the API's threshold."
    )


class ListOut(Schema):
    source: str
    label: str
    published: dt.date | None
    loaded_at: dt.datetime


class ListCountsOut(ListOut):
    version_id: int
    persons: int
    organisations: int
    vessels: int
    aircraft: int
    names: int


class ReviewOut(Schema):
    decision: str
    reason: str
    reviewed_at: dt.datetime
    same_hit: bool = Field(..., description="False when the review was made on an earlier screening of the subject.")


class HitOut(Schema):
    hit_id: int
    source: str
    ref: str
    caption: str
    score: float
    entity_id: int | None
    explanation: dict[str, Any]
    review: ReviewOut | None = None


class ScreeningOut(Schema):
    screening_id: int
    name: str
    birth_date: str
    country: str
    kind: str = Field(..., serialization_alias="schema")
    subject: str
    use: str
    created_at: dt.datetime
    threshold: float
    lists: list[ListOut]
    hits: list[HitOut]


class EmbargoOut(Schema):
    target: str
    target_label: str
    issuing_body: str
    instruments: str
    scope: str
    exceptions: str
    start: dt.date | None
    end: dt.date | None
    legal_force: str
    binding: bool
    whole_country: bool
    start_unknown: bool
    imprecise: bool


class DestinationOut(Schema):
    country: str
    date: dt.date
    verdict: str
    verdict_label: str
    embargoes: list[EmbargoOut]
    also_check: list[EmbargoOut]


class CheckIn(Schema):
    country: str = Field(..., description="ISO 3166-1 alpha-2, e.g. RU.")
    date: dt.date | None = Field(None, description="YYYY-MM-DD; default today (Brussels).")


class ErrorItem(Schema):
    loc: list[str]
    msg: str
    type: str


class ErrorsOut(Schema):
    detail: list[ErrorItem]


class MessageOut(Schema):
    detail: str


ERRORS: dict[int, type[Schema]] = {401: MessageOut, 403: MessageOut}


# -- output -------------------------------------------------------------------------------


def _list_out(version: ListVersion) -> dict[str, Any]:
    return {
        "source": version.source,
        "label": source_label(version.source),
        "published": version.published,
        "loaded_at": version.loaded_at,
    }


def _review_out(review: HitReview | None, hit: Hit) -> dict[str, Any] | None:
    if review is None:
        return None
    return {
        "decision": review.decision,
        "reason": review.reason,
        "reviewed_at": review.reviewed_at,
        "same_hit": review.hit_id == hit.pk,
    }


def _screening_out(screening: Screening) -> dict[str, Any]:
    hits = screening_hits(screening)
    reviews = reviews_for(hits)
    return {
        "screening_id": screening.pk,
        "name": screening.name,
        "birth_date": screening.birth_date,
        "country": screening.country,
        "kind": screening.schema,
        "subject": screening.subject,
        "use": screening.use,
        "created_at": screening.created_at,
        "threshold": screening.threshold,
        "lists": [_list_out(v) for v in screening_versions(screening)],
        "hits": [
            {
                "hit_id": hit.pk,
                "source": hit.source,
                "ref": hit.ref,
                "caption": hit.caption,
                "score": hit.score,
                "entity_id": hit.entity_id,
                "explanation": hit.explanation,
                "review": _review_out(reviews.get(hit.pk), hit),
            }
            for hit in hits
        ],
    }


def _embargo_out(item: EmbargoInForce) -> dict[str, Any]:
    embargo = item.embargo
    return {
        "target": embargo.target,
        "target_label": embargo.target_label,
        "issuing_body": embargo.issuing_body,
        "instruments": embargo.instruments,
        "scope": embargo.scope,
        "exceptions": embargo.exceptions,
        "start": embargo.start,
        "end": embargo.end,
        "legal_force": item.legal_force,
        "binding": item.binding,
        "whole_country": item.whole_country,
        "start_unknown": item.start_unknown,
        "imprecise": item.imprecise,
    }


def _destination_out(answer: DestinationCheck) -> dict[str, Any]:
    return {
        "country": answer.country,
        "date": answer.on,
        "verdict": answer.verdict,
        "verdict_label": answer.verdict_label,
        "embargoes": [_embargo_out(i) for i in answer.embargoes],
        "also_check": [_embargo_out(i) for i in answer.also_check],
    }


# -- endpoints ----------------------------------------------------------------------------


@api.post(
    "/screen",
    response={200: ScreeningOut, 422: ErrorsOut, **ERRORS},
    summary="Screen a party",
    by_alias=True,
)
def screen(request: HttpRequest, payload: ScreenIn) -> dict[str, Any]:
    """Screen one party against every active list and store the screening (use ``api``).
    Hits are best first; each explains which listed name matched which parts of the name, by
    which measures, the facts that agreed or disagreed, and the final score against the
    threshold. Needs ``screening.add_screening``."""
    _require(request, "screening.add_screening")
    try:
        screening = services.party_screen(
            name=payload.name,
            birth_date=payload.birth_date,
            country=payload.country,
            schema=payload.kind,
            use=API_USE,
            actor=request.user,  # type: ignore[arg-type]
            threshold=payload.threshold,
        )
    except QueryError as error:
        raise ScreeningRequestError(
            location="body", field=error.field, message=query_error_message(error, payload.name), code=error.code
        ) from error
    return _screening_out(screening)


@api.get(
    "/screenings/{screening_id}",
    response={200: ScreeningOut, 404: MessageOut, **ERRORS},
    summary="A stored screening",
    by_alias=True,
)
def screening_detail(request: HttpRequest, screening_id: int) -> dict[str, Any]:
    """A screening with its hits, each with the review that covers it (or ``null``). Needs
    ``screening.view_screening`` and ``screening.view_hit``."""
    _require(request, "screening.view_screening", "screening.view_hit")
    return _screening_out(get_object_or_404(Screening, pk=screening_id))


@api.get("/lists", response={200: list[ListCountsOut], **ERRORS}, summary="Active list versions")
def lists(request: HttpRequest) -> list[dict[str, Any]]:
    """The active version of every list with its counts. Needs ``screening.view_listversion``."""
    _require(request, "screening.view_listversion")
    return [
        {
            **_list_out(v),
            "version_id": v.pk,
            "persons": v.persons,
            "organisations": v.organisations,
            "vessels": v.vessels,
            "aircraft": v.aircraft,
            "names": v.names,
        }
        for v in active_versions().defer("diff")
    ]


@api.get(
    "/embargoes/check",
    response={200: DestinationOut, 422: ErrorsOut, **ERRORS},
    summary="Arms embargoes on a destination on a day",
)
def embargo_check(request: HttpRequest, params: Query[CheckIn]) -> dict[str, Any]:
    """The arms embargoes (EU, UN, OSCE) in force on *country* on *date*, the verdict, and the
    embargoes on groups tied to no country to check the parties against (criterion 1, Council
    Common Position 2008/944/CFSP, Art. 2(1)). Needs ``screening.view_armsembargo``."""
    _require(request, "screening.view_armsembargo")
    try:
        answer = destination_check(country=params.country, on=params.date or timezone.localdate())
    except ValueError as error:
        raise ScreeningRequestError(location="query", field="country", message=str(error), code="country") from error
    return _destination_out(answer)
