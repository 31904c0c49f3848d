"""Shared fixtures of the browser tests: one Chromium per test module, driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and the test uses the ORM
    # in it: allow that while the browser lives, and put the environment back afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def sign_in(page, base_url: str, username: str, password: str, device) -> None:  # type: ignore[no-untyped-def]
    """Sign in to the workspace in *page*: the password, then the current code of *device* (a
    confirmed ``TOTPDevice``), as the person's authenticator app would show it."""
    from django_otp.oath import totp

    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/admin/2fa/verify/" in url)
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    page.click("form.two-factor-form button[type=submit]")
    page.wait_for_url(base_url + "/admin/")


BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """No serious or critical axe-core violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")

    def problems() -> list[str]:
        violations = Axe().run(page).response["violations"]
        return [f"{v['impact']} {v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING_IMPACTS]

    found = problems()
    if found:  # a message bar still fading in is measured mid-animation: look again once it settled
        page.wait_for_timeout(1500)
        found = problems()
    assert not found, f"{page.url}: " + "; ".join(found)
