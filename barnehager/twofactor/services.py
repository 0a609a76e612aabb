"""Setting up, passing and removing a second factor (django-otp's TOTP and static devices),
each change written to the audit log."""

from __future__ import annotations

from enum import Enum

import django_otp
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from barnehager import audit
from barnehager.models import AuditAction, User
from barnehager.twofactor.access import has_second_factor

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"


class Outcome(Enum):
    PASSED = "passed"
    WRONG = "wrong"
    WAIT = "wait"  # too many wrong codes: django-otp holds the device back for a while


def pending_device(user: User) -> TOTPDevice:
    """The app device being set up (unconfirmed until its first code is right): the same
    one on every visit, so the QR code stays the one she scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def confirm_app(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """The first right code confirms the app: it replaces any earlier app, the session
    counts as verified, and she gets fresh recovery codes (returned to be shown once).
    None when the code is wrong."""
    user = request.user
    assert isinstance(user, User) and device.user_id == user.pk
    with transaction.atomic():
        if not device.verify_token(_digits(code)):
            audit.record(AuditAction.SECOND_FACTOR_FAILED, actor=user, request=request,
                         details={"during": "setup"})
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        django_otp.login(request, device)
        audit.record(AuditAction.SECOND_FACTOR_ADDED, actor=user, request=request,
                     details={"device": "totp"})
    return codes


def verify(request: HttpRequest, code: str) -> Outcome:
    """Checks a code from the app or one of the recovery codes (each works once)."""
    user = request.user
    assert isinstance(user, User)
    waiting = False
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                waiting = True
                continue
            # A code of six digits is the app's, anything else a recovery code: a
            # recovery code tried on the app would hold the app back for the next log-in.
            app_code = _digits(code) if len(_digits(code)) == 6 == len(code.strip()) else ""
            token = app_code if isinstance(device, TOTPDevice) else (
                "" if app_code else _recovery(code))
            if token and device.verify_token(token):
                django_otp.login(request, device)
                recovery = isinstance(device, StaticDevice)
                audit.record(AuditAction.RECOVERY_CODE_USED if recovery
                             else AuditAction.SECOND_FACTOR_VERIFIED,
                             actor=user, request=request,
                             details={"remaining": device.token_set.count()} if recovery else {})
                return Outcome.PASSED
    audit.record(AuditAction.SECOND_FACTOR_FAILED, actor=user, request=request,
                 details={"during": "log-in", "held_back": waiting})
    return Outcome.WAIT if waiting else Outcome.WRONG


def renew_recovery_codes(request: HttpRequest) -> list[str]:
    user = request.user
    assert isinstance(user, User)
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit.record(AuditAction.RECOVERY_CODES_RENEWED, actor=user, request=request)
    return codes


def remove(request: HttpRequest) -> None:
    """Removes her app and recovery codes; someone who must have a second factor is sent
    to set up a new one at once (barnehager.twofactor.middleware)."""
    user = request.user
    assert isinstance(user, User)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        audit.record(AuditAction.SECOND_FACTOR_REMOVED, actor=user, request=request)


def reset(by: User, person: User) -> bool:
    """An admin's (or a platform operator's) reset for someone who lost her phone: her app
    and recovery codes are removed, so a session verified with them no longer counts and
    her next log-in asks her to set up a second factor again when she must have one
    (barnehager.twofactor.access). Who may reset whom is the caller's to check
    (`User.objects.managed_by`). False when she had nothing to remove."""
    with transaction.atomic():
        had = has_second_factor(person)
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        if had:
            audit.record(AuditAction.SECOND_FACTOR_REMOVED, actor=by, target=person,
                         label=person.email,
                         kommune=[m.kommune_id for m in person.memberships.all()] or None,
                         details={"reset_by_admin": True})
    return had


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def _replace_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def _recovery(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()
