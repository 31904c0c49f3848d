"""Benchmark of the newsletter sending, with a worker killed midway: ``make bench-newsletter``.

Builds a fresh SQLite database in a temporary folder, migrates it, bulk-creates ``BENCH_SUBSCRIBERS``
(10,000) active subscribers (fr/nl/en in turn) and one campaign scheduled for now. Starts an SMTP
server (aiosmtpd) on 127.0.0.1, on a free port, in a process of its own (:func:`serve_smtp` says
why), which records every message it accepts (Message-ID and recipient). Runs ``manage.py
db_worker`` as a child process with ``EMAIL_HOST``/``EMAIL_PORT`` pointing at that server (no TLS);
when ``BENCH_KILL_AT`` (4,000) messages have arrived, waits a random 0–50 ms (a crash comes at no
particular instant) and kills it with SIGKILL (no clean-up at all), runs ``manage.py schedule_tasks``
and starts a new worker, which resumes when the dead chunk's lease ends. Waits until the campaign
is ``sent``, then prints: messages received, distinct Message-IDs, distinct recipients, duplicates,
missing, the elapsed time and messages per second (sending time only: the restart wait, from the
kill to the first message of the new worker, is left out), and PASS/FAIL against the goals:
at least 200 messages per second, and every subscriber exactly once.

Environment: ``BENCH_SUBSCRIBERS`` (10000), ``BENCH_KILL_AT`` (4000), ``BENCH_RATE`` (0: the
``NEWSLETTER_RATE_PER_SECOND`` of the worker; 0 = no limit), ``BENCH_CHUNK_SECONDS`` (10: the
``NEWSLETTER_CHUNK_SECONDS`` of the worker; the restart wait is at most this plus the 15 s grace),
``BENCH_TIMEOUT`` (600 seconds), ``BENCH_KEEP`` ("1": keep the temporary folder).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "10000"))
KILL_AT = int(os.environ.get("BENCH_KILL_AT", "4000"))
RATE = os.environ.get("BENCH_RATE", "0")
CHUNK_SECONDS = os.environ.get("BENCH_CHUNK_SECONDS", "10")
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))
GOAL_RATE = 200.0


class CountingHandler:
    """aiosmtpd handler: accepts every message, records (arrival time, Message-ID, recipient) and keeps
    the running count in *counter* (shared with the bench process)."""

    def __init__(self, counter: Any) -> None:
        self.counter = counter
        self.received: list[tuple[float, str, str]] = []
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        message_id = str(self.parser.parsebytes(content).get("Message-ID", ""))
        now = time.monotonic()  # CLOCK_MONOTONIC: comparable with the bench process's clock
        for recipient in envelope.rcpt_tos:
            self.received.append((now, message_id, recipient.lower()))
        with self.counter.get_lock():
            self.counter.value += len(envelope.rcpt_tos)
        return "250 Message accepted"


def serve_smtp(port: int, counter: Any, ready: Any, stop: Any, out: str) -> None:
    """The SMTP server, in a process of its own: until *stop* is set, then its records go to *out*
    (JSON). Its own process, because a server thread in the bench process would share the GIL with
    the loop that decides when to kill the worker: that loop then runs right after the server has
    answered ``250`` (when the server thread blocks), so the kill would always fall in the one
    instant where a message is accepted but not yet recorded (see the README), not at a random one."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler(counter)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    Path(out).write_text(json.dumps(handler.received))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_environment(workdir: Path, smtp_port: int) -> None:
    """Production-like settings on a fresh SQLite file, mail to the local SMTP server."""
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
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "DEFAULT_FROM_EMAIL": "Brussels International <newsletter@bench.example>",
            "NEWSLETTER_RATE_PER_SECOND": RATE,
            "NEWSLETTER_CHUNK_SECONDS": CHUNK_SECONDS,
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("BI_TESTING", None)


def build() -> tuple[int, float]:
    """Migrate, create the subscribers and a campaign scheduled for now; return (campaign id, seconds)."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from brussels_international.newsletter.campaign_services import campaign_create, campaign_schedule
    from brussels_international.newsletter.models import Subscriber, SubscriberStatus

    call_command("migrate", "--no-input", verbosity=0)
    started = time.perf_counter()
    languages = ("fr", "nl", "en")
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"subscriber{n:05d}@bench.example", language=languages[n % 3], status=SubscriberStatus.ACTIVE
            )
            for n in range(SUBSCRIBERS)
        ],
        batch_size=2000,
    )
    actor = User.objects.create_superuser("bench", "bench@bench.example", secrets.token_urlsafe(16))
    campaign = campaign_create(
        actor=actor,
        content={
            "title": "Bench letter",
            "subject_fr": "Lettre d'information",
            "subject_nl": "Nieuwsbrief",
            "subject_en": "Newsletter",
            "text_fr": "Bonjour.\n\nLes nouvelles de Brussels International." * 5,
            "text_nl": "Dag.\n\nHet nieuws van Brussels International." * 5,
            "text_en": "Hello.\n\nThe news of Brussels International." * 5,
        },
    )
    campaign_schedule(actor=actor, campaign=campaign, send_at=None)  # queues the start (database backend)
    return campaign.pk, time.perf_counter() - started


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        manage("db_worker", "--interval", "0.1", "--no-startup-delay"),
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def campaign_status(campaign_id: int) -> str:
    from django.db import close_old_connections

    from brussels_international.newsletter.models import Campaign

    close_old_connections()
    return str(Campaign.objects.values_list("status", flat=True).get(pk=campaign_id))


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bi-newsletter-bench-"))
    port = free_port()
    context = multiprocessing.get_context("spawn")
    counter, ready, stop = context.Value("i", 0), context.Event(), context.Event()
    records = workdir / "received.json"
    server = context.Process(target=serve_smtp, args=(port, counter, ready, stop, str(records)), daemon=True)
    prepare_environment(workdir, port)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    worker: subprocess.Popen[bytes] | None = None
    try:
        campaign_id, build_seconds = build()
        print(
            f"Database: SQLite in {workdir}; {SUBSCRIBERS} subscribers and the campaign made in {build_seconds:.1f} s."
        )
        print(
            f"SMTP server: aiosmtpd on 127.0.0.1:{port} (its own process); worker rate {RATE} msg/s "
            f"(0 = no limit), chunks of {CHUNK_SECONDS} s."
        )
        server.start()
        ready.wait(30)
        log = workdir / "worker.log"
        worker = start_worker(log)
        deadline = time.monotonic() + TIMEOUT
        while counter.value < KILL_AT and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(random.uniform(0, 0.05))
        killed_at = time.monotonic()
        received_before_kill = counter.value
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        print(f"Worker killed with SIGKILL after {received_before_kill} messages received.")
        time.sleep(0.5)  # anything still in flight from the dead worker has arrived or is lost
        at_restart = counter.value
        subprocess.run(manage("schedule_tasks"), cwd=ROOT, env=os.environ.copy(), check=True, capture_output=True)
        worker = start_worker(log)
        print("Worker restarted (schedule_tasks run first); it resumes when the dead chunk's lease ends.")
        status = ""
        while time.monotonic() < deadline:
            status = campaign_status(campaign_id)
            if status == "sent":
                break
            time.sleep(0.5)
        time.sleep(0.5)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        worker = None
        stop.set()
        server.join(60)
        received = [tuple(row) for row in json.loads(records.read_text())]
        return report(received, campaign_id, status, killed_at, at_restart)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        stop.set()
        if server.is_alive():
            server.join(10)
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(received: list[Any], campaign_id: int, status: str, killed_at: float, at_restart: int) -> int:
    """Print the counts and the speed from the server's records (arrival time, Message-ID, recipient);
    return the exit status (0 = PASS)."""
    from brussels_international.newsletter.campaign_selectors import campaign_figures
    from brussels_international.newsletter.models import Campaign, Delivery
    from brussels_international.newsletter.sending import HANDED_NOTE

    rows = sorted(received)
    expected = {f"subscriber{n:05d}@bench.example" for n in range(SUBSCRIBERS)}
    recipients = [recipient for _, _, recipient in rows]
    distinct_ids = {message_id for _, message_id, _ in rows}
    distinct_recipients = set(recipients)
    duplicates = len(rows) - len(distinct_recipients)
    missing = len(expected - distinct_recipients)
    first = rows[0][0] if rows else 0.0
    before = [t for t, _, _ in rows if t <= killed_at + 0.5]
    after = [t for t, _, _ in rows if t > killed_at + 0.5]
    sending_seconds = (before[-1] - first if before else 0.0) + (after[-1] - after[0] if len(after) > 1 else 0.0)
    restart_wait = (after[0] - killed_at) if after else 0.0
    rate = len(rows) / sending_seconds if sending_seconds else 0.0
    figures = campaign_figures(Campaign.objects.get(pk=campaign_id))
    print()
    print(
        f"Campaign status:            {status} "
        f"(figures: sent {figures.sent}, failed {figures.failed}, waiting {figures.waiting})"
    )
    deliveries = Delivery.objects.filter(campaign_id=campaign_id)
    settled = deliveries.filter(error=HANDED_NOTE).count()
    resent = deliveries.filter(attempts__gt=1).count()
    print(
        f"At the crash:               {settled} handed over (counted, not sent again), {resent} unfinished (sent again)"
    )
    print(f"Messages received:          {len(rows)}")
    print(f"Distinct Message-IDs:       {len(distinct_ids)}")
    print(f"Distinct recipients:        {len(distinct_recipients)} of {SUBSCRIBERS}")
    print(f"Duplicates:                 {duplicates}")
    print(f"Missing:                    {missing}")
    print(f"Received before the kill:   {at_restart}")
    print(f"Restart wait (left out):    {restart_wait:.1f} s")
    print(f"Sending time:               {sending_seconds:.1f} s")
    print(f"Messages per second:        {rate:.0f}")
    speed_ok = rate >= GOAL_RATE
    once_ok = status == "sent" and duplicates == 0 and missing == 0 and len(rows) == SUBSCRIBERS
    print(f"Speed (>= {GOAL_RATE:.0f} msg/s):       {'PASS' if speed_ok else 'FAIL'}")
    print(f"Exactly once ({SUBSCRIBERS}):      {'PASS' if once_ok else 'FAIL'}")
    return 0 if speed_ok and once_ok else 1


if __name__ == "__main__":
    sys.exit(main())
