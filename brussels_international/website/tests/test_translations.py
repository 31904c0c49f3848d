"""Every interface string has a French and a Dutch translation in the catalogues."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_catalogue_is_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]
    assert missing == [], f"untranslated in {language}: {missing}"


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_catalogue_declares_its_language_and_plurals(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"].startswith("nplurals=2;")
