"""``manage.py purge_deleted_documents [--days N] [--dry-run]``: remove for good the documents
deleted more than N days ago (rows and stored files)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from brussels_international.core.documents import documents_purge
from brussels_international.core.models import Document


class Command(BaseCommand):
    help = "Remove the documents deleted more than --days days ago (default 30): their rows and their files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Keep deleted documents this many days (default 30).")
        parser.add_argument("--dry-run", action="store_true", help="Only say how many would be removed.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            raise CommandError("--days cannot be negative.")
        before = timezone.now() - dt.timedelta(days=days)
        if options["dry_run"]:
            count = Document.objects.filter(deleted_at__lt=before).count()
            self.stdout.write(f"{count} deleted document(s) would be removed (deleted before {before:%Y-%m-%d %H:%M}).")
            return
        count = documents_purge(actor=None, deleted_before=before)
        self.stdout.write(f"{count} deleted document(s) removed (deleted before {before:%Y-%m-%d %H:%M}).")
