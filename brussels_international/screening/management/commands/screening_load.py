"""``manage.py screening_load SOURCE FILE``: load a local sanctions list file as the new active version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...list_selectors import active_version
from ...list_services import OFFICIAL_SOURCES, list_format, list_load
from ...records import ListFormatError
from ._output import load_summary


class Command(BaseCommand):
    help = (
        "Load a sanctions list file: SOURCE is un (UN XML), eu (EU FSF 1.1 XML), ofac (sdn.csv, with --alt alt.csv "
        "and --add add.csv), uk (UK Sanctions List CSV) or generic (our CSV, with --name LIST). Prints the counts "
        "and what was added, changed and removed; exits with an error naming the place of a fault in the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=[*OFFICIAL_SOURCES, "generic"])
        parser.add_argument("path", type=Path)
        parser.add_argument("--alt", type=Path, metavar="FILE", help="OFAC alt.csv (aliases)")
        parser.add_argument("--add", type=Path, metavar="FILE", help="OFAC add.csv (addresses)")
        parser.add_argument(
            "--name", metavar="LIST", help="generic CSV only: the list's name (lower-case letters, digits, hyphens)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        if source == "generic":
            if not options["name"]:
                raise CommandError("A generic CSV list needs --name LIST (for example --name national-watch-list).")
            source = options["name"]
            try:
                if list_format(source) != "generic":
                    raise CommandError(f"--name {source} is an official list: load it as `screening_load {source}`.")
            except ValueError as error:
                raise CommandError(str(error)) from error
        elif options["name"]:
            raise CommandError("--name is for generic CSV lists only.")
        if (options["alt"] or options["add"]) and source != "ofac":
            raise CommandError("--alt and --add are OFAC files.")
        before = active_version(source)
        try:
            version = list_load(
                source=source, path=options["path"], actor=None, alt_path=options["alt"], add_path=options["add"]
            )
        except ListFormatError as error:
            raise CommandError(
                f"{options['path']}: {error}. The file was not loaded"
                + (f"; version {before.pk} stays active." if before else ".")
            ) from error
        unchanged = before is not None and before.pk == version.pk
        self.stdout.write(load_summary(version, unchanged=unchanged))
