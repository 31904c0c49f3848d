"""Loaders on the real files (../shared/data/sanctions) and on the hand-made files in each format."""

from __future__ import annotations

import csv
import datetime
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from brussels_international.screening.loaders import country_code, eu, generic, ofac, partial_date, uk, un
from brussels_international.screening.records import ListFormatError, NameQuality, NameRecord

DATA = Path(__file__).parent / "data"
UN_FILE = "sanctions/un-consolidated-2026-02-27.xml"
OFAC_FILE = "sanctions/ofac-sdn-2024-05-03.csv"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """The loaders' messages are translated; these tests read them in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _by_ref(parsed):  # type: ignore[no-untyped-def]
    return {entity.ref: entity for entity in parsed.entities}


# --- UN ----------------------------------------------------------------------------------------


def test_un_real_file_counts_and_every_alias(shared_data: Path) -> None:
    path = shared_data / UN_FILE
    parsed = un.parse(path)
    assert parsed.published == datetime.date(2026, 2, 27)
    assert Counter(e.schema for e in parsed.entities) == {"person": 730, "organisation": 273}
    # every alias of the file, counted with a plain walk of the XML
    root = ET.parse(path).getroot()
    for kind, alias_tag in (("INDIVIDUAL", "INDIVIDUAL_ALIAS"), ("ENTITY", "ENTITY_ALIAS")):
        expected = Counter()
        for element in root.iter(kind):
            ref = element.findtext("REFERENCE_NUMBER").strip()  # "KPe.023 " has a trailing space
            for alias in element.iter(alias_tag):
                name = " ".join((alias.findtext("ALIAS_NAME") or "").split())
                if name:
                    quality = "weak" if alias.findtext("QUALITY") == "Low" else "strong"
                    expected[(ref, name, quality)] += 1
        found = Counter(
            (e.ref, n.name, n.quality)
            for e in parsed.entities
            if e.schema == ("person" if kind == "INDIVIDUAL" else "organisation")
            for n in e.names[1:]
        )
        originals = Counter(
            (el.findtext("REFERENCE_NUMBER").strip(), " ".join(el.findtext("NAME_ORIGINAL_SCRIPT").split()), "strong")
            for el in root.iter(kind)
            if (el.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
        )
        assert found == expected + originals
    assert sum(len(e.names) for e in parsed.entities) == 4133


def test_un_entity_facts(shared_data: Path) -> None:
    entities = _by_ref(un.parse(shared_data / UN_FILE))
    gaston = entities["CDi.003"]
    assert gaston.names[0] == NameRecord("GASTON IYAMUREMYE", NameQuality.PRIMARY)
    assert NameRecord("Rumuli", NameQuality.WEAK) in gaston.names
    assert NameRecord("Victor Rumuri", NameQuality.STRONG) in gaston.names
    assert gaston.programmes == ["DRC"]
    assert gaston.listed_on == datetime.date(2010, 12, 1)
    assert gaston.birth_dates == ["1948"]
    assert gaston.birth_places == ["Musanze District, Northern Province, Rwanda", "Ruhengeri, Rwanda"]
    assert gaston.nationalities == ["RW"]
    adf = entities["CDe.001"]
    assert adf.schema == "organisation"
    assert [(n.name, n.quality) for n in adf.names] == [
        ("ADF", "primary"),
        ("Allied Democratic Forces", "strong"),
        ("Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda", "strong"),  # f.k.a.
        ("ADF/NALU", "strong"),
        ("NALU", "strong"),
    ]
    ranges = [d for e in entities.values() for d in e.birth_dates if "/" in d]
    assert len(ranges) == 31  # FROM_YEAR/TO_YEAR in the file
    scripts = Counter(n.script for e in entities.values() for n in e.names if n.script)
    assert scripts["Arab"] > 300 and scripts["Cyrl"] > 0
    assert [n for e in entities.values() for n in e.nationalities if len(n) != 2] == ["former Soviet Union"]


def test_un_truncated_file_names_the_line(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / UN_FILE).read_bytes()
    broken = tmp_path / "un.xml"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError) as raised:
        un.parse(broken)
    lines = data[: len(data) // 2].count(b"\n") + 1
    assert raised.value.location.startswith(f"line {lines},")
    assert "not well-formed XML" in raised.value.reason


def test_un_bad_date_names_the_element(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS>'
        "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER><LISTED_ON>2020-01-01</LISTED_ON></INDIVIDUAL>"
        "<INDIVIDUAL><FIRST_NAME>B</FIRST_NAME><REFERENCE_NUMBER>X.2</REFERENCE_NUMBER><LISTED_ON>31/12/2020</LISTED_ON></INDIVIDUAL>"
        "</INDIVIDUALS></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    with pytest.raises(ListFormatError) as raised:
        un.parse(path)
    assert raised.value.location == "INDIVIDUAL #2 (X.2)"
    assert "LISTED_ON '31/12/2020' is not a date" in raised.value.reason


def test_un_wrong_root(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<export><a/></export>", encoding="utf-8")
    with pytest.raises(ListFormatError, match="not CONSOLIDATED_LIST"):
        un.parse(path)


# --- OFAC --------------------------------------------------------------------------------------


def test_ofac_real_file_counts_by_type(shared_data: Path) -> None:
    path = shared_data / OFAC_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if len(row) == 12]
    expected = Counter(row[2].strip() for row in rows)
    assert expected == {"-0-": 6884, "individual": 6854, "vessel": 851, "aircraft": 376}
    parsed = ofac.parse(path)
    assert len(parsed.entities) == len(rows) == 14965
    assert Counter(e.schema for e in parsed.entities) == {
        "organisation": expected["-0-"],
        "person": expected["individual"],
        "vessel": expected["vessel"],
        "aircraft": expected["aircraft"],
    }
    # every quoted alias in the remarks (a.k.a./f.k.a./n.k.a. 'X') is a weak name, but for one
    # cut to "a.k.a. '@" by the truncation of a long remarks field
    quoted = sum(row[11].count(".k.a. '") for row in rows)
    assert quoted == 3666
    assert sum(1 for e in parsed.entities for n in e.names if n.quality == NameQuality.WEAK) == quoted - 1
    entities = _by_ref(parsed)
    assert entities["9537"].birth_dates == ["1957-12-01"]
    assert entities["9537"].identifiers == [{"type": "Passport", "number": "K203350", "country": "TH"}]
    assert entities["306"].names == [
        NameRecord("BANCO NACIONAL DE CUBA", NameQuality.PRIMARY),
        NameRecord("BNC", NameQuality.WEAK),
    ]


def test_ofac_sample_with_alt_and_add() -> None:
    parsed = ofac.parse(DATA / "ofac-sdn-sample.csv", DATA / "ofac-alt-sample.csv", DATA / "ofac-add-sample.csv")
    entities = _by_ref(parsed)
    assert [(e.ref, e.schema) for e in parsed.entities] == [
        ("101", "organisation"),
        ("102", "person"),
        ("103", "vessel"),
        ("104", "aircraft"),
    ]
    northwind = entities["101"]
    assert northwind.programmes == ["IRAN", "NPWMD"]
    # "NWT" is weak in the remarks and strong in alt.csv: one strong name
    assert [(n.name, n.quality) for n in northwind.names] == [
        ("NORTHWIND TRADING FZE", "primary"),
        ("NORTHWIND GENERAL TRADING", "strong"),
        ("NWT", "strong"),
    ]
    assert northwind.addresses == ["Office 12, Jebel Ali Free Zone, Dubai, United Arab Emirates"]
    assert northwind.identifiers == [{"type": "Registration Number", "number": "0123456", "country": "AE"}]
    karimi = entities["102"]
    assert [(n.name, n.quality) for n in karimi.names] == [
        ("KARIMI, Reza", "primary"),
        ("ABU REZA", "weak"),
        ("KARIMI, Reza Ali", "strong"),
        ("R. KARIMI", "weak"),
    ]
    assert karimi.birth_dates == ["1960-01-01", "1962"]
    assert karimi.birth_places == ["Tehran, Iran"]
    assert karimi.nationalities == ["IR"]
    assert karimi.addresses == ["Tehran, Iran"]
    gull = entities["103"]
    assert gull.nationalities == ["MT"]
    assert {"type": "Call sign", "number": "9HA1234", "country": ""} in gull.identifiers
    assert gull.names[1] == NameRecord("GULL ONE", NameQuality.WEAK)


def test_ofac_without_alt_reads_remark_aliases() -> None:
    entities = _by_ref(ofac.parse(DATA / "ofac-sdn-sample.csv"))
    assert [(n.name, n.quality) for n in entities["101"].names] == [
        ("NORTHWIND TRADING FZE", "primary"),
        ("NWT", "weak"),
    ]
    assert entities["101"].addresses == []


def test_ofac_bad_date_names_the_line(tmp_path: Path) -> None:
    text = (DATA / "ofac-sdn-sample.csv").read_text(encoding="utf-8").replace("DOB 01 Jan 1960", "DOB 31 Feb 1960")
    path = tmp_path / "sdn.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        ofac.parse(path)
    assert raised.value.location == "line 2"
    assert "'31 Feb 1960'" in raised.value.reason


def test_ofac_wrong_columns_and_unknown_alias_entity(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text('1,"A",-0- ,"X"\n', encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        ofac.parse(path)
    assert str(raised.value) == "line 1: sdn.csv: expected 12 columns, found 4"
    alt = tmp_path / "alt.csv"
    alt.write_text('999,1,"aka","NOBODY",-0-\n', encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        ofac.parse(DATA / "ofac-sdn-sample.csv", alt)
    assert raised.value.location == "alt.csv line 1"


# --- EU ----------------------------------------------------------------------------------------


def test_eu_sample() -> None:
    parsed = eu.parse(DATA / "eu-fsf-sample.xml")
    assert parsed.source == "eu"
    assert parsed.published == datetime.date(2026, 2, 20)
    entities = _by_ref(parsed)
    assert list(entities) == ["9001", "9002", "9003", "9004"]
    ivan = entities["9001"]
    assert ivan.schema == "person"
    assert ivan.names == [
        NameRecord("Ivan Petrovich SIDORENKO", "primary"),
        NameRecord("Иван Петрович Сидоренко", "strong", "Cyrl"),
        NameRecord("Ivan Petrovych Sydorenko", "strong"),
        NameRecord("Vanya", "weak"),
    ]
    assert ivan.programmes == ["UKR"]
    assert ivan.listed_on == datetime.date(2022, 2, 23)  # the earliest regulation
    assert ivan.birth_dates == ["1961-04-12"]
    assert ivan.birth_places == ["Voronezh, RUSSIAN FEDERATION"]
    assert ivan.nationalities == ["RU"]
    assert ivan.identifiers == [
        {"type": "National passport", "number": "7512345678", "country": "RU"},
        {"type": "EU reference number", "number": "EU.9001.11", "country": ""},
    ]
    assert ivan.remarks == "Member of the State Duma who voted in favour of resolution No 58243-8."
    company = entities["9002"]
    assert company.schema == "organisation"
    assert company.names[2] == NameRecord("JSC VPI", "weak")
    assert company.addresses == ["ul. Zavodskaya 7, Samara, 443001, RUSSIAN FEDERATION"]
    khatib = entities["9003"]
    assert khatib.names[0] == NameRecord("Abdul Rahman Al-Khatib", "primary")  # from firstName/lastName
    assert khatib.names[1].script == "Arab"
    assert khatib.birth_dates == ["1970", "1968/1972"]
    assert khatib.nationalities == ["JO"]  # "00" (unknown) dropped
    assert {"type": "UN reference number", "number": "QDi.999", "country": ""} in khatib.identifiers
    assert entities["9004"].names == [NameRecord("Minsk Optical Trading LLC", "primary")]


def test_eu_truncated_and_bad_date(tmp_path: Path) -> None:
    text = (DATA / "eu-fsf-sample.xml").read_text(encoding="utf-8")
    path = tmp_path / "eu.xml"
    path.write_text(text[: text.index('logicalId="9003"')], encoding="utf-8")
    with pytest.raises(ListFormatError, match="not well-formed XML"):
        eu.parse(path)
    path.write_text(text.replace('publicationDate="2023-06-23"', 'publicationDate="23.06.2023"'), encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        eu.parse(path)
    assert raised.value.location == "sanctionEntity #2 (logicalId 9002)"
    assert "regulation@publicationDate '23.06.2023' is not a date" in raised.value.reason


# --- UK ----------------------------------------------------------------------------------------


def test_uk_sample() -> None:
    parsed = uk.parse(DATA / "uk-sanctions-list-sample.csv")
    assert parsed.published == datetime.date(2026, 2, 20)
    entities = _by_ref(parsed)
    assert [(e.ref, e.schema) for e in parsed.entities] == [
        ("RUS9001", "person"),
        ("RUS9002", "organisation"),
        ("RUS9003", "vessel"),
    ]
    person = entities["RUS9001"]
    assert person.names == [
        NameRecord("Dmitri Sergeyevich KOVALENKO", "primary"),
        NameRecord("Дмитрий Сергеевич Коваленко", "strong", "Cyrl"),
        NameRecord("Dmitry KOVALENKO", "strong"),
        NameRecord("Dima KOVAL", "weak"),
    ]
    assert person.birth_dates == ["1968-07-14", "1969"]
    assert person.listed_on == datetime.date(2022, 3, 15)
    assert person.programmes == ["Russia"]
    assert person.nationalities == ["RU"]
    assert person.birth_places == ["Tula, Russia"]
    assert person.addresses == ["ul. Lenina 10, Moscow, 101000, Russia"]
    assert [i["number"] for i in person.identifiers] == ["7101234567", "7109876543"]
    ship = entities["RUS9003"]
    assert ship.names == [NameRecord("OCEAN PEARL", "primary"), NameRecord("PEARL OCEAN", "strong")]
    assert ship.nationalities == ["GA"]
    assert ship.identifiers == [{"type": "IMO", "number": "9123456", "country": ""}]


def test_uk_bad_date_names_the_line(tmp_path: Path) -> None:
    text = (DATA / "uk-sanctions-list-sample.csv").read_text(encoding="utf-8")
    path = tmp_path / "uk.csv"
    path.write_text(text.replace("24/02/2023", "2023-02-30"), encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        uk.parse(path)
    assert raised.value.location == "line 6"
    assert "Date Designated '2023-02-30' is not a date" in raised.value.reason


def test_uk_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "uk.csv"
    path.write_text("Unique ID,Name 6,Name type\nX,Y,Primary Name\n", encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        uk.parse(path)
    assert str(raised.value) == "line 1: missing columns: Designation Type"


# --- generic -----------------------------------------------------------------------------------


def test_generic_sample() -> None:
    parsed = generic.parse(DATA / "generic-sample.csv")
    entities = _by_ref(parsed)
    ivan = entities["BI-001"]
    assert ivan.schema == "person"
    assert ivan.names == [
        NameRecord("Ivan PETROV", "primary"),
        NameRecord("Иван Петров", "strong", "Cyrl"),
        NameRecord("Vanya PETROV", "strong"),
        NameRecord("Vanya", "weak"),
    ]
    assert ivan.birth_dates == ["1960-01-31", "1961"]
    assert ivan.nationalities == ["RU", "BY"]
    assert ivan.identifiers == [{"type": "Passport", "number": "7500001", "country": "RU"}]
    assert ivan.programmes == ["ARMS", "DUAL-USE"]
    assert ivan.listed_on == datetime.date(2024, 5, 1)
    assert entities["BI-002"].schema == "organisation"
    assert entities["BI-003"].schema == "vessel"
    assert entities["BI-003"].identifiers == [{"type": "IMO", "number": "9000001", "country": ""}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ref,schema,nam\n", "line 1: missing columns: name; unknown columns: nam"),
        ("ref,schema,name\nA,ship,X\n",
         "line 2, column schema: schema 'ship' is not one of person, organisation, vessel, aircraft"),
        ("ref,schema,name,birth_dates\nA,person,X,1960\nB,person,Y,1960-13-01\n",
         "line 3, column birth_dates: date of birth '1960-13-01' is not YYYY-MM-DD, YYYY-MM, YYYY or YYYY/YYYY"),
        ("ref,schema,name\nA,person,X\nA,person,Y\n", "line 3, column ref: ref A appears twice"),
        ("ref,schema,name\nA,person,X,extra\n", "line 2: 4 cells, the header has 3"),
    ],
)  # fmt: skip
def test_generic_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        generic.parse(path)
    assert str(raised.value) == message


# --- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Iran (Islamic Republic of)", "IR"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Korea, North", "KP"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("State of Palestine", "PS"),
        ("Democratic Republic of the Congo", "CD"),
        ("Congo", "CG"),
        ("Russian Federation", "RU"),
        ("na", ""),
        ("former Soviet Union", "former Soviet Union"),
    ],
)
def test_country_code(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    ("text", "iso"),
    [("01 Jan 1960", "1960-01-01"), ("Jan 1960", "1960-01"), ("1960", "1960"), ("00/00/1960", "1960"),
     ("00/03/1960", "1960-03"), ("14/07/1968", "1968-07-14"), ("1960-02-29", "1960-02-29")],
)  # fmt: skip
def test_partial_date(text: str, iso: str) -> None:
    assert partial_date(text) == iso


def test_partial_date_refuses_impossible_dates() -> None:
    for text in ("31 Feb 1960", "1961-02-29", "soon", "13/13/1960"):
        with pytest.raises(ValueError):
            partial_date(text)
