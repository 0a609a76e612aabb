from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from barnehager.access import scope_of


def role_required(*roles: str):
    """Logged in and holding one of `roles` somewhere; otherwise 403.

    Which objects she then sees is for the model's `visible_to` to say (404 outside it).
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not scope_of(request.user).has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
