"""The outbox: a task that must follow a change is stored with it, survives a broker that is
down, goes out when the broker is back, and runs once however often it is delivered."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from barnehager import outbox
from barnehager.models import OutboxMessage, Role
from handleplaner.models import Status
from kvalitet.celery import app
from tests.handleplaner.factories import make_plan
from tests.reference_data import load_reference_data
from tests.world import build_world

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

DEAD_BROKER = "redis://127.0.0.1:1/0"
runs: list[str] = []


@app.task(name="tests.outbox.record", base=outbox.OutboxTask, ignore_result=True)
def record(payload: str) -> None:
    runs.append(payload)


def use_broker(url: str | None) -> None:
    """Points the app's producers at `url`, None for the configured broker (Celery caches
    its connection pools; CELERY_BROKER_URL in the environment outranks broker_url)."""
    app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def real_mode():
    if app.conf.broker_url.startswith("memory://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis")
    eager = app.conf.task_always_eager
    app.conf.update(task_always_eager=False)
    runs.clear()
    yield
    use_broker(None)
    app.conf.update(task_always_eager=eager)
    app.control.purge()


def wait_for(condition, timeout=30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_eager_mode_runs_the_task_after_the_commit_and_marks_it_done(settings):
    runs.clear()
    with transaction.atomic():
        message = outbox.enqueue("tests.outbox.record", "eager")
        assert runs == []  # nothing runs before the change is committed
    message.refresh_from_db()
    assert runs == ["eager"]
    assert message.sent_at and message.done_at and message.attempts == 1


def test_a_rolled_back_change_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("tests.outbox.record", "rolled back")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_a_broker_outage_costs_no_time_and_loses_nothing(real_mode, monkeypatch):
    use_broker(DEAD_BROKER)
    started = time.monotonic()
    with transaction.atomic():
        message = outbox.enqueue("tests.outbox.record", "during the outage")
    elapsed = time.monotonic() - started
    message.refresh_from_db()

    assert elapsed < 2
    assert message.sent_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error

    # Redis is back: the sweep sends it, a real worker runs it once.
    use_broker(None)
    monkeypatch.setattr(outbox, "SWEEP_AFTER", outbox.SWEEP_AFTER * 0)
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                      loglevel="WARNING", shutdown_timeout=30):
        assert outbox.send_waiting() == 1
        assert wait_for(lambda: OutboxMessage.objects.filter(done_at__isnull=False).exists())
        # A second delivery of the same message (a sweep racing the first send, a worker
        # lost before its acknowledgement) does nothing.
        record.apply_async(args=["during the outage"], task_id=str(message.uuid))
        time.sleep(1.5)
        assert outbox.send_waiting() == 0
    assert runs == ["during the outage"]


def test_a_plan_step_during_a_broker_outage_succeeds_at_once_and_mails_later(real_mode,
                                                                            monkeypatch):
    """The leader starts her approved plan while Redis is down: she is told it worked (it
    did), at once; the consultant's e-mail goes out, once, when Redis is back."""
    load_reference_data()  # the SMART template, emptied by an earlier test's flush
    world = build_world()
    plan = make_plan(world.barnehage["own"], status=Status.APPROVED)
    client = Client()
    client.force_login(world.users[Role.LEADER])
    use_broker(DEAD_BROKER)

    started = time.monotonic()
    response = client.post(reverse("handleplaner:transition", args=[plan.pk, "start"]))
    elapsed = time.monotonic() - started

    plan.refresh_from_db()
    assert response.status_code == 302
    assert elapsed < 2
    assert plan.status == Status.IN_PROGRESS
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
    assert len(mail.outbox) == 0

    use_broker(None)
    monkeypatch.setattr(outbox, "SWEEP_AFTER", outbox.SWEEP_AFTER * 0)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=30):
        assert outbox.send_waiting() == 1
        assert wait_for(lambda: OutboxMessage.objects.filter(done_at__isnull=False).exists())
        assert outbox.send_waiting() == 0
    assert len(mail.outbox) == 1
