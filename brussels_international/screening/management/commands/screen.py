"""``manage.py screen INPUT.csv OUTPUT.csv [--threshold X] [--use batch]``: screen a CSV of parties
and write a CSV of their hits.

Input: UTF-8 CSV (a byte-order mark is accepted) with a header row; columns ``name``
(required), ``birth_date`` (``YYYY-MM-DD`` or ``YYYY``), ``country`` (ISO 3166-1 alpha-2),
``schema`` (``person``, ``organisation``, ``vessel``, ``aircraft``) and ``id`` (your reference,
copied to the output), all but ``name`` optional; other columns are ignored.

Output: one row per hit, parties without hits are not written; columns :data:`OUTPUT_COLUMNS`:
``row`` (the party's row in the input, the header being row 1, as a spreadsheet numbers it),
``id``, ``name`` (as screened), ``source`` and ``ref`` of the listing, ``listed_name`` (the
entity's name on the list), ``score`` (0-1, final), ``matched_name`` (the entity's name or alias
that matched) and ``measures`` (:func:`..explain.measures_summary`).

A row that cannot be screened (empty name, bad date...) is reported on the error output with its
row number and the reason, and skipped; the others go on. Each party is stored as a screening
(``party_screen(use=..., subject="")``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from ... import services
from ...engine import QueryError
from ...explain import measures_summary, query_error_message
from ...screen_forms import birth_date_exists

OUTPUT_COLUMNS = ("row", "id", "name", "source", "ref", "listed_name", "score", "matched_name", "measures")
PROGRESS_EVERY = 1000


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise CommandError(f"--threshold {value}: not a number; give a score between 0 and 1.") from None
    if not 0.0 <= number <= 1.0:
        raise CommandError(f"--threshold {value}: give a score between 0 and 1.")
    return number


class Command(BaseCommand):
    help = (
        "Screen the parties of a CSV file (header: name, and optionally birth_date, country, schema, id) against the "
        "active sanctions lists and write their hits to a CSV file, one row per hit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="CSV of parties")
        parser.add_argument("output", type=Path, help="CSV of hits (overwritten)")
        parser.add_argument("--threshold", type=str, default=None, help="lowest score reported, 0-1")
        parser.add_argument("--use", choices=services.USES, default="batch", help="threshold profile (default: batch)")

    @no_translations  # messages in English, like the other list commands
    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        threshold = _threshold(options["threshold"]) if options["threshold"] is not None else None
        use: str = options["use"]
        try:
            handle = source.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"{source}: cannot be read ({error.strerror}).") from error
        with handle:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in (reader.fieldnames or [])]
            if "name" not in columns:
                raise CommandError(
                    f"{source}: the header has no 'name' column (found: {', '.join(columns) or 'nothing'}); "
                    "expected name, and optionally birth_date, country, schema, id."
                )
            reader.fieldnames = columns
            counts = {"read": 0, "screened": 0, "with_hits": 0, "rejected": 0, "hits": 0}
            try:
                out = options["output"].open("w", encoding="utf-8", newline="")
            except OSError as error:
                raise CommandError(f"{options['output']}: cannot be written ({error.strerror}).") from error
            with out:
                writer = csv.writer(out)
                writer.writerow(OUTPUT_COLUMNS)
                for number, row in enumerate(reader, start=2):
                    counts["read"] += 1
                    self._screen_row(number, row, writer, counts, use=use, threshold=threshold)
                    if counts["read"] % PROGRESS_EVERY == 0:
                        self.stdout.write(f"{counts['read']} parties read, {counts['hits']} hits so far...")
        self.stdout.write(
            f"Parties read: {counts['read']}; screened: {counts['screened']}; with hits: {counts['with_hits']}; "
            f"rejected: {counts['rejected']}. {counts['hits']} hits written to {options['output']}."
        )

    def _screen_row(
        self,
        number: int,
        row: dict[str, Any],
        writer: Any,
        counts: dict[str, int],
        *,
        use: str,
        threshold: float | None,
    ) -> None:
        def value(column: str) -> str:
            cell = row.get(column)
            return cell.strip() if isinstance(cell, str) else ""

        if None in row:  # more cells than columns
            counts["rejected"] += 1
            self.stderr.write(f"row {number}: more cells than columns in the header; skipped.")
            return
        name, birth_date = row.get("name") or "", value("birth_date")
        if not birth_date_exists(birth_date):
            counts["rejected"] += 1
            self.stderr.write(f"row {number}: birth_date: {birth_date} is not a day of the calendar; skipped.")
            return
        try:
            screening = services.party_screen(
                name=name,
                birth_date=birth_date,
                country=value("country"),
                schema=value("schema"),
                subject="",
                use=use,
                actor=None,
                threshold=threshold,
            )
        except QueryError as error:
            counts["rejected"] += 1
            self.stderr.write(f"row {number}: {error.field}: {query_error_message(error, name)} Skipped.")
            return
        counts["screened"] += 1
        hits = list(screening.hits.order_by("-score", "pk"))
        if hits:
            counts["with_hits"] += 1
            counts["hits"] += len(hits)
        for hit in hits:
            writer.writerow(
                [
                    number,
                    value("id"),
                    screening.name,
                    hit.source,
                    hit.ref,
                    hit.caption,
                    f"{hit.score:.3f}",
                    hit.explanation.get("listed_name", ""),
                    measures_summary(hit.explanation),
                ]
            )
