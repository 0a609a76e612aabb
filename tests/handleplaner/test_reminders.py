"""The daily reminder: a week before a phase ends or an evaluation is due, once each."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from handleplaner.models import Fase, Paminnelse, ReminderKind, Status
from handleplaner.tasks import send_due_reminders
from tests.handleplaner.factories import make_plan

pytestmark = pytest.mark.django_db


def _plan_due_soon(barnehage, status=Status.IN_PROGRESS):
    today = timezone.localdate()
    plan = make_plan(barnehage, status=status, evaluation_due=today + timedelta(days=6),
                     period_start=today - timedelta(days=30))
    first = plan.faser.get(order=0)
    first.start, first.end = today - timedelta(days=20), today + timedelta(days=5)
    first.save()
    return plan


def test_leaders_are_reminded_once_of_a_phase_end_and_an_evaluation(world):
    plan = _plan_due_soon(world.barnehage["own"])
    assert send_due_reminders() == 2
    # In the municipality's language; the plan's and the phase's titles in each.
    subjects = sorted(message.subject for message in mail.outbox)
    assert all("Small groups" in subject for subject in subjects)
    assert sum("Analyse the groups" in subject for subject in subjects) == 1
    assert all(message.to == [world.users["leader"].email] for message in mail.outbox)
    assert set(Paminnelse.objects.values_list("kind", flat=True)) == {
        ReminderKind.PHASE_END, ReminderKind.EVALUATION}
    assert send_due_reminders() == 0
    assert send_due_reminders((timezone.localdate() + timedelta(days=2)).isoformat()) == 0
    assert len(mail.outbox) == 2
    assert Paminnelse.objects.filter(handleplan=plan).count() == 2


def test_nothing_is_sent_more_than_a_week_ahead(world):
    _plan_due_soon(world.barnehage["own"])
    today = timezone.localdate()
    assert send_due_reminders((today - timedelta(days=3)).isoformat()) == 0
    assert send_due_reminders((today - timedelta(days=2)).isoformat()) == 1  # phase: 7 days
    assert send_due_reminders((today - timedelta(days=1)).isoformat()) == 1  # evaluation


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED,
                                    Status.EVALUATED, Status.CLOSED])
def test_plans_not_under_way_get_no_reminder(world, status):
    _plan_due_soon(world.barnehage["own"], status=status)
    assert send_due_reminders() == 0


def test_a_completed_phase_gets_no_reminder(world):
    plan = _plan_due_soon(world.barnehage["own"], status=Status.APPROVED)
    Fase.objects.filter(handleplan=plan).update(completed_on=timezone.localdate())
    assert send_due_reminders() == 1
    assert Paminnelse.objects.get().kind == ReminderKind.EVALUATION


def test_the_beat_schedule_runs_the_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["handleplaner-due-reminders"]
    assert entry["task"] == "handleplaner.tasks.send_due_reminders"
    assert str(entry["schedule"]) == "<crontab: 0 6 * * * (m/h/dM/MY/d)>"
