"""``manage.py load_demo_permits``: invented companies and licence cases in every status, demo mode
only (``bootstrap`` runs it after ``create_demo_accounts``); does nothing when organisations exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from brussels_international.permits.demo import COMPANIES, SECOND_OFFICER, load_demo_permits


class Command(BaseCommand):
    help = "Load invented applicant companies and licence cases in every status (DEMO_MODE=1 and DEBUG=1 only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE and settings.DEBUG):
            raise CommandError("Demo data exists only in demo mode (DEBUG=1 DEMO_MODE=1); refused.")
        created = load_demo_permits(progress=self.stdout.write)
        if not created:
            self.stdout.write("Permits demo data already there: kept.")
            return
        self.stdout.write(f"Permits demo: {created} licence cases; portal accounts (demo password):")
        for company in COMPANIES:
            state = "approved" if company.approved else "waiting for approval"
            self.stdout.write(f"  {company.username:<24} {company.name} ({state})")
        self.stdout.write(f"Second Permits officer for countersigning: {SECOND_OFFICER}")
