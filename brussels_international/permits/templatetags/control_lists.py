"""Template filters of the control lists: an entry's text as the reader should see it.

The dual-use list's source (``dual-use-list-no-appendix2-2022.json``) separates the items of some
notes with a literal ``<br>`` (800 times). Templates escape it, so it showed as "<br>" in the
text; :func:`control_text` turns it into a line break (the rest stays escaped) and marks the
language of the text shown, so that screen readers read an English text on a French page in
English (WCAG 2.1, 3.1.2 "Language of parts").
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
SHORT_LENGTH = 120
"""Characters of a shortened text (as ``ControlListEntry.short_text``)."""


def _shown(entry: object) -> tuple[str, str]:
    """The text to show and its language: the active language's text when the list has one, else
    English, French or Dutch (the first that is not empty)."""
    active = (get_language() or "fr")[:2]
    for language in (active, "en", "fr", "nl"):
        text = str(getattr(entry, f"text_{language}", "") or "")
        if text.strip():
            return text, language
    return "", active


@register.filter
def control_text(entry: object, length: str = "") -> SafeString:
    """*entry*'s text (a :class:`~permits.models.ControlListEntry`), escaped, with the source's
    ``<br>`` as line breaks, in a ``<span lang="..">`` when it is not in the page's language.

    ``{{ entry|control_text:"short" }}`` gives one line cut to :data:`SHORT_LENGTH` characters
    (the breaks become spaces).
    """
    text, language = _shown(entry)
    if length == "short":
        text = " ".join(_BREAK.sub(" ", text).split())
        if len(text) > SHORT_LENGTH:
            text = text[: SHORT_LENGTH - 1] + "…"
        html: str = escape(text)
    else:
        html = "<br>".join(escape(part.strip()) for part in _BREAK.split(text))
    if language != (get_language() or "fr")[:2]:
        html = f'<span lang="{language}">{html}</span>'
    return mark_safe(html)  # every part escaped above
