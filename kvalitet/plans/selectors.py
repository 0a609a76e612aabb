"""Reads for the plan pages and the home section, and the focus-area figures of the
dashboards and the reports, each a fixed number of queries.

A focus area's progress is the share of its measures that are done (`MeasureProgress`);
a focus area without measures has no progress (None, shown as "–"), not 0 %: 0 % would
claim that measures exist and none is done.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from barnehager.access import ROLE_LEADER, AnyUser, scope_of
from barnehager.models import Barnehage
from kvalitet.models import (
    BarnehageFokus,
    Fokusomrade,
    Kvalitetsplan,
    RoleLevel,
    Tegn,
    Tiltak,
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


def prefetch_plan_page(plans: Iterable[Kvalitetsplan], year: int) -> None:
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


@dataclass(frozen=True)
class MeasureProgress:
    """How far a focus area's measures have come."""

    total: int
    done: int
    under_way: int
    not_started: int

    @property
    def share(self) -> float | None:
        """Done measures over all measures; None without measures (not 0: nothing to do
        is not the same as nothing done)."""
        return self.done / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        """`share` as a whole percentage, rounded as every page and report prints it."""
        return None if self.share is None else round(100 * self.share)


def measure_progress(measures: Iterable[Tiltak]) -> MeasureProgress:
    counts = Counter(tiltak.status for tiltak in measures)
    return MeasureProgress(total=sum(counts.values()), done=counts[TiltakStatus.DONE],
                           under_way=counts[TiltakStatus.UNDER_WAY],
                           not_started=counts[TiltakStatus.NOT_STARTED])


@dataclass(frozen=True)
class FocusAreaPage:
    """A focus area on the plan page: its measures' progress and its signs grouped by role
    level (in the levels' order)."""

    fokusomrade: Fokusomrade
    progress: MeasureProgress
    signs_by_level: list[tuple[str, list[Tegn]]]


def focus_area_page(fokusomrade: Fokusomrade) -> FocusAreaPage:
    """From a focus area with its measures and signs prefetched."""
    grouped: dict[str, list[Tegn]] = defaultdict(list)
    for tegn in fokusomrade.tegn.all():
        grouped[tegn.role_level].append(tegn)
    return FocusAreaPage(fokusomrade, measure_progress(fokusomrade.tiltak.all()),
                         [(str(level.label), grouped[level.value])
                          for level in RoleLevel if grouped[level.value]])


@dataclass(frozen=True)
class FocusAreaFigures:
    """A focus area with its measures (in order), their progress, and the names of the
    kindergartens that chose it for the year asked about."""

    fokusomrade: Fokusomrade
    measures: tuple[Tiltak, ...]
    progress: MeasureProgress
    chosen_by: tuple[str, ...]


@dataclass(frozen=True)
class PlanFigures:
    """A quality plan with its focus areas; `covers_year` is False for a plan shown because
    no plan covers the year (the latest that ended before it)."""

    plan: Kvalitetsplan
    covers_year: bool
    areas: tuple[FocusAreaFigures, ...]

    @property
    def has_measures(self) -> bool:
        return any(area.measures for area in self.areas)


def _area_figures(area: Fokusomrade, choices: Iterable[BarnehageFokus]) -> FocusAreaFigures:
    measures = tuple(area.tiltak.all())
    return FocusAreaFigures(area, measures, measure_progress(measures),
                            tuple(choice.barnehage.name for choice in choices))


def _year_choices(year: int,
                  barnehager: Iterable[Barnehage] | None) -> QuerySet[BarnehageFokus]:
    choices = BarnehageFokus.objects.filter(year=year).select_related("barnehage").order_by(
        "barnehage__name")
    return choices if barnehager is None else choices.filter(barnehage__in=barnehager)


def plan_figures(kommune_id: int, year: int,
                 barnehager: Iterable[Barnehage] | None = None) -> list[PlanFigures]:
    """The plans covering the year, else the latest plan that ended before it; each focus
    area with its measures' progress and the kindergartens (of `barnehager`, when given)
    that chose it for the year. Five queries."""
    started = Kvalitetsplan.objects.filter(kommune_id=kommune_id, start_year__lte=year)
    covering = started.filter(Q(end_year__isnull=True) | Q(end_year__gte=year))
    queryset = covering if covering.exists() else started.order_by("-end_year")[:1]
    plans = Kvalitetsplan.objects.filter(pk__in=queryset.values("pk")).prefetch_related(
        "prinsipper",
        Prefetch("fokusomrader__tiltak", queryset=Tiltak.objects.order_by("order", "pk")),
        Prefetch("fokusomrader__valgt_av", queryset=_year_choices(year, barnehager),
                 to_attr="year_choices"),
    ).order_by("-start_year", "title")
    return [PlanFigures(plan, plan.covers(year),
                        tuple(_area_figures(area, area.year_choices)
                              for area in plan.fokusomrader.all()))
            for plan in plans]


def chosen_focus_areas(choices: QuerySet[BarnehageFokus]) -> list[FocusAreaFigures]:
    """The focus areas of `choices` (kindergartens' choices, already narrowed to a year and
    a set of kindergartens), each once, by plan and order: two queries."""
    rows = choices.select_related("barnehage", "fokusomrade__plan").prefetch_related(
        Prefetch("fokusomrade__tiltak", queryset=Tiltak.objects.order_by("order", "pk"))
    ).order_by("fokusomrade__plan__title", "fokusomrade__order", "barnehage__name")
    by_area: dict[int, list[BarnehageFokus]] = defaultdict(list)
    areas: dict[int, Fokusomrade] = {}
    for choice in rows:
        areas[choice.fokusomrade_id] = choice.fokusomrade
        by_area[choice.fokusomrade_id].append(choice)
    return [_area_figures(area, by_area[pk]) for pk, area in areas.items()]


def signs_in_level_order(fokusomrade: Fokusomrade) -> QuerySet[Tegn]:
    """The focus area's signs, grouped by role level in the levels' own order."""
    if fokusomrade.pk is None:
        return Tegn.objects.none()
    level_order = Case(*(When(role_level=level.value, then=Value(position))
                         for position, level in enumerate(RoleLevel)),
                       output_field=IntegerField())
    return fokusomrade.tegn.order_by(level_order, "order", "pk")


def plans_for_list(user: AnyUser) -> QuerySet[Kvalitetsplan]:
    return (Kvalitetsplan.objects.visible_to(user).select_related("kommune")
            .annotate(fokus_count=Count("fokusomrader", distinct=True),
                      measure_count=Count("fokusomrader__tiltak", distinct=True),
                      done_count=Count("fokusomrader__tiltak", distinct=True,
                                       filter=Q(fokusomrader__tiltak__status=TiltakStatus.DONE)))
            .order_by("kommune__name", "-start_year", "title"))


def focus_year(plans: Iterable[Kvalitetsplan], today: date) -> int | None:
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


def plans_covering(kommune_id: int, year: int) -> QuerySet[Kvalitetsplan]:
    return Kvalitetsplan.objects.filter(kommune_id=kommune_id, start_year__lte=year).filter(
        Q(end_year__isnull=True) | Q(end_year__gte=year))


def fokusomrader_for_choice(kommune_id: int, year: int) -> QuerySet[Fokusomrade]:
    return (Fokusomrade.objects.filter(plan__in=plans_covering(kommune_id, year))
            .select_related("plan").order_by("plan__title", "order", "pk"))


def home_summary(user: AnyUser, today: date | None = None) -> dict:
    """The quality-plan section of the home page: each municipality's current plans with
    their focus areas, and the focus a leader's kindergarten chose."""
    today = today or timezone.localdate()
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
