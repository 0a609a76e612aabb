"""The language a person reads Kvalitet in: hers, not her browser's.

A signed-in user reads her own choice (`User.language`, set on her profile page or with
the menu's language switch), else her municipality's language (`Kommune.language`: nb in
Norway, da in Denmark). Only before logging in does the browser decide (Django's
LocaleMiddleware: the language cookie, then Accept-Language).

Why a middleware rather than activating the language at login and storing it in the
language cookie: a cookie belongs to a browser, not to a person. A shared tablet would keep
the last person's language, a second device or a session that outlives a change of
preference would not follow it, and a sign-in that does not pass the login form (a password
reset, single sign-on later) would be missed. Deciding on every request from the user row
costs nothing extra when she has chosen (the row is loaded anyway); her municipality's
language is looked up once and kept in the session.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from barnehager.models import Membership, User

SESSION_KEY = "kvalitet_municipal_language"


def available(code: str | None) -> bool:
    return bool(code) and code in dict(settings.LANGUAGES)


def municipal_language(user: User) -> str | None:
    """The language of the municipality she belongs to (her first membership)."""
    return (Membership.objects.filter(user=user).order_by("pk")
            .values_list("kommune__language", flat=True).first())


def language_of(user: User, session: SessionBase | None = None) -> str:
    """Her own choice, else her municipality's language, else the site's default."""
    if available(user.language):
        return user.language
    if session is not None and available(session.get(SESSION_KEY)):
        return str(session[SESSION_KEY])
    language = municipal_language(user)
    if not available(language):
        language = settings.LANGUAGE_CODE
    if session is not None:
        session[SESSION_KEY] = language
    return str(language)


def forget_municipal_language(session: SessionBase) -> None:
    """After her choice changes (or her memberships), look the default up again."""
    session.pop(SESSION_KEY, None)


class UserLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a signed-in user's own language
    replaces the one her browser asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated:
            language = language_of(user, getattr(request, "session", None))
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
