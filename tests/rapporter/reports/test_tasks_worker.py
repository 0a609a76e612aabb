"""Report tasks on a real Celery worker against Redis (the broker and result backend of
the environment): the kindergarten reports of a whole municipality side by side, and a
failing report that the worker retries instead of publishing anything."""

import time
from importlib import import_module

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from django.apps import apps as django_apps

import rapporter.reports.tasks  # noqa: F401 - registers the tasks with the worker's app
from kvalitet.celery import app
from rapporter.models import STORED, Kind, Rapport, Status
from rapporter.reports import services
from rapporter.reports.tasks import MAX_RETRIES
from tests.rapporter.dashboards.factories import grow_kommune
from tests.world import build_world

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def instruments(transactional_db):
    """The CLASS instruments, loaded again by their (idempotent) data migration: an
    earlier transactional test's flush empties them."""
    import_module("observasjoner.migrations.0002_class_instruments").load(django_apps, None)


@pytest.fixture
def worker(settings, tmp_path):
    """Three worker threads on Redis, so several reports run side by side; the app's
    configuration is put back afterwards and the queue emptied."""
    if app.conf.broker_url.startswith("memory://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis")
    settings.MEDIA_ROOT = tmp_path

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=False)
    try:
        with start_worker(app, pool="threads", concurrency=3, perform_ping_check=False,
                          loglevel="WARNING", shutdown_timeout=60) as running:
            yield running
    finally:
        app.conf.update(saved)
        app.control.purge()


def wait_for(condition, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_kindergarten_reports_of_a_municipality_run_side_by_side(worker):
    world = build_world()
    kommune = world.kommune["own"]
    grow_kommune(kommune, world.users["observer"], 3, semesters=((2025, "autumn"),))
    rapporter = services.order_kindergarten_reports(kommune, year=2025, semester="autumn")
    assert len(rapporter) == 5  # A1, A2 and the three new kindergartens
    checksums = [AsyncResult(rapport.task_id, app=app).get(timeout=120)
                 for rapport in rapporter]
    for rapport, checksum in zip(rapporter, checksums, strict=True):
        rapport.refresh_from_db()
        assert rapport.status == Status.DRAFT
        assert rapport.sha256 == checksum == services.sha256_of(rapport.file.path)
        assert rapport.attempts == 1


def test_a_failing_report_is_retried_by_the_worker_and_publishes_nothing(worker):
    """Every retry runs on the worker; the last failure is on the row, and no file."""
    world = build_world()
    rapport = services.order(Kind.SUPERVISION, world.kommune["own"], year=2025,
                             barnehage=world.barnehage["own"], subject_id=31337)
    services.queue(rapport)

    def failed_for_good():
        rapport.refresh_from_db()
        return rapport.status == Status.FAILED

    # Each attempt waits a random backoff (at most 10, 20, 40 s) before the next one.
    assert wait_for(failed_for_good, timeout=150)
    assert rapport.attempts == MAX_RETRIES + 1
    assert "DoesNotExist" in rapport.error_message
    assert not rapport.file and not Rapport.objects.filter(status__in=STORED).exists()
