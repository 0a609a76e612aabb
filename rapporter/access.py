"""Who may read, approve and withdraw a stored report: the one place it is decided.

A report leaves the building only after review (docs/domain.md, Reports). A version is
made as a *draft*, which consultants and admins of its municipality read together with the
list of what is incomplete; one of them approves it after a confirmation that names its
readers, and it is *published*; later it may be *withdrawn*, and stays on record.

- Consultants and admins see every version of every report of their municipality, in
  every state.
- Politicians see the committee's report (the annual one) and a leader the reports about
  her own kindergarten, and each only in its newest published version: a draft, a
  withdrawn version and a version a newer publication has replaced are 404 for them. So a
  new version never replaces a published one until it is approved itself, and withdrawing
  the newest publication shows them the one before, if there is one.

Views fetch reports through `RapportQuerySet.visible_to` and ask the `rapporter.*`
permissions below; they never read memberships themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rules
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.functions import Coalesce

from barnehager.access import (
    MUNICIPAL_ROLES,
    ROLE_LEADER,
    ROLE_POLITICIAN,
    AnyUser,
    is_consultant,
    scope_of,
)

if TYPE_CHECKING:
    from rapporter.models import Rapport

# Spelled out here rather than imported from models, which imports this module; they are
# `rapporter.models.Status` and `Kind` values.
QUEUED, RUNNING, DRAFT, PUBLISHED, WITHDRAWN, FAILED = (
    "queued", "running", "draft", "published", "withdrawn", "failed")
# The states in which a version has its file (a database constraint holds it).
STORED = (DRAFT, PUBLISHED, WITHDRAWN)
ANNUAL, KINDERGARTEN, SUPERVISION, ACTION_PLAN = (
    "annual", "kindergarten", "supervision", "action_plan")

# Who reads which kind once it is published: politicians the committee's report (aggregates
# only); a leader what concerns her own kindergarten.
POLITICIAN_KINDS = (ANNUAL,)
LEADER_KINDS = (KINDERGARTEN, SUPERVISION, ACTION_PLAN)

# The fields that name one report; its versions share them.
SERIES_FIELDS = ("kind", "kommune_id", "year", "semester")
_NULLABLE_SERIES_FIELDS = ("barnehage_id", "subject_id")


def same_report(queryset: models.QuerySet, outer: str = "") -> models.QuerySet:
    """`queryset` narrowed to the versions of the report in the outer query (`OuterRef`),
    the nullable fields compared so that empty equals empty."""
    filters = {field: models.OuterRef(field) for field in SERIES_FIELDS}
    annotations = {f"_{field}": Coalesce(field, models.Value(0))
                   for field in _NULLABLE_SERIES_FIELDS}
    return queryset.annotate(**annotations).filter(
        **filters,
        **{f"_{field}": Coalesce(models.OuterRef(field), models.Value(0))
           for field in _NULLABLE_SERIES_FIELDS})


class RapportQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> RapportQuerySet:
        scope = scope_of(user)
        if scope.superuser:
            return self
        current = self.current_publications_q()
        return self.filter(
            models.Q(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
            | (current & models.Q(kind__in=POLITICIAN_KINDS,
                                  kommune_id__in=scope.kommune_ids(ROLE_POLITICIAN)))
            | (current & models.Q(kind__in=LEADER_KINDS,
                                  barnehage_id__in=scope.barnehage_ids(ROLE_LEADER)))
        )

    def current_publications_q(self) -> models.Q:
        """Published, with no newer published version of the same report."""
        newer = same_report(self.model._default_manager.filter(status=PUBLISHED)).filter(
            version__gt=models.OuterRef("version"))
        return models.Q(models.Q(status=PUBLISHED), ~models.Exists(newer))

    def current_publications(self) -> RapportQuerySet:
        """The version of each report its readers see: the newest published one."""
        return self.filter(self.current_publications_q())

    def orderable_by(self, user: AnyUser) -> RapportQuerySet:
        """Reports the user may order again, approve or withdraw: consultants and admins,
        in their municipality."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))

    def published(self) -> RapportQuerySet:
        return self.filter(status=PUBLISHED)

    def stored(self) -> RapportQuerySet:
        """Versions with a file: drafts, published and withdrawn ones."""
        return self.filter(status__in=STORED)

    def drafts(self) -> RapportQuerySet:
        return self.filter(status=DRAFT)


# What a version's state allows, for the consultant of its municipality.

@rules.predicate
def is_draft(user: AnyUser, rapport: Rapport) -> bool:
    return rapport.status == DRAFT


@rules.predicate
def is_published(user: AnyUser, rapport: Rapport) -> bool:
    return rapport.status == PUBLISHED


# Named apart from Django's model permissions (which the admin uses). The service checks the
# state again under a lock (`services.approve`, `services.withdraw`).
rules.add_perm("rapporter.order_report", is_consultant)
rules.add_perm("rapporter.approve_report", is_consultant & is_draft)
rules.add_perm("rapporter.withdraw_report", is_consultant & is_published)


# Who reads a version once it is published: what the approval's confirmation names.

@dataclass(frozen=True)
class ReaderGroup:
    """One group of readers: its role, where, and the people in it now."""

    role: str
    place: str
    people: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.people)


def readers(rapport: Rapport) -> list[ReaderGroup]:
    """The people who read the version once it is published, by group, as the rules above
    decide: consultants and admins of the municipality (they read its drafts already),
    and its politicians for the annual report or the kindergarten's leaders for the others."""
    user_model = get_user_model()
    active = user_model._default_manager.filter(is_active=True)

    def people(**membership: object) -> tuple[str, ...]:
        found = active.filter(**{f"memberships__{key}": value
                                 for key, value in membership.items()}).distinct()
        return tuple(sorted((user.get_full_name() or user.email) for user in found))

    kommune = rapport.kommune.name
    groups = []
    if rapport.kind in POLITICIAN_KINDS:
        groups.append(ReaderGroup(ROLE_POLITICIAN, kommune, people(
            role=ROLE_POLITICIAN, kommune_id=rapport.kommune_id)))
    if rapport.kind in LEADER_KINDS and rapport.barnehage is not None:
        groups.append(ReaderGroup(ROLE_LEADER, rapport.barnehage.name, people(
            role=ROLE_LEADER, barnehage_id=rapport.barnehage_id)))
    groups.append(ReaderGroup("municipal", kommune, people(
        role__in=MUNICIPAL_ROLES, kommune_id=rapport.kommune_id)))
    return groups
