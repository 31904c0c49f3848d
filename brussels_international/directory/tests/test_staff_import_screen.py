"""The staff-list import screen of the workspace: upload, preview (nothing written), confirm."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry
from brussels_international.directory.models import Person, Unit

pytestmark = pytest.mark.django_db

URL = "/admin/directory/import-staff/"
GOOD = (
    "employee_number,given_name,family_name,unit,title_en,phone\n"
    "E-100,Nadia,Nouvelle,permits,Case manager,02/800 37 70\n"
    "E-101,Jef,Willems,Permits,Case manager,\n"
)


@pytest.fixture
def officer(client, staff_login) -> User:
    groups_setup()
    Unit.objects.create(
        slug="permits", staff_group="Permits", name_fr="Unité Licences", name_nl="Cel Vergunningen", name_en="Permits"
    )
    Person.objects.create(slug="jef-willems", given_name="Jef", family_name="Willems")
    user = User.objects.create_user("officer", password="x" * 12)
    user.groups.add(Group.objects.get(name="Communication"))
    staff_login(client, user)
    return user


def upload(client, content: str, name: str = "staff.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content.encode("utf-8"), "text/csv")})


def test_preview_writes_nothing_then_confirm_imports(client, officer):
    preview = upload(client, GOOD)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "1 à créer, 1 à mettre à jour, 0 inchangé(s)." in html  # the workspace speaks French by default
    assert "Ligne 2 : Nadia Nouvelle créé(e), dans Unité Licences" in html
    assert "Ligne 3 : Jef Willems : nouvelle fonction dans Unité Licences" in html
    assert Person.objects.count() == 1
    assert AuditEntry.objects.count() == 0
    token = preview.context["token"]

    done = client.post(URL, {"confirm": "1", "token": token})
    assert done.status_code == 302
    assert done["Location"] == reverse("wagtailsnippets_directory_person:list")
    nadia = Person.objects.get(family_name="Nouvelle")
    assert (nadia.employee_number, [p.number for p in nadia.phones.all()]) == ("E-100", ["+3228003770"])
    assert Person.objects.get(slug="jef-willems").employee_number == "E-101"
    assert AuditEntry.objects.filter(actor=officer).count() == 2

    again = client.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert "Cet aperçu a expiré ou a déjà été utilisé" in again.content.decode()
    assert Person.objects.count() == 2


def test_bad_file_lists_every_problem_and_writes_nothing(client, officer):
    bad = "employee_number,given_name,family_name,unit,phone\nE-1,Ann,Smith,nowhere,12\nE-1,,Doe,permits,\n"
    response = upload(client, bad)
    assert response.status_code == 200
    issues = [str(i) for i in response.context["issues"]]
    assert issues == [
        "Ligne 2, colonne « unit » : Unité inconnue « nowhere » : indiquez le slug de l’unité ou le nom "
        "d’un groupe du personnel.",
        "Ligne 2, colonne « phone » : « 12 » n’est pas un numéro de téléphone valide.",
        "Ligne 3, colonne « employee_number » : Le matricule « E-1 » est déjà utilisé à la ligne 2.",
        "Ligne 3, colonne « given_name » : Cette cellule est obligatoire.",
    ]
    assert "Rien n’a été écrit." in response.content.decode()
    assert Person.objects.count() == 1
    assert "token" not in response.context


def test_cancel_writes_nothing(client, officer):
    preview = upload(client, GOOD)
    response = client.post(URL, {"cancel": "1", "token": preview.context["token"]}, follow=True)
    assert "rien n’a été modifié" in response.content.decode()
    assert Person.objects.count() == 1


def test_wrong_file_type_is_refused(client, officer):
    response = upload(client, "not a spreadsheet", name="staff.pdf")
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Choisissez un fichier .csv ou .xlsx."]}


def test_only_people_editors_may_import(client, staff_login):
    groups_setup()
    user = User.objects.create_user("permits-officer", password="x" * 12)
    user.groups.add(Group.objects.get(name="Permits"))
    staff_login(client, user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
