"""Benchmark of the Permits unit's casework screens at scale: ``make bench-permits``.

Builds a fresh PostgreSQL database (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/bi_permits_bench``, dropped and created again; its name must
contain "bench"; set ``BENCH_DATABASE_URL=sqlite`` for a SQLite file instead), migrates it, loads
the groups, the criteria and the military list's categories, then bulk-creates invented
organisations and ``BENCH_CASES`` applications (default 100,000) with ``BENCH_LINES`` goods lines
each (default 10: 1,000,000 lines), two parties each, and statuses spread like a real register
(most cases closed, a fifth open, a share assigned to each of ten case managers).

It measures the queue (several tabs and a far page) and the case page of random cases through
Django's test client as a signed-in officer of the Permits unit (two-factor session), printing
p50, p95 and max in milliseconds, and the number of SQL queries of each page, first with
``BENCH_SMALL`` cases (default 1,000) and again at full size: the counts must be equal (the
pages' queries do not grow with the number of cases). Target (issue 4): p95 under 150 ms on
PostgreSQL for both pages.

Environment: ``BENCH_CASES``, ``BENCH_LINES``, ``BENCH_SMALL``, ``BENCH_REQUESTS`` (200 per page
kind), ``BENCH_SEED`` (42), ``BENCH_DATABASE_URL``, ``BENCH_KEEP`` ("1": keep the temporary folder).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("BENCH_CASES", "100000"))
LINES = int(os.environ.get("BENCH_LINES", "10"))
SMALL = int(os.environ.get("BENCH_SMALL", "1000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
SEED = int(os.environ.get("BENCH_SEED", "42"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bi_permits_bench")
BATCH = 5000
COUNTRIES = [
    "NO",
    "CH",
    "US",
    "CA",
    "AU",
    "JP",
    "KR",
    "IN",
    "BR",
    "CL",
    "MX",
    "ZA",
    "SA",
    "AE",
    "QA",
    "SG",
    "ID",
    "TH",
    "MA",
    "EG",
    "TR",
    "IL",
    "UA",
    "GE",
]
STATUS_WEIGHTS = [
    ("granted", 50),
    ("refused", 6),
    ("withdrawn", 6),
    ("expired", 14),
    ("revoked", 1),
    ("suspended", 1),
    ("submitted", 3),
    ("initial_checks", 4),
    ("under_assessment", 7),
    ("waiting_for_applicant", 3),
    ("consultation", 2),
    ("decision_proposed", 2),
    ("countersigned", 1),
]

LICENSED = {"granted", "expired", "revoked", "suspended"}
DECIDED = LICENSED | {"refused", "withdrawn"}


def prepare_environment(workdir: Path) -> str:
    """Production-like settings on a fresh database; returns a label of the database."""
    os.environ.update(
        {
            "DEBUG": "0",
            "DEMO_MODE": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "CACHE_LOCATION": str(workdir / "cache"),
            "STATIC_ROOT": str(workdir / "static"),
            "DJANGO_SETTINGS_MODULE": "brussels_international.settings",
        }
    )
    os.environ.pop("BI_TESTING", None)
    if DATABASE_URL == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        return "SQLite"
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"BENCH_DATABASE_URL must name a throw-away database containing 'bench' (got {name!r})")
    import psycopg

    admin = urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = DATABASE_URL
    return "PostgreSQL"


def setup_reference() -> Any:
    """Migrate, load groups, criteria and the ML categories; return the benchmark's officer."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    call_command("setup_groups", verbosity=0)
    call_command("load_permits_reference", verbosity=0)
    curated = ROOT / "brussels_international" / "permits" / "data" / "military-list-categories.csv"
    call_command("load_control_lists", "--csv", "military", str(curated), verbosity=0)
    permits = Group.objects.get(name="Permits")
    officers = []
    for i in range(10):
        user = User.objects.create_user(f"officer{i}", password=secrets.token_urlsafe(16), first_name=f"Officer {i}")
        user.groups.add(permits)
        officers.append(user)
    return officers


def generate(rng: random.Random, officers: list[Any], start: int, stop: int) -> None:
    """Bulk-create applications ``start`` to ``stop - 1`` with their goods lines and parties."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from brussels_international.permits.models import (
        Application,
        DenialNotification,
        GoodsLine,
        Licence,
        Organisation,
        Party,
    )

    organisations = list(Organisation.objects.all())
    if not organisations:
        applicant = User.objects.create_user("applicant", password=secrets.token_urlsafe(16))
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Invented Systems {i} SA",
                registration_number=f"0{i:03d}.000.{i:03d}",
                street="Rue de l'Exemple 1",
                postcode="1000",
                city="Bruxelles",
                email=f"licences{i}@invented.example",
                status="approved",
            )
            for i in range(50)
        )
        applicant.save()
    applicant = User.objects.get(username="applicant")
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    now = timezone.now()
    for batch_start in range(start, stop, BATCH):
        batch_stop = min(batch_start + BATCH, stop)
        applications = []
        for n in range(batch_start, batch_stop):
            status = rng.choices(statuses, weights)[0]
            submitted = now - dt.timedelta(days=rng.randint(0, 2000), minutes=rng.randint(0, 1440))
            applications.append(
                Application(
                    reference=f"APP-{submitted.year}-{n + 1:06d}",
                    organisation=rng.choice(organisations),
                    created_by=applicant,
                    licence_type=rng.choice(["individual_export", "global_export", "individual_transfer"]),
                    status=status,
                    title=f"Goods {n}",
                    end_use="Invented end use.",
                    submitted_at=submitted,
                    due_date=(submitted + dt.timedelta(days=60)).date(),
                    case_manager=rng.choice(officers) if status != "submitted" else None,
                    decided_at=submitted + dt.timedelta(days=rng.randint(5, 90)) if status in DECIDED else None,
                )
            )
        created = Application.objects.bulk_create(applications, batch_size=BATCH)
        lines, parties, licences, denials = [], [], [], []
        for application in created:
            if application.status in LICENSED:
                assert application.decided_at is not None
                licences.append(
                    Licence(
                        application=application,
                        number=f"BRU/{application.decided_at.year}/{application.pk:06d}",
                        issued_at=application.decided_at,
                        valid_from=application.decided_at.date(),
                        valid_until=application.decided_at.date() + dt.timedelta(days=365),
                    )
                )
            elif application.status == "refused":
                assert application.decided_at is not None
                denials.append(
                    DenialNotification(
                        application=application,
                        reference=f"BE-BRU-{application.decided_at.year}-{application.pk:06d}",
                        destination="KP",
                        goods="Invented goods",
                        criteria=[1, 7],
                        denied_on=application.decided_at.date(),
                    )
                )
            country = rng.choice(COUNTRIES)
            parties.append(
                Party(
                    application=application,
                    role="consignee",
                    name="Invented Consignee",
                    address="1 Road",
                    country=country,
                )
            )
            parties.append(
                Party(
                    application=application,
                    role="end_user",
                    name="Invented End-User",
                    address="2 Road",
                    country=country,
                )
            )
            for position in range(1, LINES + 1):
                lines.append(
                    GoodsLine(
                        application=application,
                        position=position,
                        description=f"Component {position}",
                        control_code=f"ML{rng.randint(1, 22)}",
                        quantity=Decimal(rng.randint(1, 500)),
                        value_eur=Decimal(rng.randint(100, 900000)),
                        classification_status="confirmed",
                    )
                )
        GoodsLine.objects.bulk_create(lines, batch_size=BATCH)
        Licence.objects.bulk_create(licences, batch_size=BATCH)
        DenialNotification.objects.bulk_create(denials, batch_size=BATCH)
        Party.objects.bulk_create(parties, batch_size=BATCH)
        print(f"  {batch_stop:,} cases", end="\r", flush=True)
    print()


def client_for(user: Any) -> Any:
    """A test client signed in as *user* with a verified two-factor session."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def queue_urls() -> list[str]:
    """The queue's tabs and far pages (``case_views.QueueView``: ``?queue=<tab>&p=<page>``)."""
    from django.urls import reverse

    base = reverse("permits_cases:queue")
    return [
        base,
        f"{base}?queue=unassigned",
        f"{base}?queue=open",
        f"{base}?queue=waiting",
        f"{base}?queue=countersign",
        f"{base}?queue=closed",
        f"{base}?queue=open&p=40",
        f"{base}?queue=closed&p=200",
    ]


def measure(client: Any, urls: list[str]) -> tuple[list[float], dict[str, int]]:
    """Time each URL (in turn, ``REQUESTS`` in all) and count the queries of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    counts: dict[str, int] = {}
    for i in range(REQUESTS):
        url = urls[i % len(urls)]
        connection.queries_log.clear()  # a full log (9,000 entries) would make every count 0
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts[url] = len(queries)
    return times, counts


def report(label: str, times: list[float]) -> float:
    ordered = sorted(times)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    print(f"{label:<40} {len(times):>5} {statistics.median(ordered):>8.1f} {p95:>8.1f} {ordered[-1]:>8.1f}", flush=True)
    return p95


def case_urls(rng: random.Random, n: int) -> list[str]:
    from django.urls import reverse

    from brussels_international.permits.models import Application

    pks = list(Application.objects.order_by("?").values_list("pk", flat=True)[:n])
    return [reverse("permits_cases:case", args=[pk]) for pk in pks]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    workdir = Path(tempfile.mkdtemp(prefix="bi-bench-permits-"))
    try:
        database = prepare_environment(workdir)
        import django

        django.setup()
        rng = random.Random(SEED)
        print(f"Preparing a {database} database ...", flush=True)
        officers = setup_reference()
        client = client_for(officers[0])
        small = min(SMALL, CASES)
        generate(rng, officers, 0, small)
        client.get(queue_urls()[0])  # warm up: content types, permissions, templates
        _, small_queue_counts = measure(client, queue_urls())
        sample = case_urls(rng, 40)  # cases in every status, measured again at full size
        _, small_case_counts = measure(client, sample)
        started = time.perf_counter()
        generate(rng, officers, small, CASES)
        seconds = time.perf_counter() - started
        print(f"{CASES:,} cases and {CASES * LINES:,} goods lines in {seconds:.0f} s")
        if database == "PostgreSQL":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        queue_times, queue_counts = measure(client, queue_urls())
        case_times, _ = measure(client, case_urls(rng, 100))
        _, case_counts = measure(client, sample)
        print(f"\n{database}: {CASES:,} cases, {CASES * LINES:,} goods lines; {REQUESTS} requests per page kind")
        print(f"{'':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        queue_p95 = report("queue (6 tabs, 2 far pages)", queue_times)
        case_p95 = report("case page (100 random cases)", case_times)
        print("\nQueries per page:", f"{small:,} cases → {CASES:,} cases")
        for url, count in queue_counts.items():
            print(f"  {url:<48} {small_queue_counts.get(url)} → {count}")
        changed = {
            url: (small_case_counts[url], count)
            for url, count in case_counts.items()
            if small_case_counts.get(url) != count
        }
        print(
            f"  {'case pages of the same ' + str(len(sample)) + ' cases':<48} "
            f"{min(small_case_counts.values())}-{max(small_case_counts.values())} → "
            f"{min(case_counts.values())}-{max(case_counts.values())}; changed: {changed or 'none'}"
        )
        constant = queue_counts == small_queue_counts and case_counts == small_case_counts
        met = queue_p95 < 150 and case_p95 < 150
        print(f"\nTarget p95 under 150 ms: {'met' if met else 'NOT met'}; query counts constant: {constant}")
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
