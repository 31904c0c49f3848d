"""``manage.py screen``: a CSV of parties in, a CSV of hits out; bad rows reported and skipped."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from brussels_international.screening.models import Screening

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("screen", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_hits_are_written_one_row_each_and_bad_rows_reported(demo_list, tmp_path: Path) -> None:
    source = tmp_path / "parties.csv"
    source.write_text(
        "\ufeffid,name,birth_date,country,schema\n"
        "C-1,Petrov Ivan,1960-01-31,RU,person\n"
        "C-2,Sophie Vandenberghe,,,\n"
        "C-3,,,,\n"
        "C-4,Ivan Petrof,1990,,person\n"
        "C-5,Baltic Dual Use Trading,,EE,organisation\n"
        "C-6,Ivan Petrov,31/01/1960,,\n"
        "C-7,Ivan Petrov,1960-02-30,,\n",
        encoding="utf-8",
    )
    target = tmp_path / "hits.csv"
    out, err = run(str(source), str(target))
    assert target.read_text(encoding="utf-8").splitlines() == [
        "row,id,name,source,ref,listed_name,score,matched_name,measures",
        "2,C-1,Petrov Ivan,national,BI-001,Ivan PETROV,1.000,Ivan PETROV,"
        "petrov=petrov exact 1.00; ivan=ivan exact 1.00; birth_date same date +0.10; country same +0.05",
        "5,C-4,Ivan Petrof,national,BI-001,Ivan PETROV,0.752,Ivan PETROV,"
        "ivan=ivan exact 1.00; petrof=petrov typo 0.92; birth_date different -0.20",
        "6,C-5,Baltic Dual Use Trading,national,BI-002,Baltic Dual Use Trading OU,1.000,Baltic Dual Use Trading OU,"
        "baltic=baltic exact 1.00; dual=dual exact 1.00; use=use exact 1.00; trading=trading exact 1.00; "
        "country same +0.05",
    ]
    assert err.splitlines() == [
        "row 4: name: The name is empty. Skipped.",
        "row 7: birth_date: The date of birth must be a date (YYYY-MM-DD) or a year (YYYY). Skipped.",
        "row 8: birth_date: 1960-02-30 is not a day of the calendar; skipped.",
    ]
    assert out == ("Parties read: 7; screened: 4; with hits: 3; rejected: 3. 3 hits written to " + str(target) + ".\n")
    assert list(Screening.objects.order_by("pk").values_list("use", "subject", "threshold")) == [("batch", "", 0.7)] * 4


def test_threshold_and_use(demo_list, tmp_path: Path) -> None:
    source = tmp_path / "parties.csv"
    source.write_text("name,birth_date\nIvan Petrof,1990\n", encoding="utf-8")
    target = tmp_path / "hits.csv"
    out, _ = run(str(source), str(target), "--threshold", "0.8", "--use", "permits")
    assert target.read_bytes() == b"row,id,name,source,ref,listed_name,score,matched_name,measures\r\n"
    assert out.startswith("Parties read: 1; screened: 1; with hits: 0; rejected: 0.")
    assert Screening.objects.get().use == "permits"
    with pytest.raises(CommandError, match=r"--threshold 2: give a score between 0 and 1\."):
        run(str(source), str(target), "--threshold", "2")


def test_progress_is_printed_every_thousand_rows(demo_list, tmp_path: Path, monkeypatch) -> None:
    from brussels_international.screening.management.commands import screen

    monkeypatch.setattr(screen, "PROGRESS_EVERY", 2)
    source = tmp_path / "parties.csv"
    source.write_text("name\nIvan Petrov\nAnna Smith\nSEA FALCON\n", encoding="utf-8")
    out, _ = run(str(source), str(tmp_path / "hits.csv"))
    assert out.splitlines()[0] == "2 parties read, 1 hits so far..."


def test_an_input_without_a_name_column_is_refused(demo_list, tmp_path: Path) -> None:
    source = tmp_path / "parties.csv"
    source.write_text("party,country\nIvan Petrov,RU\n", encoding="utf-8")
    target = tmp_path / "hits.csv"
    with pytest.raises(CommandError) as raised:
        run(str(source), str(target))
    assert str(raised.value) == (
        f"{source}: the header has no 'name' column (found: party, country); "
        "expected name, and optionally birth_date, country, schema, id."
    )
    assert not target.exists()
    assert Screening.objects.count() == 0


def test_a_missing_input_file_is_refused(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"missing\.csv: cannot be read \(No such file or directory\)\."):
        run(str(tmp_path / "missing.csv"), str(tmp_path / "hits.csv"))


def test_the_exit_code_is_not_zero_without_a_name_column(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "parties.csv"
    source.write_text("party\nIvan Petrov\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "screen", str(source), str(tmp_path / "hits.csv")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={**__import__("os").environ, "DEBUG": "1"},
        check=False,
    )
    assert result.returncode == 1
    assert "the header has no 'name' column (found: party)" in result.stderr
