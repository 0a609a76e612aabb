"""Who may see and do what with rounds, observations, scores and practice stories.

The one place this is decided for `observasjoner` (docs/domain.md, Organisation, roles and tenancy):

- consultants and admins: everything in their municipality, including rounds still being
  planned (a proposed plan is a draft: nobody else sees it until the round is published);
- observers: the observations assigned to them (and, once both codings of a double-coded
  observation are submitted, the other observer's coding of it, never before);
- leaders: the observations of their own kindergarten's departments, but their scores and
  feedback only once submitted; a second (double) coding is reliability data for the
  consultants and stays hidden from leaders;
- practice stories and monthly plans: the kindergarten's own leaders and observers, and
  the municipality's consultants.

Views ask the `visible_to` querysets (outsiders get 404) and the predicates at the bottom
(registered as `observasjoner.*` permissions), never the memberships directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import rules
from django.apps import apps
from django.db import models

from barnehager.access import (
    MUNICIPAL_ROLES,
    ROLE_LEADER,
    ROLE_OBSERVER,
    AnyUser,
    Scope,
    municipal_or_own,
    scope_of,
)

if TYPE_CHECKING:
    from observasjoner.models import Observasjon

PLANNED, IN_PROGRESS, SUBMITTED, LOCKED = "planned", "in_progress", "submitted", "locked"
DONE_STATUSES = (SUBMITTED, LOCKED)
# A round in planning is the consultant's draft.
DRAFT_ROUND, ACTIVE_ROUND = "planning", "active"
PUBLISHED = ~models.Q(runde__status=DRAFT_ROUND)


def _observasjon_model() -> type[Observasjon]:
    """Looked up, not imported: the models module imports these querysets."""
    return apps.get_model("observasjoner", "Observasjon")


class ObservasjonsrundeQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ObservasjonsrundeQuerySet:
        """Consultants and admins: their municipality's rounds; observers and leaders: the
        rounds they take part in (an assignment, or a department of their kindergarten)."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        involved = _observasjon_model().objects.visible_to(user).values("runde_id")
        return self.filter(
            models.Q(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
            | models.Q(pk__in=involved)
        )

    def plannable_by(self, user: AnyUser) -> ObservasjonsrundeQuerySet:
        """Rounds the user may plan, adjust and close: consultants and admins."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))


class ObservasjonQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ObservasjonQuerySet:
        """Observations whose existence (department, date, observer, status) the user sees."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(
            models.Q(runde__kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
            | self._own_q(user, scope)
            | models.Q(PUBLISHED, avdeling__barnehage_id__in=scope.barnehage_ids(ROLE_LEADER),
                       double_coding_of__isnull=True)
        )

    def assigned_to(self, user: AnyUser) -> ObservasjonQuerySet:
        """The observer's own work list (the tablet page)."""
        return self.filter(self._own_q(user, scope_of(user)))

    def results_visible_to(self, user: AnyUser) -> ObservasjonQuerySet:
        """Observations whose scores, results and feedback the user may read."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(
            models.Q(runde__kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
            | self._own_q(user, scope)
            | self._partner_q(user, scope)
            | models.Q(avdeling__barnehage_id__in=scope.barnehage_ids(ROLE_LEADER),
                       double_coding_of__isnull=True, status__in=DONE_STATUSES)
        )

    def double_coded(self) -> ObservasjonQuerySet:
        """Second codings (each points at the observation it double-codes)."""
        return self.filter(double_coding_of__isnull=False)

    def done(self) -> ObservasjonQuerySet:
        return self.filter(status__in=DONE_STATUSES)

    @staticmethod
    def _own_q(user: AnyUser, scope: Scope) -> models.Q:
        if not scope.kommune_ids(ROLE_OBSERVER):
            return models.Q(pk__in=[])
        return models.Q(PUBLISHED, observer_id=user.pk,
                        runde__kommune_id__in=scope.kommune_ids(ROLE_OBSERVER))

    def _partner_q(self, user: AnyUser, scope: Scope) -> models.Q:
        """The other coding(s) of a double-coded observation, once the user's own coding and
        the other one are both submitted."""
        if not scope.kommune_ids(ROLE_OBSERVER):
            return models.Q(pk__in=[])
        mine = self.model.objects.filter(self._own_q(user, scope), status__in=DONE_STATUSES)
        return models.Q(status__in=DONE_STATUSES) & (
            models.Q(double_coding_of_id__in=mine.values("pk"))
            | models.Q(pk__in=mine.filter(double_coding_of__isnull=False)
                       .values("double_coding_of_id"))
            | models.Q(double_coding_of_id__in=mine.filter(double_coding_of__isnull=False)
                       .values("double_coding_of_id"))
        )


class SyklusQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> SyklusQuerySet:
        """Cycles (with their scores) of observations whose results the user may read."""
        if scope_of(user).superuser:
            return self
        return self.filter(
            observasjon__in=_observasjon_model().objects.results_visible_to(user).values("pk"))


class SkaarQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> SkaarQuerySet:
        if scope_of(user).superuser:
            return self
        return self.filter(
            syklus__observasjon__in=_observasjon_model().objects.results_visible_to(user)
            .values("pk"))


class BarnehageWorkQuerySet(models.QuerySet):
    """Practice stories and monthly plans: the kindergarten's own people and the
    municipality's consultants."""

    def visible_to(self, user: AnyUser) -> Self:
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(municipal_or_own(scope, ROLE_LEADER, ROLE_OBSERVER))


PraksisfortellingQuerySet = BarnehageWorkQuerySet
MaanedsplanQuerySet = BarnehageWorkQuerySet


# Rule predicates -------------------------------------------------------------------------

def _kommune_of(obj: Any) -> int | None:
    """The municipality of a Kommune, a round, an observation or one of its parts."""
    if obj is None:
        return None
    if obj.__class__.__name__ == "Kommune":
        return obj.pk
    if hasattr(obj, "kommune_id"):
        return obj.kommune_id
    if hasattr(obj, "runde_id"):
        return obj.runde.kommune_id
    if hasattr(obj, "observasjon_id"):
        return obj.observasjon.runde.kommune_id
    if hasattr(obj, "syklus_id"):
        return obj.syklus.observasjon.runde.kommune_id
    return None


@rules.predicate
def can_plan_rounds(user: AnyUser, obj: Any = None) -> bool:
    """Consultant or admin of the municipality of a round/observation (or of a Kommune)."""
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(*MUNICIPAL_ROLES)
    return scope.superuser or _kommune_of(obj) in scope.kommune_ids(*MUNICIPAL_ROLES)


@rules.predicate
def can_view_observation(user: AnyUser, observasjon: Observasjon | None = None) -> bool:
    if observasjon is None:
        return scope_of(user).has_role(ROLE_LEADER, ROLE_OBSERVER, *MUNICIPAL_ROLES)
    return _observasjon_model().objects.visible_to(user).filter(pk=observasjon.pk).exists()


@rules.predicate
def can_see_results(user: AnyUser, observasjon: Observasjon | None = None) -> bool:
    """Scores, results and feedback (leaders: only once submitted; a double-coding
    observer sees the other coding only when both are submitted)."""
    scope = scope_of(user)
    if observasjon is None:
        return scope.has_role(ROLE_LEADER, ROLE_OBSERVER, *MUNICIPAL_ROLES)
    if scope.superuser or observasjon.runde.kommune_id in scope.kommune_ids(*MUNICIPAL_ROLES):
        return True
    return (_observasjon_model().objects.results_visible_to(user)
            .filter(pk=observasjon.pk).exists())


@rules.predicate
def can_record(user: AnyUser, observasjon: Observasjon | None = None) -> bool:
    """The assigned observer, while the observation is not yet submitted and its round
    is active (published and not closed)."""
    scope = scope_of(user)
    if observasjon is None:
        return scope.has_role(ROLE_OBSERVER)
    return (observasjon.observer_id == user.pk
            and observasjon.status in (PLANNED, IN_PROGRESS)
            and observasjon.runde.status == ACTIVE_ROUND
            and observasjon.runde.kommune_id in scope.kommune_ids(ROLE_OBSERVER))


@rules.predicate
def can_write_feedback(user: AnyUser, observasjon: Observasjon | None = None) -> bool:
    """The assigned observer writes the feedback of a primary observation until the
    round locks it."""
    scope = scope_of(user)
    if observasjon is None:
        return scope.has_role(ROLE_OBSERVER)
    return (observasjon.observer_id == user.pk
            and observasjon.double_coding_of_id is None
            and observasjon.status != LOCKED
            and observasjon.runde.status != DRAFT_ROUND
            and observasjon.runde.kommune_id in scope.kommune_ids(ROLE_OBSERVER))


@rules.predicate
def can_amend(user: AnyUser, observasjon: Observasjon | None = None) -> bool:
    """A consultant amends a submitted (or locked) observation, with a reason."""
    if observasjon is None:
        return can_plan_rounds(user)
    return observasjon.status in DONE_STATUSES and can_plan_rounds(user, observasjon)


def _barnehage_of(obj: Any) -> Any:
    return obj if obj.__class__.__name__ == "Barnehage" else obj.barnehage


@rules.predicate
def can_write_story(user: AnyUser, obj: Any = None) -> bool:
    """Staff (leaders, observers) of the kindergarten, and its municipality's consultants.
    `obj` is a Barnehage, a Praksisfortelling or a Maanedsplan."""
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(ROLE_LEADER, ROLE_OBSERVER, *MUNICIPAL_ROLES)
    barnehage = _barnehage_of(obj)
    return (scope.superuser
            or barnehage.pk in scope.barnehage_ids(ROLE_LEADER, ROLE_OBSERVER)
            or barnehage.kommune_id in scope.kommune_ids(*MUNICIPAL_ROLES))


@rules.predicate
def can_plan_month(user: AnyUser, obj: Any = None) -> bool:
    """The kindergarten's leaders and its municipality's consultants choose the month's
    dimension. `obj` is a Barnehage or a Maanedsplan."""
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(ROLE_LEADER, *MUNICIPAL_ROLES)
    barnehage = _barnehage_of(obj)
    return (scope.superuser
            or barnehage.pk in scope.barnehage_ids(ROLE_LEADER)
            or barnehage.kommune_id in scope.kommune_ids(*MUNICIPAL_ROLES))


# Named apart from Django's model permissions so the admin's own checks stay untouched.
rules.add_perm("observasjoner.plan_rounds", can_plan_rounds)
rules.add_perm("observasjoner.view_observation", can_view_observation)
rules.add_perm("observasjoner.see_results", can_see_results)
rules.add_perm("observasjoner.record", can_record)
rules.add_perm("observasjoner.write_feedback", can_write_feedback)
rules.add_perm("observasjoner.amend", can_amend)
rules.add_perm("observasjoner.write_story", can_write_story)
rules.add_perm("observasjoner.plan_month", can_plan_month)
