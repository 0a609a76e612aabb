"""E-mails about action plans: one per status change to the people concerned, and the daily
reminder a week before a phase ends, an interim evaluation is due or the plan's evaluation is
due (once each)."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from barnehager.access import ROLE_CONSULTANT, ROLE_LEADER
from barnehager.models import User
from barnehager.outbox import OutboxTask
from handleplaner.models import (
    LIVE_STATUSES,
    Evaluering,
    Fase,
    Handleplan,
    Overgang,
    Paminnelse,
    ReminderKind,
    Status,
)

REMINDER_DAYS = 7
# Who hears of each step: the kindergarten's leaders, or the municipality's consultants.
TO_CONSULTANTS = {"submit", "start", "evaluate"}


def leader_emails(plan: Handleplan) -> list[str]:
    return sorted(set(User.objects.filter(
        is_active=True, memberships__role=ROLE_LEADER, memberships__barnehage_id=plan.barnehage_id,
    ).values_list("email", flat=True)))


def consultant_emails(plan: Handleplan) -> list[str]:
    return sorted(set(User.objects.filter(
        is_active=True, memberships__role=ROLE_CONSULTANT,
        memberships__kommune_id=plan.barnehage.kommune_id,
    ).values_list("email", flat=True)))


def plan_url(plan: Handleplan) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("handleplaner:detail", args=[plan.pk])


@shared_task(base=OutboxTask)
def notify_transition(overgang_id: int) -> int:
    """Mails the people concerned by a status change; returns how many got it."""
    overgang = Overgang.objects.select_related("handleplan__barnehage__kommune", "by").get(
        pk=overgang_id)
    plan = overgang.handleplan
    if overgang.name in TO_CONSULTANTS:
        recipients = consultant_emails(plan)
    else:
        recipients = leader_emails(plan)
        if plan.created_by_id and plan.created_by.is_active:
            recipients = sorted({*recipients, plan.created_by.email})
    if overgang.by is not None:
        recipients = [email for email in recipients if email != overgang.by.email]
    if not recipients:
        return 0
    with translation.override(plan.barnehage.kommune.language):
        context = {"plan": plan, "overgang": overgang, "url": plan_url(plan)}
        subject = render_to_string("handleplaner/email/transition_subject.txt", context)
        body = render_to_string("handleplaner/email/transition.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)
    return len(recipients)


@shared_task
def send_due_reminders(today: str | None = None) -> int:
    """Reminds leaders a week ahead of a phase's end or a plan's evaluation date.

    A `Paminnelse` row per phase and per evaluation records the reminder; its unique
    constraint makes a second run (or a second worker) send nothing. Returns how many
    reminders went out.
    """
    day = date.fromisoformat(today) if today else timezone.localdate()
    horizon = day + timedelta(days=REMINDER_DAYS)
    sent = 0
    phases = (Fase.objects.filter(handleplan__status__in=LIVE_STATUSES,
                                  end__range=(day, horizon), completed_on__isnull=True)
              .exclude(paminnelser__kind=ReminderKind.PHASE_END)
              .select_related("handleplan__barnehage__kommune"))
    for fase in phases:
        sent += _remind(ReminderKind.PHASE_END, fase.handleplan, fase.end, fase=fase)
    plans = (Handleplan.objects.filter(status__in=LIVE_STATUSES,
                                       evaluation_due__range=(day, horizon))
             .exclude(paminnelser__kind=ReminderKind.EVALUATION)
             .select_related("barnehage__kommune"))
    for plan in plans:
        sent += _remind(ReminderKind.EVALUATION, plan, plan.evaluation_due)
    for evaluering in _interim_dates_due(day, horizon):
        sent += _remind(ReminderKind.INTERIM, evaluering.handleplan,
                        evaluering.next_on or day, evaluering=evaluering)
    return sent


def _interim_dates_due(day: date, horizon: date) -> list[Evaluering]:
    """Interim evaluations whose next date falls within the horizon, for plans still under
    way, unless a later evaluation has been held since (its own date then counts)."""
    candidates = (Evaluering.objects.filter(handleplan__status=Status.IN_PROGRESS, final=False,
                                            next_on__range=(day, horizon))
                  .exclude(paminnelser__kind=ReminderKind.INTERIM)
                  .select_related("handleplan__barnehage__kommune"))
    return [evaluering for evaluering in candidates
            if not Evaluering.objects.filter(handleplan_id=evaluering.handleplan_id,
                                             held_on__gt=evaluering.held_on).exists()]


def _remind(kind: str, plan: Handleplan, due: date, fase: Fase | None = None,
            evaluering: Evaluering | None = None) -> int:
    recipients = leader_emails(plan)
    if not recipients:
        return 0
    lookup: dict[str, object] = {"handleplan": plan}
    if kind == ReminderKind.PHASE_END:
        lookup = {"fase": fase}
    elif kind == ReminderKind.INTERIM:
        lookup = {"evaluering": evaluering}
    with transaction.atomic():
        _reminder, created = Paminnelse.objects.get_or_create(
            kind=kind, **lookup,
            defaults={"handleplan": plan, "due": due, "recipients": ", ".join(recipients)})
        if not created:
            return 0
        with translation.override(plan.barnehage.kommune.language):
            context = {"plan": plan, "fase": fase, "due": due, "kind": kind,
                       "url": plan_url(plan)}
            subject = render_to_string("handleplaner/email/reminder_subject.txt", context)
            body = render_to_string("handleplaner/email/reminder.txt", context)
        # Inside the transaction: if the mail fails, the record goes too and tomorrow retries.
        send_mail(" ".join(subject.split()), body, None, recipients)
    return 1
