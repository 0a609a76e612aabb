"""Action plans for tests: a complete SMART plan in any state, made directly in the
database (the workflow tests walk the state machine themselves)."""

from datetime import date, timedelta

from django.utils import timezone

from handleplaner.models import Evaluering, Fase, Handleplan, Mal, Sporsmal, Status, Svar

GOAL = "Every child is part of a small group every day."
PHASE_TITLES = ("Analyse the groups", "Work in small groups")


def smart() -> Mal:
    return Mal.objects.get(kommune=None, code="smart")


def make_plan(barnehage, *, status: str = Status.DRAFT, complete: bool = True,
              title: str = "Small groups", created_by=None, today: date | None = None,
              **fields) -> Handleplan:
    """A plan whose content would pass submission today (unless `complete` is False)."""
    today = today or timezone.localdate()
    values = {"goal": GOAL, "period_start": today, "period_end": today + timedelta(days=200),
              "deadline": today + timedelta(days=180),
              "evaluation_due": today + timedelta(days=150), **fields}
    plan = Handleplan.objects.create(barnehage=barnehage, mal=smart(), title=title,
                                     status=status, created_by=created_by, **values)
    if complete:
        for question in Sporsmal.objects.filter(seksjon__mal=plan.mal):
            Svar.objects.create(handleplan=plan, sporsmal=question,
                                text=f"Answer to question {question.pk}")
        for order, title_ in enumerate(PHASE_TITLES):
            Fase.objects.create(handleplan=plan, order=order, title=title_,
                                description=f"What happens in phase {order + 1}",
                                start=today + timedelta(days=1 + 60 * order),
                                end=today + timedelta(days=60 + 60 * order))
    if status in (Status.EVALUATED, Status.CLOSED):
        Evaluering.objects.create(handleplan=plan, held_on=today, observed="We saw it work.",
                                  goal_reached="yes", final=True)
    return plan


def form_data(plan: Handleplan, **overrides) -> dict:
    """What the edit form posts for `plan` as it stands, with `overrides`."""
    data = {
        "version": plan.version, "editor": "tab-a", "title": plan.title,
        "avdeling": plan.avdeling_id or "", "origin": plan.origin,
        "origin_note": plan.origin_note, "goal": plan.goal,
        "period_start": plan.period_start or "", "period_end": plan.period_end or "",
        "deadline": plan.deadline or "", "next_supervision": plan.next_supervision or "",
        "evaluation_due": plan.evaluation_due or "",
        "responsibility_leader": plan.responsibility_leader,
        "responsibility_owner": plan.responsibility_owner,
        "responsibility_board": plan.responsibility_board,
    }
    answers = {answer.sporsmal_id: answer.text for answer in plan.svar.all()}
    for question in Sporsmal.objects.filter(seksjon__mal=plan.mal):
        data[f"q{question.pk}"] = answers.get(question.pk, "")
    for fase in plan.faser.all():
        prefix = f"fase-{fase.pk}-"
        data.update({prefix + "title": fase.title, prefix + "description": fase.description,
                     prefix + "start": fase.start or "", prefix + "end": fase.end or ""})
    data.update(overrides)
    return data
