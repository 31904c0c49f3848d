"""Template tags of the public site: language versions, JSON-LD, phone display."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import _json_script_escapes  # type: ignore[attr-defined]
from django.utils.safestring import SafeString, mark_safe

from brussels_international.directory.phones import display_phone

from .. import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context: template.Context) -> list[navigation.LanguageVersion]:
    """The current page in fr, nl and en (see :func:`navigation.language_versions`)."""
    request = context.get("request")
    if request is None:
        return []
    return navigation.language_versions(request, context.get("page"))


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


@register.simple_tag
def jsonld(data: Any) -> SafeString:
    """``<script type="application/ld+json">`` with ``<``, ``>`` and ``&`` escaped (safe inside HTML)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.filter
def phone_display(number: str) -> str:
    """``+3228003745`` → ``02 800 37 45``."""
    try:
        return display_phone(number)
    except Exception:
        return number


@register.filter
def people_of(roles: Any) -> list[Any]:
    """Distinct people of a list of roles, in order."""
    seen: list[Any] = []
    for role in roles:
        if role.person not in seen:
            seen.append(role.person)
    return seen


@register.filter
def nav_state(link_url: str, request_path: str) -> str:
    """``"page"`` when *link_url* is the current page, ``"section"`` when it contains it, else ``""``."""
    if not link_url or not request_path:
        return ""
    if request_path == link_url:
        return "page"
    if link_url.count("/") > 2 and request_path.startswith(link_url):
        return "section"
    return ""


@register.filter
def portfolio_groups(role: Any) -> list[tuple[str, list[Any]]]:
    """The portfolio of a role as (translated heading, [things]) pairs, empty groups left out;
    things sorted by their name in the active language, accents ignored (Île-de-France with the I)."""
    from django.utils.translation import gettext as _

    from brussels_international.core.text import fold

    groups = [
        (_("Partners"), role.partners.all()),
        (_("Networks"), role.networks.all()),
        (_("International organisations"), role.organisations.all()),
        (_("EU programmes"), role.programmes.all()),
        (_("Topics and EU policy areas"), role.topics.all()),
    ]
    return [(label, sorted(items, key=lambda thing: fold(thing.name))) for label, items in groups if items]


@register.filter
def country_name(code: str) -> str:
    """Name of an ISO 3166-1 alpha-2 country in the active language (CLDR data from ``babel``)."""
    from babel import Locale as BabelLocale

    from brussels_international.core.i18n import current_language

    try:
        return str(BabelLocale.parse(current_language()).territories.get((code or "").upper(), code))
    except (ValueError, TypeError):
        return code


@register.filter
def reason_kind_label(kind: str) -> str:
    """Translated name of a kind of search match (``network`` → ``réseau``)."""
    from django.utils.translation import gettext as _

    labels = {
        "name": _("name"),
        "unit": _("unit"),
        "role": _("role"),
        "partner": _("partner"),
        "network": _("network"),
        "organisation": _("international organisation"),
        "programme": _("EU programme"),
        "topic": _("topic"),
        "eu_policy_area": _("EU policy area"),
        "phone": _("phone"),
        "mission": _("missions"),
    }
    return labels.get(kind, kind)
