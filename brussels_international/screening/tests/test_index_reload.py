"""The candidate index follows the list loads: in the same process, after a new version, and
when two lists are loaded at the same time (PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection

from brussels_international.screening.list_services import list_load
from brussels_international.screening.models import ListVersion, MatcherIndex
from brussels_international.screening.records import ListFormatError
from brussels_international.screening.services import party_screen

HEADER = (
    "ref,schema,name,aliases,weak_aliases,birth_dates,birth_places,nationalities,addresses,identifiers,"
    "programmes,listed_on,remarks\n"
)


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_new_version_is_screened_at_once_in_the_same_process(tmp_path: Path) -> None:
    first = _write(tmp_path / "v1.csv", ["W-1,person,Ivan PETROV,,,,,,,,,,"])
    list_load(source="watch", path=first)
    assert [h.ref for h in party_screen(name="Ivan Petrov").hits.all()] == ["W-1"]
    assert party_screen(name="Olena Kovalchuk").hits.count() == 0
    second = _write(tmp_path / "v2.csv", ["W-1,person,Ivan PETROV,,,,,,,,,,", "W-2,person,Olena KOVALCHUK,,,,,,,,,,"])
    version = list_load(source="watch", path=second)
    screening = party_screen(name="Olena Kovalchuk")
    assert [h.ref for h in screening.hits.all()] == ["W-2"]
    assert screening.versions == [version.pk]
    assert MatcherIndex.objects.count() == 1


UN_DUPLICATE = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-15T00:00:00Z">
  <INDIVIDUALS>
    <INDIVIDUAL><FIRST_NAME>OMAR</FIRST_NAME><SECOND_NAME>AL-FARSI</SECOND_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER></INDIVIDUAL>
    <INDIVIDUAL><FIRST_NAME>HASSAN</FIRST_NAME><SECOND_NAME>AL-FARSI</SECOND_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER></INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
"""


@pytest.mark.django_db
def test_two_entities_with_one_reference_are_refused(tmp_path: Path) -> None:
    from django.utils import translation

    list_load(source="un", path=Path(__file__).parent / "data" / "un-sample.xml")
    bad = tmp_path / "consolidated.xml"
    bad.write_text(UN_DUPLICATE, encoding="utf-8")
    with translation.override("en"), pytest.raises(ListFormatError) as raised:
        list_load(source="un", path=bad)
    assert str(raised.value) == "consolidated.xml: the reference QDi.901 is given to two entities"
    assert list(ListVersion.objects.values_list("status", flat=True).order_by("pk")) == ["active", "failed"]
    # The active version and its index are untouched.
    assert [h.ref for h in party_screen(name="Omar Hassan al-Farsi").hits.all()] == ["QDi.901"]


@pytest.mark.django_db(transaction=True)
def test_two_lists_loaded_at_once_are_both_in_the_index(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent loads are checked on PostgreSQL (SQLite takes one writer at a time)")
    files = {
        "watch-a": _write(tmp_path / "a.csv", ["A-1,person,Ivan PETROV,,,,,,,,,,"]),
        "watch-b": _write(tmp_path / "b.csv", ["B-1,person,Olena KOVALCHUK,,,,,,,,,,"]),
    }
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def load(source: str) -> None:
        try:
            start.wait()
            list_load(source=source, path=files[source])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=load, args=(source,)) for source in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert MatcherIndex.objects.count() == 1
    assert [h.ref for h in party_screen(name="Ivan Petrov").hits.all()] == ["A-1"]
    assert [h.ref for h in party_screen(name="Olena Kovalchuk").hits.all()] == ["B-1"]
