"""``manage.py load_demo_correspondence``: invented letters in every status, demo mode only.

Run by ``bootstrap`` in demo mode after the demo accounts exist; does nothing when letters
exist already. Senders and organisations are invented.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from brussels_international.core.management.commands.create_demo_accounts import demo_username
from brussels_international.directory.models import Unit

from ...models import Letter
from ...services import letter_answer, letter_close, letter_register

# (days ago received, unit staff group, subject, sender, organisation, what happens next)
DEMO_LETTERS = [
    (
        30,
        "Bilateral Relations",
        "Request for a twinning visit in spring",
        "Jana Novak",
        "City of Orlava (invented)",
        "assigned",
    ),
    (
        25,
        "Bilateral Relations",
        "Invitation to an urban-mobility forum",
        "Tomas Verbeek",
        "Verbeek Events BV (invented)",
        "answered",
    ),
    (
        12,
        "Bilateral Relations",
        "Proposal for a cultural exchange",
        "Amina Diallo",
        "Maison des Arts de Korvia (invented)",
        "received",
    ),
    (
        40,
        "Multilateral and Europe",
        "Question on the Region's network membership fee",
        "Lars Holm",
        "Network of Northern Capitals (invented)",
        "closed",
    ),
    (
        8,
        "Multilateral and Europe",
        "Call for contributions to a UN report",
        "Sofia Marin",
        "Office of Regional Reports (invented)",
        "assigned",
    ),
    (
        18,
        "EU Delegation",
        "Consultation on a draft directive on urban waste water",
        "Pieter Claes",
        "Brussels Water Alliance (invented)",
        "assigned",
    ),
    (
        3,
        "EU Delegation",
        "Meeting request about cohesion funds",
        "Elena Rossi",
        "Rossi & Partners Consulting (invented)",
        "received",
    ),
    (22, "Finance and Travel", "Question on a mission's per diem", "Marc Dubois", "", "answered"),
    (
        15,
        "Permits",
        "Question on the transit of dual-use goods",
        "Nora Stein",
        "Stein Optics SRL (invented)",
        "assigned",
    ),
    (
        5,
        "Permits",
        "Request for a pre-classification of radio equipment",
        "Karim Haddad",
        "Haddad Telecom SA (invented)",
        "received",
    ),
    (
        35,
        "Director",
        "Invitation to the opening of a trade mission",
        "Helena Vos",
        "Chamber of Commerce of Lumeria (invented)",
        "closed",
    ),
]


class Command(BaseCommand):
    help = "Load invented letters in every status for the demo (DEBUG=1 DEMO_MODE=1 only; skipped when letters exist)."

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEMO_MODE and settings.DEBUG):
            raise CommandError("Demo letters exist only in demo mode (DEBUG=1 DEMO_MODE=1); refused.")
        if Letter.objects.exists():
            self.stdout.write("Letters already in the database: demo letters not loaded.")
            return
        director = User.objects.get(username=demo_username("Director"))
        today = timezone.localdate()
        with transaction.atomic():
            for days_ago, group, subject, sender, organisation, state in DEMO_LETTERS:
                unit = Unit.objects.get(staff_group=group)
                officer = User.objects.get(username=demo_username(group))
                letter = letter_register(
                    actor=director,
                    unit=unit,
                    subject=subject,
                    sender_name=sender,
                    sender_organisation=organisation,
                    received_on=today - dt.timedelta(days=days_ago),
                    summary="Demo letter (invented sender).",
                    officer=None if state == "received" else officer,
                )
                if state in ("answered", "closed"):
                    letter = letter_answer(actor=officer, letter=letter, answered_on=today - dt.timedelta(days=1))
                if state == "closed":
                    letter_close(actor=director, letter=letter)
        self.stdout.write(f"Demo letters loaded: {len(DEMO_LETTERS)}.")
