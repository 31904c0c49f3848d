"""``manage.py load_control_lists``: load control list files as new current versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.permits.services import (
    ControlListLoadError,
    control_list_load_csv,
    control_list_load_dual_use,
    control_list_load_military,
)


class Command(BaseCommand):
    help = (
        "Load control lists: --dual-use FILE (JSON dump), --military FILE (ratings CSV), "
        "--csv REGIME FILE (generic CSV: code,parent_code,text_en,text_fr,text_nl,note_type). "
        "Each file becomes a new current version, valid from --valid-from (default: today)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dual-use", type=Path, metavar="FILE")
        parser.add_argument("--military", type=Path, metavar="FILE")
        parser.add_argument("--csv", nargs=2, action="append", metavar=("REGIME", "FILE"), default=[])
        parser.add_argument("--valid-from", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        valid_from = options["valid_from"] or dt.date.today()
        jobs: list[tuple[str, Any, dict[str, Any]]] = []
        if options["dual_use"]:
            jobs.append(("dual-use", control_list_load_dual_use, {"path": options["dual_use"]}))
        if options["military"]:
            jobs.append(("military", control_list_load_military, {"path": options["military"]}))
        for regime, file in options["csv"]:
            jobs.append((regime, control_list_load_csv, {"regime": regime, "path": Path(file)}))
        if not jobs:
            raise CommandError("Nothing to load: give --dual-use, --military or --csv.")
        for label, loader, kwargs in jobs:
            try:
                version, counts = loader(actor=None, valid_from=valid_from, **kwargs)
            except ControlListLoadError as error:
                raise CommandError(str(error)) from error
            details = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(
                f"{label}: {version.source} loaded as version {version.pk}, valid from {valid_from}: {details}."
            )
