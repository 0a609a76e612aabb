from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from barnehager.models import User
from barnehager.sso.models import SingleSignOn


class SingleSignOnBackend(ModelBackend):
    """Authenticates the person a municipality's provider vouched for: the invited, active
    account with that e-mail and a role in the municipality. Listed in
    KVALITET_2FA_EXEMPT_BACKENDS: the provider checks its own factors."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, *, sso: SingleSignOn | None = None,
                     email: str | None = None, **kwargs: Any) -> User | None:
        if sso is None or not email:
            return None
        user = (User.objects.filter(email__iexact=email, is_active=True, erased_at=None,
                                    memberships__kommune=sso.kommune_id)
                .distinct().first())
        return user if user is not None and self.user_can_authenticate(user) else None
