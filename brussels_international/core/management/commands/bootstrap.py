"""``manage.py bootstrap``: everything ``make run`` does after ``migrate``, idempotent.

First run: loads the organisation data file. Later runs keep the data already in the
database (staff may have edited it in the workspace): the file is applied again only by
an explicit ``manage.py load_organisation``. Then sets up the groups and the public site
(creating only what is missing), queues the recurring background tasks (``schedule_tasks``),
loads the military list's categories (``permits/data/military-list-categories.csv``) when no
military list is loaded yet, in demo mode the demo staff accounts and letters, and builds the
search index (``update_index``) on the first run or when it is empty, so that a fresh clone's
records are found by the workspace search before the task worker has run.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from wagtail.search.models import IndexEntry

from brussels_international.directory.models import Unit


class Command(BaseCommand):
    help = (
        "Load the organisation data (first run only), set up groups and the public site, queue the recurring "
        "tasks; demo accounts and letters in demo mode; build the search index on the first run or when it is empty."
    )

    def handle(self, *args: object, **options: object) -> None:
        first_run = not Unit.objects.exists()
        if not first_run:
            self.stdout.write(
                "Organisation data already in the database: kept. "
                "(`manage.py load_organisation` applies the data file again and reports the changes.)"
            )
        else:
            call_command("load_organisation", stdout=self.stdout)
        call_command("setup_groups", stdout=self.stdout)
        call_command("setup_site", stdout=self.stdout)
        call_command("schedule_tasks", stdout=self.stdout)
        self._load_military_list()
        call_command("load_permits_reference", stdout=self.stdout)
        if settings.DEMO_MODE:
            call_command("create_demo_accounts", stdout=self.stdout)
            call_command("load_demo_correspondence", stdout=self.stdout)
            call_command("load_demo_permits", stdout=self.stdout)
        if first_run or not IndexEntry.objects.exists():
            call_command("update_index", verbosity=0)
            self.stdout.write(f"Search index built: {IndexEntry.objects.count()} records.")
        else:
            self.stdout.write("Search index kept (`manage.py update_index` rebuilds it).")

    def _load_military_list(self) -> None:
        """The military list's categories (the project's own curated CSV) when none is loaded yet."""
        from brussels_international.permits.models import ControlListVersion, Regime

        if ControlListVersion.objects.filter(regime=Regime.MILITARY).exists():
            self.stdout.write(
                "Military list already loaded: kept (`manage.py load_control_lists` loads a new version)."
            )
            return
        curated = Path(apps.get_app_config("permits").path) / "data" / "military-list-categories.csv"
        call_command("load_control_lists", "--csv", Regime.MILITARY, str(curated), stdout=self.stdout)
