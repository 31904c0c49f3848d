"""vCard 3.0 (RFC 2426) of a person of the directory, built with ``vobject``."""

from __future__ import annotations

from typing import Any

import vobject

ORGANISATION = "Brussels International"


def person_vcard(person: Any, *, url: str) -> str:
    """Return the vCard of *person* (from ``selectors.person_detail``) in the active language.

    Holds the name, the organisation and the main unit (a unit the person heads, else the
    first), every title (RFC 2426 allows one ``TITLE``: they are joined with " · "), every
    work phone (E.164) and the address of the person page. Lines end with CRLF as the RFC requires.
    """
    roles = sorted(getattr(person, "current_roles", []), key=lambda role: not role.is_head)
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(family=person.family_name, given=person.given_name)
    card.add("fn").value = person.full_name
    org = [ORGANISATION]
    if roles:
        org.append(roles[0].unit.name)
    card.add("org").value = org
    titles = list(dict.fromkeys(role.title for role in roles if role.title))
    if titles:
        card.add("title").value = " · ".join(titles)
    for phone in person.phones.all():
        tel = card.add("tel")
        tel.value = phone.number
        tel.type_param = ["WORK", "VOICE"]
    card.add("url").value = url
    return str(card.serialize())
