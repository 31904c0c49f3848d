"""Which workspace group may change what: the matrix of core/groups.py, checked over HTTP."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from brussels_international.core.groups import GROUPS, groups_setup
from brussels_international.core.tests.auth import staff_login
from brussels_international.directory.models import (
    Directorate,
    EUProgramme,
    InternationalOrganisation,
    Network,
    Partner,
    Person,
    Topic,
    Unit,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "directorate": Directorate,
    "person": Person,
    "unit": Unit,
    "partner": Partner,
    "network": Network,
    "internationalorganisation": InternationalOrganisation,
    "euprogramme": EUProgramme,
    "topic": Topic,
}

# The written matrix: which directory records each group may edit (change screen answers 200).
# Everyone in a group may open the workspace and view every directory record.
MAY_EDIT = {
    "Administrator": set(MODELS),
    "Director": set(MODELS),
    "Communication": {"person", "unit", "directorate"},
    "Bilateral Relations": {"partner"},
    "Multilateral and Europe": {"network", "internationalorganisation", "euprogramme", "topic"},
    "EU Delegation": {"topic"},
    "Finance and Travel": set(),
    "Permits": set(),
}
MAY_DELETE = {"Administrator": set(MODELS)}


@pytest.fixture
def records() -> dict[str, object]:
    names = {"name_fr": "x", "name_nl": "x", "name_en": "x"}
    return {
        "directorate": Directorate.objects.create(slug="bi", **names),
        "person": Person.objects.create(slug="jane-doe", given_name="Jane", family_name="Doe"),
        "unit": Unit.objects.create(slug="permits", name_fr="Permis", name_nl="Vergunningen", name_en="Permits"),
        "partner": Partner.objects.create(
            slug="prague", kind="city", country="CZ", latitude=50.08, longitude=14.42, **names
        ),
        "network": Network.objects.create(slug="eurocities", **names),
        "internationalorganisation": InternationalOrganisation.objects.create(slug="oecd", **names),
        "euprogramme": EUProgramme.objects.create(slug="urbact", **names),
        "topic": Topic.objects.create(slug="tourism", **names),
    }


def client_for(group_name: str | None) -> Client:
    client = Client()
    if group_name is not None:
        user = User.objects.create_user(f"user-{User.objects.count()}", password="x" * 12)
        user.groups.add(Group.objects.get(name=group_name))
        staff_login(client, user)
    return client


def edit_url(model_name: str, pk: int) -> str:
    return reverse(f"wagtailsnippets_directory_{model_name}:edit", args=[pk])


def test_groups_setup_is_idempotent():
    assert groups_setup() == [spec.name for spec in GROUPS]
    assert groups_setup() == []
    assert Group.objects.count() == len(GROUPS) == 8


@pytest.mark.parametrize("group_name", list(MAY_EDIT))
def test_group_matrix(group_name, records):
    groups_setup()
    client = client_for(group_name)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    for model_name, obj in records.items():
        listing = client.get(reverse(f"wagtailsnippets_directory_{model_name}:list"))
        assert listing.status_code == 200, (group_name, model_name, "list")
        response = client.get(edit_url(model_name, obj.pk))
        expected = 200 if model_name in MAY_EDIT[group_name] else 302
        assert response.status_code == expected, (group_name, model_name, response.status_code)
        if expected == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
        delete = client.get(reverse(f"wagtailsnippets_directory_{model_name}:delete", args=[obj.pk]))
        assert delete.status_code == (200 if model_name in MAY_DELETE.get(group_name, ()) else 302)


def test_anonymous_is_sent_to_login(records):
    response = Client().get(edit_url("person", records["person"].pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_user_without_group_cannot_enter_the_workspace():
    client = Client()
    staff_login(client, User.objects.create_user("outsider", password="x" * 12))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_only_administrators_read_the_audit_trail():
    groups_setup()
    url = reverse("wagtailsnippets_core_auditentry:list")
    admin_client = client_for("Administrator")
    assert admin_client.get(url).status_code == 200
    assert client_for("Director").get(url).status_code == 302
    assert admin_client.get(reverse("wagtailsnippets_core_auditentry:add")).status_code == 302


@pytest.mark.parametrize(
    ("model_name", "query"),
    [
        ("person", "Doe"),
        ("partner", "x"),
        ("network", "x"),
        ("internationalorganisation", "x"),
        ("euprogramme", "x"),
        ("topic", "x"),
    ],
)
def test_workspace_listing_search_finds_the_record(records, model_name, query):
    groups_setup()
    client = client_for("Administrator")
    response = client.get(reverse(f"wagtailsnippets_directory_{model_name}:list"), {"q": query})
    assert response.status_code == 200
    assert reverse(f"wagtailsnippets_directory_{model_name}:edit", args=[records[model_name].pk]) in (
        response.content.decode()
    )
    nothing = client.get(reverse(f"wagtailsnippets_directory_{model_name}:list"), {"q": "zzzz-nothing"})
    assert nothing.status_code == 200
    assert reverse(f"wagtailsnippets_directory_{model_name}:edit", args=[records[model_name].pk]) not in (
        nothing.content.decode()
    )


def test_audit_trail_is_read_only_even_for_superusers():
    root = User.objects.create_superuser("root", password="x" * 12)
    client = Client()
    staff_login(client, root)
    assert client.get(reverse("wagtailsnippets_core_auditentry:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_core_auditentry:add")).status_code == 302
    person = Person.objects.create(slug="p", given_name="P", family_name="Q")
    from django.db import transaction

    from brussels_international.core.services import audit_record

    with transaction.atomic():
        entry = audit_record(actor=root, verb="updated", obj=person, payload={"changes": {"family_name": ["Q", "R"]}})
    assert client.get(reverse("wagtailsnippets_core_auditentry:edit", args=[entry.pk])).status_code == 302
    assert client.get(reverse("wagtailsnippets_core_auditentry:delete", args=[entry.pk])).status_code == 302
    inspect = client.get(reverse("wagtailsnippets_core_auditentry:inspect", args=[entry.pk]))
    assert inspect.status_code == 200
    assert "family_name: Q → R" in inspect.content.decode()


@pytest.mark.parametrize(
    ("model_name", "query"),
    [("person", "gerard"), ("person", "GÉRARD"), ("person", "Gerhard Pierre"), ("person", "800 37 48"),
     ("partner", "Kiev"), ("partner", "київ"), ("network", "AER")],
)  # fmt: skip
def test_workspace_search_ignores_accents_and_knows_other_names(model_name, query):
    from brussels_international.directory.models import PhoneNumber

    gerard = Person.objects.create(slug="pierre-gerard", given_name="Pierre", family_name="Gérard",
                                   aliases=["Gerhard Pierre"])  # fmt: skip
    PhoneNumber.objects.create(person=gerard, number="+3228003748")
    kyiv = Partner.objects.create(slug="kyiv", kind="city", country="UA", latitude=50.45, longitude=30.52,
                                  name_fr="Kyiv", name_nl="Kyiv", name_en="Kyiv", aliases=["Kiev", "Київ"])  # fmt: skip
    aer = Network.objects.create(slug="aer", name_fr="Assemblée des régions d’Europe", name_nl="Vergadering",
                                 name_en="Assembly of European Regions", acronym="AER")  # fmt: skip
    target = {"person": gerard, "partner": kyiv, "network": aer}[model_name]
    groups_setup()
    response = client_for("Administrator").get(reverse(f"wagtailsnippets_directory_{model_name}:list"), {"q": query})
    assert response.status_code == 200
    assert reverse(f"wagtailsnippets_directory_{model_name}:edit", args=[target.pk]) in response.content.decode()
