"""The permits demo data: every status, real histories, demo mode only, loaded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from brussels_international.core.models import Deadline
from brussels_international.permits.demo import enterprise_number
from brussels_international.permits.models import (
    Application,
    ApplicationStatus,
    DenialNotification,
    Licence,
    LicenceUseReport,
    Organisation,
)

pytestmark = pytest.mark.django_db


def test_enterprise_numbers_carry_their_modulo_97_check_digits():
    assert enterprise_number(4_123_456) == "0412.345.614"  # 4123456 = 97 × 42509 + 83; 97 - 83 = 14


def test_the_demo_has_a_case_in_every_status_built_through_the_services(permits_setup, settings):
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo_permits")
    settings.DEBUG = settings.DEMO_MODE = True
    call_command("create_demo_accounts", stdout=StringIO())
    call_command("load_demo_permits", stdout=StringIO())
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted(ApplicationStatus.values)
    assert dict(Organisation.objects.values_list("name", "status")) == {
        "Optronique Zénobie SA": "approved",
        "Vlakveld Sensoren NV": "approved",
        "Kestrel Avionics Brussels SRL": "approved",
        "Nouvelle Balistique SRL": "pending",
    }
    year = timezone.localdate().year
    assert sorted(Licence.objects.values_list("number", flat=True)) == [f"BRU/{year}/0000{n}" for n in (1, 2, 3, 4)]
    denial = DenialNotification.objects.get()
    assert (denial.destination, denial.criteria) == ("KP", [1, 7])
    assert LicenceUseReport.objects.count() == 1
    overdue = Application.objects.get(status="under_assessment")
    assert Deadline.objects.get(pk=overdue.deadline_id).due_date == overdue.due_date
    assert overdue.due_date is not None and overdue.submitted_at is not None
    assert (overdue.due_date - timezone.localtime(overdue.submitted_at).date()).days == 60
    assert (timezone.localdate() - overdue.due_date).days == 75 - 60  # backdated: overdue by 15 days
    call_command("load_demo_permits", stdout=StringIO())  # second run: nothing more
    assert Application.objects.count() == 14
