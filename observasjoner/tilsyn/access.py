"""Who may see and do what with supervisions: the one place it is decided.

Consultants and admins see every supervision of their municipality and the instruments
shared with it, and do the work; a leader reads the completed and published supervisions of
her own kindergarten; nobody else sees one. Views ask the `visible_to` querysets (outsiders
get 404) and the `observasjoner.*_tilsyn` permissions at the bottom, as every app does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rules
from django.contrib.auth import get_user_model
from django.db import models

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, AnyUser, is_consultant, scope_of

if TYPE_CHECKING:
    from barnehager.models import Kommune
    from observasjoner.tilsyn.models import Tilsyn

# Spelled out here rather than imported from models, which imports this module; they are
# `Tilsyn.Status` and `Tilsyn.Outcome` values.
DRAFT, COMPLETED, PUBLISHED = "draft", "completed", "published"
LEADER_VISIBLE = (COMPLETED, PUBLISHED)
INTENSIFIED = ("concern", "serious")


class TilsynInstrumentQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> TilsynInstrumentQuerySet:
        """Consultants and admins: the shared instruments and their municipality's own."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        if not scope.has_role(*MUNICIPAL_ROLES):
            return self.none()
        return self.filter(models.Q(kommune__isnull=True)
                           | models.Q(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES)))

    def offered_to(self, user: AnyUser,
                   kommuner: models.QuerySet[Kommune]) -> TilsynInstrumentQuerySet:
        """What a new supervision offers her: her municipalities' own instruments and the
        shared ones in their languages (a Danish consultant is never offered the Norwegian
        instrument, nor a Norwegian the Danish one)."""
        languages = list(kommuner.values_list("language", flat=True))
        return self.visible_to(user).filter(
            models.Q(kommune__isnull=False) | models.Q(language__in=["", *languages]))

    def available_for(self, kommune: Kommune) -> TilsynInstrumentQuerySet:
        """What a supervision in `kommune` may use: its own instruments and the shared ones
        in its language."""
        return self.filter(
            models.Q(kommune=kommune)
            | models.Q(kommune__isnull=True, language__in=("", kommune.language))
        )


class TilsynQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> TilsynQuerySet:
        """Consultants and admins: every supervision of their municipality. Leaders: the
        completed and published supervisions of their own kindergarten. Others: nothing."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(
            models.Q(barnehage__kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
            | models.Q(barnehage_id__in=scope.barnehage_ids(ROLE_LEADER),
                       status__in=LEADER_VISIBLE)
        )

    def open_concerns(self) -> TilsynQuerySet:
        """Kindergartens under intensified supervision: a concern not yet closed."""
        return self.filter(outcome__in=INTENSIFIED, closed_on__isnull=True).exclude(
            status=DRAFT)


# What a supervision's state allows, for the consultant who may manage it.

@rules.predicate
def is_draft(user: AnyUser, tilsyn: Tilsyn) -> bool:
    return tilsyn.status == DRAFT


@rules.predicate
def is_published(user: AnyUser, tilsyn: Tilsyn) -> bool:
    return tilsyn.status == PUBLISHED


@rules.predicate
def is_completed_or_published(user: AnyUser, tilsyn: Tilsyn) -> bool:
    return tilsyn.status in LEADER_VISIBLE


@rules.predicate
def is_open_concern(user: AnyUser, tilsyn: Tilsyn) -> bool:
    return tilsyn.is_open_concern


# Named apart from Django's model permissions (view_/change_tilsyn), which the admin uses. As
# everywhere, a superuser holds them all; the model and services still refuse a step the
# state does not allow (complete, publish, close).
rules.add_perm("observasjoner.manage_tilsyn", is_consultant)
rules.add_perm("observasjoner.edit_tilsyn", is_consultant & ~is_published)
rules.add_perm("observasjoner.complete_tilsyn", is_consultant & is_draft)
rules.add_perm("observasjoner.comment_tilsyn", is_consultant & is_completed_or_published)
rules.add_perm("observasjoner.publish_tilsyn", is_consultant & is_completed_or_published)
# The preview of the report before it is published: whoever may publish it.
rules.add_perm("observasjoner.preview_tilsyn", is_consultant & is_completed_or_published)
rules.add_perm("observasjoner.close_tilsyn", is_consultant & is_open_concern & ~is_draft)


# Who reads a supervision report once it is published: what the confirmation names.

@dataclass(frozen=True)
class ReportReaders:
    """The kindergarten's leaders and the municipality's consultants and admins."""

    barnehage: str
    kommune: str
    leaders: tuple[str, ...]
    municipal: tuple[str, ...]


def report_readers(tilsyn: Tilsyn) -> ReportReaders:
    """As `TilsynQuerySet.visible_to` decides: a published report is downloaded by the
    kindergarten's leaders and by the municipality's consultants and admins."""
    users = get_user_model()._default_manager.filter(is_active=True)

    def names(**membership: object) -> tuple[str, ...]:
        found = users.filter(**{f"memberships__{key}": value
                                for key, value in membership.items()}).distinct()
        return tuple(sorted(user.get_full_name() or user.email for user in found))

    barnehage = tilsyn.barnehage
    return ReportReaders(
        barnehage=barnehage.name, kommune=barnehage.kommune.name,
        leaders=names(role=ROLE_LEADER, barnehage_id=barnehage.pk),
        municipal=names(role__in=MUNICIPAL_ROLES, kommune_id=barnehage.kommune_id))
