"""``manage.py licences_expire``: expire now the licences past their validity (the daily task does
the same at 00:30; this command is for a cron set-up or a catch-up)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from brussels_international.permits.case_services import licences_expire


class Command(BaseCommand):
    help = "Move to 'expired' every granted or suspended licence whose last valid day is past."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Run as on this day (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options.get("today") or timezone.localdate()
        expired = licences_expire(today=today)
        self.stdout.write(f"{len(expired)} licence(s) expired on {today:%Y-%m-%d}: {', '.join(expired) or '-'}.")
