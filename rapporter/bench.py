"""The benchmark behind `manage.py bench`: figures measured on a `seed_scale` world.

Every page and API call goes through Django's whole middleware stack (the test Client:
sessions, CSRF, locale, CSP, the authentication backends, the views, the templates); each
figure is a median (and a 95th percentile where asked) over `repeat` requests after a
warm-up. The annual report is built as the Celery task builds it, with WeasyPrint's own
layout and PDF writing timed apart; the kindergarten reports run on real Celery worker
processes (`--concurrency 1` each), first one, then two, on the configured broker.

What the benchmark writes (a cycle and its scores, reports, outbox messages) it removes
again, so the seed stays as seeded and a second run measures the same thing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import django_otp
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from barnehager.models import Avdeling, Barnehage, Kommune, OutboxMessage, Role, User
from barnehager.twofactor.access import has_second_factor, must_have_second_factor
from kvalitet.celery import app as celery_app
from observasjoner.models import Observasjon, Observasjonsrunde, Syklus
from rapporter import scale
from rapporter.models import PENDING, Kind, Rapport, Status
from rapporter.reports import services as report_services

WARM_UP = 3
WORKER_START_TIMEOUT = 90
REPORT_TIMEOUT = 1800


@dataclass(frozen=True)
class Figure:
    name: str
    value: float | int
    unit: str

    def line(self) -> str:
        if isinstance(self.value, int):
            shown = str(self.value)
        elif self.unit in ("ms",):
            shown = f"{self.value:.1f}"
        elif self.unit == "ratio":
            shown = f"{self.value:.2f}"
        else:
            shown = f"{self.value:.2f}"
        return f"{self.name}: {shown} {self.unit}"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (0 < share <= 1)."""
    ordered = sorted(values)
    rank = max(1, int(-(-share * len(ordered) // 1)))
    return ordered[rank - 1]


class Bench:
    def __init__(self, spec: scale.ScaleSpec, *, repeat: int = 30, reports: int = 24,
                 emit: Callable[[Figure], None], log: Callable[[str], None]) -> None:
        self.spec = spec
        self.repeat = repeat
        self.reports = reports
        self.emit = emit
        self.log = log

    # The seed ---------------------------------------------------------------------------

    def ensure_seed(self) -> Kommune:
        kommuner = scale.find_seed(self.spec)
        record = _seed_record(self.spec)
        if kommuner:
            self.log(f"using the existing seed {self.spec.digest}")
            if record.exists():
                self.emit(Figure("seed.seconds", json.loads(record.read_text())["seconds"],
                                 "s"))
            self.emit(Figure("seed.reused", 1, "bool"))
        else:
            self.log(f"seeding {self.spec.size} ({self.spec.years} years)")
            report = scale.seed(self.spec, log=self.log)
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps({"seconds": report.seconds,
                                          "counts": report.counts}))
            self.emit(Figure("seed.seconds", report.seconds, "s"))
            self.emit(Figure("seed.results_seconds", report.results_seconds, "s"))
            self.emit(Figure("seed.reused", 0, "bool"))
            kommuner = scale.find_seed(self.spec)
        # The biggest municipality is the one measured (national: the Oslo of the country).
        kommune = (Kommune.objects.filter(pk__in=[k.pk for k in kommuner])
                   .annotate(size=Count("barnehager")).order_by("-size", "slug").first())
        assert kommune is not None
        self.emit(Figure("data.kindergartens", Barnehage.objects.filter(kommune=kommune)
                         .count(), "count"))
        self.emit(Figure("data.observations", Observasjon.objects.filter(
            runde__kommune=kommune).count(), "count"))
        return kommune

    # Pages ------------------------------------------------------------------------------

    def client(self, user: User) -> Client:
        return logged_in_client(user)

    def timed(self, client: Client, method: str, url: str, **extra: Any) -> tuple[float, Any]:
        started = time.perf_counter()
        response = getattr(client, method)(url, **extra)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{method.upper()} {url} answered {response.status_code}")
        return elapsed, response

    def series(self, client: Client, url: str) -> list[float]:
        for _ in range(WARM_UP):
            self.timed(client, "get", url)
        return [self.timed(client, "get", url)[0] for _ in range(self.repeat)]

    def pages(self, kommune: Kommune) -> None:
        consultant = User.objects.get(email=scale.user_email(Role.CONSULTANT, 1, kommune.slug))
        barnehage = Barnehage.objects.filter(kommune=kommune).order_by("name").first()
        assert barnehage is not None
        leader = User.objects.get(memberships__role=Role.LEADER,
                                  memberships__barnehage=barnehage)
        avdeling = Avdeling.objects.filter(barnehage=barnehage).order_by("name").first()
        assert avdeling is not None
        as_consultant, as_leader = self.client(consultant), self.client(leader)

        trivial = self.series(as_consultant, reverse("password_change"))
        self.emit(Figure("page.trivial.median_ms", statistics.median(trivial), "ms"))

        url = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
        timings = self.series(as_consultant, url)
        self.emit(Figure("page.kommune_dashboard.median_ms", statistics.median(timings), "ms"))
        self.emit(Figure("page.kommune_dashboard.p95_ms", percentile(timings, 0.95), "ms"))
        with CaptureQueriesContext(connection) as queries:
            _elapsed, response = self.timed(as_consultant, "get", url)
        self.emit(Figure("page.kommune_dashboard.queries", len(queries), "queries"))

        timings = self.series(as_leader, reverse("rapporter:dashboard-barnehage",
                                                 args=[barnehage.pk]))
        self.emit(Figure("page.barnehage_dashboard.median_ms", statistics.median(timings),
                         "ms"))
        timings = self.series(as_leader, reverse("rapporter:dashboard-avdeling",
                                                 args=[avdeling.pk]))
        self.emit(Figure("page.avdeling_dashboard.median_ms", statistics.median(timings),
                         "ms"))

        # The page's links are relative to it ("?table=...&format=csv").
        csv_url = urljoin(url, table_csv_url(response.content.decode()))
        _elapsed, download = self.timed(as_consultant, "get", csv_url)
        if not download["Content-Type"].startswith("text/csv"):
            raise RuntimeError(f"{csv_url} answered {download['Content-Type']}, not a CSV")
        timings = self.series(as_consultant, csv_url)
        self.emit(Figure("page.table_csv.median_ms", statistics.median(timings), "ms"))

    # The tablet -------------------------------------------------------------------------

    def score_saves(self, kommune: Kommune) -> None:
        """An observer starts a planned observation of the current round and scores every
        dimension of four cycles: each save is one tap on the tablet."""
        observasjon = (Observasjon.objects.filter(
            runde__kommune=kommune, runde__status=Observasjonsrunde.Status.ACTIVE,
            status=Observasjon.Status.PLANNED, sykluser__isnull=True)
            .select_related("observer", "instrument").order_by("pk").first())
        if observasjon is None:
            raise RuntimeError("the seed has no planned observation in an active round")
        codes = list(observasjon.instrument.domener.values_list(
            "dimensjoner__code", flat=True).order_by("order", "dimensjoner__order"))
        client = self.client(observasjon.observer)
        cycle_url = reverse("observasjoner:api-cycle", args=[observasjon.pk])
        score_url = reverse("observasjoner:api-score", args=[observasjon.pk])
        cycles_needed = -(-(self.repeat + WARM_UP) // len(codes))
        timings: list[float] = []
        try:
            for number in range(1, cycles_needed + 1):
                cycle = str(uuid.uuid4())
                self.timed(client, "post", cycle_url, content_type="application/json",
                           data={"client_id": cycle, "number": number,
                                 "children_present": 12})
                for index, code in enumerate(codes):
                    elapsed, _response = self.timed(
                        client, "post", score_url, content_type="application/json",
                        data={"change_id": str(uuid.uuid4()), "cycle": cycle,
                              "dimension": code, "value": 1 + (index + number) % 7,
                              "base_version": 0})
                    timings.append(elapsed)
        finally:
            with transaction.atomic():
                Syklus.objects.filter(observasjon=observasjon).delete()
                Observasjon.objects.filter(pk=observasjon.pk).update(
                    status=Observasjon.Status.PLANNED, observed_on=None)
        timings = timings[WARM_UP:]
        self.emit(Figure("api.score_save.median_ms", statistics.median(timings), "ms"))
        self.emit(Figure("api.score_save.p95_ms", percentile(timings, 0.95), "ms"))

    # Reports ----------------------------------------------------------------------------

    def annual_report(self, kommune: Kommune, media: Path) -> None:
        import weasyprint
        from weasyprint.document import Document

        # Fonts and the layout engine load on the first document: a worker pays that once.
        weasyprint.HTML(string="<html lang='nb'><title>x</title><p>x</p></html>").write_pdf()
        year = self.spec.semesters()[-1][1]
        spent = {"layout": 0.0}

        def timed_method(owner: type, name: str) -> Callable[..., Any]:
            original = getattr(owner, name)

            def wrapper(*args: Any, **kwargs: Any) -> object:
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    spent["layout"] += time.perf_counter() - started
            setattr(owner, name, wrapper)
            return original

        originals = {(weasyprint.HTML, "render"): timed_method(weasyprint.HTML, "render"),
                     (Document, "write_pdf"): timed_method(Document, "write_pdf")}
        try:
            rapport = report_services.order(Kind.ANNUAL, kommune, year=year)
            started = time.perf_counter()
            rapport = report_services.generate_now(rapport)
            total = time.perf_counter() - started
        finally:
            for (owner, name), original in originals.items():
                setattr(owner, name, original)
        self.emit(Figure("report.annual.seconds", total, "s"))
        self.emit(Figure("report.annual.pages", rapport.pages or 0, "pages"))
        self.emit(Figure("report.annual.weasyprint_share", spent["layout"] / total, "ratio"))
        _remove_reports([rapport.pk])

    def kindergarten_reports(self, kommune: Kommune, media: Path) -> None:
        semester, year = self.spec.semesters()[-1]
        barnehager = list(Barnehage.objects.filter(kommune=kommune).order_by("name")
                          [:self.reports])
        self.emit(Figure("celery.kindergarten_reports.count", len(barnehager), "reports"))
        timings = {}
        for workers in (1, 2):
            with celery_workers(workers, media, self.log):
                # Long-running workers in production: each first builds one report of
                # its own (loading WeasyPrint and the fonts), and the timing starts after.
                self._reports_on_workers(kommune, year, semester, barnehager[:2 * workers])
                timings[workers] = self._reports_on_workers(kommune, year, semester,
                                                            barnehager)
        self.emit(Figure("celery.kindergarten_reports.one_worker_s", timings[1], "s"))
        self.emit(Figure("celery.kindergarten_reports.two_workers_s", timings[2], "s"))
        self.emit(Figure("celery.kindergarten_reports.speedup", timings[1] / timings[2],
                         "ratio"))

    def _reports_on_workers(self, kommune: Kommune, year: int, semester: str,
                            barnehager: list[Barnehage]) -> float:
        """Orders one report per kindergarten, waits until the workers stored them all and
        removes them again; returns the seconds from the order to the last report."""
        started = time.perf_counter()
        with transaction.atomic():
            rapporter = report_services.order_kindergarten_reports(
                kommune, year=year, semester=semester, barnehager=barnehager)
        ids = [rapport.pk for rapport in rapporter]
        try:
            wait_for_reports(ids)
            return time.perf_counter() - started
        finally:
            _remove_reports(ids)

    def run(self) -> None:
        media = Path(tempfile.mkdtemp(prefix="kvalitet-bench-"))
        try:
            with override_settings(MEDIA_ROOT=media):
                self.emit(Figure("machine.reference_ms", reference_ms(), "ms"))
                kommune = self.ensure_seed()
                self.log("pages")
                self.pages(kommune)
                self.log("score saves")
                self.score_saves(kommune)
                self.log("annual report")
                self.annual_report(kommune, media)
                if self.reports:
                    self.log("kindergarten reports on Celery workers")
                    self.kindergarten_reports(kommune, media)
        finally:
            shutil.rmtree(media, ignore_errors=True)


def reference_ms() -> float:
    """How fast this machine runs plain Python just now: the median of five timings of a
    fixed loop. The same virtual machine has been up to three times slower on one day
    than another, so figures of two runs compare only next to this one."""
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def logged_in_client(user: User) -> Client:
    """A test Client logged in as the user; a consultant's or admin's session has passed
    her second factor (her authenticator app's device, through django-otp's own login)."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    verify_session(client.session, user)
    return client


def verify_session(session: SessionBase, user: User) -> None:
    """Marks a logged-in session as having passed the second factor, as the log-in with the
    app's code does, when the user must pass one."""
    if not (must_have_second_factor(user) or has_second_factor(user)):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    request = HttpRequest()
    request.session = session
    request.user = user
    django_otp.login(request, device)
    session.save()


def table_csv_url(html: str) -> str:
    """The CSV download of the page's kindergarten table (else its first table)."""
    links = [unescape(link) for link in re.findall(r'href="([^"]*format=csv[^"]*)"', html)]
    if not links:
        raise RuntimeError("the municipality dashboard offers no CSV table")
    return next((link for link in links if "table=barnehage" in link), links[0])


def database_url() -> str:
    """The address of the database this process really uses (under pytest, the test
    database), for the worker processes."""
    config = connection.settings_dict
    credentials = quote(config["USER"] or "")
    if config["PASSWORD"]:
        credentials += ":" + quote(config["PASSWORD"])
    host = config["HOST"] or "127.0.0.1"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(config['NAME'])}"


def _seed_record(spec: scale.ScaleSpec) -> Path:
    database = settings.DATABASES["default"]["NAME"]
    return Path(settings.BASE_DIR) / "var" / "bench" / f"{database}-{spec.digest}.json"


def _remove_reports(ids: list[int]) -> None:
    for rapport in Rapport.objects.filter(pk__in=ids):
        if rapport.file:
            rapport.file.delete(save=False)
    task_ids = list(Rapport.objects.filter(pk__in=ids).values_list("task_id", flat=True))
    OutboxMessage.objects.filter(uuid__in=[t for t in task_ids if t]).delete()
    Rapport.objects.filter(pk__in=ids).delete()


def wait_for_reports(ids: list[int]) -> None:
    deadline = time.monotonic() + REPORT_TIMEOUT
    while time.monotonic() < deadline:
        states = dict(Rapport.objects.filter(pk__in=ids).values_list("pk", "status"))
        failed = [pk for pk, state in states.items() if state == Status.FAILED]
        if failed:
            raise RuntimeError(f"reports {failed} failed: "
                               + "; ".join(Rapport.objects.filter(pk__in=failed)
                                           .values_list("error_message", flat=True)))
        # Made and stored: published, or a draft waiting for a consultant's approval.
        if all(state not in PENDING for state in states.values()):
            return
        time.sleep(0.1)
    raise RuntimeError("the kindergarten reports did not finish in time")


@contextmanager
def celery_workers(count: int, media: Path, log: Callable[[str], None]) -> Iterator[None]:
    """`count` Celery worker processes (`--concurrency 1` each) on the configured broker,
    and this process handing tasks to them instead of running them eagerly."""
    if celery_app.conf.broker_url.startswith("memory://"):
        raise RuntimeError("the Celery figures need CELERY_BROKER_URL pointing at Redis")
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "MEDIA_ROOT": str(media),
           "DJANGO_SETTINGS_MODULE": "kvalitet.settings", "DATABASE_URL": database_url()}
    tag = uuid.uuid4().hex[:6]
    names = [f"bench{tag}-{number}@localhost" for number in range(1, count + 1)]
    celery_app.control.purge()
    logs = []
    processes = []
    for name in names:
        descriptor, name_of_log = tempfile.mkstemp(prefix="kvalitet-bench-worker-",
                                                   suffix=".log")
        logs.append(Path(name_of_log))
        with os.fdopen(descriptor, "wb") as handle:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "kvalitet", "worker", "--concurrency",
                 "1", "--pool", "prefork", "--hostname", name, "--without-gossip",
                 "--without-mingle", "--loglevel", "WARNING"],
                cwd=settings.BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True))
    saved = celery_app.conf.task_always_eager
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            answered = {name for reply in celery_app.control.ping(timeout=1.0)
                        for name in reply}
            if set(names) <= answered:
                break
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError("the Celery workers did not start: "
                                   + " | ".join(path.read_text()[-500:] for path in logs))
        log(f"{count} worker(s) ready")
        celery_app.conf.task_always_eager = False
        yield
    finally:
        celery_app.conf.task_always_eager = saved
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        celery_app.control.purge()
        for path in logs:
            path.unlink(missing_ok=True)
