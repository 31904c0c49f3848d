"""HR staff-list import: CSV and XLSX, matching existing people, all errors, all or nothing."""

from __future__ import annotations

import datetime as dt
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from brussels_international.core.models import AuditEntry, AuditVerb
from brussels_international.directory.models import Person, PhoneNumber, Role
from brussels_international.directory.services import (
    StaffImportError,
    organisation_load,
    staff_import,
    staff_table_read,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the default language of the project is French)."""
    with translation.override("en"):
        yield


HEADER = "employee_number,given_name,family_name,unit,title_fr,title_nl,title_en,phone,is_head,start_date,end_date"


@pytest.fixture(autouse=True)
def organisation():
    organisation_load(actor=None)


def write_csv(tmp_path: Path, *lines: str, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_file(path: Path):
    table = staff_table_read(path)
    return staff_import(actor=None, rows=table.rows, columns=table.columns)


def issues_of(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(StaffImportError) as excinfo:
        import_file(path)
    return [(i.row, i.column, i.message) for i in excinfo.value.issues]


def snapshot() -> tuple:
    return (
        sorted(Person.objects.values_list("slug", "given_name", "family_name", "employee_number", "aliases")),
        sorted(Role.objects.values_list("person__slug", "unit__slug", "title_en", "is_head", "start_date", "end_date")),
        sorted(PhoneNumber.objects.values_list("person__slug", "number")),
        AuditEntry.objects.count(),
    )


def test_csv_creates_a_new_person_and_updates_an_existing_one(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "E100,Nora,Janssens,permits,Gestionnaire de dossiers,Dossierbeheerder,Case manager,02/800 37 99,no,2024-03-01,",
        "E101,Melanie,BEHETS,Permits,Gestionnaire de dossiers,Dossierbeheerder,Case manager,,no,2019-09-01,",
    )
    last_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    report = import_file(path)
    assert (report.created, report.updated, report.unchanged) == (["nora-janssens"], ["melanie-behets"], [])
    nora = Person.objects.get(slug="nora-janssens")
    assert (nora.given_name, nora.family_name, nora.employee_number) == ("Nora", "Janssens", "E100")
    assert list(nora.phones.values_list("number", flat=True)) == ["+3228003799"]
    role = nora.roles.get()
    assert (
        role.unit.slug,
        role.title_fr,
        role.title_nl,
        role.title_en,
        role.is_head,
        role.start_date,
        role.end_date,
    ) == (
        "permits",
        "Gestionnaire de dossiers",
        "Dossierbeheerder",
        "Case manager",
        False,
        dt.date(2024, 3, 1),
        None,
    )
    melanie = Person.objects.get(slug="melanie-behets")
    assert (melanie.given_name, melanie.family_name, melanie.employee_number) == ("Mélanie", "Behets", "E101")
    assert melanie.roles.get().start_date == dt.date(2019, 9, 1)
    assert list(melanie.phones.values_list("number", flat=True)) == ["+3228003759"]  # empty cell: unchanged
    assert Person.objects.count() == 31
    assert report.changes == [
        "Row 2: Nora Janssens created, in Permits unit",
        "Row 3: Mélanie Behets: employee_number — → E101",
        "Row 3: Mélanie Behets: start_date in Permits unit: — → 2019-09-01",
    ]
    entries = AuditEntry.objects.filter(id__gt=last_entry).order_by("id")
    assert [(e.verb, e.object_repr, e.payload["source"]) for e in entries] == [
        (AuditVerb.CREATED, "Nora Janssens", "staff import"),
        (AuditVerb.UPDATED, "Mélanie Behets", "staff import"),
    ]
    assert entries[1].payload["changes"] == {
        "employee_number": [None, "E101"],
        "role in permits": [{"start_date": None}, {"start_date": "2019-09-01"}],
    }
    # the same file again changes nothing
    again = import_file(path)
    assert (again.created, again.updated, again.unchanged) == ([], [], ["nora-janssens", "melanie-behets"])


def test_semicolon_csv_with_bom_and_reversed_accentless_name_matches_the_existing_person(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        (
            "\ufeffEmployee Number;Given Name;Family Name;Unit\r\n"
            "E200;Verheyden;Daniel;Bilateral Relations\r\n"
            "E201;anne laurence;LEKEU;multilateral-relations-and-europe\r\n"
        ).encode()
    )
    report = import_file(path)
    assert report.created == []
    assert report.updated == ["daniel-verheyden", "anne-laurence-lekeu"]
    assert Person.objects.count() == 30
    daniel = Person.objects.get(employee_number="E200")
    assert (daniel.slug, daniel.given_name, daniel.family_name) == ("daniel-verheyden", "Daniël", "Verheyden")
    assert Person.objects.get(employee_number="E201").slug == "anne-laurence-lekeu"
    # roles were matched by unit, not duplicated; absent columns left them as they were
    assert daniel.roles.count() == 1
    assert daniel.roles.get().partners.count() == 11


def test_xlsx_with_typed_cells(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [4711, "Claire", "Pecheux", "EU Delegation", "", "", "", 22331426, "yes", dt.datetime(2020, 1, 15), None]
    )
    sheet.append(
        [4712, "Jan", "Peeters", "finance-and-travel", "", "", "Accountant", "+32 2 800 37 70", "no", None, None]
    )
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    report = import_file(path)
    assert (report.created, report.updated) == (["jan-peeters"], ["claire-pecheux"])
    claire = Person.objects.get(slug="claire-pecheux")
    assert (claire.given_name, claire.family_name, claire.employee_number) == ("Claire", "Pécheux", "4711")
    role = claire.roles.get()
    assert (role.is_head, role.start_date, role.title_en) == (True, dt.date(2020, 1, 15), "")
    assert list(claire.phones.values_list("number", flat=True)) == ["+3222331426"]
    jan = Person.objects.get(slug="jan-peeters")
    assert jan.employee_number == "4712"
    assert list(jan.roles.values_list("unit__slug", "title_en", "is_head")) == [
        ("finance-and-travel", "Accountant", False)
    ]
    assert list(jan.phones.values_list("number", flat=True)) == ["+3228003770"]


def test_a_name_change_under_the_same_employee_number_keeps_the_old_name_as_alias(tmp_path):
    import_file(
        write_csv(tmp_path, "employee_number,given_name,family_name,unit", "E300,Sylvie,Debry,finance-and-travel")
    )
    report = import_file(
        write_csv(tmp_path, "employee_number,given_name,family_name,unit", "E300,Sylvie,Martin,finance-and-travel")
    )
    assert report.updated == ["sylvie-debry"]
    person = Person.objects.get(employee_number="E300")
    assert (person.given_name, person.family_name, person.aliases) == ("Sylvie", "Martin", ["Sylvie Debry"])


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ["employee_number,given_name,family_name", "E1,Nora,Janssens"],
            [(1, "unit", "Missing column.")],
            id="missing-column",
        ),
        pytest.param(
            [HEADER, "E1,Nora,Janssens,permits,,,,,,,", "E2,Jan,,permits,,,,,,,"],
            [(3, "family_name", "This cell is required.")],
            id="empty-required-cell",
        ),
        pytest.param(
            [HEADER, "E1,Nora,Janssens,permits,,,,02/800,,,"],
            [(2, "phone", "“02/800” is not a valid phone number.")],
            id="bad-phone",
        ),
        pytest.param(
            [HEADER, "E1,Nora,Janssens,Protocol,,,,,,,"],
            [(2, "unit", "Unknown unit “Protocol”: give a unit slug or a staff group name.")],
            id="unknown-unit",
        ),
        pytest.param(
            [HEADER, "E1,Nora,Janssens,permits,,,,,,01/03/2024,"],
            [(2, "start_date", "“01/03/2024” is not a date in the form YYYY-MM-DD.")],
            id="bad-date",
        ),
        pytest.param(
            [HEADER, "E1,Nora,Janssens,permits,,,,,,2024-03-01,2023-01-01"],
            [(2, "end_date", "The end date is before the start date.")],
            id="end-before-start",
        ),
        pytest.param(
            [HEADER, "E1,Nora,Janssens,permits,,,,,maybe,,"],
            [(2, "is_head", "“maybe” is not yes or no.")],
            id="bad-yes-no",
        ),
        pytest.param(
            [HEADER, "E1,Nora,Janssens,permits,,,,,,,", "E2,Jan,Peeters,permits,,,,,,,", "E1,Lies,Maes,permits,,,,,,,"],
            [(4, "employee_number", "Employee number “E1” is already used on row 2.")],
            id="duplicate-employee-number",
        ),
        pytest.param(
            [HEADER],
            [(None, None, "The file has no data rows.")],
            id="header-only",
        ),
        pytest.param(
            [
                HEADER,
                ",Nora,Janssens,permits,,,,,,,",
                "E2,Jan,Peeters,nowhere,,,,999,,2024-13-01,",
                "",
                "E3,Lies,,permits,,,,,,,",
            ],
            [
                (2, "employee_number", "This cell is required."),
                (3, "unit", "Unknown unit “nowhere”: give a unit slug or a staff group name."),
                (3, "phone", "“999” is not a valid phone number."),
                (3, "start_date", "“2024-13-01” is not a date in the form YYYY-MM-DD."),
                (5, "family_name", "This cell is required."),
            ],
            id="all-errors-listed-with-true-row-numbers",
        ),
    ],
)
def test_bad_csv_lists_every_error_and_writes_nothing(tmp_path, lines, expected):
    before = snapshot()
    assert issues_of(write_csv(tmp_path, *lines)) == expected
    assert snapshot() == before


def test_good_rows_are_not_written_when_another_row_is_bad(tmp_path):
    before = snapshot()
    path = write_csv(tmp_path, HEADER, "E1,Nora,Janssens,permits,,,,,,,", "E101,Melanie,Behets,permits,,,,bad,,,")
    with pytest.raises(StaffImportError) as excinfo:
        import_file(path)
    assert [str(i) for i in excinfo.value.issues] == ["Row 3, column “phone”: “bad” is not a phone number."]
    assert snapshot() == before
    assert not Person.objects.filter(family_name="Janssens").exists()


def test_a_name_already_matched_to_another_employee_number_is_refused(tmp_path):
    import_file(write_csv(tmp_path, "employee_number,given_name,family_name,unit", "E400,Jef,Willems,permits"))
    before = snapshot()
    path = write_csv(tmp_path, "employee_number,given_name,family_name,unit", "E401,Jef,Willems,permits")
    assert issues_of(path) == [(2, "employee_number", "This name matches Jef Willems, who has employee number E400.")]
    assert snapshot() == before


def test_bad_xlsx_cell_names_row_and_column(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["E1", "Nora", "Janssens", "permits", None, None, None, None, None, "2024-02-30", None])
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    before = snapshot()
    assert issues_of(path) == [(2, "start_date", "“2024-02-30” is not a date in the form YYYY-MM-DD.")]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("staff.pdf", b"%PDF-1.4 ...", "“staff.pdf” is not a CSV or XLSX file."),
        ("staff.csv", b"", "The file is empty."),
        ("staff.csv", b"\n\n  \n", "The file is empty."),
        ("staff.xlsx", b"employee_number,given_name\n", "The file is not a readable XLSX workbook."),
        ("staff.csv", b"PK\x03\x04\x00\x00binary", "The file is not a text (CSV) file."),
    ],
)
def test_wrong_or_empty_files_are_refused(name, content, message):
    with pytest.raises(StaffImportError) as excinfo:
        staff_table_read(BytesIO(content), filename=name)
    assert [(i.row, i.column, i.message) for i in excinfo.value.issues] == [(None, None, message)]


def test_command_imports_and_reports_errors(tmp_path):
    out = StringIO()
    call_command("import_staff", str(write_csv(tmp_path, HEADER, "E1,Nora,Janssens,Permits,,,,,yes,,")), stdout=out)
    assert out.getvalue().splitlines() == [
        "Row 2: Nora Janssens created, in Permits unit",
        "1 created, 0 updated, 0 unchanged.",
    ]
    assert Role.objects.get(person__slug="nora-janssens").is_head is True
    bad = write_csv(tmp_path, HEADER, "E2,Jan,Peeters,permits,,,,,,,", "E2,Lies,Maes,permits,,,,,,,", name="bad.csv")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_staff", str(bad))
    assert str(excinfo.value) == (
        "bad.csv: 1 error(s), nothing imported:\n"
        "Row 3, column “employee_number”: Employee number “E2” is already used on row 2."
    )
    assert not Person.objects.filter(family_name="Peeters").exists()


def test_hr_numbers_and_dates_survive_a_later_load_of_the_organisation_file(tmp_path):
    import_file(write_csv(tmp_path, "employee_number,unit,given_name,family_name,start_date",
                          "E500,permits,Aldo,Alu,2015-06-01"))  # fmt: skip
    report = organisation_load(actor=None)
    assert (report.changed, report.changes) == (False, [])
    aldo = Person.objects.get(slug="aldo-alu")
    assert (aldo.employee_number, aldo.roles.get().start_date) == ("E500", dt.date(2015, 6, 1))


def test_messages_are_translated():
    with translation.override("fr"), pytest.raises(StaffImportError) as excinfo:
        staff_table_read(BytesIO(b""), filename="staff.csv")
    assert str(excinfo.value) == "Le fichier est vide."  # fr catalogue (locale/fr), built by `make messages`
