"""`make test-load`: the locust scenario against gunicorn with the production settings.

    python tests/load/run.py [--seconds 60]

Self-contained: makes its own database (LOAD_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/kvalitet_load), migrates it, seeds a Bærum-size
municipality with two years of history and 60 observers (`seed_scale`), collects the
static files (whitenoise serves them), prepares one logged-in session per virtual user,
starts gunicorn on a free loopback port, runs locust headless for the given time (50
observers, 10 consultants, 5 leaders; tests/load/locustfile.py), stops gunicorn and drops
the database (LOAD_KEEP_DB=1 keeps it). Fails on any failed request and on a 95th
percentile over its target: score saves 100 ms, dashboards 1 s. Traffic goes to
127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg2

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
TARGETS_MS = {"score save": 100, "cycle save": 100}
DASHBOARD_TARGET_MS = 1000
# The data set: Bærum's size with two years of history and observers for 50 tablets.
SEED = ["--size", "baerum", "--years", "2", "--observers", "60"]


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "KVALITET_ENVIRONMENT": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/2"),
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND",
                                                "redis://127.0.0.1:6379/3"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "kvalitet.settings",
    })
    return env


def recreate_database(database_url: str, *, drop_only: bool = False) -> None:
    config = dj_database_url.parse(database_url)
    name = config["NAME"]
    server = psycopg2.connect(dbname="postgres", user=config["USER"] or "postgres",
                              host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
                              password=config["PASSWORD"] or None)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def check(stats_path: Path, failures_path: Path, all_failures_path: Path) -> list[str]:
    """What broke the targets, as readable lines (empty: all is well). The response times
    are those after every user has started (locust --reset-stats); failures count from
    the first request (`all_failures_path`, written by the locustfile)."""
    problems = []
    if not all_failures_path.exists():
        problems.append("the locustfile wrote no failure count")
    else:
        for name, count in sorted(json.loads(all_failures_path.read_text()).items()):
            problems.append(f"{name}: {count} request(s) failed during the run")
    with open(stats_path) as handle:
        rows = list(csv.DictReader(handle))
    print(f"{'request':<30}{'count':>8}{'failed':>8}{'median':>9}{'p95':>8}  (ms)")
    for row in rows:
        name, count = row["Name"], int(row["Request Count"])
        failed, p95 = int(row["Failure Count"]), float(row["95%"] or 0)
        print(f"{name:<30}{count:>8}{failed:>8}{float(row['Median Response Time']):>9.0f}"
              f"{p95:>8.0f}")
        if name == "Aggregated":
            if count == 0:
                problems.append("no request was made")
            continue
        if failed:
            problems.append(f"{name}: {failed} of {count} requests failed")
        target = TARGETS_MS.get(name) or (DASHBOARD_TARGET_MS if name.startswith("dashboard")
                                          else None)
        if target is not None and p95 > target:
            problems.append(f"{name}: p95 {p95:.0f} ms over the target of {target} ms")
    names = {row["Name"] for row in rows}
    for wanted in ("score save", "plan autosave", "dashboard kommune"):
        if wanted not in names:
            problems.append(f"no {wanted} request was made")
    if problems and failures_path.exists():
        print(failures_path.read_text()[:3000])
    return problems


def _stop(signum: int, frame: object) -> None:
    """A terminated run still stops its gunicorn and drops its database (finally blocks)."""
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    database_url = os.environ.get("LOAD_DATABASE_URL",
                                  "postgres://postgres@127.0.0.1:5432/kvalitet_load")
    env = environment(database_url)
    work = Path(tempfile.mkdtemp(prefix="kvalitet-load-"))
    gunicorn = None
    try:
        log("database, migrations, seed, static files")
        recreate_database(database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_scale", *SEED)
        manage(env, "collectstatic", "--noinput", "-v0")
        sessions = work / "sessions.json"
        manage(env, "shell", "-c",
               f"from tests.load.sessions import write; write({str(sessions)!r})")
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "kvalitet.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "4", "--preload", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True)
        wait_until_up(f"{host}/healthz", gunicorn)
        log(f"locust: 50 observers, 10 consultants, 5 leaders (all started within 5 s) for "
            f"{args.seconds} s on {host}")
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", str(ROOT / "tests" / "load" / "locustfile.py"),
             "--headless", "--users", "65", "--spawn-rate", "13", "--run-time",
             f"{args.seconds}s", "--host", host, "--csv", str(work / "load"),
             "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
             "--reset-stats"],
            cwd=ROOT, env={**env, "LOAD_SESSIONS": str(sessions),
                           "LOAD_ALL_FAILURES": str(work / "all_failures.json")},
            timeout=args.seconds + 120)
        problems = check(work / "load_stats.csv", work / "load_failures.csv",
                         work / "all_failures.json")
        for problem in problems:
            log(f"FAILED: {problem}")
        if not problems:
            log("passed: no failed request, every p95 within its target")
        return 1 if problems else 0
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
                gunicorn.wait()
        if os.environ.get("LOAD_KEEP_DB") != "1":
            recreate_database(database_url, drop_only=True)
        for path in work.iterdir():
            path.unlink()
        work.rmdir()


if __name__ == "__main__":
    sys.exit(main())
