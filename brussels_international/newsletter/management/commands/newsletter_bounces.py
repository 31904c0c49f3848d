"""``manage.py newsletter_bounces <mbox file>``: record the bounces reported by the delivery status
notifications (RFC 3464) of a mailbox file, and print a summary.

Status 5.x.x is a hard bounce (the address is suspended), 4.x.x a soft one (3 in a row suspend it);
the delivery is found by the returned message's Message-ID, else the subscriber by Final-Recipient
(:mod:`brussels_international.newsletter.bounces`). Messages that are not readable reports are
listed with their index (from 0) and skipped; a report read twice is recorded once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brussels_international.newsletter.bounces import read_bounce_mailbox, summary_lines


class Command(BaseCommand):
    help = "Record the bounces of a mailbox file (mbox) of delivery status notifications (RFC 3464)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="mbox file of bounce messages")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            summary = read_bounce_mailbox(path)
        except FileNotFoundError as error:
            raise CommandError(f"No mailbox file at {path}.") from error
        for line in summary_lines(summary):
            self.stdout.write(line)
