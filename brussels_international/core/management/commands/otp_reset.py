"""``manage.py otp_reset USERNAME``: remove a person's two-factor devices (lost or replaced phone)."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.core.two_factor import totp_devices_reset


class Command(BaseCommand):
    help = (
        "Remove every two-factor device of USERNAME (audit entry written); "
        "they set up a new authenticator app at their next workspace sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user name of the person, as they sign in")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}; nothing changed.") from None
        removed = totp_devices_reset(actor=None, user=user)
        if not removed:
            self.stdout.write(f"{username} has no two-factor device; nothing changed.")
            return
        self.stdout.write(
            f"Removed {len(removed)} two-factor device(s) of {username}: {', '.join(removed)}. "
            "Their open sessions must give a code again; they set up a new authenticator app at their "
            "next workspace sign-in. Audit entry written."
        )
