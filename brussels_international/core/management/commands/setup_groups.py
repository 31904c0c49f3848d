"""``manage.py setup_groups``: create or update the workspace groups and their permissions."""

from django.core.management.base import BaseCommand

from brussels_international.core.groups import GROUPS, groups_setup


class Command(BaseCommand):
    help = "Create or update the workspace groups (one per unit, Communication, Director, Administrator)."

    def handle(self, *args: object, **options: object) -> None:
        created = groups_setup()
        self.stdout.write(f"Groups: {len(GROUPS)} in place ({len(created)} created).")
