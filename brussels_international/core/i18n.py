"""Field-level translation helpers for structured reference data.

Reference data (unit names and missions, role titles, place names) keeps one column per
language: ``name_fr``, ``name_nl``, ``name_en``. :class:`TranslatedFieldsMixin` reads the
column of the active language, falling back to English, then French, then Dutch.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _ in settings.LANGUAGES)
FALLBACK_ORDER: tuple[str, ...] = ("en", "fr", "nl")


def current_language() -> str:
    """Return the active language code reduced to one of ``fr``, ``nl``, ``en`` (default ``fr``)."""
    lang = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return lang if lang in LANGUAGE_CODES else settings.LANGUAGE_CODE


def translated(obj: Any, field: str, language: str | None = None) -> str:
    """Return ``obj.<field>_<language>``, or the first non-empty fallback, or ``""``.

    Args:
        obj: a model instance with ``<field>_fr``, ``<field>_nl``, ``<field>_en`` attributes.
        field: the base name, e.g. ``"name"``.
        language: ``fr``, ``nl`` or ``en``; the active language when ``None``.
    """
    lang = language or current_language()
    for code in (lang, *FALLBACK_ORDER):
        value = getattr(obj, f"{field}_{code}", "") or ""
        if value:
            return str(value)
    return ""


class TranslatedFieldsMixin:
    """Adds :meth:`tr` to models with per-language columns."""

    def tr(self, field: str, language: str | None = None) -> str:
        """Return the value of *field* in *language* (active language by default), with fallbacks."""
        return translated(self, field, language)


def user_language(user: Any) -> str:
    """The language *user* chose in the workspace (Wagtail profile), else ``LANGUAGE_CODE``."""
    from wagtail.users.models import UserProfile

    language = UserProfile.get_for_user(user).get_preferred_language()
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE
