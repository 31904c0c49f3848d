"""list_load: versions, counts, diffs, failed loads, same file twice; the load and refresh commands."""

from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from brussels_international.core.models import AuditEntry
from brussels_international.screening import list_services
from brussels_international.screening.list_selectors import active_version, list_status_rows
from brussels_international.screening.list_services import list_load
from brussels_international.screening.models import EntityName, ListedEntity, ListVersion
from brussels_international.screening.records import ListFormatError

DATA = Path(__file__).parent / "data"
UN_FILE = "sanctions/un-consolidated-2026-02-27.xml"
OFAC_FILE = "sanctions/ofac-sdn-2024-05-03.csv"


@pytest.fixture
def calls(monkeypatch):  # type: ignore[no-untyped-def]
    """Records index rebuilds and re-screening requests."""
    seen: list[tuple[str, int | None]] = []
    monkeypatch.setattr(list_services.index, "index_rebuild", lambda: seen.append(("index", None)))
    monkeypatch.setattr(
        list_services.services,
        "rescreen_after_list_change",
        lambda *, version_id: seen.append(("rescreen", version_id)),
    )
    return seen


def test_load_un_real_file(db, shared_data: Path, calls, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        version = list_load(source="un", path=shared_data / UN_FILE)
    assert (version.status, version.persons, version.organisations, version.vessels, version.aircraft) == (
        "active", 730, 273, 0, 0
    )  # fmt: skip
    assert version.names == EntityName.objects.filter(entity__version=version).count() == 4133
    assert version.published.isoformat() == "2026-02-27"
    assert version.file_name == "un-consolidated-2026-02-27.xml"
    assert (version.added, version.changed, version.removed) == (1003, 0, 0)
    assert calls == [("index", None), ("rescreen", version.pk)]
    entity = ListedEntity.objects.get(version=version, ref="CDi.003")
    assert entity.caption == "GASTON IYAMUREMYE"
    assert entity.nationalities == ["RW"]
    assert list(entity.entity_names.values_list("name", "quality")) == [
        ("GASTON IYAMUREMYE", "primary"),
        ("Rumuli", "weak"),
        ("Byiringiro Victor Rumuli", "strong"),
        ("Victor Rumuri", "strong"),
        ("Michel Byiringiro", "strong"),
    ]
    entry = AuditEntry.objects.get(object_id=str(version.pk), verb="loaded")
    assert entry.payload["counts"] == {"persons": 730, "organisations": 273, "vessels": 0, "aircraft": 0, "names": 4133}


def test_load_ofac_real_file_is_fast(db, shared_data: Path, calls) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    version = list_load(source="ofac", path=shared_data / OFAC_FILE)
    elapsed = time.perf_counter() - start
    assert (version.persons, version.organisations, version.vessels, version.aircraft) == (6854, 6884, 851, 376)
    assert ListedEntity.objects.filter(version=version).count() == 14965
    assert version.names == EntityName.objects.filter(entity__version=version).count() == 14965 + 3665
    assert elapsed < 15, f"OFAC load took {elapsed:.1f} s"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GENERIC_V1 = """ref,schema,name,aliases,birth_dates,programmes
A-1,person,Anna KOVAL,Ганна Коваль,1970-05-01,ARMS
A-2,organisation,Delta Tools LLC,,,ARMS
A-3,vessel,NORTH STAR,,,ARMS
"""
GENERIC_V2 = """ref,schema,name,aliases,birth_dates,programmes
A-1,person,Anna KOVAL,Ганна Коваль|Hanna KOVAL,1970-05-01,ARMS
A-3,vessel,NORTH STAR,,,ARMS
A-4,aircraft,EX-123,,,ARMS
"""


def test_reload_shows_added_changed_removed(db, tmp_path: Path, calls) -> None:  # type: ignore[no-untyped-def]
    first = list_load(source="watch-list", path=_write(tmp_path / "v1.csv", GENERIC_V1))
    assert first.diff == {
        "added": [["A-1", "Anna KOVAL"], ["A-2", "Delta Tools LLC"], ["A-3", "NORTH STAR"]],
        "changed": [],
        "removed": [],
    }
    second = list_load(source="watch-list", path=_write(tmp_path / "v2.csv", GENERIC_V2))
    first.refresh_from_db()
    assert first.status == "superseded"
    assert second.status == "active"
    assert second.diff == {
        "added": [["A-4", "EX-123"]],
        "changed": [["A-1", "Anna KOVAL"]],
        "removed": [["A-2", "Delta Tools LLC"]],
    }
    assert (second.added, second.changed, second.removed) == (1, 1, 1)
    assert (second.persons, second.organisations, second.vessels, second.aircraft, second.names) == (1, 0, 1, 1, 5)
    # the unchanged entity keeps its fingerprint across versions
    fingerprints = ListedEntity.objects.filter(ref="A-3").values_list("fingerprint", flat=True)
    assert len(set(fingerprints)) == 1 and len(fingerprints) == 2


def test_same_file_twice_does_nothing(db, tmp_path: Path, calls) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path / "v1.csv", GENERIC_V1)
    first = list_load(source="watch-list", path=path)
    again = list_load(source="watch-list", path=_write(tmp_path / "copy.csv", GENERIC_V1))
    assert again.pk == first.pk
    assert ListVersion.objects.count() == 1
    assert calls == [("index", None)]  # one rebuild only (re-screening runs on commit)


@pytest.mark.parametrize(
    ("source", "name", "mangle", "location"),
    [
        ("un", "un.xml", lambda text: text[: len(text) // 3], "line "),
        ("eu", "eu.xml", lambda text: text.replace('birthdate="1961-04-12"', 'birthdate="1961-04-31"'),
         "sanctionEntity #1 (logicalId 9001)"),
        ("ofac", "sdn.csv", lambda text: text.replace("DOB 1962", "DOB 1962x"), "line 2"),
        ("uk", "uk.csv", lambda text: text.replace("09/05/2024", "31/31/2024", 1), "line 8"),
        ("watch-list", "list.csv", lambda text: text.replace("2024-05-01", "01.05.2024"), "line 2, column listed_on"),
    ],
)  # fmt: skip
def test_corrupt_file_leaves_active_version(db, tmp_path: Path, calls, source, name, mangle, location) -> None:  # type: ignore[no-untyped-def]
    good = {
        "un": DATA / "un-sample.xml",
        "eu": DATA / "eu-fsf-sample.xml",
        "ofac": DATA / "ofac-sdn-sample.csv",
        "uk": DATA / "uk-sanctions-list-sample.csv",
        "watch-list": DATA / "generic-sample.csv",
    }[source]
    active = list_load(source=source, path=good)
    entities = ListedEntity.objects.filter(version=active).count()
    broken = _write(tmp_path / name, mangle(good.read_text(encoding="utf-8")))
    with pytest.raises(ListFormatError) as raised:
        list_load(source=source, path=broken)
    assert raised.value.location.startswith(location)
    assert active_version(source) == active
    active.refresh_from_db()
    assert active.status == "active"
    assert ListedEntity.objects.filter(version=active).count() == entities
    failed = ListVersion.objects.get(source=source, status="failed")
    assert failed.error == str(raised.value)
    assert failed.file_name == name
    assert ListedEntity.objects.filter(version=failed).count() == 0
    row = next(row for row in list_status_rows() if row.source == source)
    assert (row.active, row.last_failure) == (active, failed)


def test_ofac_with_alias_and_address_files(db, calls) -> None:  # type: ignore[no-untyped-def]
    version = list_load(
        source="ofac",
        path=DATA / "ofac-sdn-sample.csv",
        alt_path=DATA / "ofac-alt-sample.csv",
        add_path=DATA / "ofac-add-sample.csv",
    )
    assert version.file_name == "ofac-sdn-sample.csv, ofac-alt-sample.csv, ofac-add-sample.csv"
    assert (version.persons, version.organisations, version.vessels, version.aircraft, version.names) == (
        1,
        1,
        1,
        1,
        10,
    )
    # the same sdn.csv without alt.csv is another file set: loaded again
    again = list_load(source="ofac", path=DATA / "ofac-sdn-sample.csv")
    assert again.pk != version.pk
    assert (again.changed, again.names) == (2, 7)  # 4 primary names + 3 weak ones from the remarks


def test_bad_source_and_options(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="not a list name"):
        list_load(source="Generic List", path=DATA / "generic-sample.csv")
    with pytest.raises(ValueError, match="OFAC list only"):
        list_load(source="un", path=DATA / "un-sample.xml", alt_path=DATA / "ofac-alt-sample.csv")


# --- commands ------------------------------------------------------------------------------------


def test_screening_load_command(db, calls) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("screening_load", "eu", str(DATA / "eu-fsf-sample.xml"), stdout=out)
    text = out.getvalue()
    assert "eu: version" in text
    assert "2 persons, 2 organisations, 0 vessels, 0 aircraft, 11 names" in text
    assert "4 added, 0 changed, 0 removed" in text
    out = StringIO()
    call_command("screening_load", "eu", str(DATA / "eu-fsf-sample.xml"), stdout=out)
    assert "same file as the active version" in out.getvalue()
    assert "nothing loaded" in out.getvalue()


def test_screening_load_command_generic_and_errors(db, tmp_path: Path, calls) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    translation.activate("en")  # the command's messages are read in English here
    out = StringIO()
    call_command("screening_load", "generic", str(DATA / "generic-sample.csv"), "--name", "bi-watch", stdout=out)
    assert "bi-watch: version" in out.getvalue()
    with pytest.raises(CommandError, match="needs --name"):
        call_command("screening_load", "generic", str(DATA / "generic-sample.csv"))
    broken = _write(tmp_path / "bad.csv", "ref,schema,name\nX,person,\n")
    with pytest.raises(CommandError) as raised:
        call_command("screening_load", "generic", str(broken), "--name", "bi-watch")
    assert "line 2, column name: empty name" in str(raised.value)
    assert "stays active" in str(raised.value)


def test_screening_refresh_from_file_urls(db, settings, tmp_path: Path, calls) -> None:  # type: ignore[no-untyped-def]
    settings.SCREENING_EU_TOKEN = "abc"
    eu_copy = tmp_path / "content-abc.xml"  # the token is put into the address
    eu_copy.write_bytes((DATA / "eu-fsf-sample.xml").read_bytes())
    settings.SCREENING_LIST_URLS = {
        "un": (DATA / "un-sample.xml").as_uri(),
        "eu": (tmp_path / "content-{token}.xml").as_uri().replace("%7B", "{").replace("%7D", "}"),
        "ofac": [(DATA / "ofac-sdn-sample.csv").as_uri(), (DATA / "ofac-alt-sample.csv").as_uri()],
        "uk": (DATA / "uk-sanctions-list-sample.csv").as_uri(),
    }
    out = StringIO()
    call_command("screening_refresh", stdout=out)
    assert {v.source: v.entity_count for v in ListVersion.objects.filter(status="active")} == {
        "un": 2, "eu": 4, "ofac": 4, "uk": 3
    }  # fmt: skip
    ofac = active_version("ofac")
    assert ofac.file_name == "ofac-sdn-sample.csv, ofac-alt-sample.csv"
    out = StringIO()
    call_command("screening_refresh", "--source", "un", stdout=out)
    assert "same file as the active version" in out.getvalue()


def test_screening_refresh_reports_failures(db, settings, tmp_path: Path, calls) -> None:  # type: ignore[no-untyped-def]
    settings.SCREENING_EU_TOKEN = ""
    settings.SCREENING_LIST_URLS = {
        "un": (tmp_path / "missing.xml").as_uri(),
        "eu": "https://example.invalid/content?token={token}",
        "uk": (DATA / "uk-sanctions-list-sample.csv").as_uri(),
    }
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="Lists not loaded: un, eu"):
        call_command("screening_refresh", stdout=out, stderr=err)
    assert "eu: not loaded: the eu address needs a token" in err.getvalue()
    assert "un: not loaded:" in err.getvalue()
    assert active_version("uk") is not None
