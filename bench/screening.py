"""Benchmark of the screening engine against OpenSanctions' nomenklatura (``logic-v2``):
``make bench-screening``.

One run prints:

1. **Labelled pairs** (``../shared/data/screening-benchmark/name-pairs.csv``, 826 pairs):
   precision, recall and F1 of our name scorer and of nomenklatura's ``logic-v2`` on the same
   pairs, each at its threshold (ours: ``settings.SCREENING_THRESHOLDS["default"]``; logic-v2:
   0.7, the threshold OpenSanctions' yente uses). Our rules were written while looking at these
   pairs, so the figure is an in-sample one; the two next sections use names the rules never saw.
2. **Perturbed UN names**: every entity of the UN list, its listed name changed four ways (a
   typo, a dropped part, swapped parts, a transliteration: ``bench/screening_names.py``),
   screened against UN + OFAC loaded together; recall = the entity is among the hits.
3. **Invented names**: 10,000 invented persons and companies; alert rate = share with any hit.
4. **Speed**, 1,000 queries (600 perturbed listed names, 400 invented) against UN + OFAC: our
   whole screening per party (candidate lookup, scoring, facts) against nomenklatura's
   ``logic-v2`` comparing the same query with the same candidate entities (built beforehand,
   not timed); p50/p95 per party, throughput, and the ratios. One process, one core.

Data: the files of ``../shared/data`` (``BENCH_SHARED_DATA`` to point elsewhere); without them
the benchmark says so and stops. nomenklatura runs in ``.venv-bench`` (``requirements-bench.txt``)
through ``bench/screening_nk.py``; without it, only our figures are printed.
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brussels_international.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from screening_names import PERTURBATIONS, invented_names  # noqa: E402

from brussels_international.screening.engine import Query, _prefilter, screen  # noqa: E402
from brussels_international.screening.index import build_from_records, query_keys  # noqa: E402
from brussels_international.screening.loaders import ofac, un  # noqa: E402
from brussels_international.screening.matching import compare_names  # noqa: E402
from brussels_international.screening.normalise import name_tokens  # noqa: E402

SHARED = Path(os.environ.get("BENCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
NK_PYTHON = Path(os.environ.get("BENCH_NK_PYTHON", ROOT / ".venv-bench" / "bin" / "python"))
NK_THRESHOLD = 0.7
SEED = int(os.environ.get("BENCH_SEED", "5"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "1000"))
INVENTED = int(os.environ.get("BENCH_INVENTED", "10000"))


def prf(predicted: list[bool], labels: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(not p and y for p, y in zip(predicted, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run_nk(job: dict[str, Any]) -> dict[str, Any] | None:
    if not NK_PYTHON.exists():
        return None
    done = subprocess.run(
        [str(NK_PYTHON), str(ROOT / "bench" / "screening_nk.py")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print("nomenklatura failed:", done.stderr[-2000:])
        return None
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pairs_section(threshold: float) -> None:
    rows = list(csv.DictReader((SHARED / "screening-benchmark" / "name-pairs.csv").open(encoding="utf-8")))
    labels = [row["is_match"] == "true" for row in rows]
    start = time.perf_counter()
    ours = []
    for row in rows:
        organisation = row["schema"] != "Person"
        score = compare_names(
            name_tokens(row["name1"], organisation=organisation),
            name_tokens(row["name2"], organisation=organisation),
            organisation=organisation,
        ).score
        ours.append(score >= threshold)
    ours_seconds = time.perf_counter() - start
    print(f"\n1. Labelled pairs: {len(rows)} ({sum(labels)} matches), {SHARED / 'screening-benchmark/name-pairs.csv'}")
    print(f"   {'scorer':<28}{'threshold':>10}{'precision':>11}{'recall':>8}{'F1':>7}{'ms/pair':>9}")
    p, r, f = prf(ours, labels)
    print(f"   {'ours':<28}{threshold:>10.2f}{p:>11.3f}{r:>8.3f}{f:>7.3f}{ours_seconds / len(rows) * 1000:>9.3f}")
    start = time.perf_counter()
    answer = run_nk({"job": "pairs", "pairs": [[row["schema"], row["name1"], row["name2"]] for row in rows]})
    if answer is None:
        print("   nomenklatura logic-v2: not installed (make bench-screening creates .venv-bench)")
        return
    nk_seconds = time.perf_counter() - start
    nk = [score >= NK_THRESHOLD for score in answer["scores"]]
    p, r, f = prf(nk, labels)
    per_pair = nk_seconds / len(rows) * 1000
    print(f"   {'nomenklatura logic-v2':<28}{NK_THRESHOLD:>10.2f}{p:>11.3f}{r:>8.3f}{f:>7.3f}{per_pair:>9.3f}")
    # Two-fold check of our threshold choice: pick the best threshold on one half, measure on the other.
    scores = []
    for row in rows:
        organisation = row["schema"] != "Person"
        a = name_tokens(row["name1"], organisation=organisation)
        b = name_tokens(row["name2"], organisation=organisation)
        scores.append(compare_names(a, b, organisation=organisation).score)
    rng = random.Random(SEED)
    order = list(range(len(rows)))
    rng.shuffle(order)
    halves = (order[::2], order[1::2])
    folds = []
    for train, test in (halves, halves[::-1]):
        candidates = [t / 100 for t in range(50, 91)]
        best = max(candidates, key=lambda t: prf([scores[i] >= t for i in train], [labels[i] for i in train])[2])
        folds.append((best, prf([scores[i] >= best for i in test], [labels[i] for i in test])[2]))
    print(
        "   two-fold threshold choice (threshold chosen on one half, F1 on the other): "
        + ", ".join(f"{t:.2f} → F1 {f:.3f}" for t, f in folds)
    )


def main() -> None:
    if not (SHARED / "sanctions").is_dir():
        print(f"The shared data is not at {SHARED}: set BENCH_SHARED_DATA. Nothing measured.")
        return
    threshold = float(settings.SCREENING_THRESHOLDS["default"])
    print(f"Screening benchmark, threshold {threshold:.2f} (settings.SCREENING_THRESHOLDS['default'])")
    pairs_section(threshold)

    start = time.perf_counter()
    un_list = un.parse(SHARED / "sanctions" / "un-consolidated-2026-02-27.xml")
    ofac_list = ofac.parse(SHARED / "sanctions" / "ofac-sdn-2024-05-03.csv")
    parsed_seconds = time.perf_counter() - start
    start = time.perf_counter()
    data = build_from_records([un_list, ofac_list])
    built_seconds = time.perf_counter() - start
    blob = data.dumps()
    start = time.perf_counter()
    type(data).loads(blob)
    load_seconds = time.perf_counter() - start
    print(
        f"\nIndex: UN + OFAC, {len(data.entities):,} entities, {len(data.names):,} names, {len(data.postings):,} keys; "
        f"files read in {parsed_seconds:.1f} s, index built in {built_seconds:.1f} s, "
        f"stored {len(blob) / 1e6:.1f} MB, read back in {load_seconds:.2f} s"
    )

    rng = random.Random(SEED)
    un_entities = [e for e in data.entities if e.source == "un"]
    found = dict.fromkeys(PERTURBATIONS, 0)
    for kind, perturb in PERTURBATIONS.items():
        for entity in un_entities:
            query = Query(name=perturb(entity.caption, rng))
            if any(m.entity.pk == entity.pk for m in screen(data, query, threshold=threshold)):
                found[kind] += 1
    total = len(un_entities) * len(PERTURBATIONS)
    print(
        f"\n2. Perturbed UN names ({len(un_entities)} entities x {len(PERTURBATIONS)} perturbations), "
        "against UN + OFAC:"
    )
    for kind, count in found.items():
        print(f"   {kind:<9} recall {count / len(un_entities):.4f} ({count}/{len(un_entities)})")
    print(f"   all       recall {sum(found.values()) / total:.4f} (goal >= 0.98)")

    listed = {name.name.casefold() for name in data.names}
    invented = invented_names(INVENTED, listed)
    alerts = 0
    examples: list[str] = []
    for name, schema in invented:
        matches = screen(data, Query(name=name, schema=schema), threshold=threshold)
        if matches:
            alerts += 1
            if len(examples) < 5:
                examples.append(f"{name} → {matches[0].entity.caption} ({matches[0].score:.2f})")
    print(f"\n3. Invented names: {alerts} alerts on {len(invented):,} ({alerts / len(invented):.2%}; goal < 1%)")
    for example in examples:
        print(f"   e.g. {example}")

    speed_section(data, rng, threshold, invented)


def speed_section(data: Any, rng: random.Random, threshold: float, invented: list[tuple[str, str]]) -> None:
    listed_sample = rng.sample(range(len(data.entities)), int(QUERIES * 0.6))
    queries: list[tuple[Query, int | None]] = []
    kinds = list(PERTURBATIONS.values())
    for position in listed_sample:
        entity = data.entities[position]
        schema = "person" if entity.schema == "person" else "organisation"
        queries.append((Query(name=rng.choice(kinds)(entity.caption, rng), schema=schema), position))
    for name, schema in invented[: QUERIES - len(queries)]:
        queries.append((Query(name=name, schema=schema), None))

    names_by_entity: dict[int, list[str]] = {}
    for indexed in data.names:
        names_by_entity.setdefault(indexed.entity, []).append(indexed.name)

    def job(query: Query, expected: int | None, positions: list[int]) -> dict[str, Any]:
        entities: list[int] = []
        for pos in positions:
            if data.names[pos].entity not in entities:
                entities.append(data.names[pos].entity)
        return {
            "schema": query.schema,
            "name": query.name,
            "birth_date": query.birth_date,
            "expected": entities.index(expected) if expected in entities else None,
            "candidates": [
                {
                    "schema": data.entities[e].schema,
                    "names": names_by_entity[e],
                    "birth_dates": [d for d in data.entities[e].birth_dates if "/" not in d],
                }
                for e in entities
            ],
        }

    ours_seconds: list[float] = []
    ours_found = 0
    looked_up: list[dict[str, Any]] = []
    compared: list[dict[str, Any]] = []
    for query, expected in queries:
        start = time.perf_counter()
        matches = screen(data, query, threshold=threshold)
        ours_seconds.append(time.perf_counter() - start)
        if expected is not None and any(m.entity.pk == expected for m in matches):
            ours_found += 1
        as_person = name_tokens(query.name, organisation=False)
        as_org = name_tokens(query.name, organisation=True)
        positions = data.candidates(query_keys(as_person) + query_keys(as_org))
        looked_up.append(job(query, expected, positions))
        compared.append(job(query, expected, _prefilter(data, positions, as_person, as_org)))
    listed_count = sum(1 for _q, e in queries if e is not None)
    print(
        f"\n4. Speed: {len(queries)} queries ({listed_count} perturbed listed names, "
        f"{len(queries) - listed_count} invented) against UN + OFAC, one process. Candidate entities per query: "
        f"{statistics.mean(len(j['candidates']) for j in looked_up):.1f} from the index lookup, "
        f"{statistics.mean(len(j['candidates']) for j in compared):.1f} after our whole-name prefilter"
    )
    print(f"   {'matcher':<46}{'p50 ms':>8}{'p95 ms':>8}{'parties/s':>11}{'recall':>8}")
    ours_p50, ours_p95 = percentile(ours_seconds, 0.5) * 1000, percentile(ours_seconds, 0.95) * 1000
    ours_rate = len(ours_seconds) / sum(ours_seconds)
    print(
        f"   {'ours (lookup, prefilter, scoring, facts)':<46}{ours_p50:>8.2f}{ours_p95:>8.2f}{ours_rate:>11.0f}"
        f"{ours_found / listed_count:>8.3f}"
    )
    for label, jobs in (
        ("nomenklatura logic-v2, lookup candidates", looked_up),
        ("nomenklatura logic-v2, prefiltered candidates", compared),
    ):
        answer = run_nk({"job": "queries", "queries": jobs})
        if answer is None:
            print("   nomenklatura logic-v2: not installed (make bench-screening creates .venv-bench)")
            return
        nk_seconds = answer["seconds"]
        nk_found = sum(
            1
            for one, scores in zip(jobs, answer["scores"], strict=True)
            if one["expected"] is not None and scores[one["expected"]] >= NK_THRESHOLD
        )
        nk_p50, nk_p95 = percentile(nk_seconds, 0.5) * 1000, percentile(nk_seconds, 0.95) * 1000
        nk_rate = len(nk_seconds) / sum(nk_seconds)
        print(f"   {label:<46}{nk_p50:>8.2f}{nk_p95:>8.2f}{nk_rate:>11.0f}{nk_found / listed_count:>8.3f}")
        print(
            f"     ratios (nomenklatura / ours): p50 x{nk_p50 / ours_p50:.1f}, p95 x{nk_p95 / ours_p95:.1f}; "
            f"throughput (ours / nomenklatura) x{ours_rate / nk_rate:.1f}"
        )
    print("   goals: our p95 under 20 ms per party; throughput at least 10 times nomenklatura's")


if __name__ == "__main__":
    main()
