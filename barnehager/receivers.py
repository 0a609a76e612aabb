"""What follows Django's own signals: the audit log's entries for log-ins, failed log-ins,
log-outs, and roles given, changed and taken away (in the product's pages and the admin
alike); and, at log-in, the session's idle clock and whether she chose a second factor.
Connected in BarnehagerConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest

from barnehager import audit
from barnehager.middleware import mark_seen
from barnehager.models import AuditAction, Membership, User
from barnehager.twofactor.access import remember_choice


def logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_seen(request.session)
        remember_choice(request, user)
    audit.record(AuditAction.LOGIN, actor=user, request=request,
                 details={"backend": getattr(user, "backend", "")})


def login_failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
                 **kwargs: Any) -> None:
    """A wrong password for a known account is her municipality's business; for an
    address nobody has, only the platform's (and what was typed is not kept)."""
    username = str(credentials.get("username", ""))
    user = User.objects.filter(email__iexact=username).first() or \
        User.objects.filter(username=username).first()
    audit.record(AuditAction.LOGIN_FAILED, actor=user, request=request,
                 label="" if user else "unknown account")


def logged_out(sender: object, request: HttpRequest | None, user: User | None,
               **kwargs: Any) -> None:
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, request=request)


def _membership_label(membership: Membership) -> str:
    where = membership.barnehage.name if membership.barnehage else membership.kommune.name
    return f"{membership.user.email}: {membership.get_role_display()} ({where})"


def membership_before(sender: object, instance: Membership, raw: bool = False,
                      **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    before = Membership.objects.filter(pk=instance.pk).values(
        "role", "kommune_id", "barnehage_id").first()
    instance._audit_before = before  # type: ignore[attr-defined]


def membership_saved(sender: object, instance: Membership, created: bool, raw: bool = False,
                     **kwargs: Any) -> None:
    if raw:
        return
    now = {"role": instance.role, "kommune_id": instance.kommune_id,
           "barnehage_id": instance.barnehage_id}
    before = getattr(instance, "_audit_before", None)
    if not created and before == now:
        return
    details: dict[str, Any] = {"user_id": instance.user_id, **now}
    if before and not created:
        details["before"] = before
    kommuner = {instance.kommune_id, *([before["kommune_id"]] if before else [])}
    audit.record(AuditAction.MEMBERSHIP_ADDED if created else AuditAction.MEMBERSHIP_CHANGED,
                 target=instance, label=_membership_label(instance), kommune=kommuner,
                 details=details)


def membership_deleted(sender: object, instance: Membership, **kwargs: Any) -> None:
    audit.record(AuditAction.MEMBERSHIP_REMOVED, target=instance,
                 label=_membership_label(instance), kommune=instance.kommune_id,
                 details={"user_id": instance.user_id, "role": instance.role,
                          "barnehage_id": instance.barnehage_id})


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="audit-login")
    user_login_failed.connect(login_failed, dispatch_uid="audit-login-failed")
    user_logged_out.connect(logged_out, dispatch_uid="audit-logout")
    pre_save.connect(membership_before, sender=Membership, dispatch_uid="audit-membership-pre")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid="audit-membership")
    post_delete.connect(membership_deleted, sender=Membership,
                        dispatch_uid="audit-membership-delete")
