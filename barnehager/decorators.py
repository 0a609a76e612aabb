from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from barnehager.access import scope_of

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from barnehager.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind `login_required` or `role_required` gets: a signed-in user
    (and django-htmx's details of the request)."""

    user: User
    htmx: HtmxDetails


View = Callable[..., HttpResponseBase]


def role_required(*roles: str) -> Callable[[View], View]:
    """Logged in and holding one of `roles` somewhere; otherwise 403.

    Which objects she then sees is for the model's `visible_to` to say (404 outside it).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not scope_of(request.user).has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
