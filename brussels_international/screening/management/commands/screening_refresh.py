"""``manage.py screening_refresh [--source un|eu|ofac|uk]``: download the official lists and load them.

The addresses are in ``settings.SCREENING_LIST_URLS`` (``{token}`` in the EU address is replaced by
``settings.SCREENING_EU_TOKEN``); each file is downloaded with ``urllib`` within
``settings.SCREENING_DOWNLOAD_TIMEOUT`` seconds into a temporary folder, then loaded with
:func:`~brussels_international.screening.list_services.list_load`. A list that cannot be downloaded
or read is reported and the others are still loaded; the command then exits with an error.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...list_selectors import active_version
from ...list_services import OFFICIAL_SOURCES, list_load
from ...records import ListFormatError
from ._output import load_summary

ALLOWED_SCHEMES = ("https", "http", "file")
MAX_BYTES = 500 * 1024 * 1024


class DownloadError(Exception):
    """A list file could not be downloaded."""


def list_urls(source: str) -> list[str]:
    """The download addresses of *source* from the settings, with the EU token filled in.

    Raises:
        DownloadError: no address configured, or the EU address needs a token that is not set.
    """
    configured = settings.SCREENING_LIST_URLS.get(source)
    if not configured:
        raise DownloadError(f"no address for {source} in SCREENING_LIST_URLS")
    urls = [configured] if isinstance(configured, str) else list(configured)
    if any("{token}" in url for url in urls):
        token = getattr(settings, "SCREENING_EU_TOKEN", "")
        if not token:
            raise DownloadError(f"the {source} address needs a token: set SCREENING_EU_TOKEN")
        urls = [url.replace("{token}", urllib.parse.quote(token, safe="")) for url in urls]
    return urls


def download(url: str, folder: Path, default_name: str) -> Path:
    """Download *url* into *folder* (file named after the address's last part) and return the path.

    Raises:
        DownloadError: a scheme other than https, http or file; a network or HTTP error; a
            timeout (``settings.SCREENING_DOWNLOAD_TIMEOUT``); a file over 500 MiB.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise DownloadError(f"{url}: only {', '.join(ALLOWED_SCHEMES)} addresses are read")
    name = Path(urllib.parse.unquote(parts.path)).name or default_name
    target = folder / name
    try:
        timeout = settings.SCREENING_DOWNLOAD_TIMEOUT
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as handle:  # noqa: S310 (scheme checked)
            copied = 0
            while block := response.read(1 << 20):
                copied += len(block)
                if copied > MAX_BYTES:
                    raise DownloadError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MiB")
                handle.write(block)
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", None) or error
        raise DownloadError(f"{url}: {reason}") from error
    return target


class Command(BaseCommand):
    help = "Download the official sanctions lists (settings.SCREENING_LIST_URLS) and load each as a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", choices=OFFICIAL_SOURCES, action="append", help="only this list (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = options["source"] or [s for s in OFFICIAL_SOURCES if settings.SCREENING_LIST_URLS.get(s)]
        failures = []
        for source in sources:
            folder = Path(tempfile.mkdtemp(prefix=f"screening-{source}-"))
            try:
                urls = list_urls(source)
                paths = [download(url, folder, f"{source}-{i}") for i, url in enumerate(urls)]
                before = active_version(source)
                extra: dict[str, Path | None] = {}
                if source == "ofac":
                    extra = {"alt_path": paths[1] if len(paths) > 1 else None}
                    extra["add_path"] = paths[2] if len(paths) > 2 else None
                version = list_load(source=source, path=paths[0], actor=None, **extra)
                unchanged = before is not None and before.pk == version.pk
                self.stdout.write(load_summary(version, unchanged=unchanged))
            except (DownloadError, ListFormatError) as error:
                failures.append(source)
                self.stderr.write(f"{source}: not loaded: {error}")
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        if failures:
            raise CommandError(f"Lists not loaded: {', '.join(failures)} (the active versions stay active).")
