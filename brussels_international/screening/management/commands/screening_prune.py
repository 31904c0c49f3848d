"""``manage.py screening_prune [--keep N] [--dry-run]``: delete old versions of the sanctions lists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...list_services import list_versions_prune


class Command(BaseCommand):
    help = (
        "Delete the old versions of every sanctions list with their entities, keeping the active version and the "
        "N most recent others per list (default 2). Hits and reviews are kept. --dry-run only lists them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep", type=int, default=2, help="old versions kept per list besides the active one")
        parser.add_argument("--dry-run", action="store_true", help="only say what would be deleted")

    def handle(self, *args: Any, **options: Any) -> None:
        doomed = list_versions_prune(keep=options["keep"], dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        if not doomed:
            self.stdout.write("No old list version to delete.")
            return
        for version in doomed:
            self.stdout.write(
                f"{verb} {version.source} version {version.pk} ({version.status}, {version.file_name}, "
                f"loaded {version.loaded_at:%Y-%m-%d %H:%M})."
            )
