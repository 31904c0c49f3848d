"""``manage.py schedule_tasks``: queue the platform's recurring background tasks (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from brussels_international.core.tasks import next_reminder_run, schedule_deadline_reminders


class Command(BaseCommand):
    help = (
        "Queue the recurring background tasks (the daily deadline reminders at 07:00 Europe/Brussels) "
        "unless already queued. Run before starting the worker; safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = next_reminder_run()
        queued = schedule_deadline_reminders()
        when = f"{timezone.localtime(run):%Y-%m-%d %H:%M %Z}"
        if queued is not None:
            self.stdout.write(f"Deadline reminders queued for {when} (task {queued.pk}).")
        else:
            self.stdout.write(f"Deadline reminders for {when}: already queued, or the task backend cannot wait.")
