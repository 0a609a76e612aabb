"""Redis (cache, Celery broker and result store) stops while people work: every page, the
tablet's score saves, plan steps, report orders and log-in answer within 2 s; /healthz
names Redis; what had to follow (an e-mail, a report) waits in the outbox and goes out,
once, when Redis is back."""

import time
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from barnehager.models import OutboxMessage, Role
from handleplaner.models import Handleplan, Status
from rapporter.models import STORED, Kind, Rapport
from rapporter.models import Status as ReportStatus
from tests.faults.stack import wait_for
from tests.handleplaner.factories import make_plan
from tests.observasjoner.recording.matrix import observation_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

LIMIT = 2.0  # seconds a user may wait for any answer while Redis is down


@pytest.mark.parametrize("fault", ["stopped", "frozen"])
def test_redis_down(stack, world, password, seen, fault):
    """`stopped`: the server is shut down (connections refused). `frozen`: SIGSTOP, a hung
    server that accepts connections and never answers, where only the timeouts help."""
    web = stack.gunicorn(workers=2)
    stack.worker()
    plan = make_plan(world.barnehage["own"], status=Status.APPROVED)
    observasjon = observation_for(world, "own")
    kommune = world.kommune["own"]
    leader, consultant, observer = (web.client(), web.client(), web.client())
    leader.log_in(world.users[Role.LEADER], password)
    consultant.log_in(world.users[Role.CONSULTANT], password)
    assert web.client().get("/healthz").status == 200

    if fault == "stopped":
        stack.redis.stop()
    else:
        stack.redis.freeze()
    assert not stack.redis.answers()

    health = seen("/healthz", web.client().get("/healthz"))
    assert health.status == 503
    assert health.json()["failing"] == ["Redis (cache)", "Redis (Celery broker)"]

    answers = []

    def timed(action, answer, status):
        seen(action, answer)
        answers.append((action, answer))
        assert answer.status == status, (action, answer.status,
                                         answer.headers.get("Location"), answer.text[:1000])
        return answer

    observer.get("/konto/logg-inn/")
    timed("observer logs in", observer.post(
        "/konto/logg-inn/", form={"username": world.users[Role.OBSERVER].email,
                                  "password": password}), 302)
    for action, client, path in [
        ("leader: home page", leader, "/"),
        ("leader: action plan", leader, reverse("handleplaner:detail", args=[plan.pk])),
        ("consultant: dashboard", consultant,
         reverse("rapporter:dashboard-kommune", args=[kommune.slug])),
        ("consultant: reports page", consultant, reverse("rapporter:report-list")),
        ("observer: tablet page", observer,
         reverse("observasjoner:record", args=[observasjon.pk])),
    ]:
        timed(action, client.get(path), 200)

    cycle = {"client_id": str(uuid.uuid4()), "number": 1}
    timed("tablet: saves a cycle", observer.post(
        reverse("observasjoner:api-cycle", args=[observasjon.pk]), json=cycle), 201)
    timed("tablet: saves a score", observer.post(
        reverse("observasjoner:api-score", args=[observasjon.pk]),
        json={"change_id": str(uuid.uuid4()), "cycle": cycle["client_id"], "dimension": "PC",
              "value": 6, "note": "", "base_version": 0}), 201)
    timed("leader: starts her plan (mail queued)", leader.post(
        reverse("handleplaner:transition", args=[plan.pk, "start"]), form={}), 302)
    timed("consultant: orders the annual report", consultant.post(
        reverse("rapporter:report-order", args=[Kind.ANNUAL]),
        form={"annual-kommune": kommune.pk, "annual-year": 2025}), 302)
    anonymous = web.client()
    anonymous.get(reverse("password_reset"))
    timed("anyone: asks for a password reset", anonymous.post(
        reverse("password_reset"), form={"email": world.users[Role.LEADER].email}), 302)

    slow = [(action, round(answer.seconds, 2)) for action, answer in answers
            if answer.seconds >= LIMIT]
    assert not slow, slow
    assert Handleplan.objects.get(pk=plan.pk).status == Status.IN_PROGRESS
    rapport = Rapport.objects.get(kind=Kind.ANNUAL, kommune=kommune)
    assert rapport.status == ReportStatus.QUEUED
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
    # The plan's mail and the report wait in the outbox (the reset mail needs no broker).
    assert sorted(waiting.values_list("task", flat=True)) == [
        "handleplaner.tasks.notify_transition", "rapporter.reports.tasks.generate_report"]
    mails_during_outage = len(stack.mails())

    # Redis is back. The beat's sweep leaves a message its first 30 s to the request's own
    # send; here that time has passed.
    back = time.monotonic()
    if fault == "stopped":
        stack.redis.start()
    else:
        stack.redis.thaw()
    wait_for(lambda: web.client().get("/healthz").status == 200, 30, interval=0.5,
             what="/healthz to answer 200 again")
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    stack.call_beat_task("barnehager.tasks.dispatch_outbox")
    wait_for(lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists(), 90,
             interval=0.2, what="the outbox to be done")
    seen.note("Redis back: the outbox's mail and report done", time.monotonic() - back)
    rapport.refresh_from_db()
    # Stored whole, as the draft the consultant approves (or published, if no review).
    assert rapport.status in STORED and rapport.file, (rapport.status, rapport.error_message)

    # A second sweep (the beat runs every minute) sends nothing again.
    stack.call_beat_task("barnehager.tasks.dispatch_outbox")
    stack.call_beat_task("barnehager.tasks.dispatch_outbox")
    time.sleep(3)
    plan_mails = [mail for mail in stack.mails()[mails_during_outage:] if plan.title in mail]
    assert len(plan_mails) == 1
    assert Rapport.objects.filter(kind=Kind.ANNUAL, kommune=kommune).count() == 1
    assert OutboxMessage.objects.filter(attempts__gt=2).count() == 0
