"""``load_organisation``: the reviewed data file, loaded idempotently, all or nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from brussels_international.core.models import AuditEntry, AuditVerb
from brussels_international.directory.directorate import directorate_facts
from brussels_international.directory.models import (
    Directorate,
    EUProgramme,
    InternationalOrganisation,
    Network,
    Partner,
    Person,
    PhoneNumber,
    Role,
    Topic,
    Unit,
)
from brussels_international.directory.services import DEFAULT_DATA_FILE, OrganisationDataError, organisation_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the default language of the project is French)."""
    with translation.override("en"):
        yield


ORIGINAL = DEFAULT_DATA_FILE.read_text(encoding="utf-8")


def variant(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of the data file with each ``(old, new)`` text replaced exactly once."""
    text = ORIGINAL
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "organisation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def db_state() -> dict[str, object]:
    return {
        "units": sorted(Unit.objects.values_list("slug", "name_en")),
        "people": sorted(Person.objects.values_list("slug", "given_name", "family_name")),
        "phones": sorted(PhoneNumber.objects.values_list("person__slug", "number")),
        "roles": sorted(Role.objects.values_list("person__slug", "unit__slug", "title_en", "is_head")),
        "role_partners": sorted(Role.partners.through.objects.values_list("role_id", "partner__slug")),
        "partners": sorted(Partner.objects.values_list("slug", "has_agreement")),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def loaded():
    return organisation_load(actor=None)


def test_first_load_creates_every_object_of_the_file(loaded):
    assert Unit.objects.count() == 6
    assert list(Unit.objects.values_list("slug", "kind", "number", "staff_group")) == [
        ("direction", "direction", None, "Director"),
        ("bilateral-relations", "unit", 1, "Bilateral Relations"),
        ("multilateral-relations-and-europe", "unit", 2, "Multilateral and Europe"),
        ("eu-delegation", "unit", 3, "EU Delegation"),
        ("finance-and-travel", "unit", 4, "Finance and Travel"),
        ("permits", "unit", 5, "Permits"),
    ]
    assert Person.objects.count() == 30
    assert Role.objects.count() == 36
    assert PhoneNumber.objects.count() == 30
    assert Partner.objects.filter(has_agreement=True).count() == 23
    assert sorted(Partner.objects.filter(has_agreement=False).values_list("slug", flat=True)) == [
        "brasilia",
        "sofia",
        "suriname",
    ]
    assert Network.objects.count() == 6
    assert InternationalOrganisation.objects.count() == 6
    assert EUProgramme.objects.count() == 4
    assert Topic.objects.filter(kind=Topic.Kind.TOPIC).count() == 11
    assert Topic.objects.filter(kind=Topic.Kind.EU_POLICY_AREA).count() == 12
    assert loaded.changed is True
    assert loaded.counts["Person"].created == 30
    assert loaded.warnings == []
    assert AuditEntry.objects.filter(verb=AuditVerb.CREATED).count() == 6 + 26 + 6 + 6 + 4 + 23 + 30 + 1
    assert AuditEntry.objects.filter(verb=AuditVerb.LOADED).count() == 1


def test_people_are_clean_one_per_human_being(loaded):
    anne = Person.objects.get(slug="anne-claes")
    assert list(anne.roles.order_by("sort_order").values_list("unit__slug", "title_en", "is_head")) == [
        ("direction", "Director", True),
        ("bilateral-relations", "", False),
        ("multilateral-relations-and-europe", "", False),
    ]
    verheyden = Person.objects.get(family_name="Verheyden")
    assert (verheyden.given_name, verheyden.aliases) == ("Daniël", ["Verheyden Daniel", "Daniel Verheyden"])
    assert Person.objects.filter(given_name="Olivier").get().family_name == "Mispelter"
    assert Person.objects.get(slug="muriel-baeijens").aliases == ["Muriel Bayens"]
    assert Person.objects.get(slug="frederik-lamberty").full_name == "Frederik Lamberty"
    assert not Person.objects.filter(family_name__contains="10x15").exists()
    assert not Person.objects.filter(given_name__in=["olivier", "Verheyden", "Lekeu"]).exists()
    assert Person.objects.filter(roles__unit__slug="multilateral-relations-and-europe").distinct().count() == 9
    gerard = Person.objects.get(slug="pierre-gerard")
    assert [
        (r.unit.slug, sorted(p.slug for p in r.partners.all()), sorted(n.slug for n in r.networks.all()))
        for r in gerard.roles.order_by("sort_order")
    ] == [("direction", [], []), ("bilateral-relations", ["mazovia", "sofia"], []),
          ("multilateral-relations-and-europe", [], ["aer"])]  # fmt: skip
    dussart = Person.objects.get(slug="valerie-dussart").roles.get()
    assert sorted(dussart.programmes.values_list("slug", flat=True)) == [
        "interreg-b",
        "interreg-c",
        "interreg-europe",
        "urbact",
    ]
    assert list(dussart.organisations.values_list("slug", flat=True)) == ["committee-of-the-regions"]


def test_phones_are_e164_and_shown_in_belgian_format(loaded):
    phone = Person.objects.get(slug="anne-claes").phones.get()
    assert phone.number == "+3228003745"
    assert phone.national == "02 800 37 45"
    assert phone.tel_uri == "tel:+32-2-800-37-45"
    assert Person.objects.get(slug="frederik-lamberty").phones.get().number == "+3222330355"
    shared = PhoneNumber.objects.filter(number="+3222330302").order_by("person__slug")
    assert list(shared.values_list("person__slug", flat=True)) == ["manoelle-wasseige", "rudi-arron"]


def test_partners_have_places_other_names_and_notes(loaded):
    kyiv = Partner.objects.get(slug="kyiv")
    assert (kyiv.kind, kyiv.country, str(kyiv.latitude), str(kyiv.longitude)) == ("city", "UA", "50.45010", "30.52340")
    assert {"Kiev", "Kiew", "Київ"} <= set(kyiv.aliases)
    xian = Partner.objects.get(slug="xian")
    assert xian.name_en == "Xi'an" and {"Xian", "Xi’an"} <= set(xian.aliases)
    lux = Partner.objects.get(slug="luxembourg")
    assert (lux.kind, lux.country, lux.name_en) == ("country", "LU", "Grand Duchy of Luxembourg")
    sofia = Partner.objects.get(slug="sofia")
    assert sofia.has_agreement is False
    assert (
        sofia.note_en
        == "Named in a staff member's portfolio, but not on the Region's list of bilateral cooperation agreements."
    )
    assert sofia.note_fr.startswith("Cité dans le portefeuille")
    assert Partner.objects.get(slug="aichi").note_en == ""


def test_directorate_facts_show_the_count_from_the_data(loaded):
    facts = directorate_facts("en")
    assert facts is not None
    assert (facts.agreement_count, facts.stated_agreement_count, facts.unit_count) == (23, 20, 5)
    assert facts.director == Person.objects.get(slug="anne-claes")
    assert facts.foreign_policy_since == 1989
    assert len(facts.paragraphs) == 3
    assert facts.paragraphs[1].endswith("the dynamic foreign policy which it has implemented since 1989.")
    assert directorate_facts("nl").name == "Brussels International"
    assert directorate_facts("fr").tagline == "Site des relations internationales de la Région de Bruxelles-Capitale"


def test_second_run_changes_nothing_and_writes_no_audit_entry(loaded):
    before = db_state()
    report = organisation_load(actor=None)
    assert report.changed is False
    assert report.changes == []
    assert report.counts["Person"].unchanged == 30
    assert db_state() == before
    out = StringIO()
    call_command("load_organisation", stdout=out)
    assert out.getvalue().strip() == "No changes."
    assert db_state() == before


def test_changed_file_updates_in_place_and_reports_it(loaded, tmp_path):
    phone_pk = Person.objects.get(slug="anne-claes").phones.get().pk
    role_pk = Role.objects.get(person__slug="pierre-gerard", unit__slug="bilateral-relations").pk
    audit_before = AuditEntry.objects.count()
    path = variant(
        tmp_path,
        ("phones: [02/800 37 45]", "phones: [02/800 37 46]"),
        ("partners: [sofia, mazovia]", "partners: [sofia, mazovia, kyiv]"),
    )
    report = organisation_load(actor=None, path=path)
    assert report.changes == [
        "Person anne-claes: phone +3228003745 → +3228003746",
        "Person pierre-gerard: role in bilateral-relations: partners [mazovia, sofia] → [kyiv, mazovia, sofia]",
    ]
    assert (report.counts["Person"].updated, report.counts["Person"].unchanged) == (2, 28)
    phone = PhoneNumber.objects.get(pk=phone_pk)
    assert (phone.person.slug, phone.number) == ("anne-claes", "+3228003746")
    role = Role.objects.get(pk=role_pk)
    assert sorted(role.partners.values_list("slug", flat=True)) == ["kyiv", "mazovia", "sofia"]
    new_entries = AuditEntry.objects.filter(pk__gt=0).order_by("id")[audit_before:]
    assert [(e.verb, e.object_repr) for e in new_entries] == [
        ("updated", "Anne Claes"),
        ("updated", "Pierre Gérard"),
        ("loaded", "Brussels International"),
    ]
    assert new_entries[0].payload["changes"] == {"phones": [["+3228003745"], ["+3228003746"]]}
    assert organisation_load(actor=None, path=path).changed is False


def test_changed_file_through_the_command_prints_changes_and_counts(loaded, tmp_path):
    path = variant(
        tmp_path, ("name: {fr: Moscou, nl: Moskou, en: Moscow}", "name: {fr: Moscou, nl: Moskou, en: Moskva}")
    )
    out = StringIO()
    call_command("load_organisation", "--file", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Partner moscow: name_en Moscow → Moskva"
    assert "Partner: 0 created, 1 updated, 0 removed, 25 unchanged" in lines
    assert Partner.objects.get(slug="moscow").name_en == "Moskva"


def test_dry_run_reports_and_writes_nothing(loaded, tmp_path):
    before = db_state()
    path = variant(tmp_path, ("phones: [02/800 37 45]", "phones: [02/800 37 46]"))
    report = organisation_load(actor=None, path=path, dry_run=True)
    assert report.changes == ["Person anne-claes: phone +3228003745 → +3228003746"]
    assert db_state() == before


def test_roles_the_file_no_longer_lists_are_removed(loaded, tmp_path):
    path = variant(
        tmp_path,
        ("      - unit: bilateral-relations\n      - unit: multilateral-relations-and-europe\n", ""),
    )
    report = organisation_load(actor=None, path=path)
    assert report.changes == [
        "Person anne-claes: role in bilateral-relations removed",
        "Person anne-claes: role in multilateral-relations-and-europe removed",
    ]
    assert list(Role.objects.filter(person__slug="anne-claes").values_list("unit__slug", flat=True)) == ["direction"]


def test_objects_absent_from_the_file_are_reported_and_kept_unless_pruned(loaded):
    Person.objects.create(slug="hr-only", given_name="Nora", family_name="Janssens")
    report = organisation_load(actor=None)
    assert report.changed is False
    assert report.warnings == ["Person hr-only: in the database but not in the file (kept; --prune deletes it)"]
    assert Person.objects.filter(slug="hr-only").exists()
    report = organisation_load(actor=None, prune=True)
    assert report.changes == ["Person hr-only: removed"]
    assert not Person.objects.filter(slug="hr-only").exists()
    assert AuditEntry.objects.filter(verb=AuditVerb.DELETED, object_repr="Nora Janssens").count() == 1


def test_broken_file_names_every_path_and_writes_nothing(loaded, tmp_path):
    before = db_state()
    path = variant(
        tmp_path,
        ("phones: [02/800 37 58]", "phones: [02/800 37]"),
        ("partners: [algiers, kinshasa, quebec]", "partners: [algiers, kyiv2]"),
        ("      - unit: eu-delegation\n        topics: [research, industry]",
         "      - unit: eu-delegatio\n        topics: [research, industry]"),
        ("    country: SR\n", "    country: XX\n"),
        ("  - slug: guillaume-ligot\n    given_name: Guillaume\n", "  - slug: guillaume-ligot\n"),
    )  # fmt: skip
    with pytest.raises(OrganisationDataError) as excinfo:
        organisation_load(actor=None, path=path)
    assert excinfo.value.errors == [
        "partners[25].country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "people[2].phones[0]: “02/800 37” is not a valid phone number.",
        "people[5].roles[0].partners: unknown partner 'kyiv2'",
        "people[17].roles[0].unit: unknown unit 'eu-delegatio'",
        "people[27]: missing required key 'given_name'",
    ]
    assert db_state() == before


def test_broken_file_on_an_empty_database_creates_nothing(tmp_path):
    path = variant(tmp_path, ("partners: [sofia, mazovia]", "partners: [sofia, kyiv2]"))
    with pytest.raises(OrganisationDataError, match=r"people\[3\]\.roles\[1\]\.partners: unknown partner 'kyiv2'"):
        organisation_load(actor=None, path=path)
    assert (Unit.objects.count(), Person.objects.count(), Directorate.objects.count(), AuditEntry.objects.count()) == (
        0,
        0,
        0,
        0,
    )


def test_command_reports_errors_as_command_error(tmp_path):
    path = variant(tmp_path, ("phones: [02/800 37 58]", "phones: [12345]"))
    with pytest.raises(CommandError) as excinfo:
        call_command("load_organisation", "--file", str(path))
    assert str(excinfo.value) == (
        f"{path}: 1 error(s), nothing written:\npeople[2].phones[0]: “12345” is not a valid phone number."
    )
    assert Person.objects.count() == 0
