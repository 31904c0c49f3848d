"""``manage.py bootstrap`` (what ``make run`` runs after ``migrate``): first run loads, later runs keep."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from brussels_international.directory.models import Person, PhoneNumber, Unit

pytestmark = pytest.mark.django_db


def test_bootstrap_loads_once_then_keeps_edits(settings):
    from django.utils import translation

    translation.activate("en")  # the loaders' reports are translated; read them in English
    settings.DEMO_MODE = True
    settings.DEBUG = True
    first = StringIO()
    call_command("bootstrap", stdout=first)
    assert Unit.objects.count() == 6
    assert Person.objects.count() == 30
    assert "demo-permits" in first.getvalue()
    assert Group.objects.count() == 8
    assert "Arms embargoes (arms-embargoes.csv): 48 created," in first.getvalue()
    # The invented demo watch list, loaded before the demo cases, which are screened at once: the
    # consignee of the case under assessment resembles its entry DEMO-001 (issue 5).
    from brussels_international.permits.models import Party
    from brussels_international.screening.models import Hit, ListVersion

    assert ListVersion.objects.filter(source="demo-watch-list", status="active").count() == 1
    caribou = Party.objects.get(name="Caribou Ridge Aerospace Ltd")
    assert caribou.application.status == "under_assessment"
    assert [(h.source, h.ref) for h in Hit.objects.filter(source="demo-watch-list")] == [
        ("demo-watch-list", "DEMO-001")
    ]
    assert Hit.objects.get(source="demo-watch-list").screening.subject == f"permits.party:{caribou.pk}"
    un_loaded = ListVersion.objects.filter(source="un", status="active").exists()
    assert un_loaded or "No UN sanctions list file at" in first.getvalue()

    claes = Person.objects.get(slug="anne-claes")
    PhoneNumber.objects.filter(person=claes).update(number="+3228003799")  # an edit made in the workspace

    second = StringIO()
    call_command("bootstrap", stdout=second)
    assert "Organisation data already in the database: kept." in second.getvalue()
    assert [p.number for p in claes.phones.all()] == ["+3228003799"]
    # One staff account per group, a second Permits officer and four portal accounts (permits demo).
    assert User.objects.filter(username__startswith="demo-").count() == 8 + 1 + 4
    assert "Permits demo data already there: kept." in second.getvalue()
    assert "Arms embargoes (arms-embargoes.csv): 0 created, 0 updated, 48 unchanged," in second.getvalue()
    assert ListVersion.objects.filter(source="demo-watch-list").count() == 1  # not loaded twice
    assert ListVersion.objects.filter(source="un").count() == (1 if un_loaded else 0)


def test_bootstrap_without_demo_mode_creates_no_account(settings):
    settings.DEMO_MODE = False
    call_command("bootstrap", stdout=StringIO())
    assert User.objects.count() == 0
