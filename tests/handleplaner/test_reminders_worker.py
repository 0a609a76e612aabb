"""The reminder task run by a real Celery worker against Redis: sent once, however often
beat fires it."""

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.core import mail

from handleplaner.models import Paminnelse
from handleplaner.tasks import send_due_reminders
from kvalitet.celery import app
from tests.handleplaner.test_reminders import _plan_due_soon
from tests.world import build_world

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def worker():
    """A worker thread on the configured Redis broker; the app's config is put back after."""
    if app.conf.broker_url.startswith("memory://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis")
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            yield
    finally:
        app.conf.update(saved)


def test_the_worker_sends_each_reminder_once(worker):
    assert not app.conf.task_always_eager
    world = build_world()
    _plan_due_soon(world.barnehage["own"])
    first = send_due_reminders.delay()
    assert not isinstance(first, EagerResult)  # queued on Redis, run by the worker
    assert first.get(timeout=60) == 2
    assert send_due_reminders.delay().get(timeout=60) == 0
    assert len(mail.outbox) == 2
    assert Paminnelse.objects.count() == 2
