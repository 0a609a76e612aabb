"""The two steps of an OpenID Connect log-in: off to the provider, and back with a code."""

from __future__ import annotations

import logging

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from requests import RequestException

from barnehager import audit
from barnehager.models import AuditAction
from barnehager.sso.models import SingleSignOn

logger = logging.getLogger(__name__)
NEXT_KEY = "kvalitet_sso_next"


def _client(sso: SingleSignOn) -> DjangoOAuth2App:
    """Authlib's client for the municipality's provider: discovery, PKCE, state and nonce in
    the session, and the ID token's signature, issuer, audience and nonce checked."""
    registry = OAuth()
    return registry.register(
        name=f"kommune-{sso.kommune_id}", client_id=sso.client_id,
        client_secret=sso.client_secret, server_metadata_url=sso.metadata_url,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                       "default_timeout": 5},
    )


def _enabled(slug: str) -> SingleSignOn:
    return get_object_or_404(SingleSignOn.objects.select_related("kommune"),
                             kommune__slug=slug, enabled=True)


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    sso = _enabled(slug)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()},
                                       require_https=request.is_secure()):
        request.session[NEXT_KEY] = next_url
    callback = request.build_absolute_uri(reverse("sso-callback", args=[slug]))
    try:
        return _client(sso).authorize_redirect(request, callback)
    except (OAuthError, RequestException, ValueError) as problem:
        logger.warning("Single sign-on of %s: the provider did not answer: %s", slug, problem)
        messages.error(request, _("%(provider)s does not answer right now. Try again in a "
                                  "moment.") % {"provider": sso.label})
        return redirect("login")


def callback(request: HttpRequest, slug: str) -> HttpResponse:
    sso = _enabled(slug)
    try:
        token = _client(sso).authorize_access_token(request)
    except (OAuthError, RequestException, ValueError) as problem:
        logger.warning("Single sign-on of %s refused: %s", slug, problem)
        messages.error(request, _("The log-in through %(provider)s did not go through. Try "
                                  "again.") % {"provider": sso.label})
        return redirect("login")
    claims = token.get("userinfo") or {}
    email = str(claims.get(sso.email_claim) or "")
    user = authenticate(request, sso=sso, email=email)
    if user is None:
        audit.record(AuditAction.LOGIN_FAILED, request=request, label=email[:254],
                     kommune=sso.kommune_id, details={"how": "single sign-on"})
        messages.error(request, _(
            "%(provider)s knows you as %(email)s, but no account of %(kommune)s has that "
            "e-mail address. Ask your municipality's administrator for an invitation."
        ) % {"provider": sso.label, "email": email or "?", "kommune": sso.kommune})
        return redirect("login")
    login(request, user)
    return redirect(request.session.pop(NEXT_KEY, "") or resolve_url(settings.LOGIN_REDIRECT_URL))
