"""Reads for the plan pages, the lists, the PDF and the home page, each a fixed number of
queries however many plans, phases or answers there are."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from barnehager.access import ROLE_LEADER, scope_of
from handleplaner.models import (
    FINISHED_STATUSES,
    LIVE_STATUSES,
    Fase,
    Fremdrift,
    Handleplan,
    Seksjon,
    Sporsmal,
    Status,
)

DUE_SOON_DAYS = 14


def plans_for_list(user):
    return (Handleplan.objects.visible_to(user)
            .select_related("barnehage", "avdeling", "mal")
            .order_by("barnehage__name", "-updated_at"))


def queue_counts(user, today: date) -> dict[str, int]:
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


def leader_home(user, today: date) -> dict:
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
