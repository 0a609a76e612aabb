"""Reads for the plan pages and the home section, each a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)

from barnehager.access import ROLE_LEADER, scope_of
from barnehager.models import Barnehage
from kvalitet.models import (
    BarnehageFokus,
    Fokusomrade,
    Kvalitetsplan,
    RoleLevel,
    Tegn,
    TiltakStatus,
)


def year_in_plan(plan: Kvalitetsplan, year: int) -> int:
    """The year itself when the plan covers it, else the nearest year of its period."""
    if year < plan.start_year:
        return plan.start_year
    if plan.end_year is not None and year > plan.end_year:
        return plan.end_year
    return year


def plan_years(plan: Kvalitetsplan, today: date) -> list[int]:
    return list(range(plan.start_year, (plan.end_year or max(today.year, plan.start_year)) + 1))


def prefetch_plan_page(plans, year: int) -> None:
    """Loads everything the plan page shows, one query per kind of row, whatever the size."""
    prefetch_related_objects(
        plans,
        "prinsipper",
        Prefetch("fokusomrader", queryset=Fokusomrade.objects.prefetch_related(
            "tiltak",
            "tegn",
            Prefetch("valgt_av", to_attr="choices",
                     queryset=BarnehageFokus.objects.filter(year=year)
                     .select_related("barnehage").order_by("barnehage__name")),
        )),
    )


def annotate_fokusomrade(fokusomrade: Fokusomrade) -> Fokusomrade:
    """Adds the measures' progress and the signs grouped by role level (in the levels' order)."""
    measures = list(fokusomrade.tiltak.all())
    fokusomrade.measure_count = len(measures)
    fokusomrade.done_count = sum(1 for tiltak in measures if tiltak.status == TiltakStatus.DONE)
    fokusomrade.under_way_count = sum(
        1 for tiltak in measures if tiltak.status == TiltakStatus.UNDER_WAY)
    fokusomrade.progress_percent = (
        round(100 * fokusomrade.done_count / fokusomrade.measure_count)
        if fokusomrade.measure_count else 0)
    grouped: dict[str, list[Tegn]] = defaultdict(list)
    for tegn in fokusomrade.tegn.all():
        grouped[tegn.role_level].append(tegn)
    fokusomrade.signs_by_level = [(level.label, grouped[level.value])
                                  for level in RoleLevel if grouped[level.value]]
    return fokusomrade


def signs_in_level_order(fokusomrade: Fokusomrade):
    """The focus area's signs, grouped by role level in the levels' own order."""
    if fokusomrade.pk is None:
        return Tegn.objects.none()
    level_order = Case(*(When(role_level=level.value, then=Value(position))
                         for position, level in enumerate(RoleLevel)),
                       output_field=IntegerField())
    return fokusomrade.tegn.order_by(level_order, "order", "pk")


def plans_for_list(user):
    return (Kvalitetsplan.objects.visible_to(user).select_related("kommune")
            .annotate(fokus_count=Count("fokusomrader", distinct=True),
                      measure_count=Count("fokusomrader__tiltak", distinct=True),
                      done_count=Count("fokusomrader__tiltak", distinct=True,
                                       filter=Q(fokusomrader__tiltak__status=TiltakStatus.DONE)))
            .order_by("kommune__name", "-start_year", "title"))


def focus_year(plans, today: date) -> int | None:
    """The year a kindergarten chooses for by default: this year if a plan covers it, else
    the last year of the most recent plan that has ended (None without any plan)."""
    plans = list(plans)
    if any(plan.covers(today.year) for plan in plans):
        return today.year
    past = [plan.end_year for plan in plans if plan.end_year is not None
            and plan.end_year < today.year]
    if past:
        return max(past)
    future = [plan.start_year for plan in plans if plan.start_year > today.year]
    return min(future) if future else None


def plans_covering(kommune_id: int, year: int):
    return Kvalitetsplan.objects.filter(kommune_id=kommune_id, start_year__lte=year).filter(
        Q(end_year__isnull=True) | Q(end_year__gte=year))


def fokusomrader_for_choice(kommune_id: int, year: int):
    return (Fokusomrade.objects.filter(plan__in=plans_covering(kommune_id, year))
            .select_related("plan").order_by("plan__title", "order", "pk"))


def home_summary(user, today: date | None = None) -> dict:
    """The quality-plan section of the home page: each municipality's current plans with
    their focus areas, and the focus a leader's kindergarten chose."""
    today = today or date.today()
    scope = scope_of(user)
    plans = list(
        Kvalitetsplan.objects.visible_to(user).select_related("kommune")
        .prefetch_related(Prefetch("fokusomrader", queryset=Fokusomrade.objects.only(
            "pk", "plan_id", "title", "kind", "order")))
        .order_by("kommune__name", "-start_year")
    )
    by_kommune: dict[int, list[Kvalitetsplan]] = defaultdict(list)
    for plan in plans:
        by_kommune[plan.kommune_id].append(plan)
    current = []
    for kommune_plans in by_kommune.values():
        covering = [plan for plan in kommune_plans if plan.covers(today.year)]
        current.extend(covering or kommune_plans[:1])
    led = []
    if scope.has_role(ROLE_LEADER):
        led_barnehager = list(Barnehage.objects.filter(
            pk__in=scope.barnehage_ids(ROLE_LEADER)).select_related("kommune"))
        choices = defaultdict(list)
        for choice in (BarnehageFokus.objects.filter(barnehage__in=led_barnehager)
                       .select_related("fokusomrade__plan").order_by("-year", "fokusomrade")):
            choices[choice.barnehage_id].append(choice)
        for barnehage in led_barnehager:
            year = focus_year(by_kommune.get(barnehage.kommune_id, []), today)
            led.append({"barnehage": barnehage, "year": year,
                        "choices": [c for c in choices[barnehage.pk] if c.year == year]})
    return {"current_plans": current, "led": led, "today": today}
