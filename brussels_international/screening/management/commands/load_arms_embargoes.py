"""``manage.py load_arms_embargoes [path] [--overwrite-edits]``: load the curated arms-embargo table
(default: ``screening/data/arms-embargoes.csv``) and report what changed. Idempotent; rows edited or
deleted in the workspace are kept unless ``--overwrite-edits`` (:func:`..embargo_services.embargoes_load`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.screening.embargo_services import EmbargoLoadError, embargoes_load


def default_path() -> Path:
    """The project's curated table, ``screening/data/arms-embargoes.csv``."""
    return Path(apps.get_app_config("screening").path) / "data" / "arms-embargoes.csv"


class Command(BaseCommand):
    help = "Load the curated arms-embargo table (EU, UN, OSCE; criterion 1 of Common Position 2008/944/CFSP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=None, help="CSV file (default: the curated table)")
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help="apply the file also to rows edited in the workspace and re-create rows deleted there",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or default_path()
        try:
            report = embargoes_load(path=path, overwrite_edits=options["overwrite_edits"])
        except EmbargoLoadError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
