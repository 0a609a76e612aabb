"""Reads for the plan pages, the lists, the PDF and the home page, and the action-plan
figures of the dashboards and the reports, each a fixed number of queries however many
plans, phases or answers there are."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from barnehager.access import ROLE_LEADER, AnyUser, scope_of
from barnehager.models import Barnehage
from barnehager.pdf import PdfDocument
from handleplaner.access import HandleplanQuerySet
from handleplaner.models import (
    FINISHED_STATUSES,
    LIVE_STATUSES,
    Evaluering,
    Fase,
    Fremdrift,
    GoalReached,
    Handleplan,
    Seksjon,
    Sporsmal,
    Status,
    overdue_condition,
)

DUE_SOON_DAYS = 14


def plans_for_list(user: AnyUser) -> HandleplanQuerySet:
    return (Handleplan.objects.visible_to(user)
            .select_related("barnehage", "avdeling", "mal")
            .order_by("barnehage__name", "-updated_at"))


def queue_counts(user: AnyUser, today: date) -> dict[str, int]:
    plans = Handleplan.objects.visible_to(user)
    return plans.aggregate(
        waiting=Count("pk", filter=Q(status=Status.SUBMITTED)),
        overdue=Count("pk", filter=~Q(status__in=FINISHED_STATUSES)
                      & (Q(deadline__lt=today) | Q(evaluation_due__lt=today))),
    )


def section_layout(sections: list[Seksjon]) -> list[dict]:
    """The template's sections in order; the responsibilities and the timeline go to the
    section that shows them, or to a section of their own at the end."""
    blocks = [{"seksjon": seksjon, "title": seksjon.title,
               "responsibilities": seksjon.shows_responsibilities,
               "timeline": seksjon.shows_timeline} for seksjon in sections]
    if not any(block["responsibilities"] for block in blocks):
        blocks.append({"seksjon": None, "title": _("Responsibilities"),
                       "responsibilities": True, "timeline": False})
    if not any(block["timeline"] for block in blocks):
        blocks.append({"seksjon": None, "title": _("Timeline"),
                       "responsibilities": False, "timeline": True})
    return blocks


def plan_page(plan: Handleplan) -> dict:
    """Everything the plan page and the PDF show, read in a handful of queries."""
    sections = list(plan.mal.seksjoner.all())
    questions = list(Sporsmal.objects.filter(seksjon__mal_id=plan.mal_id))
    answers = {answer.sporsmal_id: answer.text for answer in plan.svar.all()}
    blocks = [{**block, "answers": [
        (question, answers.get(question.pk, "")) for question in questions
        if block["seksjon"] and question.seksjon_id == block["seksjon"].pk]}
        for block in section_layout(sections)]
    phases = list(plan.faser.prefetch_related(
        Prefetch("fremdrift", queryset=Fremdrift.objects.select_related("written_by"))))
    dialogue = [{"at": comment.created_at, "who": comment.author, "text": comment.text,
                 "transition": None}
                for comment in plan.kommentarer.select_related("author")]
    dialogue += [{"at": step.at, "who": step.by, "text": step.comment, "transition": step}
                 for step in plan.overganger.select_related("by")]
    dialogue.sort(key=lambda item: item["at"])
    return {
        "plan": plan,
        "blocks": blocks,
        "phases": phases,
        "dimensjoner": list(plan.dimensjoner.select_related("domene__instrument")),
        "kriterier": list(plan.kriterier.all()),
        "evaluations": list(plan.evalueringer.select_related("written_by")),
        "dialogue": dialogue,
    }


def plan_document(plan: Handleplan, generated_at: datetime) -> PdfDocument:
    """A single action plan as PDF for the board meeting: the plan page's content."""
    return PdfDocument("handleplaner/pdf/plan.html",
                       {**plan_page(plan), "generated_at": generated_at})


def leader_home(user: AnyUser, today: date) -> dict:
    """A leader's plans that are not closed, and what falls due within two weeks."""
    barnehage_ids = scope_of(user).barnehage_ids(ROLE_LEADER)
    plans = list(Handleplan.objects.filter(barnehage_id__in=barnehage_ids)
                 .exclude(status=Status.CLOSED).select_related("barnehage")
                 .order_by("deadline", "title"))
    soon = today + timedelta(days=DUE_SOON_DAYS)
    phases = (Fase.objects.filter(handleplan__barnehage_id__in=barnehage_ids,
                                  handleplan__status__in=LIVE_STATUSES,
                                  completed_on__isnull=True, end__lte=soon)
              .select_related("handleplan").order_by("end"))
    due = [{"date": fase.end, "plan": fase.handleplan,
            "what": _("%(phase)s ends") % {"phase": fase.label}} for fase in phases]
    due += [{"date": plan.evaluation_due, "plan": plan, "what": _("Evaluation due")}
            for plan in plans if plan.status in LIVE_STATUSES and plan.evaluation_due
            and plan.evaluation_due <= soon]
    due += [{"date": plan.deadline, "plan": plan, "what": _("Deadline")}
            for plan in plans if plan.status not in FINISHED_STATUSES and plan.deadline
            and plan.deadline <= soon]
    due.sort(key=lambda item: item["date"])
    return {"plans": plans, "due": due, "returned": [
        plan for plan in plans if plan.status == Status.RETURNED]}


# Figures ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanOnDay:
    """A plan and whether it is past its deadline or evaluation date on the reference day."""

    plan: Handleplan
    overdue: bool

    @property
    def live(self) -> bool:
        return is_live(self.plan)


@dataclass(frozen=True)
class KindergartenPlans:
    """One kindergarten's plans: all, live, finished, and overdue on the reference day."""

    barnehage: Barnehage
    total: int
    live: int
    finished: int
    overdue: int


class ActionPlanFigures:
    """The action-plan figures of a set of kindergartens for a period, on `reference_day`.

    A *live* (ongoing) plan is one being carried out: approved or in progress
    (`LIVE_STATUSES`). A submitted plan waits for the consultant's approval and a returned
    one is being rewritten: neither is an agreed plan yet, so neither is live, and neither
    gets reminders. `on_time` and `live_overdue` split the live plans; `overdue` lists every
    unfinished plan past a date, which is the consultant's queue and includes plans not yet
    approved. Statuses are counted as they are now.

    The counts come from one grouped query, so a municipality with years of plans reads a
    row per kindergarten and status, not every plan; `overdue` reads only the overdue
    plans, and `plans` (every plan, for one kindergarten's report) only when asked for.
    """

    def __init__(self, plans: QuerySet[Handleplan], evaluations: QuerySet[Evaluering],
                 reference_day: date) -> None:
        self._queryset = plans
        self._evaluations = evaluations
        self.reference_day = reference_day

    @cached_property
    def evaluations(self) -> dict[str, int]:
        """Evaluations per answer to "was the goal reached?", in the choices' order."""
        counts = Counter(self._evaluations.order_by().values_list("goal_reached", flat=True))
        return {value: counts[value] for value in GoalReached.values}

    @cached_property
    def plans(self) -> tuple[PlanOnDay, ...]:
        """Every plan with whether it is overdue, by kindergarten name and deadline."""
        return tuple(PlanOnDay(plan, plan.is_overdue(self.reference_day))
                     for plan in self._ordered(self._queryset))

    def _ordered(self, plans: QuerySet[Handleplan]) -> QuerySet[Handleplan]:
        return plans.select_related("barnehage", "avdeling").order_by(
            "barnehage__name", "deadline", "pk")

    @cached_property
    def _counts(self) -> list[dict[str, Any]]:
        """Per kindergarten and status: how many plans, and how many of them overdue."""
        return [dict(row) for row in self._queryset.order_by().values(
            "barnehage_id", "status").annotate(
            n=Count("pk"), late=Count("pk", filter=overdue_condition(self.reference_day)))]

    @property
    def total(self) -> int:
        return sum(row["n"] for row in self._counts)

    @property
    def by_status(self) -> dict[str, int]:
        """Plans per status, in the workflow's order."""
        counts: Counter[str] = Counter()
        for row in self._counts:
            counts[row["status"]] += row["n"]
        return {value: counts[value] for value in Status.values}

    @property
    def live(self) -> int:
        return sum(row["n"] for row in self._counts if row["status"] in LIVE_STATUSES)

    @property
    def live_overdue(self) -> int:
        return sum(row["late"] for row in self._counts if row["status"] in LIVE_STATUSES)

    @property
    def on_time(self) -> int:
        return self.live - self.live_overdue

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.live if self.live else None

    @property
    def live_overdue_share(self) -> float | None:
        return self.live_overdue / self.live if self.live else None

    @property
    def finished(self) -> int:
        return sum(row["n"] for row in self._counts if row["status"] in FINISHED_STATUSES)

    @cached_property
    def overdue(self) -> list[Handleplan]:
        return list(self._ordered(self._queryset.filter(
            overdue_condition(self.reference_day))))

    @property
    def overdue_count(self) -> int:
        return sum(row["late"] for row in self._counts)

    def first_overdue(self, count: int) -> list[Handleplan]:
        """The `count` overdue plans due first (by the earlier of deadline and evaluation
        date), read alone: a first screen need not load every overdue plan."""
        if "overdue" in self.__dict__:
            return sorted(self.overdue, key=due_day)[:count]
        return list(self._queryset.filter(overdue_condition(self.reference_day)).annotate(
            due=Least(Coalesce("deadline", "evaluation_due"),
                      Coalesce("evaluation_due", "deadline"))).select_related(
            "barnehage", "avdeling").order_by("due", "barnehage__name", "pk")[:count])

    @cached_property
    def per_barnehage(self) -> list[KindergartenPlans]:
        """Per kindergarten with plans, by kindergarten name."""
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self._counts:
            grouped[row["barnehage_id"]].append(row)
        barnehager = Barnehage.objects.filter(pk__in=grouped).order_by("name", "pk")
        return [KindergartenPlans(
            barnehage=barnehage, total=sum(row["n"] for row in rows),
            live=sum(row["n"] for row in rows if row["status"] in LIVE_STATUSES),
            finished=sum(row["n"] for row in rows if row["status"] in FINISHED_STATUSES),
            overdue=sum(row["late"] for row in rows))
            for barnehage in barnehager for rows in [grouped[barnehage.pk]]]


def due_day(plan: Handleplan) -> date:
    """The earlier of a plan's deadline and evaluation date (an overdue plan has one)."""
    return min(day for day in (plan.deadline, plan.evaluation_due) if day)


def is_live(plan: Handleplan) -> bool:
    """Being carried out: approved or in progress (see `ActionPlanFigures`)."""
    return plan.status in LIVE_STATUSES


def action_plan_figures(plans: QuerySet[Handleplan], *, year: int | None = None,
                        today: date | None = None) -> ActionPlanFigures:
    """The figures over `plans` (already narrowed to the kindergartens and what the user may
    see). Each figure is read when first asked for: one query for all the counts (per
    kindergarten and status), one each for the evaluations, `overdue`, `per_barnehage` and
    `plans`.

    With `year`: the plans open at some time during the year (created by its end, not
    closed before it began), evaluations held in the year, and the reference day is the
    year's last day (today while the year runs). Without: every plan, every evaluation,
    and today.
    """
    today = today or timezone.localdate()
    day = min(today, date(year, 12, 31)) if year is not None else today
    evaluations = Evaluering.objects.filter(handleplan__in=plans)
    if year is not None:
        plans = plans.filter(created_at__date__lte=date(year, 12, 31)).filter(
            Q(closed_at__isnull=True) | Q(closed_at__date__gte=date(year, 1, 1)))
        evaluations = Evaluering.objects.filter(handleplan__in=plans, held_on__year=year)
    return ActionPlanFigures(plans, evaluations, day)
