"""Who may read and edit the quality framework: the one place it is decided.

Everyone holding any role in a municipality reads its plans (and which kindergartens
chose which focus area); consultants and admins edit them. A leader edits only her own
kindergarten's focus choices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import rules
from django.db import models

from barnehager.access import (
    MUNICIPAL_ROLES,
    ROLE_LEADER,
    ROLE_OBSERVER,
    ROLE_POLITICIAN,
    AnyUser,
    municipal_or_own,
    scope_of,
)

if TYPE_CHECKING:
    from barnehager.models import Barnehage

# Every role reads the plan; consultants and admins edit it; leaders choose their focus.
PLAN_READERS = (*MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER, ROLE_POLITICIAN)
PLAN_EDITORS = MUNICIPAL_ROLES
FOCUS_CHOOSERS = (ROLE_LEADER, *MUNICIPAL_ROLES)


class KvalitetsplanQuerySet(models.QuerySet):
    kommune_path = "kommune_id"

    def visible_to(self, user: AnyUser) -> Self:
        """Plans (or their parts) of every municipality the user holds any role in."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(**{f"{self.kommune_path}__in": scope.kommune_ids()})

    def editable_by(self, user: AnyUser) -> Self:
        """Plans (or their parts) the user may change: consultants and admins."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(**{f"{self.kommune_path}__in": scope.kommune_ids(*MUNICIPAL_ROLES)})


class KvalitetsprinsippQuerySet(KvalitetsplanQuerySet):
    kommune_path = "plan__kommune_id"


class FokusomradeQuerySet(KvalitetsplanQuerySet):
    kommune_path = "plan__kommune_id"


class TiltakQuerySet(KvalitetsplanQuerySet):
    kommune_path = "fokusomrade__plan__kommune_id"


class TegnQuerySet(KvalitetsplanQuerySet):
    kommune_path = "fokusomrade__plan__kommune_id"


class BarnehageFokusQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> Self:
        """Every member of the municipality sees which kindergarten chose which focus."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(barnehage__kommune_id__in=scope.kommune_ids())

    def editable_by(self, user: AnyUser) -> Self:
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(municipal_or_own(scope, ROLE_LEADER))


def plan_kommune_id(obj: Any) -> int | None:
    """The municipality of a plan or of any part of one."""
    if hasattr(obj, "kommune_id"):
        return obj.kommune_id
    if hasattr(obj, "plan_id"):
        return obj.plan.kommune_id
    if hasattr(obj, "fokusomrade_id"):
        return obj.fokusomrade.plan.kommune_id
    return None


@rules.predicate
def can_read_plan(user: AnyUser, obj: Any = None) -> bool:
    scope = scope_of(user)
    if obj is None:
        return scope.superuser or bool(scope.roles)
    return scope.superuser or plan_kommune_id(obj) in scope.kommune_ids()


@rules.predicate
def can_edit_plan(user: AnyUser, obj: Any = None) -> bool:
    """Consultant or admin in the plan's municipality (or anywhere, without an object)."""
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(*MUNICIPAL_ROLES)
    return scope.superuser or plan_kommune_id(obj) in scope.kommune_ids(*MUNICIPAL_ROLES)


@rules.predicate
def can_choose_focus(user: AnyUser, barnehage: Barnehage | None = None) -> bool:
    """Leader of this kindergarten, or consultant/admin of its municipality."""
    scope = scope_of(user)
    if barnehage is None:
        return scope.has_role(*FOCUS_CHOOSERS)
    return (scope.superuser
            or barnehage.pk in scope.barnehage_ids(ROLE_LEADER)
            or barnehage.kommune_id in scope.kommune_ids(*MUNICIPAL_ROLES))


# Named apart from Django's model permissions so the admin's own checks stay untouched.
rules.add_perm("kvalitet.read_plan", can_read_plan)
rules.add_perm("kvalitet.edit_plan", can_edit_plan)
rules.add_perm("kvalitet.choose_focus", can_choose_focus)
