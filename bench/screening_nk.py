"""The nomenklatura side of ``bench/screening.py``: runs in ``.venv-bench`` (its own
virtual environment with nomenklatura, see requirements-bench.txt), reads a JSON job on stdin
and writes a JSON answer on stdout.

Jobs:

- ``{"job": "pairs", "pairs": [[schema, name1, name2], ...]}`` → ``{"scores": [...]}``: the
  ``logic-v2`` score of each pair (default configuration).
- ``{"job": "queries", "queries": [{"schema", "name", "birth_date", "candidates": [{"schema",
  "names": [...], "birth_dates": [...]}]}]}`` → ``{"seconds": [...], "best": [...]}``: per query,
  the seconds spent comparing it with its candidates (entities built beforehand, not timed)
  and, per candidate, its score.
"""

from __future__ import annotations

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import LogicV2
from nomenklatura.matching.types import ScoringConfig

SCHEMATA = {"person": "Person", "organisation": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}


def entity(schema: str, names: list[str], birth_dates: list[str], key: str):  # type: ignore[no-untyped-def]
    made = model.make_entity(SCHEMATA.get(schema, schema) if schema else "LegalEntity")
    made.id = key
    for name in names:
        made.add("name", name)
    if made.schema.is_a("Person"):
        for date in birth_dates:
            if "/" not in date:
                made.add("birthDate", date)
    return made


def main() -> None:
    job = json.load(sys.stdin)
    config = ScoringConfig.defaults()
    if job["job"] == "pairs":
        scores = []
        for i, (schema, name1, name2) in enumerate(job["pairs"]):
            left = model.make_entity(schema)
            left.id = f"l{i}"
            left.add("name", name1)
            right = model.make_entity(schema)
            right.id = f"r{i}"
            right.add("name", name2)
            scores.append(LogicV2.compare(left, right, config).score)
        json.dump({"scores": scores}, sys.stdout)
        return
    seconds: list[float] = []
    scores_out: list[list[float]] = []
    for qi, query in enumerate(job["queries"]):
        q = entity(query["schema"], [query["name"]], [query["birth_date"]] if query["birth_date"] else [], f"q{qi}")
        candidates = [
            entity(c["schema"], c["names"], c["birth_dates"], f"c{qi}-{ci}") for ci, c in enumerate(query["candidates"])
        ]
        start = time.perf_counter()
        scores = [LogicV2.compare(q, c, config).score for c in candidates]
        seconds.append(time.perf_counter() - start)
        scores_out.append(scores)
    json.dump({"seconds": seconds, "scores": scores_out}, sys.stdout)


if __name__ == "__main__":
    main()
