"""Browser journey of the public site in fr, nl and en, with an axe-core check on each page.

Drives Debian's Chromium (``/usr/bin/chromium``) with Playwright's sync API against
pytest-django's live server, on the organisation data (``load_organisation`` when the command
exists, the factories' slice otherwise) and the page tree of ``setup_site``. Fails on any
axe violation of impact "serious" or "critical" and on any Content-Security-Policy error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]

JOURNEY = {
    "fr": [
        "/fr/",
        "/fr/unites/bilateral-relations/",
        "/fr/annuaire/?q=kiev",
        "/fr/annuaire/daniel-verheyden/",
        "/fr/partenaires/",
    ],
    "nl": [
        "/nl/",
        "/nl/diensten/bilateral-relations/",
        "/nl/personeelsgids/?q=Peking",
        "/nl/personeelsgids/daniel-verheyden/",
        "/nl/partners/",
    ],
    "en": [
        "/en/",
        "/en/units/bilateral-relations/",
        "/en/directory/?q=Kyjv",
        "/en/directory/daniel-verheyden/",
        "/en/partners/",
    ],
}
BLOCKING_IMPACTS = {"serious", "critical"}


def _load_data() -> None:
    if "load_organisation" in get_commands():
        call_command("load_organisation", stdout=open(os.devnull, "w"))  # noqa: SIM115
    else:
        from brussels_international.directory.tests.factories import seed_organisation

        seed_organisation()
    call_command("setup_site", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _describe(violation: dict) -> str:
    nodes = "; ".join(", ".join(node.get("target", [])) for node in violation.get("nodes", [])[:5])
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} ({nodes})"


def test_public_journey_is_accessible_in_three_languages(browser, live_server, transactional_db, settings):
    from axe_playwright_python.sync_playwright import Axe

    settings.PUBLIC_CACHE_SECONDS = 0
    _load_data()
    axe = Axe()
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            csp_errors.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: csp_errors.append(f"{page.url}: {exc}"))
    problems: list[str] = []
    for language, paths in JOURNEY.items():
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
            assert page.get_attribute("html", "lang") == language, path
            page.wait_for_load_state("load")
            results = axe.run(page)
            for violation in results.response["violations"]:
                line = f"{path} {_describe(violation)}"
                print(line)
                if violation["impact"] in BLOCKING_IMPACTS:
                    problems.append(line)
    # The search box and the language switcher work from the keyboard.
    page.goto(live_server.url + "/en/directory/")
    page.get_by_role("searchbox").fill("Xi'an")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/directory/?q=*")
    assert page.get_by_role("heading", level=3).first.inner_text() == "Daniël Verheyden"
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_url("**/nl/personeelsgids/?q=*")
    assert page.get_attribute("html", "lang") == "nl"
    context.close()
    assert not csp_errors, "\n".join(csp_errors)
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
