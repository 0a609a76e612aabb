"""Who must pass a second factor: the one place it is decided.

Consultants and municipal admins (and platform operators) who log in with a password must,
while `KVALITET_REQUIRE_2FA` is on; anyone who set up a second factor of her own accord is
asked for it too. A log-in through a backend listed in `KVALITET_2FA_EXEMPT_BACKENDS`
(single sign-on, whose provider checks its own factors) is not asked.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django_otp import user_has_device

from barnehager.access import MUNICIPAL_ROLES, AnyUser, scope_of


def must_have_second_factor(user: AnyUser) -> bool:
    """Whether the requirement applies to the person (whatever her device)."""
    if not settings.KVALITET_REQUIRE_2FA or not user.is_authenticated:
        return False
    return scope_of(user).has_role(*MUNICIPAL_ROLES)


def logged_in_with_password(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) not in settings.KVALITET_2FA_EXEMPT_BACKENDS


def has_second_factor(user: AnyUser) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


# Whether she had a second factor of her own choosing when she logged in: asked once per
# log-in (remember_choice, at log-in), not on every request.
CHOSE_KEY = "kvalitet_chose_2fa"


def remember_choice(request: HttpRequest, user: AnyUser) -> None:
    request.session[CHOSE_KEY] = has_second_factor(user)


def needs_verification(request: HttpRequest) -> bool:
    """The session has not passed the second factor it must pass before any page."""
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return False
    if not logged_in_with_password(request):
        return False
    if must_have_second_factor(user):
        return True
    if CHOSE_KEY not in request.session:
        remember_choice(request, user)
    return bool(request.session[CHOSE_KEY])
