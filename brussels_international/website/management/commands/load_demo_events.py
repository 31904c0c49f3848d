"""``manage.py load_demo_events``: invented events in fr/nl/en (demo mode only; ``bootstrap`` runs it
after ``setup_site``); creates only what is missing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from brussels_international.website.demo_events import demo_events_load


class Command(BaseCommand):
    help = "Create invented demo events, past and upcoming, in fr, nl and en (DEMO_MODE=1 and DEBUG=1 only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE and settings.DEBUG):
            raise CommandError("Demo data exists only in demo mode (DEBUG=1 DEMO_MODE=1); refused.")
        try:
            created = demo_events_load(progress=lambda line: self.stdout.write(f"  {line}"))
        except LookupError as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(f"Demo events: {created} page(s) created.")
        else:
            self.stdout.write("Demo events already there: kept.")
