"""Every workspace screen of the platform, with each group's user and with an anonymous user,
checked against a written matrix: "ok" (200), "home" (refused: back to the workspace home with a
message), "login" (sent to the sign-in page), "404" (someone else's notification, a letter of
another unit: as if absent) or another status code ("403": the dossier documents' screens refuse
a user who may see the record but not change it).

Group users are signed in with a verified two-factor session (``staff_login``); a signed-in user
who has not given a code is sent to the two-factor step from every screen of the matrix.

Wagtail's own screens that staff use daily (home, pages, account) are in the matrix too; the
directory's per-model screens are covered model by model in ``core/tests/test_groups.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from brussels_international.core.deadline_services import deadline_complete, deadline_register
from brussels_international.core.documents import document_delete, document_upload
from brussels_international.core.groups import GROUPS, groups_setup
from brussels_international.core.notifications import notify
from brussels_international.core.tests.auth import TEST_KEY, staff_login
from brussels_international.core.two_factor import with_next
from brussels_international.correspondence.models import Letter
from brussels_international.directory.models import Partner, Person, Unit
from brussels_international.newsletter.models import Campaign, Subscriber
from brussels_international.permits.services import control_list_load_csv
from brussels_international.permits.tests.factories import ApplicationFactory, submitted

pytestmark = pytest.mark.django_db

GROUP_NAMES = [spec.name for spec in GROUPS]
CURATED_MILITARY_LIST = Path(apps.get_app_config("permits").path) / "data" / "military-list-categories.csv"
EVERYONE = dict.fromkeys(GROUP_NAMES, "ok")


def only(*allowed: str, refused: str = "home") -> dict[str, str]:
    return {name: ("ok" if name in allowed else refused) for name in GROUP_NAMES}


PEOPLE_EDITORS = only("Administrator", "Director", "Communication")
COMMUNICATION = only("Communication")
LETTER_UNITS = {**only(*(n for n in GROUP_NAMES if n != "Communication"))}
# A letter of the Permits unit: other units get 404 (its existence is not revealed).
PERMITS_LETTER = {
    **dict.fromkeys(GROUP_NAMES, "404"),
    "Administrator": "ok", "Director": "ok", "Permits": "ok", "Communication": "home",
}  # fmt: skip

# Licensing: the Permits unit works the cases, the Director reads them; a case or an organisation
# answers 404 to the others (its existence is not revealed); issuing needs the decision permission.
LICENSING = only("Director", "Permits")
LICENSING_RECORD = {**dict.fromkeys(GROUP_NAMES, "404"), "Director": "ok", "Permits": "ok"}
LICENSING_ISSUE = {**dict.fromkeys(GROUP_NAMES, "404"), "Director": "home", "Permits": "ok"}

PARTNER_DOCUMENT_EDITORS = only("Administrator", "Director", "Bilateral Relations", refused="403")

# url name, args key, expected answer per group.
MATRIX: list[tuple[str, str | None, dict[str, str]]] = [
    ("wagtailadmin_home", None, EVERYONE),
    ("wagtailadmin_account", None, EVERYONE),
    ("wagtailadmin_explore_root", None, PEOPLE_EDITORS),  # the groups that edit public pages
    ("core_calendar_feed", None, EVERYONE),
    ("core_search", None, EVERYONE),  # the workspace search: every group; results follow each kind's rule
    ("directory_staff_import", None, PEOPLE_EDITORS),
    ("wagtailsnippets_directory_person:list", None, EVERYONE),
    ("wagtailsnippets_directory_person:add", None, PEOPLE_EDITORS),
    ("wagtailsnippets_directory_person:edit", "person", PEOPLE_EDITORS),
    ("wagtailsnippets_directory_person:history", "person", PEOPLE_EDITORS),  # Wagtail: history needs "change"
    ("wagtailsnippets_directory_person:delete", "person", only("Administrator")),
    ("wagtailsnippets_directory_partner:add", None, only("Administrator", "Director", "Bilateral Relations")),
    ("wagtailsnippets_directory_partner:edit", "partner", only("Administrator", "Director", "Bilateral Relations")),
    ("wagtailsnippets_directory_partner:inspect", "partner", EVERYONE),  # with the partner's documents
    ("core_document_download", "document", EVERYONE),
    ("core_document_upload", "partner_documents", PARTNER_DOCUMENT_EDITORS),
    ("core_document_delete", "document", PARTNER_DOCUMENT_EDITORS),
    ("core_document_restore", "deleted_document", PARTNER_DOCUMENT_EDITORS),
    ("wagtailsnippets_core_auditentry:list", None, only("Administrator")),
    ("wagtailusers_users:index", None, only("Administrator")),
    ("wagtailusers_groups:index", None, only("Administrator")),
    ("correspondence:list", None, LETTER_UNITS),
    ("correspondence:create", None, LETTER_UNITS),
    ("correspondence:detail", "letter", PERMITS_LETTER),
    ("core_notifications", None, EVERYONE),
    ("core_notification_open", "notification", dict.fromkeys(GROUP_NAMES, "404")),  # someone else's
    ("core_deadline_complete", "deadline", only("Permits")),  # the unit responsible for it
    ("core_deadline_reopen", "done_deadline", only("Permits")),
    ("background_tasks:index", None, only("Administrator")),
    ("background_tasks:inspect", "failed_task", only("Administrator")),
    ("background_tasks:retry", "failed_task", only("Administrator")),
    ("core_2fa_device", None, EVERYONE),
    ("core_2fa_setup", None, EVERYONE),  # verified: may replace their device
    ("core_2fa_verify", None, dict.fromkeys(GROUP_NAMES, "home")),  # already verified: straight to `next` (home)
    ("core_2fa_reset", "user", only("Administrator")),  # those who manage accounts (auth.change_user)
    ("permits:control_lists", None, EVERYONE),  # reference data: every group may view the control lists
    ("permits:control_list_tree", "control_list", EVERYONE),
    ("permits:control_list_entry", "control_list_entry", EVERYONE),
    ("permits_cases:queue", None, LICENSING),
    ("permits_cases:case", "application", LICENSING_RECORD),
    ("permits_cases:issue", "application", LICENSING_ISSUE),
    ("permits_cases:organisations", None, LICENSING),
    ("permits_cases:organisation", "organisation", LICENSING_RECORD),
    ("permits_cases:denials", None, LICENSING),
    ("permits_cases:denials_csv", None, LICENSING),
    # Communication (issue 6): the newsletter and the blog's categories are the Communication team's.
    ("newsletter_campaigns:list", None, COMMUNICATION),
    ("newsletter_campaigns:create", None, COMMUNICATION),
    ("newsletter_campaigns:detail", "campaign", COMMUNICATION),
    ("newsletter-subscribers:index", None, COMMUNICATION),
    ("newsletter-subscribers:inspect", "subscriber", COMMUNICATION),
    ("newsletter-subscribers:delete", "subscriber", COMMUNICATION),
    ("wagtailsnippets_newsletter_topic:list", None, COMMUNICATION),
    ("wagtailsnippets_newsletter_topic:add", None, COMMUNICATION),
    ("wagtailsnippets_website_blogcategory:list", None, COMMUNICATION),
]


@pytest.fixture
def objects(settings, tmp_path) -> dict[str, object]:
    groups_setup()
    permits_unit = Unit.objects.create(slug="permits", name_en="Permits", staff_group="Permits")
    permits = Group.objects.get(name="Permits")
    owner = User.objects.create_user("owner-of-the-notification")
    owner.groups.add(permits)
    done = deadline_register(
        actor=None, title="Done", legal_basis="", due=dt.date(2026, 5, 4), responsible_group=permits
    )
    deadline_complete(actor=owner, deadline=done)
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    partner = Partner.objects.create(
        slug="prague", kind="city", country="CZ", latitude=50.08, longitude=14.42,
        name_fr="Prague", name_nl="Praag", name_en="Prague",
    )  # fmt: skip
    document, deleted = (
        document_upload(actor=None, dossier=partner, uploaded_file=SimpleUploadedFile(name, b"Signed."))
        for name in ("agreement.txt", "draft.txt")
    )
    document_delete(actor=None, document=deleted)
    control_list_load_csv(actor=None, regime="military", path=CURATED_MILITARY_LIST, valid_from=dt.date(2026, 1, 1))
    application = submitted(ApplicationFactory(), reference="APP-2026-00001")
    return {
        "application": application,
        "organisation": application.organisation,
        "letter": Letter.objects.create(
            reference="COR-2026-0001",
            subject="Transit question",
            sender_name="Nora Stein",
            received_on="2026-06-01",
            unit=permits_unit,
        ),
        "notification": notify(recipient=owner, kind="deadline_assigned", context={"deadline": done}, mail=False),
        "deadline": deadline_register(
            actor=None, title="Open", legal_basis="", due=dt.date(2026, 5, 4), responsible_group=permits
        ),
        "done_deadline": done,
        "failed_task": DBTaskResult.objects.create(
            task_path="brussels_international.core.tasks.send_deadline_reminders",
            args_kwargs={"args": ["2026-05-04"], "kwargs": {}},
            backend_name="default",
            status="FAILED",
            exception_class_path="smtplib.SMTPServerDisconnected",
            traceback="Traceback (most recent call last): ...",
        ),
        "person": Person.objects.create(slug="jane-doe", given_name="Jane", family_name="Doe"),
        "partner": partner,
        "partner_documents": (ContentType.objects.get_for_model(Partner).pk, partner.pk),
        "document": document,
        "deleted_document": deleted,
        "user": User.objects.create_user("colleague", password="x" * 12),
        "control_list": ("military",),
        "control_list_entry": ("military", "ML1"),
        "campaign": Campaign.objects.create(
            title="Letter", subject_fr="Lettre", subject_nl="Brief", subject_en="Letter"
        ),
        "subscriber": Subscriber.objects.create(email="reader@example.org", language="nl", status="active"),
    }


def answer(response) -> str:
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"):
        return "home"
    if response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login")):
        return "login"
    return str(response.status_code)


def url_for(name: str, key: str | None, objects: dict[str, object]) -> str:
    if key is None:
        return reverse(name)
    target = objects[key]
    return reverse(name, args=target if isinstance(target, tuple) else [target.pk])


@pytest.mark.parametrize("group_name", GROUP_NAMES)
def test_each_group_gets_what_the_matrix_says(group_name, objects):
    user = User.objects.create_user(f"member-of-{group_name.lower().replace(' ', '-')}", password="x" * 12,
                                    first_name="A", last_name="B")  # fmt: skip
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    staff_login(client, user)
    seen = {name: answer(client.get(url_for(name, key, objects))) for name, key, _ in MATRIX}
    assert seen == {name: expected[group_name] for name, _, expected in MATRIX}


def test_anonymous_users_are_sent_to_sign_in(objects):
    client = Client()
    seen = {name: answer(client.get(url_for(name, key, objects))) for name, key, _ in MATRIX}
    assert seen == dict.fromkeys(seen, "login")


def unverified_client(group_name: str, *, with_device: bool) -> Client:
    user = User.objects.create_user("unverified", password="x" * 12)
    user.groups.add(Group.objects.get(name=group_name))
    if with_device:
        TOTPDevice.objects.create(user=user, name="phone", key=TEST_KEY, confirmed=True)
    client = Client()
    client.force_login(user)  # the password step only
    return client


@pytest.mark.parametrize("group_name", GROUP_NAMES)
def test_a_user_who_has_not_given_a_code_is_sent_to_verify_from_every_screen(group_name, objects):
    client = unverified_client(group_name, with_device=True)
    seen = {name: client.get(url_for(name, key, objects)) for name, key, _ in MATRIX}
    assert {name: (r.status_code, r.get("Location")) for name, r in seen.items()} == {
        name: (
            (200, None)
            if name == "core_2fa_verify"
            # a password alone never reaches the set-up page of someone who has a device
            else (302, with_next("core_2fa_verify", "/admin/"))
            if name == "core_2fa_setup"
            else (302, with_next("core_2fa_verify", url_for(name, key, objects)))
        )
        for name, key, _ in MATRIX
    }


@pytest.mark.parametrize("group_name", GROUP_NAMES)
def test_a_user_without_a_device_is_sent_to_set_up_from_every_screen(group_name, objects):
    client = unverified_client(group_name, with_device=False)
    seen = {name: client.get(url_for(name, key, objects)) for name, key, _ in MATRIX}
    assert {name: (r.status_code, r.get("Location")) for name, r in seen.items()} == {
        name: (
            (200, None)
            if name == "core_2fa_setup"
            else (302, with_next("core_2fa_setup", "/admin/"))
            if name == "core_2fa_verify"
            else (302, with_next("core_2fa_setup", url_for(name, key, objects)))
        )
        for name, key, _ in MATRIX
    }
