"""Every write to an action plan goes through here: content saves guarded by the version,
the state machine's transitions with their record and e-mails, progress, evaluations and
comments. Views stay thin; the rules are asked in access.py and models.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from barnehager import audit, outbox
from barnehager.models import AuditAction
from handleplaner import validation
from handleplaner.models import (
    TRANSITION_NAMES,
    Evaluering,
    Fase,
    Fremdrift,
    Handleplan,
    Kommentar,
    Overgang,
    Status,
    Svar,
)

if TYPE_CHECKING:
    from barnehager.models import Barnehage, User
    from handleplaner.models import Mal

# Queued through the outbox by name: services never import tasks.
NOTIFY_TRANSITION = "handleplaner.tasks.notify_transition"


class StaleVersion(Exception):
    """Someone else saved the plan after this form was loaded."""

    def __init__(self, plan: Handleplan):
        super().__init__("stale version")
        self.plan = plan


class NotEditable(Exception):
    """The plan left draft/returned, or the user may not edit it."""

    def __init__(self, plan: Handleplan):
        super().__init__("not editable")
        self.plan = plan


class TransitionRefused(Exception):
    """The state machine does not allow the step now; `messages` says why."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Content:
    """What a form sends: the plan's own fields, its many-to-many targets by field name,
    answers by question id and phases by id."""

    fields: dict[str, object] = field(default_factory=dict)
    m2m: dict[str, list] = field(default_factory=dict)
    answers: dict[int, str] = field(default_factory=dict)
    phases: dict[int, dict[str, object]] = field(default_factory=dict)


def create_plan(*, barnehage: Barnehage, user: User, mal: Mal, title: str,
                **fields: object) -> Handleplan:
    """A new draft with one empty phase to fill in; `fields` are further plan fields
    (avdeling, origin and its link, origin_note)."""
    if not user.has_perm("handleplaner.create_plan", barnehage):
        raise PermissionDenied
    with transaction.atomic():
        plan = Handleplan(barnehage=barnehage, mal=mal, title=title, created_by=user, **fields)
        plan._history_user = user
        plan.save()
        fase = Fase(handleplan=plan, order=0)
        fase._history_user = user
        fase.save()
    return plan


def _lock_for_edit(plan_pk: int, user: User, version: int, token: str) -> Handleplan:
    """The plan's row, locked until the transaction ends, if this form may write to it.

    A save is accepted when it is based on the current version, or when the form that
    sent it also made every save since (its own autosave racing its own button press).
    """
    plan = Handleplan.objects.select_for_update().select_related("barnehage").get(pk=plan_pk)
    if not user.has_perm("handleplaner.edit_plan", plan):
        raise NotEditable(plan)
    if version != plan.version and not (token and token == plan.edit_token):
        raise StaleVersion(plan)
    return plan


def _bump(plan: Handleplan, user: User, token: str) -> None:
    plan.version += 1
    plan.edit_token = token
    plan._history_user = user
    plan.save()


def save_content(plan_pk: int, user: User, *, version: int, token: str,
                 content: Content) -> tuple[Handleplan, bool]:
    """Writes what changed; returns the plan and whether anything did.

    Raises StaleVersion or NotEditable and then writes nothing.
    """
    with transaction.atomic():
        plan = _lock_for_edit(plan_pk, user, version, token)
        changed = False
        for name, value in content.fields.items():
            if getattr(plan, name) != value:
                setattr(plan, name, value)
                changed = True
        m2m_changes = {
            name: targets for name, targets in content.m2m.items()
            if {target.pk for target in targets}
            != set(getattr(plan, name).values_list("pk", flat=True))}
        changed = changed or bool(m2m_changes)
        answers = {answer.sporsmal_id: answer for answer in plan.svar.all()}
        for question_id, text in content.answers.items():
            answer = answers.get(question_id) or Svar(handleplan=plan, sporsmal_id=question_id)
            if answer.pk is None and not text:
                continue
            if answer.text != text:
                answer.text = text
                answer._history_user = user
                answer.save()
                changed = True
        phases = {fase.pk: fase for fase in plan.faser.all()}
        for fase_pk, values in content.phases.items():
            fase = phases.get(fase_pk)
            if fase is None:  # removed meanwhile by this same form's other request
                continue
            if any(getattr(fase, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(fase, name, value)
                fase._history_user = user
                fase.save()
                changed = True
        if changed:
            _bump(plan, user, token)
            for name, targets in m2m_changes.items():
                getattr(plan, name).set(targets)
    return plan, changed


def add_phase(plan_pk: int, user: User, *, version: int, token: str) -> tuple[Handleplan, Fase]:
    with transaction.atomic():
        plan = _lock_for_edit(plan_pk, user, version, token)
        last = plan.faser.aggregate(last=Max("order"))["last"]
        fase = Fase(handleplan=plan, order=0 if last is None else last + 1)
        fase._history_user = user
        fase.save()
        _bump(plan, user, token)
    return plan, fase


def delete_phase(plan_pk: int, fase_pk: int, user: User, *, version: int,
                 token: str) -> Handleplan:
    with transaction.atomic():
        plan = _lock_for_edit(plan_pk, user, version, token)
        fase = plan.faser.filter(pk=fase_pk).first()
        if fase is not None:
            fase._history_user = user
            fase.delete()
            for order, remaining in enumerate(plan.faser.order_by("order", "pk")):
                if remaining.order != order:
                    remaining.order = order
                    remaining._history_user = user
                    remaining.save(update_fields=["order"])
            _bump(plan, user, token)
    return plan


def apply_transition(plan_pk: int, name: str, user: User, *, comment: str = "",
                     notify: bool = True) -> Overgang:
    """Runs one step of the state machine for `user`, records it and queues the e-mails.

    Raises PermissionDenied when the user's role does not allow the step, and
    TransitionRefused when the plan's state or content does not.
    """
    if name not in TRANSITION_NAMES:
        raise TransitionRefused([_("Unknown step.")])
    with transaction.atomic():
        plan = Handleplan.objects.select_for_update().select_related("barnehage").get(
            pk=plan_pk)
        meta = getattr(plan, name)._django_fsm
        source = plan.status
        if not meta.has_transition(source):
            raise TransitionRefused([
                _("A plan with the status “%(status)s” cannot take this step.")
                % {"status": plan.get_status_display()}])
        if not meta.has_transition_perm(plan, source, user):
            raise PermissionDenied
        if not meta.conditions_met(plan, source):
            if name == "submit":
                raise TransitionRefused(plan.submission_problems())
            raise TransitionRefused([_("Record the evaluation first.")])
        getattr(plan, name)(user, comment)  # raises ValidationError on a missing comment
        if name == "reopen":
            _unmark_final_evaluation(plan, user)
        plan.version += 1
        plan._history_user = user
        plan._change_reason = name
        plan.save()
        overgang = Overgang.objects.create(handleplan=plan, name=name, source=source,
                                           target=plan.status, by=user,
                                           comment=comment.strip())
        if name in ("approve", "return_to_leader"):
            audit.record(AuditAction.PLAN_APPROVED if name == "approve"
                         else AuditAction.PLAN_RETURNED, actor=user, target=plan)
        if notify:
            outbox.enqueue(NOTIFY_TRANSITION, overgang.pk)
    return overgang


def add_comment(plan: Handleplan, user: User, text: str) -> Kommentar:
    if not user.has_perm("handleplaner.comment_plan", plan):
        raise PermissionDenied
    return Kommentar.objects.create(handleplan=plan, author=user, text=text)


def add_progress(fase: Fase, user: User, text: str, *, completed: bool,
                 today: date | None = None) -> Fremdrift:
    """A progress note on a phase of a plan under way; may mark the phase completed."""
    if not user.has_perm("handleplaner.record_progress", fase.handleplan):
        raise PermissionDenied
    today = today or timezone.localdate()
    if completed:
        problems = validation.phase_completion_problems(fase.start, today)
        if problems:
            raise ValidationError(problems)
    with transaction.atomic():
        note = Fremdrift.objects.create(fase=fase, text=text, written_by=user)
        if completed and fase.completed_on is None:
            fase.completed_on = today
            fase._history_user = user
            fase.save(update_fields=["completed_on"])
    return note


def _unmark_final_evaluation(plan: Handleplan, user: User) -> None:
    """A reopened plan's final evaluation was a mistake: it stays, as an interim one."""
    latest = plan.evalueringer.filter(final=True).order_by("-held_on", "-pk").first()
    if latest is not None:
        latest.final = False
        latest._history_user = user  # type: ignore[attr-defined]
        latest._change_reason = "reopen"  # type: ignore[attr-defined]
        latest.save(update_fields=["final"])


def record_evaluation(plan: Handleplan, user: User, *, held_on: date, observed: str,
                      goal_reached: str, final: bool,
                      next_on: date | None = None) -> Evaluering:
    """An evaluation of a plan under way. It is interim (the work goes on, and `next_on`
    dates the next one) unless `final`, which moves the plan to evaluated."""
    if not user.has_perm("handleplaner.evaluate_plan", plan):
        raise PermissionDenied
    with transaction.atomic():
        evaluering = Evaluering(handleplan=plan, held_on=held_on, observed=observed,
                                goal_reached=goal_reached, written_by=user, final=final,
                                next_on=None if final else next_on)
        evaluering._history_user = user
        evaluering.save()
        if final:
            apply_transition(plan.pk, "evaluate", user)
    return evaluering


def latest_return_comment(plan: Handleplan) -> Overgang | None:
    if plan.status != Status.RETURNED:
        return None
    return plan.overganger.filter(name="return_to_leader").select_related("by").last()
