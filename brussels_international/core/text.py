"""Text folding shared by every search: case, accents, scripts and apostrophes ignored."""

from __future__ import annotations

import re

from unidecode import unidecode

APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Fold *text* for comparison: transliterate (Unidecode), casefold, drop apostrophes, keep words.

    ``"Xi’an"`` → ``"xian"``, ``"Île-de-France"`` → ``"ile de france"``, ``"Київ"`` → ``"kyiv"``.
    """
    folded = APOSTROPHES.sub("", unidecode(text or "").casefold())
    return " ".join(_NON_WORD.sub(" ", folded).split())
