"""Who may see what: the one place tenancy is decided for the organisation's models.

Every view and every later app asks these helpers (the `visible_to` querysets and the
predicates at the bottom), never the memberships directly. A municipality is a tenant:
roles are granted per municipality, and leaders and observers are further bound to the
kindergarten where they work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import rules
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from barnehager.models import User

# Whoever asks: `request.user` is a signed-in User or the AnonymousUser.
AnyUser: TypeAlias = "User | AnonymousUser"

ROLE_LEADER = "leader"
ROLE_OBSERVER = "observer"
ROLE_CONSULTANT = "consultant"
ROLE_POLITICIAN = "politician"
ROLE_ADMIN = "admin"
# Roles that see every kindergarten of their municipality.
MUNICIPAL_ROLES = (ROLE_CONSULTANT, ROLE_ADMIN)


@dataclass(frozen=True)
class Scope:
    """The municipalities and kindergartens a user holds each role in."""

    kommuner: dict[str, frozenset[int]] = field(default_factory=dict)
    barnehager: dict[str, frozenset[int]] = field(default_factory=dict)
    superuser: bool = False

    def kommune_ids(self, *roles: str) -> set[int]:
        roles = roles or tuple(self.kommuner)
        return set().union(*(self.kommuner.get(role, ()) for role in roles))

    def barnehage_ids(self, *roles: str) -> set[int]:
        roles = roles or tuple(self.barnehager)
        return set().union(*(self.barnehager.get(role, ()) for role in roles))

    def has_role(self, *roles: str) -> bool:
        return self.superuser or any(self.kommuner.get(role) for role in roles)

    @property
    def roles(self) -> list[str]:
        return [role for role, ids in self.kommuner.items() if ids]


def scope_of(user: AnyUser) -> Scope:
    """The user's scope, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_kvalitet_scope", None)
    if cached is not None:
        return cached
    kommuner: dict[str, set[int]] = {}
    barnehager: dict[str, set[int]] = {}
    for role, kommune_id, barnehage_id in user.memberships.values_list(
        "role", "kommune_id", "barnehage_id"
    ):
        kommuner.setdefault(role, set()).add(kommune_id)
        if barnehage_id is not None:
            barnehager.setdefault(role, set()).add(barnehage_id)
    scope = Scope(
        kommuner={role: frozenset(ids) for role, ids in kommuner.items()},
        barnehager={role: frozenset(ids) for role, ids in barnehager.items()},
        superuser=user.is_superuser,
    )
    user._kvalitet_scope = scope
    return scope


def municipal_or_own(scope: Scope, *own_roles: str, path: str = "barnehage") -> models.Q:
    """Rows of the municipalities where the user is consultant or admin, or of the
    kindergartens where she holds one of `own_roles`. `path` leads from the row to its
    kindergarten ("" when the row is the kindergarten)."""
    kommune = f"{path}__kommune_id__in" if path else "kommune_id__in"
    barnehage = f"{path}_id__in" if path else "pk__in"
    return (models.Q(**{kommune: scope.kommune_ids(*MUNICIPAL_ROLES)})
            | models.Q(**{barnehage: scope.barnehage_ids(*own_roles)}))


class KommuneQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> KommuneQuerySet:
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(pk__in=scope.kommune_ids())

    def managed_by(self, user: AnyUser) -> KommuneQuerySet:
        """The municipalities the user manages: where she is consultant or admin (every one
        for a superuser). Whose rounds she plans, supervisions she makes, quality plans she
        edits, reports she orders and dashboards she reads."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(pk__in=scope.kommune_ids(*MUNICIPAL_ROLES))


class BarnehageQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> BarnehageQuerySet:
        """Consultants and admins: their municipality; leaders and observers: their own."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(municipal_or_own(scope, ROLE_LEADER, ROLE_OBSERVER, path=""))


class AvdelingQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> AvdelingQuerySet:
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(municipal_or_own(scope, ROLE_LEADER, ROLE_OBSERVER))


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> UserQuerySet:
        """Colleagues: consultants and admins see everyone in their municipality,
        leaders and observers the people of their own kindergarten."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(
            models.Q(memberships__kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
            | models.Q(memberships__barnehage_id__in=scope.barnehage_ids(ROLE_LEADER,
                                                                           ROLE_OBSERVER))
        ).distinct()

    def managed_by(self, user: AnyUser) -> UserQuerySet:
        """The people a municipal admin manages: everyone who has a role in her
        municipalities and none elsewhere. Someone who also works for another municipality
        is managed by the platform's operators, so no admin can take over an account of a
        municipality she does not administer."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        own = scope.kommune_ids(ROLE_ADMIN)
        membership = self.model._meta.get_field("memberships").related_model
        elsewhere = membership.objects.exclude(kommune_id__in=own).values("user_id")
        return self.filter(memberships__kommune_id__in=own).exclude(pk__in=elsewhere).distinct()


class AuditEntryQuerySet(models.QuerySet):
    """The audit log: a municipal admin reads her municipalities' entries, a platform
    operator every entry; nobody changes or removes one through the ORM (the retention task
    deletes in SQL, barnehager.audit.prune)."""

    def visible_to(self, user: AnyUser) -> AuditEntryQuerySet:
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(kommune_id__in=scope.kommune_ids(ROLE_ADMIN))

    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


# Rule predicates. Objects passed in (of several models, hence `Any`) carry a `kommune_id` or a
# `barnehage_id`.

def _kommune_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if hasattr(obj, "kommune_id"):
        return obj.kommune_id
    return obj.barnehage.kommune_id


@rules.predicate
def is_consultant(user: AnyUser, obj: Any = None) -> bool:
    """Consultant (or admin) in the object's municipality, or anywhere when no object."""
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(*MUNICIPAL_ROLES)
    return scope.superuser or _kommune_id(obj) in scope.kommune_ids(*MUNICIPAL_ROLES)


@rules.predicate
def is_leader(user: AnyUser, obj: Any = None) -> bool:
    """Leader of the object's kindergarten (an object is a Barnehage or has barnehage_id)."""
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(ROLE_LEADER)
    barnehage_id = obj.pk if obj.__class__.__name__ == "Barnehage" else getattr(
        obj, "barnehage_id", None)
    return scope.superuser or barnehage_id in scope.barnehage_ids(ROLE_LEADER)


@rules.predicate
def is_observer(user: AnyUser, obj: Any = None) -> bool:
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(ROLE_OBSERVER)
    return scope.superuser or _kommune_id(obj) in scope.kommune_ids(ROLE_OBSERVER)


@rules.predicate
def is_politician(user: AnyUser, obj: Any = None) -> bool:
    scope = scope_of(user)
    if obj is None:
        return scope.has_role(ROLE_POLITICIAN)
    return scope.superuser or _kommune_id(obj) in scope.kommune_ids(ROLE_POLITICIAN)


@rules.predicate
def is_member(user: AnyUser, obj: Any = None) -> bool:
    """Holds any role in the object's municipality."""
    scope = scope_of(user)
    if obj is None:
        return scope.superuser or bool(scope.roles)
    return scope.superuser or _kommune_id(obj) in scope.kommune_ids()
