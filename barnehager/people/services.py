"""A municipal admin's changes to the people of her municipality: invitations, roles,
deactivation. Each is written to the audit log (roles through barnehager.receivers)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from barnehager import audit, outbox
from barnehager.access import ROLE_ADMIN, scope_of
from barnehager.models import AuditAction, Barnehage, Kommune, Membership, User

SEND_INVITATION = "barnehager.tasks.send_invitation"


def check_kommune(by: User, kommune: Kommune) -> None:
    """PermissionDenied unless `by` is an admin of `kommune` (or a platform operator)."""
    scope = scope_of(by)
    if not scope.superuser and kommune.pk not in scope.kommune_ids(ROLE_ADMIN):
        raise PermissionDenied


def _membership(user: User, role: str, kommune: Kommune,
                barnehage: Barnehage | None) -> Membership:
    membership = Membership(user=user, role=role, kommune=kommune, barnehage=barnehage)
    membership.full_clean()
    membership.save()
    return membership


def invite(by: User, *, email: str, first_name: str, last_name: str, role: str,
           kommune: Kommune, barnehage: Barnehage | None, language: str = "") -> User:
    """A new person with a first role in the admin's municipality; she gets an e-mail with a
    link to choose her password (Django's token, valid PASSWORD_RESET_TIMEOUT seconds).
    Someone who already has an account is refused: adding roles to an account of another
    municipality is for the platform's operators. `language` is her own choice (empty: her
    municipality's); the invitation is written in it."""
    check_kommune(by, kommune)
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("This address has an account already. Give "
                                              "the person a role on her page instead.")})
        user = User(username=email, email=email, first_name=first_name.strip(),
                    last_name=last_name.strip(), language=language)
        user.set_unusable_password()
        user.save()
        _membership(user, role, kommune, barnehage)
        audit.record(AuditAction.INVITATION_SENT, actor=by, target=user, label=email,
                     kommune=kommune)
        outbox.enqueue(SEND_INVITATION, user.pk)
    return user


def add_role(by: User, user: User, *, role: str, kommune: Kommune,
             barnehage: Barnehage | None) -> Membership:
    check_kommune(by, kommune)
    if Membership.objects.filter(user=user, role=role, kommune=kommune,
                                 barnehage=barnehage).exists():
        raise ValidationError(_("She has this role already."))
    with transaction.atomic():
        return _membership(user, role, kommune, barnehage)


def remove_role(by: User, membership: Membership) -> None:
    """A role of the admin's municipality; the last one stays (without any she would fall
    outside every admin's reach: deactivate her instead)."""
    check_kommune(by, membership.kommune)
    if membership.user.memberships.count() <= 1:
        raise ValidationError(_("This is her last role. Deactivate her instead."))
    membership.delete()


def set_active(by: User, user: User, active: bool) -> None:
    """Deactivating ends her sessions at once (Django refuses an inactive user's session)."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(AuditAction.USER_CHANGED, actor=by, target=user, label=user.email,
                     kommune=[m.kommune_id for m in user.memberships.all()]
                     or None, details={"active": active})
