"""``manage.py schedule_tasks``: queue the platform's recurring background tasks (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from brussels_international.core.tasks import daily_schedules, next_reminder_run, schedule_deadline_reminders


class Command(BaseCommand):
    help = (
        "Queue the recurring background tasks (the daily deadline reminders at 07:00 Europe/Brussels, and the "
        "daily tasks apps register with core.tasks.register_daily_schedule) "
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
        for label, schedule in daily_schedules().items():
            result = schedule()
            if result is not None:
                self.stdout.write(f"{label} queued for {timezone.localtime(result.run_after):%Y-%m-%d %H:%M %Z}.")
            else:
                self.stdout.write(
                    f"{label}: not queued (already queued, switched off in the settings, or the task backend "
                    "cannot wait)."
                )
