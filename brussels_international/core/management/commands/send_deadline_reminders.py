"""``manage.py send_deadline_reminders``: queue today's deadline reminder mails (run it daily, e.g. by cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from brussels_international.core.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Queue the daily deadline reminder digest for today (sent by the background worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate().isoformat()
        result = send_deadline_reminders.enqueue(today)
        self.stdout.write(f"Queued the deadline reminders of {today} (task {result.id}).")
