"""The Celery worker is killed (SIGKILL) in the middle of an annual report: the report
runs again, one whole file of the new version is stored and nothing half-written is left,
and the version before it stays downloadable all along.

Two ways a worker dies: its pool process alone (the kernel's out-of-memory killer picks the
process that grew while rendering) — the worker rejects the task and it runs again at once
(`acks_late` + `reject_on_worker_lost`); or the whole worker — the message it had taken
goes back to the queue after Redis's visibility timeout, for the next worker."""

import io
import os
import signal
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from barnehager.models import OutboxMessage, Role
from rapporter.models import Kind, Rapport, Status
from rapporter.reports import services
from tests.faults.stack import children_of, wait_for
from tests.rapporter.reports.factories import build_report_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


def rendering(rapport: Rapport) -> bool:
    rapport.refresh_from_db()
    return rapport.status == Status.RUNNING and rapport.progress == 40


@pytest.mark.parametrize("killed", ["pool process", "whole worker"])
def test_worker_killed_in_an_annual_report(stack, world, password, seen, killed):
    build_report_world(world)
    kommune = world.kommune["own"]
    first = services.order(Kind.ANNUAL, kommune, year=2025)
    services.build(first.pk)
    services.approve(Rapport.objects.get(pk=first.pk), world.users[Role.CONSULTANT])
    first.refresh_from_db()
    assert first.status == Status.PUBLISHED

    web = stack.gunicorn(workers=2)
    worker = stack.worker("worker-a")
    consultant, politician = web.client(), web.client()
    consultant.log_in(world.users[Role.CONSULTANT], password)
    politician.log_in(world.users[Role.POLITICIAN], password)

    ordered = consultant.post(reverse("rapporter:report-regenerate", args=[first.pk]),
                              form={})
    assert ordered.status == 302, ordered.text[:500]
    second = Rapport.objects.get(kommune=kommune, kind=Kind.ANNUAL, version=2)
    wait_for(lambda: rendering(second), 60, interval=0.01, what="the rendering to start")

    killed_at = time.monotonic()
    if killed == "pool process":
        (child,) = children_of(worker.pid)
        os.kill(child, signal.SIGKILL)
    else:
        worker.kill()
        assert not worker.alive()

    # Meanwhile the committee reads last year's version, and the consultant the list.
    download = seen(f"{killed} killed: politician downloads v1",
                    politician.get(reverse("rapporter:report-download", args=[first.pk])))
    assert download.status == 200
    assert services.sha256_of(io.BytesIO(download.body)) == first.sha256
    listing = seen(f"{killed} killed: consultant's reports page",
                   consultant.get(reverse("rapporter:report-list")))
    assert listing.status == 200

    if killed == "whole worker":
        stack.worker("worker-b")
    wait_for(lambda: Rapport.objects.get(pk=second.pk).has_file, 120, interval=0.2,
             what="the report to be made again")
    second.refresh_from_db()
    rerun_seconds = time.monotonic() - killed_at
    assert second.status == Status.DRAFT
    assert second.attempts >= 1

    # One whole file for the new version, checksummed, readable; nothing half-written.
    files = sorted(path.name for path in stack.media.rglob("*.pdf")
                   if ".tmp" not in path.parts)
    assert files == sorted([os.path.basename(first.file.name),
                            os.path.basename(second.file.name)])
    assert not list((stack.media / "rapporter" / ".tmp").glob("*"))
    assert services.sha256_of(second.file.path) == second.sha256
    assert len(PdfReader(second.file.path).pages) == second.pages > 1
    assert Rapport.objects.filter(kommune=kommune, kind=Kind.ANNUAL).count() == 2
    message = OutboxMessage.objects.get(uuid=second.task_id)
    assert message.done_at is not None

    # The earlier version is untouched and still downloadable.
    again = seen(f"{killed} killed: politician downloads v1 after the rerun",
                 politician.get(reverse("rapporter:report-download", args=[first.pk])))
    assert again.status == 200 and services.sha256_of(io.BytesIO(again.body)) == first.sha256
    seen.note(f"{killed} killed: v2 stored whole, after the kill", rerun_seconds)
