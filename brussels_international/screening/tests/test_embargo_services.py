"""The arms-embargo table: the loader on the curated file (counts, one row field by field,
idempotent reload, changed rows, workspace edits and deletions kept, bad files), the workspace
services, and the destination check (criterion 1, Common Position 2008/944/CFSP, Art. 2(1))."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from brussels_international.core.models import AuditEntry
from brussels_international.screening.embargo_selectors import Verdict, destination_check
from brussels_international.screening.embargo_services import (
    EmbargoLoadError,
    embargo_create,
    embargo_delete,
    embargo_update,
    embargoes_load,
)
from brussels_international.screening.management.commands.load_arms_embargoes import default_path
from brussels_international.screening.models import ArmsEmbargo

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
HEADER = (
    "target,target_label,issuing_body,instruments,scope,exceptions,start,start_precision,end,end_precision,"
    "status_note,verified,sources"
)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def loaded() -> None:
    embargoes_load(path=default_path())


def embargo(target: str, body: str) -> ArmsEmbargo:
    return ArmsEmbargo.objects.get(target=target, issuing_body=body)


def values_of(row: ArmsEmbargo, **changes: object) -> dict[str, object]:
    return {**row.audit_snapshot(), "start": row.start, "end": row.end, **changes}


# --- loader ---------------------------------------------------------------------------------------


def test_the_curated_table_loads_48_rows_and_the_russian_row_field_by_field():
    report = embargoes_load(path=default_path())

    assert len(report.created) == 48 and report.updated == [] and report.unchanged == 0
    assert ArmsEmbargo.objects.count() == 48
    assert Counter(ArmsEmbargo.objects.values_list("issuing_body", flat=True)) == {"EU": 27, "UN": 19, "OSCE": 2}
    assert ArmsEmbargo.objects.filter(end__isnull=False).count() == 10
    ru = embargo("RU", "EU")
    assert ru.target_label == "Russian Federation"
    assert ru.instruments == (
        "Council Decision 2014/512/CFSP of 31 July 2014; Council Regulation (EU) No 833/2014 of 31 July 2014 "
        "(sectoral measures incl. arms embargo); also Decision (CFSP) 2024/1484 + Regulation (EU) 2024/1485 "
        "(internal-repression / interception equipment)"
    )
    assert ru.scope == "Legally binding - whole state (export and import of arms; plus dual-use, advanced tech)"
    assert ru.exceptions == "Narrow derogations only - check Art. 2 of consolidated Decision 2014/512/CFSP"
    assert (ru.start, ru.start_precision, ru.end, ru.end_precision) == (dt.date(2014, 7, 31), "day", None, "day")
    assert ru.status_note == "in force"
    assert ru.verified is True
    assert ru.sources == (
        "github:opensanctions/opensanctions@f33cff2 (2026-08-22) meta/programs/EU-RUS.yml + "
        "datasets/eu/sanctions_map/programs.csv; https://www.legislation.gov.uk/eudn/2014/512/data.xml "
        "(title with date)"
    )
    # A year alone: the first day for a start, the last day for an end; an unknown start stays empty.
    gn = embargo("GN", "EU")
    assert (gn.start, gn.start_precision, gn.end, gn.end_precision) == (
        dt.date(2009, 1, 1), "year", dt.date(2014, 12, 31), "year"
    )  # fmt: skip
    sl = embargo("SL", "EU")
    assert (sl.start, sl.start_precision, sl.end, sl.verified) == (None, "unknown", dt.date(2010, 12, 31), False)
    entry = AuditEntry.objects.get(object_id=str(ru.pk), object_type__model="armsembargo")
    assert (entry.verb, entry.actor_label, entry.payload["changes"]["target"]) == ("loaded", "system", [None, "RU"])


def test_a_reload_of_the_same_file_changes_nothing(loaded):
    entries = AuditEntry.objects.count()

    report = embargoes_load(path=default_path())

    assert (report.created, report.updated, report.unchanged, report.kept_edited, report.not_in_file) == (
        [], [], 48, [], []
    )  # fmt: skip
    assert AuditEntry.objects.count() == entries
    assert ArmsEmbargo.objects.count() == 48


def test_a_reload_updates_a_changed_row_with_its_audit_entry(loaded, tmp_path):
    changed = tmp_path / "arms-embargoes.csv"
    text = default_path().read_text(encoding="utf-8")
    old = "2011-02-28,day,,,in force,yes"
    assert text.count(old) == 1  # the EU row on Libya
    changed.write_text(text.replace(old, "2011-02-28,day,,,in force (reviewed),yes"), encoding="utf-8")

    report = embargoes_load(path=changed)

    assert report.updated == ["EU LY 2011-02-28 (Libya)"] and report.unchanged == 47 and report.created == []
    ly = embargo("LY", "EU")
    assert ly.status_note == "in force (reviewed)"
    entry = AuditEntry.objects.filter(object_id=str(ly.pk), object_type__model="armsembargo").latest("pk")
    assert (entry.verb, entry.payload) == ("loaded", {"changes": {"status_note": ["in force", "in force (reviewed)"]}})


def test_a_reload_keeps_workspace_edits_and_deletions_and_reports_them(loaded, user_factory, tmp_path):
    anna = user_factory(username="anna")
    cn = embargo("CN", "EU")
    embargo_update(actor=anna, embargo=cn, values=values_of(cn, status_note="in force, reviewed by legal"))
    embargo_delete(actor=anna, embargo=ArmsEmbargo.objects.get(target="SL", issuing_body="UN"))
    embargo_create(
        actor=anna,
        values=values_of(embargo("RU", "EU"), target="BY", target_label="Belarus (test)", start=dt.date(2000, 1, 1)),
    )
    changed = tmp_path / "arms-embargoes.csv"
    changed.write_text(
        default_path().read_text(encoding="utf-8").replace(",in force (political commitment),", ",in force (PC),"),
        encoding="utf-8",
    )

    report = embargoes_load(path=changed)

    assert report.kept_edited == ["EU CN 1989-06-27 (China)"]
    assert report.kept_deleted == ["UN SL 1997-10-08 (Sierra Leone)"]
    assert report.not_in_file == ["EU BY 2000-01-01 (Belarus (test))"]
    assert (report.created, report.updated, report.unchanged) == ([], [], 46)
    assert embargo("CN", "EU").status_note == "in force, reviewed by legal"
    assert not ArmsEmbargo.objects.filter(target="SL", issuing_body="UN").exists()
    assert report.lines()[0] == (
        "Arms embargoes (arms-embargoes.csv): 0 created, 0 updated, 46 unchanged, 1 kept as edited in the "
        "workspace, 1 kept deleted, 1 not in the file."
    )

    forced = embargoes_load(path=changed, overwrite_edits=True)

    assert forced.updated == ["EU CN 1989-06-27 (China)"] and forced.created == ["UN SL 1997-10-08 (Sierra Leone)"]
    assert forced.not_in_file == ["EU BY 2000-01-01 (Belarus (test))"]
    assert embargo("CN", "EU").status_note == "in force (PC)"
    assert ArmsEmbargo.objects.count() == 49


def test_the_command_loads_the_curated_table_and_reports(capsys):
    call_command("load_arms_embargoes")
    call_command("load_arms_embargoes")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Arms embargoes (arms-embargoes.csv): 48 created, 0 updated, 0 unchanged, 0 kept as edited in the workspace, "
        "0 kept deleted, 0 not in the file.",
        "Arms embargoes (arms-embargoes.csv): 0 created, 0 updated, 48 unchanged, 0 kept as edited in the workspace, "
        "0 kept deleted, 0 not in the file.",
    ]


def test_a_bad_date_names_the_line_and_column_and_nothing_is_written(loaded):
    entries = AuditEntry.objects.count()
    ArmsEmbargo.objects.filter(target="CN").update(status_note="changed here")

    with pytest.raises(EmbargoLoadError) as error:
        embargoes_load(path=DATA / "arms-embargoes-bad-date.csv")

    assert str(error.value) == (
        "arms-embargoes-bad-date.csv, line 5 (EU RU), column start: '2014-31-07' is not a date: write YYYY-MM-DD "
        "(a year or a month alone as its first or last day, with the precision column saying so)"
    )
    assert ArmsEmbargo.objects.count() == 48 and AuditEntry.objects.count() == entries
    assert embargo("CN", "EU").status_note == "changed here"  # the file's first rows were not applied


ROW = "RU,Russia,EU,Decision 2014/512/CFSP,Legally binding - whole state,none,2014-07-31,day,,,in force,yes,test"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("target,label\n" + ROW, "bad.csv, line 1: the columns must be " + HEADER),
        (HEADER + "\n" + ROW.replace("RU,", "XX,", 1),
         "bad.csv, line 2 (EU XX), column target: Unknown country code 'XX': an ISO 3166-1 alpha-2 code, or ZZ for a "
         "group tied to no country."),
        (HEADER + "\n" + ROW.replace("Legally binding", "Binding"),
         "bad.csv, line 2 (EU RU), column scope: The scope must start with “Legally binding”, “POLITICAL COMMITMENT” "
         "or “Non-mandatory”: the destination check reads the legal force from it."),
        (HEADER + "\n" + ROW.replace("2014-07-31,day", "2014-07-31,year"),
         "bad.csv, line 2 (EU RU), column start: A start known to the year is written as 1 January of that year "
         "(2014-01-01)."),
        (HEADER + "\n" + ROW.replace(",,,in force", ",2013-01-01,day,lifted"),
         "bad.csv, line 2 (EU RU), column end: The end (2013-01-01) is before the start (2014-07-31)."),
        (HEADER + "\n" + ROW.replace(",yes,", ",true,"),
         "bad.csv, line 2 (EU RU), column verified: 'true': write yes or no"),
        (HEADER + "\n" + ROW + "\n" + ROW.replace("Russia", "Russian Federation"),
         "bad.csv, line 3: the same target, body and start as line 2"),
        (HEADER + "\n" + ROW + ",extra", "bad.csv, line 2: 14 columns instead of 13"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_with_the_place_of_the_fault(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(content + "\n", encoding="utf-8")

    with pytest.raises(EmbargoLoadError) as error:
        embargoes_load(path=bad)

    assert str(error.value) == message
    assert ArmsEmbargo.objects.count() == 0 and AuditEntry.objects.count() == 0


# --- workspace services ---------------------------------------------------------------------------


def test_create_update_and_delete_are_audited_and_checked(loaded, user_factory):
    anna = user_factory(username="anna")
    ve = embargo("VE", "EU")

    with pytest.raises(ValidationError) as error:
        embargo_create(actor=anna, values=values_of(ve))
    assert error.value.message_dict == {"start": ["An embargo of EU on VE starting 2017-11-13 already exists."]}

    changes = embargo_update(
        actor=anna, embargo=ve, values=values_of(ve, end=dt.date(2026, 12, 31), end_precision="day")
    )
    assert changes == {"end": [None, "2026-12-31"]}
    assert embargo_update(actor=anna, embargo=ve, values=values_of(ve)) == {}
    entries = list(AuditEntry.objects.filter(object_id=str(ve.pk), object_type__model="armsembargo").order_by("pk"))
    assert [(e.verb, e.actor_label) for e in entries] == [("loaded", "system"), ("updated", "anna")]

    pk = ve.pk
    embargo_delete(actor=anna, embargo=ve)
    deleted = AuditEntry.objects.filter(object_id=str(pk), object_type__model="armsembargo").latest("pk")
    assert deleted.verb == "deleted" and deleted.payload["changes"]["target"] == ["VE", None]
    assert not ArmsEmbargo.objects.filter(pk=pk).exists()


# --- destination check ------------------------------------------------------------------------------


def test_russia_today_is_under_the_eu_embargo(loaded):
    today = timezone.localdate()

    answer = destination_check(country="ru", on=today)

    assert answer.country == "RU" and answer.on == today
    assert answer.verdict == Verdict.EMBARGOED
    assert answer.verdict_label == "Embargoed: at least one legally binding arms embargo is in force"
    [item] = answer.embargoes
    assert (item.embargo.issuing_body, item.legal_force, item.binding, item.whole_country) == (
        "EU", "binding", True, True
    )  # fmt: skip
    assert item.embargo.exceptions == "Narrow derogations only - check Art. 2 of consolidated Decision 2014/512/CFSP"
    assert [(i.embargo.issuing_body, i.embargo.target) for i in answer.also_check] == [("EU", "ZZ"), ("UN", "ZZ")]


def test_china_is_a_political_commitment_only(loaded):
    answer = destination_check(country="CN", on=dt.date(2026, 11, 29))

    assert answer.verdict == Verdict.POLITICAL_ONLY
    assert answer.verdict_label == "Political commitment only: no legally binding arms embargo is in force"
    [item] = answer.embargoes
    assert (item.legal_force, item.binding, item.legal_force_label) == (
        "political", False, "political commitment (not legally binding)"
    )  # fmt: skip


def test_eritrea_before_and_after_the_lifting(loaded):
    before = destination_check(country="ER", on=dt.date(2015, 6, 1))
    day_after_un = destination_check(country="ER", on=dt.date(2018, 11, 15))
    after = destination_check(country="ER", on=dt.date(2019, 1, 1))

    assert before.verdict == Verdict.EMBARGOED
    assert [i.embargo.issuing_body for i in before.embargoes] == ["EU", "UN"]
    # The UN lifted it on 14 November 2018; the EU lifting is known only to the year (31 December counts).
    assert [(i.embargo.issuing_body, i.imprecise) for i in day_after_un.embargoes] == [("EU", True)]
    assert after.verdict == Verdict.NONE and after.embargoes == []
    assert len(after.also_check) == 2


def test_france_has_no_embargo_but_the_groups_are_listed(loaded):
    answer = destination_check(country="FR", on=dt.date(2026, 11, 29))

    assert answer.verdict == Verdict.NONE and answer.verdict_label == "No arms embargo in force"
    assert answer.embargoes == []
    assert [i.embargo.target_label for i in answer.also_check] == [
        "ISIL (Da'esh), Al-Qaida and associated designated persons/entities (worldwide)"
    ] * 2


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XX", "Unknown country code 'XX': expected an ISO 3166-1 alpha-2 code such as 'RU' or 'CN'."),
        ("RUS", "Unknown country code 'RUS': expected an ISO 3166-1 alpha-2 code such as 'RU' or 'CN'."),
        ("ZZ", "ZZ is not a country: embargoes on groups tied to no country are listed with every country's answer."),
    ],
)
def test_an_unknown_country_code_is_an_error(loaded, code, message):
    with pytest.raises(ValueError) as error:
        destination_check(country=code, on=dt.date(2026, 11, 29))
    assert str(error.value) == message
