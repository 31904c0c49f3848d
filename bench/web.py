"""Load test of the public site: ``make bench``.

Starts the site with gunicorn (production settings, SQLite, 2 sync workers) on
127.0.0.1, warms it, then loads each URL for a bounded time with ``wrk`` (2 threads,
16 connections, 10 s by default) and prints requests per second and p95 latency for the
home page, a directory search and a person page, next to a bare Django JSON view
(``/healthz``) measured in the same run, with each page's throughput as a ratio of the
bare view's. Target: every ratio at least 0.50 (README, "Benchmark").

Environment: ``BENCH_SECONDS`` (default 10), ``BENCH_CONNECTIONS`` (16),
``BENCH_PORT`` (8765), ``BENCH_WORKERS`` (2).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BASE = f"http://127.0.0.1:{PORT}"

URLS = [
    ("bare Django view (/healthz)", "/healthz"),
    ("home page", "/en/"),
    ("directory search (kiev)", "/en/directory/?q=kiev"),
    ("person page", "/en/directory/daniel-verheyden/"),
]

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors=%d seconds=%.3f p50_us=%d p95_us=%d\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95)))
end
"""


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


def load(path: str, script: Path) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(script), BASE + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"BENCH requests=(\d+) errors=(\d+) seconds=([\d.]+) p50_us=(\d+) p95_us=(\d+)", out)
    if match is None:
        raise SystemExit(f"could not read wrk output:\n{out}")
    requests, errors, seconds, p50, p95 = match.groups()
    return {
        "rps": int(requests) / float(seconds),
        "errors": int(errors),
        "p50_ms": int(p50) / 1000,
        "p95_ms": int(p95) / 1000,
    }


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package 'wrk'); `make bench` installs it.")
    workdir = Path(tempfile.mkdtemp(prefix="bi-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "CACHE_LOCATION": str(workdir / "cache"),
        "STATIC_ROOT": str(workdir / "static"),
    }
    env.pop("BI_TESTING", None)
    py = sys.executable
    print(f"Preparing a production-settings site in {workdir} ...", flush=True)
    run([py, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    run([py, "manage.py", "bootstrap"], env)
    run([py, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    script = workdir / "report.lua"
    script.write_text(LUA)
    cached = measure(py, env, workdir, script, cache_seconds=300)
    uncached = measure(py, env, workdir, script, cache_seconds=0)
    bare = cached[0][2]["rps"]
    print(f"\ngunicorn {WORKERS} sync workers, wrk 2 threads x {CONNECTIONS} connections, {SECONDS} s per URL")
    header = f"{'page':<32} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'ratio':>7}"
    print(header + "   uncached: req/s, p95 ms, ratio")
    failed = False
    for (label, _path, r), (_l, _p, u) in zip(cached, uncached, strict=True):
        ratio = r["rps"] / bare
        print(
            f"{label:<32} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['errors']:>7d} {ratio:>7.2f}"
            f"   {u['rps']:>9.0f} {u['p95_ms']:>8.2f} {u['rps'] / uncached[0][2]['rps']:>6.2f}"
        )
        failed |= r["errors"] > 0 or u["errors"] > 0
    below = [label for label, _p, r in cached[1:] if r["rps"] / bare < 0.5]
    print("\nTarget (every page >= 0.50 x bare view, page cache on):", "met" if not below else f"NOT met: {below}")
    shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        raise SystemExit("some requests failed: see the errors column")


def measure(py: str, env: dict[str, str], workdir: Path, script: Path, *, cache_seconds: int) -> list:  # type: ignore[type-arg]
    """Serve with gunicorn (page cache ``cache_seconds``), load every URL, stop the server."""
    server = subprocess.Popen(
        [
            py, "-m", "gunicorn", "brussels_international.wsgi", "--bind", f"127.0.0.1:{PORT}",
            "--workers", str(WORKERS), "--worker-class", "sync", "--access-logfile", "/dev/null",
            "--error-logfile", str(workdir / "gunicorn.log"),
        ],
        cwd=ROOT,
        env={**env, "PUBLIC_CACHE_SECONDS": str(cache_seconds)},
    )  # fmt: skip
    try:
        wait_for(BASE + "/healthz")
        for _, path in URLS:
            wait_for(BASE + path)
        return [(label, path, load(path, script)) for label, path in URLS]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
