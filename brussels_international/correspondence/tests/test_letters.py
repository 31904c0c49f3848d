"""The correspondence demo module: registration, reference numbers, reply deadline, visibility,
assignment, answer and close, the screens, the demo data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry, Deadline, DeadlineStatus, NumberSequence, StatusChange
from brussels_international.core.registry import user_can_change, user_can_view
from brussels_international.core.tests.auth import staff_login
from brussels_international.core.workflow import TransitionError
from brussels_international.correspondence.models import Letter, LetterStatus
from brussels_international.correspondence.selectors import letters_visible_to
from brussels_international.correspondence.services import (
    REPLY_RULE,
    letter_answer,
    letter_assign,
    letter_close,
    letter_register,
)

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = "2026-06-15 10:00 +02:00"


def _member(username: str, group: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.invalid", "x" * 12, first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def org(unit_factory):  # type: ignore[no-untyped-def]
    """Two units with their groups, two permits officers, one bilateral officer, the director."""
    groups_setup()
    permits = unit_factory(name_en="Permits", staff_group="Permits")
    bilateral = unit_factory(name_en="Bilateral Relations", staff_group="Bilateral Relations")
    return {
        "permits": permits,
        "bilateral": bilateral,
        "anna": _member("anna", "Permits"),
        "bram": _member("bram", "Permits"),
        "carla": _member("carla", "Bilateral Relations"),
        "director": _member("dora", "Director"),
        "comms": _member("emil", "Communication"),
    }


def _register(org, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "actor": org["anna"],
        "unit": org["permits"],
        "subject": "Transit of night-vision goggles",
        "sender_name": "Nora Stein",
        "sender_organisation": "Stein Optics SRL",
        "received_on": D(2026, 4, 30),
    }
    values.update(overrides)
    return letter_register(**values)


@time_machine.travel(TODAY)
def test_register_gives_gap_free_references_per_year_and_the_reply_deadline(org):  # type: ignore[no-untyped-def]
    first = _register(org)
    second = _register(org, subject="Second")
    previous_year = _register(org, subject="Late registration", received_on=D(2025, 12, 30))

    assert [first.reference, second.reference, previous_year.reference] == [
        "COR-2026-0001",
        "COR-2026-0002",
        "COR-2025-0001",
    ]
    # 15 working days after Thursday 30 April 2026: 1 May (Labour Day), 8 May (Iris Day),
    # 14 May (Ascension) and 25 May (Whit Monday) are not counted.
    assert first.reply_due == D(2026, 5, 27)
    deadline = Deadline.objects.get(pk=first.deadline_id)
    assert (deadline.due_date, deadline.legal_basis, deadline.days, deadline.counting) == (
        D(2026, 5, 27),
        REPLY_RULE,
        15,
        "working",
    )
    assert deadline.responsible_group == Group.objects.get(name="Permits")
    assert deadline.responsible_user is None
    assert deadline.url == reverse("correspondence:detail", args=[first.pk])
    assert first.status == LetterStatus.RECEIVED
    assert (
        AuditEntry.objects.filter(object_id=str(first.pk), verb="created", object_repr__startswith="COR-").count() == 1
    )


@time_machine.travel(TODAY)
def test_bad_input_is_refused_with_the_field_and_nothing_is_stored(org):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        _register(org, subject="  ", sender_name="", received_on=D(2026, 6, 16))
    assert error.value.message_dict == {
        "subject": ["Saisissez l’objet de la lettre."],
        "sender_name": ["Indiquez qui a envoyé la lettre."],
        "received_on": ["La date de réception ne peut pas être dans le futur."],
    }
    # An officer from another unit: refused after the letter row was written, so it rolls back.
    with pytest.raises(ValidationError) as error:
        _register(org, officer=org["carla"])
    assert list(error.value.message_dict) == ["officer"]
    assert (Letter.objects.count(), Deadline.objects.count(), NumberSequence.objects.count()) == (0, 0, 0)
    assert _register(org).reference == "COR-2026-0001"  # no number was used up


@time_machine.travel(TODAY)
def test_only_staff_with_the_permission_register(org):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        _register(org, actor=org["comms"])
    assert Letter.objects.count() == 0


@time_machine.travel(TODAY)
def test_a_unit_sees_its_letters_the_director_all_others_none(org):  # type: ignore[no-untyped-def]
    permits_letter = _register(org)
    bilateral_letter = _register(org, actor=org["carla"], unit=org["bilateral"], subject="Twinning visit")

    def visible(user: User) -> list[str]:
        return sorted(letters_visible_to(user).values_list("reference", flat=True))

    assert visible(org["anna"]) == ["COR-2026-0001"]
    assert visible(org["carla"]) == ["COR-2026-0002"]
    assert visible(org["director"]) == ["COR-2026-0001", "COR-2026-0002"]
    assert visible(org["comms"]) == []
    assert user_can_view(org["anna"], permits_letter) is True
    assert user_can_view(org["anna"], bilateral_letter) is False
    assert user_can_change(org["anna"], permits_letter) is True
    assert user_can_change(org["carla"], permits_letter) is False


@time_machine.travel(TODAY)
def test_assign_answer_close_move_the_status_and_the_deadline(org):  # type: ignore[no-untyped-def]
    letter = _register(org)
    letter = letter_assign(actor=org["anna"], letter=letter, officer=org["bram"])
    assert (letter.status, letter.assigned_to) == (LetterStatus.ASSIGNED, org["bram"])
    deadline = Deadline.objects.get(pk=letter.deadline_id)
    assert deadline.responsible_user == org["bram"]

    with pytest.raises(TransitionError) as refused:
        letter_answer(actor=org["carla"], letter=letter, answered_on=D(2026, 6, 1))
    assert str(refused.value) == "Seul l’agent responsable ou le personnel de l’unité peut enregistrer la réponse."
    with pytest.raises(ValidationError) as error:
        letter_answer(actor=org["bram"], letter=letter, answered_on=D(2026, 4, 1))
    assert error.value.message_dict == {"answered_on": ["La réponse ne peut pas être antérieure à la lettre."]}

    letter = letter_answer(actor=org["bram"], letter=letter, answered_on=D(2026, 6, 1), note="Sent by e-mail")
    assert (letter.status, letter.answered_on) == (LetterStatus.ANSWERED, D(2026, 6, 1))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.DONE

    with pytest.raises(PermissionDenied):
        letter_close(actor=org["comms"], letter=letter)
    letter = letter_close(actor=org["anna"], letter=letter)
    moves = list(
        StatusChange.objects.filter(object_id=str(letter.pk), object_type__model="letter").values_list(
            "from_status", "to_status", "actor__username"
        )
    )
    assert moves == [("received", "assigned", "anna"), ("assigned", "answered", "bram"), ("answered", "closed", "anna")]
    with pytest.raises(ValidationError):
        letter_assign(actor=org["anna"], letter=letter, officer=org["bram"])


@time_machine.travel(TODAY)
def test_the_screens_register_show_and_hide_letters(org, client: Client):  # type: ignore[no-untyped-def]
    staff_login(client, org["anna"])
    response = client.post(
        reverse("correspondence:create"),
        {"subject": "", "sender_name": "Nora Stein", "received_on": "2026-06-20", "unit": org["permits"].pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Il y a un problème" in page
    assert "La date de réception ne peut pas être dans le futur." in page
    assert Letter.objects.count() == 0

    response = client.post(
        reverse("correspondence:create"),
        {
            "subject": "Transit question",
            "sender_name": "Nora Stein",
            "received_on": "2026-06-10",
            "unit": org["permits"].pk,
        },
    )
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("correspondence:detail", args=[letter.pk])
    page = client.get(response["Location"]).content.decode()
    assert "COR-2026-0001" in page and "Transit question" in page

    response = client.post(
        reverse("correspondence:detail", args=[letter.pk]), {"action": "assign", "officer": org["bram"].pk}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.assigned_to) == (LetterStatus.ASSIGNED, org["bram"])

    listing = client.get(reverse("correspondence:list"), {"status": "assigned"}).content.decode()
    assert "COR-2026-0001" in listing

    staff_login(client, org["carla"])  # another unit: the letter does not exist for her
    assert client.get(reverse("correspondence:detail", args=[letter.pk])).status_code == 404
    assert "COR-2026-0001" not in client.get(reverse("correspondence:list")).content.decode()
    staff_login(client, org["comms"])  # no letters at all for the Communication team
    refused = client.get(reverse("correspondence:list"))
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))


@time_machine.travel(TODAY)
def test_list_query_count_does_not_grow_with_the_letters(org, client: Client, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    for n in range(30):
        _register(org, subject=f"Letter {n}", officer=org["bram"])
    staff_login(client, org["director"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("correspondence:list"))
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 25


def test_demo_letters_cover_every_status_and_only_in_demo_mode(org, settings):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError):
        call_command("load_demo_correspondence")
    settings.DEBUG = settings.DEMO_MODE = True
    call_command("create_demo_accounts")
    from brussels_international.directory.models import Unit

    for group in ("Bilateral Relations", "Multilateral and Europe", "EU Delegation", "Finance and Travel", "Director"):
        Unit.objects.get_or_create(
            slug=group.lower().replace(" ", "-"), defaults={"staff_group": group, "name_en": group}
        )
    call_command("load_demo_correspondence")
    counts = {status: Letter.objects.filter(status=status).count() for status in LetterStatus.values}
    assert counts == {"received": 3, "assigned": 4, "answered": 2, "closed": 2}
    call_command("load_demo_correspondence")  # second run: nothing more
    assert Letter.objects.count() == 11


@time_machine.travel(TODAY)
def test_the_officer_put_in_charge_is_told_in_their_language_after_the_commit(
    org, mailoutbox, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from wagtail.users.models import UserProfile

    from brussels_international.core.models import Notification

    org["bram"].email = "bram@example.invalid"
    org["bram"].save()
    profile = UserProfile.get_for_user(org["bram"])
    profile.preferred_language = "nl"
    profile.save()
    letter = _register(org)
    with django_capture_on_commit_callbacks(execute=True):
        letter_assign(actor=org["anna"], letter=letter, officer=org["bram"])
    notification = Notification.objects.get(recipient=org["bram"])
    assert notification.kind == "letter_assigned"
    assert notification.title == "Brief COR-2026-0001 door u te beantwoorden: Transit of night-vision goggles"
    assert notification.url == reverse("correspondence:detail", args=[letter.pk])
    assert [mail.subject for mail in mailoutbox] == [notification.title]
    assert "Antwoord verwacht op: 27 mei 2026" in mailoutbox[0].body
    letter_assign(actor=org["bram"], letter=letter, officer=org["bram"])  # taking it oneself: nobody to tell
    assert Notification.objects.filter(recipient=org["bram"]).count() == 1


@time_machine.travel(TODAY)
def test_reopen_puts_the_letter_and_its_deadline_back(org):  # type: ignore[no-untyped-def]
    from brussels_international.correspondence.services import letter_reopen

    letter = _register(org, officer=org["bram"])
    letter = letter_answer(actor=org["bram"], letter=letter, answered_on=D(2026, 6, 1))
    letter = letter_reopen(actor=org["anna"], letter=letter, note="Follow-up asked")
    assert (letter.status, letter.answered_on) == (LetterStatus.ASSIGNED, None)
    assert Deadline.objects.get(pk=letter.deadline_id).status == DeadlineStatus.OPEN
    with pytest.raises(TransitionError):
        letter_reopen(actor=org["anna"], letter=letter)


@time_machine.travel(TODAY)
def test_a_letters_deadline_is_met_through_the_letter_not_from_the_home_panel(org, client: Client):  # type: ignore[no-untyped-def]
    letter = _register(org, officer=org["bram"])
    staff_login(client, org["bram"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("core_deadline_complete", args=[letter.deadline_id]) not in home
    refused = client.post(reverse("core_deadline_complete", args=[letter.deadline_id]), {"note": ""})
    assert (refused.status_code, refused["Location"]) == (302, reverse("correspondence:detail", args=[letter.pk]))
    assert Deadline.objects.get(pk=letter.deadline_id).status == DeadlineStatus.OPEN


@time_machine.travel(TODAY)
def test_an_answer_date_before_the_letter_is_shown_next_to_the_field(org, client: Client):  # type: ignore[no-untyped-def]
    letter = _register(org, officer=org["bram"])
    staff_login(client, org["bram"])
    response = client.post(
        reverse("correspondence:detail", args=[letter.pk]), {"action": "answer", "answered_on": "2026-04-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<p class="error-message" id="id_answered_on-error">La réponse ne peut pas être antérieure à la lettre.</p>'
        in page
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ASSIGNED


@time_machine.travel(TODAY)
def test_the_deadline_services_refuse_a_letters_deadline_outside_the_letter(org):  # type: ignore[no-untyped-def]
    from brussels_international.core.deadline_services import deadline_complete

    letter = _register(org, officer=org["bram"])
    with pytest.raises(TransitionError) as refused:
        deadline_complete(actor=org["bram"], deadline=Deadline.objects.get(pk=letter.deadline_id))
    assert str(refused.value) == "Cette échéance se règle dans son dossier : enregistrez l’étape là-bas."
    assert Deadline.objects.get(pk=letter.deadline_id).status == DeadlineStatus.OPEN
