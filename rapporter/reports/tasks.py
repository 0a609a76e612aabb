"""Celery tasks: render a report, tell the consultants of a scheduled draft, and what
Celery beat runs: the scheduled orders and the retention of old versions.

`generate_report` retries a failed attempt with exponential backoff (autoretry); the last
failure is written on the report row. `acks_late` with `reject_on_worker_lost` runs it
again when a worker dies halfway. A report is only ever published whole (see
`services.publish`), so running it twice is harmless.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from barnehager.access import ROLE_CONSULTANT
from barnehager.models import User
from barnehager.outbox import OutboxTask
from barnehager.pdf import RenderError
from observasjoner.models import Observasjonsrunde
from rapporter.models import Kind, Rapport, Rapportinnstilling
from rapporter.reports import completeness, services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# Closed rounds this recent still get their kindergarten reports if the beat missed them.
ROUND_LOOKBACK = timedelta(days=30)


class ReportTask(OutboxTask):
    """Queued through the outbox (services.queue); writes the last failure on the report
    row, for the consultant to see."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if args:
            services.mark_failed(args[0], exc)


@shared_task(
    bind=True, base=ReportTask,
    # A template WeasyPrint cannot render fails the same way every time: no retries.
    autoretry_for=(Exception,), dont_autoretry_for=(Rapport.DoesNotExist, RenderError),
    max_retries=MAX_RETRIES, retry_backoff=10, retry_backoff_max=600, retry_jitter=True,
    acks_late=True, reject_on_worker_lost=True,
    soft_time_limit=300, time_limit=360,
)
def generate_report(self, rapport_id: int) -> str:
    """Renders and publishes one report; returns its checksum."""
    attempt = self.request.retries + 1
    try:
        rapport = services.build(rapport_id, attempt=attempt)
    except Rapport.DoesNotExist:
        raise
    except Exception as error:
        if self.request.is_eager:
            # Run in the web process (the embedded mode): no worker would ever retry it,
            # so it fails at once, visibly, and the page that ordered it shows why.
            logger.exception("report %s failed", rapport_id)
            services.mark_failed(rapport_id, error)
            return ""
        logger.warning("report %s, attempt %s failed: %s", rapport_id, attempt, error)
        if self.request.retries < self.max_retries and not isinstance(error, RenderError):
            services.note_retry(rapport_id, error, attempt)
        raise
    return rapport.sha256


@shared_task
def schedule_annual_reports(today: str | None = None) -> list[int]:
    """Orders the annual report of every municipality whose report date is today: once per
    municipality and year, however often the beat runs."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    ordered = []
    for setting in Rapportinnstilling.objects.due_on(day).select_related("kommune"):
        year = setting.report_year(day)
        already = Rapport.objects.filter(kind=Kind.ANNUAL, kommune=setting.kommune, year=year,
                                         scheduled=True).exists()
        if already:
            continue
        with transaction.atomic():
            rapport = services.order(Kind.ANNUAL, setting.kommune, year=year, scheduled=True)
            services.queue(rapport)
        ordered.append(rapport.pk)
    return ordered


@shared_task
def schedule_kindergarten_reports() -> list[int]:
    """For each round closed lately without reports: one report per observed kindergarten,
    as one group. Idempotent, so the beat may run it as often as it likes."""
    since = timezone.now() - ROUND_LOOKBACK
    runder = (Observasjonsrunde.objects
              .filter(status=Observasjonsrunde.Status.CLOSED, closed_at__gte=since)
              .exclude(rapporter__kind=Kind.KINDERGARTEN)
              .select_related("kommune"))
    ordered = []
    for runde in runder:
        ordered.extend(rapport.pk for rapport in services.order_round_reports(runde))
    return ordered


def consultant_emails(rapport: Rapport) -> list[str]:
    """The municipality's consultants: they review and approve its reports."""
    return sorted(set(User.objects.filter(
        is_active=True, memberships__role=ROLE_CONSULTANT,
        memberships__kommune_id=rapport.kommune_id).exclude(email="")
        .values_list("email", flat=True)))


@shared_task(base=OutboxTask)
def notify_draft(rapport_id: int) -> int:
    """Mails the municipality's consultants that the schedule made a draft, with what is
    missing from it; returns how many got it. Queued by `services.store`."""
    rapport = Rapport.objects.select_related("kommune", "barnehage").get(pk=rapport_id)
    recipients = consultant_emails(rapport)
    if not recipients:
        return 0
    group = []
    if rapport.kind == Kind.KINDERGARTEN and rapport.runde_id:
        group = list(Rapport.objects.filter(runde_id=rapport.runde_id, kind=Kind.KINDERGARTEN)
                     .drafts().select_related("barnehage").order_by("barnehage__name"))
    with translation.override(rapport.kommune.language):
        context = {
            "rapport": rapport,
            "group": group,
            "list_url": settings.SITE_URL.rstrip("/") + reverse("rapporter:report-list"),
            "gaps": [completeness.Gap.from_json(item) for item in rapport.warnings],
            "url": settings.SITE_URL.rstrip("/") + reverse("rapporter:report-detail",
                                                           args=[rapport.pk]),
        }
        subject = render_to_string("rapporter/email/draft_subject.txt", context)
        body = render_to_string("rapporter/email/draft.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)
    return len(recipients)


@shared_task(name="rapporter.reports.tasks.apply_report_retention", ignore_result=True)
def apply_report_retention() -> int:
    """Beat, nightly: the report versions past their municipality's retention period
    (`Kommune.report_version_months`) and their files; returns how many went."""
    return sum(len(result.removed) for result in services.apply_report_retention())
