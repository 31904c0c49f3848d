"""Every workspace screen of the platform, with each group's user and with an anonymous user,
checked against a written matrix: "ok" (200), "home" (refused: back to the workspace home with a
message), "login" (sent to the sign-in page).

Wagtail's own screens that staff use daily (home, pages, account) are in the matrix too; the
directory's per-model screens are covered model by model in ``core/tests/test_groups.py``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from brussels_international.core.groups import GROUPS, groups_setup
from brussels_international.directory.models import Partner, Person

pytestmark = pytest.mark.django_db

GROUP_NAMES = [spec.name for spec in GROUPS]
EVERYONE = dict.fromkeys(GROUP_NAMES, "ok")


def only(*allowed: str) -> dict[str, str]:
    return {name: ("ok" if name in allowed else "home") for name in GROUP_NAMES}


PEOPLE_EDITORS = only("Administrator", "Director", "Communication")

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
    ("wagtailsnippets_core_auditentry:list", None, only("Administrator")),
    ("wagtailusers_users:index", None, only("Administrator")),
    ("wagtailusers_groups:index", None, only("Administrator")),
]


@pytest.fixture
def objects() -> dict[str, object]:
    groups_setup()
    return {
        "person": Person.objects.create(slug="jane-doe", given_name="Jane", family_name="Doe"),
        "partner": Partner.objects.create(
            slug="prague", kind="city", country="CZ", latitude=50.08, longitude=14.42,
            name_fr="Prague", name_nl="Praag", name_en="Prague",
        ),
    }  # fmt: skip


def answer(response) -> str:
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"):
        return "home"
    if response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login")):
        return "login"
    return str(response.status_code)


def url_for(name: str, key: str | None, objects: dict[str, object]) -> str:
    return reverse(name, args=[objects[key].pk] if key else [])


@pytest.mark.parametrize("group_name", GROUP_NAMES)
def test_each_group_gets_what_the_matrix_says(group_name, objects):
    user = User.objects.create_user(f"member-of-{group_name.lower().replace(' ', '-')}", password="x" * 12,
                                    first_name="A", last_name="B")  # fmt: skip
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    seen = {name: answer(client.get(url_for(name, key, objects))) for name, key, _ in MATRIX}
    assert seen == {name: expected[group_name] for name, _, expected in MATRIX}


def test_anonymous_users_are_sent_to_sign_in(objects):
    client = Client()
    seen = {name: answer(client.get(url_for(name, key, objects))) for name, key, _ in MATRIX}
    assert seen == dict.fromkeys(seen, "login")
