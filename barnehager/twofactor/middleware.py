"""Sends a session that still owes its second factor to the page that asks for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from barnehager.twofactor.access import has_second_factor, needs_verification

# Pages a session that owes its second factor may still open: the factor's own pages,
# logging out, the language switch and what the browser fetches on its own.
OPEN_URL_NAMES = {
    "second-factor", "second-factor-setup", "logout", "login", "set_language", "healthz",
    "service-worker", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete",
}


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a consultant or admin who logged in with a password
    but has not passed her second factor reaches no page but the ones that ask for it (to
    set one up when she has none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: tuple[object, ...],
                     view_kwargs: dict[str, object]) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES and not match.namespace:
            return None
        if not needs_verification(request):
            return None
        name = "second-factor" if has_second_factor(request.user) else "second-factor-setup"
        target = f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
