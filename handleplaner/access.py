"""Who may see and do what with action plans: the one place it is decided.

A leader sees and writes the plans of her own kindergarten; consultants and admins see
every plan of their municipality and review them; nobody else sees a plan (politicians
get aggregates elsewhere). The state machine in `models.Handleplan` asks the permissions
registered at the bottom, and so do the views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import rules
from django.db import models

from barnehager.access import (
    ROLE_LEADER,
    AnyUser,
    is_consultant,
    is_leader,
    municipal_or_own,
    scope_of,
)

if TYPE_CHECKING:
    from handleplaner.models import Handleplan


class HandleplanQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> HandleplanQuerySet:
        """Leaders: their own kindergarten's plans; consultants and admins: the municipality's."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(municipal_or_own(scope, ROLE_LEADER))


class MalQuerySet(models.QuerySet):
    def available_in(self, *kommune_ids: int) -> MalQuerySet:
        """The global presets and these municipalities' own templates that are in use."""
        return self.filter(models.Q(kommune__isnull=True) | models.Q(kommune_id__in=kommune_ids),
                           active=True)


def in_status(*statuses: str) -> rules.Predicate:
    """A predicate that holds while the plan is in one of `statuses`."""

    @rules.predicate(name=f"in_status({', '.join(statuses)})")
    def predicate(user: AnyUser, plan: Handleplan) -> bool:
        return plan is not None and plan.status in statuses

    return predicate


# The statuses are spelled out here rather than imported from models, which imports this.
EDITABLE = in_status("draft", "returned")
UNDER_WAY = in_status("in_progress")
OPEN_FOR_COMMENTS = in_status("draft", "submitted", "returned", "approved", "in_progress",
                              "evaluated")

# Named apart from Django's model permissions (view_/change_handleplan), which the admin uses.
rules.add_perm("handleplaner.read_plan", is_leader | is_consultant)
rules.add_perm("handleplaner.create_plan", is_leader)
rules.add_perm("handleplaner.edit_plan", is_leader & EDITABLE)
rules.add_perm("handleplaner.submit_plan", is_leader)
rules.add_perm("handleplaner.review_plan", is_consultant)
rules.add_perm("handleplaner.start_plan", is_leader)
rules.add_perm("handleplaner.record_progress", is_leader & UNDER_WAY)
rules.add_perm("handleplaner.evaluate_plan", is_leader & UNDER_WAY)
rules.add_perm("handleplaner.close_plan", is_consultant)
rules.add_perm("handleplaner.reopen_plan", is_consultant)
rules.add_perm("handleplaner.comment_plan", (is_leader | is_consultant) & OPEN_FOR_COMMENTS)


def may(permission: str) -> Callable[..., bool]:
    """A django-fsm permission callable (instance, user) asking the rule `permission`."""

    def check(plan: Handleplan, user: AnyUser) -> bool:
        return user.has_perm(permission, plan)

    check.__name__ = permission
    return check
