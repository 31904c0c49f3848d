"""``manage.py import_staff FILE [--dry-run]``: apply a staff list exported from the HR system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.directory.services import StaffImportError, staff_import, staff_table_read


class Command(BaseCommand):
    help = "Import a staff list (CSV or XLSX; columns in docs/staff-import.md). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            table = staff_table_read(path)
            report = staff_import(actor=None, rows=table.rows, columns=table.columns, dry_run=options["dry_run"])
        except StaffImportError as exc:
            raise CommandError(
                f"{path.name}: {len(exc.issues)} error(s), nothing imported:\n" + "\n".join(str(i) for i in exc.issues)
            ) from exc
        for line in report.changes:
            self.stdout.write(line)
        for line in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {line}"))
        prefix = "Dry run (nothing written): " if report.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged."
            )
        )
