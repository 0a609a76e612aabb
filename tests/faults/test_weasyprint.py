"""WeasyPrint cannot render a report (here a broken annual report template, which loads an
image from outside the static files, tests/faults/templates/): on the real worker the report
is marked failed with the reason at once (no retries: it would fail the same way), nothing
is stored or published, and the consultant sees it on the reports page."""

import pytest
from django.urls import reverse

from barnehager.models import OutboxMessage, Role
from rapporter.models import Kind, Rapport, Status
from tests.faults.stack import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def test_weasyprint_fails_on_a_report(stack, world, password, seen):
    web = stack.gunicorn(workers=1)
    stack.worker(KVALITET_FAULT_TEMPLATES="1")
    kommune = world.kommune["own"]
    consultant, politician = web.client(), web.client()
    consultant.log_in(world.users[Role.CONSULTANT], password)
    politician.log_in(world.users[Role.POLITICIAN], password)

    ordered = seen("consultant orders the annual report", consultant.post(
        reverse("rapporter:report-order", args=[Kind.ANNUAL]),
        form={"annual-kommune": kommune.pk, "annual-year": 2025}))
    assert ordered.status == 302
    rapport = Rapport.objects.get(kind=Kind.ANNUAL, kommune=kommune)

    def failed():
        rapport.refresh_from_db()
        return rapport.status == Status.FAILED

    wait_for(failed, 60, interval=0.2, what="the report to fail")
    assert rapport.attempts == 1
    assert rapport.error_message.startswith("RenderError: a PDF may only load static files")
    assert "images.example.org" in rapport.error_message
    assert not rapport.file and not rapport.sha256
    assert not [path for path in stack.media.rglob("*") if path.is_file()]
    assert OutboxMessage.objects.get(uuid=rapport.task_id).done_at is None

    listing = seen("consultant opens the reports page", consultant.get(
        reverse("rapporter:report-list")))
    assert listing.status == 200 and "Failed" in listing.text
    detail = seen("consultant opens the failed report", consultant.get(
        reverse("rapporter:report-detail", args=[rapport.pk])))
    assert detail.status == 200
    assert "The report could not be made." in detail.text
    assert "a PDF may only load static files" in detail.text
    assert "Download PDF" not in detail.text
    # Nothing reaches the committee.
    assert politician.get(reverse("rapporter:report-download", args=[rapport.pk])).status == 404
    assert "Failed" not in politician.get(reverse("rapporter:report-list")).text
