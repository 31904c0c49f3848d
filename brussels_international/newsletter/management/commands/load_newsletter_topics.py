"""``manage.py load_newsletter_topics [path]``: create the reference topics of the newsletter
(default ``newsletter/data/topics.csv``: The Brussels Globe, Events, Europe, Permits and export
control). Idempotent: topics that exist (by slug) are kept as staff left them
(:func:`..services.topics_load_reference`). Run by ``manage.py bootstrap``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.newsletter.services import REFERENCE_TOPICS, topics_load_reference


class Command(BaseCommand):
    help = "Create the newsletter's reference topics that do not exist yet (existing ones are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=REFERENCE_TOPICS, help="CSV file of topics")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No topics file at {path}.")
        try:
            created, kept = topics_load_reference(actor=None, path=path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Newsletter topics: {len(created)} created ({', '.join(created) or 'none'}), {len(kept)} kept."
        )
