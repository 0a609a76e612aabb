"""The action-plan figures counted in SQL equal counting the plans one by one, and the
first screen's overdue plans cost the same queries however many plans there are."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from handleplaner import selectors
from handleplaner.models import FINISHED_STATUSES, LIVE_STATUSES, Handleplan, Status
from tests.handleplaner.factories import make_plan

pytestmark = pytest.mark.django_db


def add_plans(world, count: int, *, offset: int = 0) -> None:
    """Plans in every status, in two kindergartens, some past a date and some not."""
    today = timezone.localdate()
    statuses = list(Status.values)
    for index in range(count):
        number = index + offset
        barnehage = world.barnehage["own" if number % 2 else "sibling"]
        late = number % 3 == 0
        make_plan(barnehage, status=statuses[number % len(statuses)], complete=False,
                  title=f"Plan {number}",
                  deadline=today + timedelta(days=-10 - number if late else 30 + number),
                  evaluation_due=(today - timedelta(days=number) if number % 5 == 0
                                  else today + timedelta(days=90)))


def by_hand(plans, today):
    rows = [(plan, plan.is_overdue(today)) for plan in plans]
    return {
        "total": len(rows),
        "by_status": {value: Counter(p.status for p, _late in rows)[value]
                      for value in Status.values},
        "live": sum(1 for p, _late in rows if p.status in LIVE_STATUSES),
        "live_overdue": sum(1 for p, late in rows if p.status in LIVE_STATUSES and late),
        "finished": sum(1 for p, _late in rows if p.status in FINISHED_STATUSES),
        "overdue": sorted((p.pk for p, late in rows if late)),
        "per_barnehage": sorted(
            (barnehage, sum(1 for p, _ in rows if p.barnehage_id == barnehage),
             sum(1 for p, late in rows if p.barnehage_id == barnehage and late))
            for barnehage in {p.barnehage_id for p, _ in rows}),
    }


def test_the_counts_equal_counting_every_plan(world):
    add_plans(world, 24)
    plans = Handleplan.objects.filter(barnehage__kommune=world.kommune["own"])
    today = timezone.localdate()
    figures = selectors.action_plan_figures(plans)
    want = by_hand(list(plans), today)
    assert figures.total == want["total"] and figures.by_status == want["by_status"]
    assert (figures.live, figures.live_overdue, figures.finished) == (
        want["live"], want["live_overdue"], want["finished"])
    assert sorted(plan.pk for plan in figures.overdue) == want["overdue"]
    assert figures.overdue_count == len(want["overdue"])
    assert sorted((entry.barnehage.pk, entry.total, entry.overdue)
                  for entry in figures.per_barnehage) == want["per_barnehage"]
    assert [plan.pk for plan in figures.first_overdue(4)] == [
        plan.pk for plan in sorted(figures.overdue, key=selectors.due_day)][:4]


def test_the_first_overdue_plans_take_the_same_queries_with_more_plans(
        world, django_assert_num_queries):
    add_plans(world, 10)
    plans = Handleplan.objects.filter(barnehage__kommune=world.kommune["own"])
    with django_assert_num_queries(2):  # the counts, the first overdue
        figures = selectors.action_plan_figures(plans)
        first = figures.first_overdue(3)
        assert figures.overdue_count >= len(first) == 3
    add_plans(world, 40, offset=10)
    with django_assert_num_queries(2):
        figures = selectors.action_plan_figures(plans)
        assert len(figures.first_overdue(3)) == 3 and figures.overdue_count > 10
