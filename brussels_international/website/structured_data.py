"""schema.org JSON-LD of the public pages: ``GovernmentOrganization``, ``Person``, ``ContactPoint``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

ORGANISATION = "Brussels International"
REGION = "Brussels-Capital Region"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The directorate, part of the Region."""
    return {
        "@type": "GovernmentOrganization",
        "name": ORGANISATION,
        "url": _base_url(request) + "/",
        "parentOrganization": {"@type": "GovernmentOrganization", "name": REGION},
    }


def _person(person: Any, roles: list[Any], *, url: str | None = None) -> dict[str, Any]:
    phones = [phone.number for phone in person.phones.all()]
    data: dict[str, Any] = {
        "@type": "Person",
        "name": person.full_name,
        "givenName": person.given_name,
        "familyName": person.family_name,
    }
    if url:
        data["url"] = url
    titles = [role.title for role in roles if role.title]
    if titles:
        data["jobTitle"] = titles[0] if len(titles) == 1 else titles
    if phones:
        data["telephone"] = phones[0]
        data["contactPoint"] = [
            {
                "@type": "ContactPoint",
                "telephone": number,
                "contactType": _("work"),
                "availableLanguage": ["fr", "nl", "en"],
            }
            for number in phones
        ]
    return data


def person_graph(person: Any, *, request: HttpRequest) -> dict[str, Any]:
    """JSON-LD of a person page: the ``Person`` working for the units of their roles."""
    roles = list(getattr(person, "current_roles", []))
    data = {"@context": "https://schema.org", **_person(person, roles, url=request.build_absolute_uri())}
    units: list[dict[str, Any]] = []
    for role in roles:
        unit = {"@type": "GovernmentOrganization", "name": role.unit.name, "parentOrganization": organisation(request)}
        if unit not in units:
            units.append(unit)
    data["worksFor"] = units or [organisation(request)]
    return data


def unit_graph(unit: Any, *, request: HttpRequest) -> dict[str, Any]:
    """JSON-LD of a unit page: the unit as a ``GovernmentOrganization`` with its ``Person`` members."""
    team = list(getattr(unit, "team", []))
    members: list[dict[str, Any]] = []
    seen: set[int] = set()
    for role in team:
        if role.person_id in seen:
            continue
        seen.add(role.person_id)
        members.append(_person(role.person, [r for r in team if r.person_id == role.person_id]))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": unit.name,
        "url": request.build_absolute_uri(),
        "parentOrganization": organisation(request),
        "member": members,
    }
    heads = [role for role in team if role.is_head and role.person.phones.all()]
    if heads:
        data["contactPoint"] = {
            "@type": "ContactPoint",
            "telephone": heads[0].person.phones.all()[0].number,
            "contactType": _("head of the unit"),
        }
    return data
