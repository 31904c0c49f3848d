"""``manage.py load_organisation [--file PATH] [--dry-run] [--prune]``: load the organisation data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.directory.services import DEFAULT_DATA_FILE, OrganisationDataError, organisation_load


class Command(BaseCommand):
    help = (
        "Load the organisation data file (units, people, roles, partners, networks, organisations, "
        "programmes, topics) idempotently, in one transaction, and report what changed. Objects in the "
        "database that the file does not list are reported and kept, unless --prune is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(DEFAULT_DATA_FILE), help="YAML file (default: %(default)s)")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
        parser.add_argument("--prune", action="store_true", help="delete objects absent from the file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = organisation_load(
                actor=None, path=options["file"], dry_run=options["dry_run"], prune=options["prune"]
            )
        except OrganisationDataError as exc:
            raise CommandError(
                f"{options['file']}: {len(exc.errors)} error(s), nothing written:\n" + "\n".join(exc.errors)
            ) from exc
        for line in report.changes:
            self.stdout.write(line)
        for line in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {line}"))
        prefix = "Dry run (nothing written): " if report.dry_run else ""
        if not report.changed:
            self.stdout.write(self.style.SUCCESS(f"{prefix}No changes."))
            return
        for label, c in report.counts.items():
            if c.created or c.updated or c.removed or c.absent:
                self.stdout.write(
                    f"{label}: {c.created} created, {c.updated} updated, {c.removed} removed, "
                    f"{c.unchanged} unchanged" + (f", {c.absent} absent from the file" if c.absent else "")
                )
        self.stdout.write(self.style.SUCCESS(f"{prefix}Loaded {report.source}."))
