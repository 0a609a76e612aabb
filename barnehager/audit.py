"""The audit log: the one way anything is written to it, and the one way old entries leave.

Each service where an event happens adds one line, `audit.record(AuditAction.X, ...)`; who
did it and from which address come from the request being served (`AuditContextMiddleware`
keeps it for the length of the request, so a service that is handed only a user still
records the address), or are given explicitly by a Celery task. An entry belongs to the
municipality of the object it concerns (a plan's, a report's), or else to each municipality
where the person holds a role, so that every municipality's admins see what concerns them.

Entries are written in the caller's transaction: a change that is rolled back leaves no
entry claiming it happened.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from barnehager.models import AuditAction, AuditEntry, Kommune, Membership, User
from barnehager.throttling import client_ip

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

logger = logging.getLogger(__name__)

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "kvalitet_audit_request", default=None)

__all__ = ["AuditAction", "AuditContextMiddleware", "prune", "record"]


class AuditContextMiddleware:
    """Keeps the request being served where `record` finds it (after the authentication
    middleware, so the user is known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


KommuneRef = Kommune | int | None


def record(action: AuditAction, *, actor: User | AnonymousUser | None = None,
           request: HttpRequest | None = None, target: models.Model | None = None,
           label: str = "", kommune: KommuneRef | Iterable[KommuneRef] = None,
           details: dict[str, Any] | None = None) -> list[AuditEntry]:
    """Writes what happened: `action` on `target` (a model instance, or only `label`) by
    `actor` (default: the request's user). `kommune` names the municipality (or several)
    the entry belongs to when neither the target nor the actor tells it."""
    request = request or current_request()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    person = actor if isinstance(actor, User) and actor.pk else None
    ip = client_ip(request) if request is not None else None
    target_type = target_id = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        label = label or str(target)
    entries = [
        AuditEntry(action=action, actor=person, actor_label=person.email if person else "",
                   kommune_id=kommune_id, ip_address=ip or None, target_type=target_type,
                   target_id=target_id, target_label=label[:300], details=details or {})
        for kommune_id in _kommune_ids(kommune, target, person)
    ]
    for entry in entries:
        entry.save()
    return entries


def _kommune_ids(kommune: KommuneRef | Iterable[KommuneRef], target: models.Model | None,
                 person: User | None) -> list[int | None]:
    if isinstance(kommune, Kommune | int):
        return [_pk(kommune)]
    if kommune is not None:
        ids = sorted({_pk(item) for item in kommune if item is not None})
        return list(ids) or [None]
    from_target = _kommune_of(target)
    if from_target is not None:
        return [from_target]
    if person is not None:
        ids = sorted(set(Membership.objects.filter(user=person)
                         .values_list("kommune_id", flat=True)))
        if ids:
            return list(ids)
    return [None]


def _pk(kommune: Kommune | int) -> int:
    return kommune.pk if isinstance(kommune, Kommune) else kommune


def _kommune_of(target: models.Model | None) -> int | None:
    """The municipality a row belongs to, when it says so directly or through its
    kindergarten."""
    if target is None:
        return None
    if isinstance(target, Kommune):
        return target.pk
    kommune_id = getattr(target, "kommune_id", None)
    if kommune_id is not None:
        return kommune_id
    barnehage = getattr(target, "barnehage", None)
    return getattr(barnehage, "kommune_id", None)


def prune(now: datetime | None = None) -> int:
    """Removes the entries older than the retention period (`KVALITET_AUDIT_RETENTION_DAYS`)
    and records how many went. The only delete the audit log allows: on PostgreSQL the
    trigger of migration 0003 refuses any other."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KVALITET_AUDIT_RETENTION_DAYS)
    table = AuditEntry._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL kvalitet.audit_prune = 'on'")
        cursor.execute(f'DELETE FROM "{table}" WHERE "at" < %s', [cutoff])
        removed = cursor.rowcount
    logger.info("Audit log: removed %d entries older than %s", removed, cutoff.isoformat())
    if removed:
        record(AuditAction.PRUNED, label=f"{removed}",
               details={"removed": removed, "before": cutoff.isoformat()})
    return removed
