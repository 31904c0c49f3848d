"""``manage.py bootstrap``: everything ``make run`` does after ``migrate``, idempotent.

First run: loads the organisation data file. Later runs keep the data already in the
database (staff may have edited it in the workspace): the file is applied again only by
an explicit ``manage.py load_organisation``. Then sets up the groups and the public site
(creating only what is missing), queues the recurring background tasks (``schedule_tasks``),
loads the military list's categories (``permits/data/military-list-categories.csv``) when no
military list is loaded yet, the dual-use list when its file is at hand (``DUAL_USE_LIST_FILE``,
default ``../shared/data/control-lists/``) and none is loaded, the eight criteria, the arms
embargoes (``screening/data/arms-embargoes.csv``; rows edited or deleted in the workspace are
kept, ``load_arms_embargoes`` reports them), the UN sanctions list when its file is at hand
(``SANCTIONS_UN_FILE``, default the newest ``../shared/data/sanctions/un-consolidated-*.xml``; a
file already loaded is not loaded twice); in demo mode the demo staff accounts, letters, the
invented demo watch list (``screening/data/demo-watch-list.csv``, list ``demo-watch-list``) and the
licence cases (screened against the lists loaded before them); and builds the search index
(``update_index``) on the first run or when it is empty, so that a fresh clone's records
are found by the workspace search before the task worker has run.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation
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
        self._load_dual_use_list()
        call_command("load_permits_reference", stdout=self.stdout)
        call_command("load_newsletter_topics", stdout=self.stdout)
        with translation.override("en"):  # the report in the language of the other lines
            call_command("load_arms_embargoes", stdout=self.stdout)
        self._load_un_list()
        if settings.DEMO_MODE:
            call_command("create_demo_accounts", stdout=self.stdout)
            call_command("load_demo_correspondence", stdout=self.stdout)
            demo_list = Path(apps.get_app_config("screening").path) / "data" / "demo-watch-list.csv"
            call_command("screening_load", "generic", str(demo_list), "--name", "demo-watch-list", stdout=self.stdout)
            call_command("load_demo_permits", stdout=self.stdout)
            call_command("load_demo_events", stdout=self.stdout)
            call_command("load_demo_blog", stdout=self.stdout)
        if first_run or not IndexEntry.objects.exists():
            call_command("update_index", verbosity=0)
            self.stdout.write(f"Search index built: {IndexEntry.objects.count()} records.")
        else:
            self.stdout.write("Search index kept (`manage.py update_index` rebuilds it).")

    def _load_dual_use_list(self) -> None:
        """The dual-use list from ``DUAL_USE_LIST_FILE`` (default: the shared data folder next to the
        checkout, ``../shared/data/control-lists/``) when none is loaded yet and the file exists."""
        import os

        from brussels_international.permits.models import ControlListVersion, Regime

        if ControlListVersion.objects.filter(regime=Regime.DUAL_USE).exists():
            self.stdout.write("Dual-use list already loaded: kept.")
            return
        default = Path(settings.BASE_DIR).parent / "shared" / "data" / "control-lists"
        path = Path(os.environ.get("DUAL_USE_LIST_FILE") or default / "dual-use-list-no-appendix2-2022.json")
        if not path.is_file():
            self.stdout.write(
                f"No dual-use list file at {path}: `manage.py load_control_lists --dual-use FILE` loads one "
                "(or set DUAL_USE_LIST_FILE)."
            )
            return
        call_command("load_control_lists", "--dual-use", str(path), stdout=self.stdout)

    def _load_un_list(self) -> None:
        """The UN Security Council consolidated list from ``SANCTIONS_UN_FILE`` (default: the newest
        ``un-consolidated-*.xml`` of the shared data folder next to the checkout,
        ``../shared/data/sanctions/``) when the file exists; loading the file of the active version
        again changes nothing (same SHA-256)."""
        import os

        folder = Path(settings.BASE_DIR).parent / "shared" / "data" / "sanctions"
        found = sorted(folder.glob("un-consolidated-*.xml")) if folder.is_dir() else []
        path = Path(os.environ.get("SANCTIONS_UN_FILE") or (found[-1] if found else folder / "un-consolidated.xml"))
        if not path.is_file():
            self.stdout.write(
                f"No UN sanctions list file at {path}: put the UN consolidated list (XML) there, set "
                "SANCTIONS_UN_FILE, or run `manage.py screening_load un FILE` (`screening_refresh` downloads it)."
            )
            return
        call_command("screening_load", "un", str(path), stdout=self.stdout)

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
