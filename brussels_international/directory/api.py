"""Read-only JSON API of the directory (django-ninja), with its OpenAPI document.

Served under ``/api/v1/``: ``units``, ``people``, ``partners``, ``networks``,
``organisations``, ``who-handles?q=``; OpenAPI at ``/api/v1/openapi.json``, browsable
documentation at ``/api/v1/docs``. Texts come in the language asked by ``?lang=fr|nl|en``,
else by the ``Accept-Language`` header, else French.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import wraps
from typing import Any, Literal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError

from .models import EUProgramme, InternationalOrganisation, Network, Partner, Person, PhoneNumber, Role, Topic, Unit
from .phones import display_phone

api = NinjaAPI(
    title="Brussels International directory API",
    version="1",
    description=(
        "Read-only data of the staff directory of Brussels International, the international relations "
        "of the Brussels-Capital Region: units, people, partners, networks, and who handles what. "
        "Language: `?lang=fr|nl|en` or the `Accept-Language` header (default French)."
    ),
    urls_namespace="api",
)

Lang = Literal["fr", "nl", "en"]
LANG_CODES = [code for code, _ in settings.LANGUAGES]


def with_language(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run *view* with the language chosen by ``?lang=`` or ``Accept-Language`` active.

    Raises:
        HttpError 400: ``?lang=`` names a language other than fr, nl, en.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        lang = request.GET.get("lang")
        if lang is not None and lang not in LANG_CODES:
            raise HttpError(400, f"Unknown language {lang!r}: use one of {', '.join(LANG_CODES)}.")
        if lang is None:
            lang = translation.get_language_from_request(request, check_path=False)
            lang = lang.split("-")[0] if lang else settings.LANGUAGE_CODE
            if lang not in LANG_CODES:
                lang = settings.LANGUAGE_CODE
        with translation.override(lang):
            return view(request, *args, **kwargs)

    return wrapper


class Item(Schema):
    kind: str
    slug: str
    name: str


class PhoneOut(Schema):
    e164: str
    display: str
    tel: str


class RoleOut(Schema):
    unit: Item
    title: str
    is_head: bool
    portfolio: list[Item]


class PersonOut(Schema):
    slug: str
    name: str
    phones: list[PhoneOut]
    roles: list[RoleOut]


class MemberOut(Schema):
    person: str
    name: str
    title: str
    is_head: bool


class UnitOut(Schema):
    slug: str
    kind: str
    number: int | None
    name: str
    mission: str
    members: list[MemberOut]


class HandlerOut(Schema):
    person: str
    name: str
    unit: str


class PartnerOut(Schema):
    slug: str
    kind: str
    name: str
    names: dict[str, str]
    other_names: list[str]
    country: str
    latitude: Decimal
    longitude: Decimal
    has_agreement: bool
    handled_by: list[HandlerOut]


class NetworkOut(Schema):
    slug: str
    name: str
    acronym: str
    other_names: list[str]
    handled_by: list[HandlerOut]


class ReasonOut(Schema):
    kind: str
    label: str
    matched: str
    fuzzy: bool


class HitOut(Schema):
    person: PersonOut
    reasons: list[ReasonOut]
    score: float


class WhoHandlesOut(Schema):
    query: str
    count: int
    results: list[HitOut]


PORTFOLIO_FIELDS: tuple[tuple[str, str], ...] = (
    ("partners", "partner"),
    ("networks", "network"),
    ("organisations", "organisation"),
    ("programmes", "programme"),
    ("topics", "topic"),
)


def _roles_queryset() -> QuerySet[Role]:
    return Role.objects.select_related("unit").prefetch_related(*(field for field, _ in PORTFOLIO_FIELDS))


def _people_queryset() -> QuerySet[Person]:
    return Person.objects.filter(is_public=True).prefetch_related(
        Prefetch("roles", queryset=_roles_queryset()), Prefetch("phones", queryset=PhoneNumber.objects.all())
    )


def _person_out(person: Person) -> dict[str, Any]:
    roles = []
    for role in person.roles.all():
        portfolio = []
        for field, kind in PORTFOLIO_FIELDS:
            for thing in getattr(role, field).all():
                item_kind = thing.kind if isinstance(thing, Topic) and thing.kind == Topic.Kind.EU_POLICY_AREA else kind
                portfolio.append({"kind": item_kind, "slug": thing.slug, "name": thing.name})
        roles.append(
            {
                "unit": {"kind": "unit", "slug": role.unit.slug, "name": role.unit.name},
                "title": role.title,
                "is_head": role.is_head,
                "portfolio": portfolio,
            }
        )
    return {
        "slug": person.slug,
        "name": person.full_name,
        "phones": [
            {"e164": p.number, "display": display_phone(p.number), "tel": p.tel_uri} for p in person.phones.all()
        ],
        "roles": roles,
    }


def _handlers(roles: Iterable[Role]) -> list[dict[str, str]]:
    return [{"person": r.person.slug, "name": r.person.full_name, "unit": r.unit.slug} for r in roles]


@api.get("/units", response=list[UnitOut], tags=["directory"], summary="Units and their teams")
@with_language
def list_units(request: HttpRequest) -> list[dict[str, Any]]:
    units = Unit.objects.prefetch_related(
        Prefetch("roles", queryset=Role.objects.select_related("person").filter(person__is_public=True))
    )
    return [_unit_out(unit) for unit in units]


def _unit_out(unit: Unit) -> dict[str, Any]:
    members = sorted(unit.roles.all(), key=lambda r: (not r.is_head, r.person.family_name, r.person.given_name))
    return {
        "slug": unit.slug,
        "kind": unit.kind,
        "number": unit.number,
        "name": unit.name,
        "mission": unit.mission,
        "members": [
            {"person": r.person.slug, "name": r.person.full_name, "title": r.title, "is_head": r.is_head}
            for r in members
        ],
    }


@api.get("/units/{slug}", response=UnitOut, tags=["directory"], summary="One unit")
@with_language
def get_unit(request: HttpRequest, slug: str) -> dict[str, Any]:
    unit = get_object_or_404(
        Unit.objects.prefetch_related(
            Prefetch("roles", queryset=Role.objects.select_related("person").filter(person__is_public=True))
        ),
        slug=slug,
    )
    return _unit_out(unit)


@api.get("/people", response=list[PersonOut], tags=["directory"], summary="Everyone in the public directory")
@with_language
def list_people(request: HttpRequest) -> list[dict[str, Any]]:
    return [_person_out(p) for p in _people_queryset()]


@api.get("/people/{slug}", response=PersonOut, tags=["directory"], summary="One person")
@with_language
def get_person(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _person_out(get_object_or_404(_people_queryset(), slug=slug))


@api.get("/partners", response=list[PartnerOut], tags=["directory"], summary="Partner cities, regions, countries")
@with_language
def list_partners(request: HttpRequest, agreement: bool | None = None) -> list[dict[str, Any]]:
    partners = Partner.objects.prefetch_related(Prefetch("roles", queryset=_handler_roles()))
    if agreement is not None:
        partners = partners.filter(has_agreement=agreement)
    return [
        {
            "slug": p.slug,
            "kind": p.kind,
            "name": p.name,
            "names": {"fr": p.name_fr, "nl": p.name_nl, "en": p.name_en},
            "other_names": list(p.aliases or []),
            "country": p.country,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "has_agreement": p.has_agreement,
            "handled_by": _handlers(p.roles.all()),
        }
        for p in partners
    ]


def _named_things_out(things: Iterable[Network | InternationalOrganisation | EUProgramme]) -> list[dict[str, Any]]:
    return [
        {
            "slug": t.slug,
            "name": t.name,
            "acronym": getattr(t, "acronym", ""),
            "other_names": list(t.aliases or []),
            "handled_by": _handlers(t.roles.all()),
        }
        for t in things
    ]


def _handler_roles() -> QuerySet[Role]:
    return Role.objects.select_related("person", "unit").filter(person__is_public=True)


@api.get("/networks", response=list[NetworkOut], tags=["directory"], summary="Networks the Region is a member of")
@with_language
def list_networks(request: HttpRequest) -> list[dict[str, Any]]:
    return _named_things_out(Network.objects.prefetch_related(Prefetch("roles", queryset=_handler_roles())))


@api.get(
    "/organisations", response=list[NetworkOut], tags=["directory"], summary="International organisations and EU bodies"
)
@with_language
def list_organisations(request: HttpRequest) -> list[dict[str, Any]]:
    return _named_things_out(
        InternationalOrganisation.objects.prefetch_related(Prefetch("roles", queryset=_handler_roles()))
    )


@api.get("/who-handles", response=WhoHandlesOut, tags=["directory"], summary="Who handles a city, network, topic...")
@with_language
def who_handles_endpoint(request: HttpRequest, q: str = "", limit: int = 20) -> dict[str, Any]:
    """Search the directory: names, units, partners (any of their names), networks, organisations,
    EU programmes, topics and EU policy areas; accent- and case-insensitive, tolerant of typos."""
    from .selectors import who_handles

    if limit < 1 or limit > 100:
        raise HttpError(400, "limit must be between 1 and 100.")
    query = q[:200]
    hits = who_handles(query, limit=limit)
    people = {p.pk: p for p in _people_queryset().filter(pk__in=[h.person.pk for h in hits])}
    results = [
        {
            "person": _person_out(people[h.person.pk]),
            "reasons": [{"kind": r.kind, "label": r.label, "matched": r.matched, "fuzzy": r.fuzzy} for r in h.reasons],
            "score": round(h.score, 3),
        }
        for h in hits
        if h.person.pk in people
    ]
    return {"query": query, "count": len(results), "results": results}
