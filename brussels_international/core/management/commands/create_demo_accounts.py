"""``manage.py create_demo_accounts``: one demo staff account per group, in demo mode only.

Each account gets one confirmed two-factor device with the documented demo secret
(``core.two_factor.DEMO_TOTP_SECRET``); ``manage.py demo_otp_code`` prints its current code.
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brussels_international.core.groups import GROUPS
from brussels_international.core.two_factor import DEMO_TOTP_SECRET, totp_demo_device_install

DEMO_PASSWORD = "Brussels-demo-2026"  # noqa: S105  (demo mode only; refused under production settings)


def demo_username(group_name: str) -> str:
    """``"EU Delegation"`` → ``"demo-eu-delegation"``."""
    return "demo-" + group_name.lower().replace(" ", "-")


class Command(BaseCommand):
    help = "Create one demo staff account per workspace group and print the logins (DEMO_MODE=1 and DEBUG=1 only)."

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEMO_MODE and settings.DEBUG):
            raise CommandError("Demo accounts exist only in demo mode (DEBUG=1 DEMO_MODE=1); refused.")
        rows = []
        with transaction.atomic():
            for spec in GROUPS:
                username = demo_username(spec.name)
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={"email": f"{username}@example.invalid", "first_name": "Demo", "last_name": spec.name},
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                user.is_staff = True
                user.is_superuser = spec.name == "Administrator"
                user.save()
                user.groups.set([Group.objects.get(name=spec.name)])
                totp_demo_device_install(user=user)
                rows.append((username, spec.name))
        self.stdout.write(f"Demo staff accounts (password for all: {DEMO_PASSWORD}):")
        for username, group in rows:
            self.stdout.write(f"  {username:<32} {group}")
        secret = " ".join(DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(DEMO_TOTP_SECRET), 4))
        self.stdout.write(
            f"Two-factor: every demo account has the demo authenticator secret {secret}; "
            "`make otp` (or `DEBUG=1 DEMO_MODE=1 manage.py demo_otp_code`) prints the current code."
        )
