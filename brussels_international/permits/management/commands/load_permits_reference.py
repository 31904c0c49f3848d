"""``manage.py load_permits_reference [--criteria FILE]``: load the eight criteria of Common Position
2008/944/CFSP (default: the curated ``permits/data/criteria.csv``). Idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.permits.services import ControlListLoadError, criteria_load


class Command(BaseCommand):
    help = "Load the eight criteria of Common Position 2008/944/CFSP (headings and texts in fr/nl/en)."

    def add_arguments(self, parser: CommandParser) -> None:
        default = Path(apps.get_app_config("permits").path) / "data" / "criteria.csv"
        parser.add_argument("--criteria", type=Path, default=default, help="CSV of the criteria (default: %(default)s)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed = criteria_load(actor=None, path=options["criteria"])
        except ControlListLoadError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Criteria: {changed} created or changed ({options['criteria'].name}).")
