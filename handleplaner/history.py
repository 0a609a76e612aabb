"""A plan's history as a readable list: who changed what, when, with old and new values.

django-simple-history keeps a row per save of the plan, its answers, phases and evaluations.
Autosave writes often, so consecutive changes by one person within half an hour are merged
into one entry showing the value before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from barnehager.models import Avdeling, User
from handleplaner.models import (
    Evaluering,
    Fase,
    GoalReached,
    Handleplan,
    Origin,
    Overgang,
    Sporsmal,
    Status,
    Svar,
)
from kvalitet.models import Fokusomrade
from observasjoner.models import Dimensjon, Kriterium, Observasjon, Utviklingspunkt

MERGE_WINDOW = timedelta(minutes=30)
PLAN_FIELDS = ["title", "status", "avdeling", "origin", "utviklingspunkt", "observasjon",
               "fokusomrade", "origin_note", "goal", "period_start",
               "period_end", "deadline", "next_supervision", "evaluation_due",
               "responsibility_leader", "responsibility_owner", "responsibility_board",
               "approved_by"]
PHASE_FIELDS = ["title", "description", "start", "end", "completed_on"]


@dataclass
class Change:
    key: tuple
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: User | None
    changes: list[Change] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# The plan's foreign keys shown by name: field -> (model, select_related).
FOREIGN_KEYS = {
    "avdeling": (Avdeling, ["barnehage"]),
    "approved_by": (User, []),
    "fokusomrade": (Fokusomrade, []),
    "observasjon": (Observasjon, ["avdeling__barnehage"]),
    "utviklingspunkt": (Utviklingspunkt, []),
}


class _Names:
    """Display values for ids found in history rows, each kind read in one query."""

    def __init__(self, plan_records, m2m_rows) -> None:
        self.objects = {
            name: {obj.pk: str(obj) for obj in model.objects.select_related(*related).filter(
                pk__in={getattr(r, f"{name}_id") for r in plan_records} - {None})}
            for name, (model, related) in FOREIGN_KEYS.items()}
        self.dimensjoner = {
            dimensjon.pk: f"{dimensjon.domene.instrument.name}: {dimensjon.code} "
                          f"{dimensjon.name}"
            for dimensjon in Dimensjon.objects.select_related("domene__instrument").filter(
                pk__in={row[2] for row in m2m_rows if row[0] == "dim"})}
        self.kriterier = {kriterium.pk: str(kriterium) for kriterium in Kriterium.objects.filter(
            pk__in={row[2] for row in m2m_rows if row[0] == "krit"})}

    def plan_value(self, record, name: str) -> str:
        if name == "status":
            return str(Status(record.status).label)
        if name == "origin":
            return str(Origin(record.origin).label)
        if name in FOREIGN_KEYS:
            return self.objects[name].get(getattr(record, f"{name}_id"), "")
        return _text(getattr(record, name))


def _plan_changes(plan: Handleplan) -> list[tuple[datetime, int | None, Change]]:
    records = list(plan.history.order_by("history_date", "history_id"))
    through_dim = Handleplan.history.model._meta.get_field(
        "historicalhandleplan_dimensjoner").related_model
    through_krit = Handleplan.history.model._meta.get_field(
        "historicalhandleplan_kriterier").related_model
    ids = [record.history_id for record in records]
    m2m_rows = [("dim", history_id, pk) for history_id, pk in through_dim.objects.filter(
        history_id__in=ids).values_list("history_id", "dimensjon_id")]
    m2m_rows += [("krit", history_id, pk) for history_id, pk in through_krit.objects.filter(
        history_id__in=ids).values_list("history_id", "kriterium_id")]
    names = _Names(records, m2m_rows)
    targets: dict[tuple[str, int], set[int]] = {}
    for kind, history_id, pk in m2m_rows:
        targets.setdefault((kind, history_id), set()).add(pk)
    labels = {name: str(Handleplan._meta.get_field(name).verbose_name) for name in PLAN_FIELDS}
    labels["status"] = _("Status")
    events = []
    previous = None
    for record in records:
        if previous is None:
            events.append((record.history_date, record.history_user_id,
                           Change(("plan", "created"), _("Plan created"), "", record.title)))
        else:
            for name in PLAN_FIELDS:
                old, new = names.plan_value(previous, name), names.plan_value(record, name)
                if old != new:
                    events.append((record.history_date, record.history_user_id,
                                   Change(("plan", name), labels[name], old, new)))
            for kind, label, lookup in (
                    ("dim", _("CLASS dimensions targeted"), names.dimensjoner),
                    ("krit", _("Quality criteria targeted"), names.kriterier)):
                old_set = targets.get((kind, previous.history_id), set())
                new_set = targets.get((kind, record.history_id), set())
                if old_set != new_set:
                    events.append((record.history_date, record.history_user_id, Change(
                        ("plan", kind), label,
                        ", ".join(sorted(lookup.get(pk, "") for pk in old_set)),
                        ", ".join(sorted(lookup.get(pk, "") for pk in new_set)))))
        previous = record
    return events


def _answer_changes(plan: Handleplan) -> list[tuple[datetime, int | None, Change]]:
    questions = {question.pk: question.text
                 for question in Sporsmal.objects.filter(seksjon__mal_id=plan.mal_id)}
    events = []
    last: dict[int, str] = {}
    for record in Svar.history.filter(handleplan_id=plan.pk).order_by("history_date",
                                                                      "history_id"):
        old = last.get(record.id, "")
        new = "" if record.history_type == "-" else record.text
        if old != new:
            events.append((record.history_date, record.history_user_id, Change(
                ("answer", record.sporsmal_id), questions.get(record.sporsmal_id, ""), old, new)))
        last[record.id] = new
    return events


def _phase_changes(plan: Handleplan) -> list[tuple[datetime, int | None, Change]]:
    labels = {name: str(Fase._meta.get_field(name).verbose_name) for name in PHASE_FIELDS}
    events = []
    last: dict[int, object] = {}
    for record in Fase.history.filter(handleplan_id=plan.pk).order_by("history_date",
                                                                      "history_id"):
        phase = _("Phase %(number)s") % {"number": record.order + 1}
        if record.history_type == "+":
            events.append((record.history_date, record.history_user_id, Change(
                ("phase", record.id, "created"), _("Phase added"), "", phase)))
        elif record.history_type == "-":
            events.append((record.history_date, record.history_user_id, Change(
                ("phase", record.id, "deleted"), _("Phase removed"),
                record.title or phase, "")))
        previous = last.get(record.id)
        if previous is not None and record.history_type == "~":
            for name in PHASE_FIELDS:
                old, new = _text(getattr(previous, name)), _text(getattr(record, name))
                if old != new:
                    events.append((record.history_date, record.history_user_id, Change(
                        ("phase", record.id, name), f"{phase}: {labels[name]}", old, new)))
        last[record.id] = record
    return events


def _evaluation_changes(plan: Handleplan) -> list[tuple[datetime, int | None, Change]]:
    events = []
    for record in Evaluering.history.filter(handleplan_id=plan.pk).order_by("history_date",
                                                                            "history_id"):
        kind = _("final") if record.final else _("interim")
        summary = f"{_text(record.held_on)}: {GoalReached(record.goal_reached).label} ({kind})"
        if record.history_type == "+":
            events.append((record.history_date, record.history_user_id, Change(
                ("evaluation", record.id), _("Evaluation recorded"), "", summary)))
        elif record.history_type == "~" and not record.final:
            # Only a reopening turns a final evaluation into an interim one.
            events.append((record.history_date, record.history_user_id, Change(
                ("evaluation", record.id, "interim"), _("Evaluation now counts as interim"),
                _text(record.held_on), summary)))
    return events


def _reopenings(plan: Handleplan) -> list[tuple[datetime, int | None, Change]]:
    """Why a consultant reopened the plan, beside the status change itself."""
    return [(step.at, step.by_id, Change(("reopen", step.pk), _("Reopened, because"), "",
                                         step.comment))
            for step in Overgang.objects.filter(handleplan=plan, name="reopen")]


def history_entries(plan: Handleplan) -> list[Entry]:
    """Newest first; each entry one person's changes within half an hour."""
    events = (_plan_changes(plan) + _answer_changes(plan)
              + _phase_changes(plan) + _evaluation_changes(plan) + _reopenings(plan))
    events.sort(key=lambda event: event[0])
    users = {user.pk: user for user in User.objects.filter(
        pk__in={user_id for _when, user_id, _change in events if user_id})}
    entries: list[Entry] = []
    started: datetime | None = None
    for when, user_id, change in events:
        current = entries[-1] if entries else None
        if (current is None or current.who != users.get(user_id)
                or when - started > MERGE_WINDOW):
            current = Entry(when=when, who=users.get(user_id))
            entries.append(current)
            started = when
        current.when = when
        for existing in current.changes:
            if existing.key == change.key:
                existing.new = change.new
                break
        else:
            current.changes.append(change)
    for entry in entries:
        entry.changes = [change for change in entry.changes if change.old != change.new]
    return [entry for entry in reversed(entries) if entry.changes]
