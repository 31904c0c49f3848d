"""``manage.py demo_otp_code``: the current two-factor code of the demo accounts (demo mode only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from brussels_international.core.two_factor import demo_code


class Command(BaseCommand):
    help = (
        "Print the current 6-digit two-factor code of every demo account, for signing in without an "
        "authenticator app (DEMO_MODE=1 and DEBUG=1 only)."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEMO_MODE and settings.DEBUG):
            raise CommandError("The demo two-factor code exists only in demo mode (DEBUG=1 DEMO_MODE=1); refused.")
        code, seconds = demo_code()
        self.stdout.write(f"{code}  (two-factor code of every demo account, current for {seconds} more seconds)")
