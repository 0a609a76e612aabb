import hashlib
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from barnehager import registry, selectors, throttling
from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER, scope_of
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import Barnehage, User


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The sections the apps registered (barnehager.registry), each for the roles it is
    for; a person with several roles sees each of hers."""
    scope = scope_of(request.user)
    return render(request, "barnehager/home.html", {
        "scope": scope, "today": timezone.localdate(),
        "sections": registry.home_sections_for(request.user, scope),
    })


# The organisation's own home-page sections (registered in apps.py).

def leader_section(user: User) -> dict[str, Any] | None:
    led = selectors.led_barnehager(user)
    return {"led_barnehager": led} if led else None


def municipal_section(user: User) -> dict[str, Any] | None:
    overview = selectors.municipal_overview(user)
    if not overview:
        return None
    return {"municipal_overview": overview,
            "expiring_certifications": selectors.expiring_certifications(user)}


def observer_section(user: User) -> dict[str, Any]:
    workplaces = Barnehage.objects.filter(pk__in=scope_of(user).barnehage_ids(ROLE_OBSERVER))
    return {"certifications": selectors.certifications_of(user),
            "workplaces": selectors.barnehager_with_details(workplaces)}


def politician_section(user: User) -> dict[str, Any] | None:
    figures = selectors.key_figures(user)
    return {"key_figures": figures} if figures else None


@role_required(*MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER)
def barnehage_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    barnehager = selectors.barnehager_with_details(Barnehage.objects.visible_to(request.user))
    return render(request, "barnehager/barnehage_list.html", {"barnehager": barnehager})


@login_required
def barnehage_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    barnehage = get_object_or_404(
        selectors.barnehager_with_details(Barnehage.objects.visible_to(request.user)), pk=pk
    )
    return render(request, "barnehager/barnehage_detail.html", {"barnehage": barnehage})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when every service the app needs answers, 503 naming the one that does not."""
    checks = {"database": _check_database()}
    if not settings.EMBEDDED_MODE:
        checks["cache"] = _check_cache()
        checks["broker"] = _check_broker()
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks},
                        status=200 if healthy else 503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        return f"error: {error.__class__.__name__}"


def _check_cache() -> str:
    try:
        cache.set("healthz", "ok", 5)
        return "ok" if cache.get("healthz") == "ok" else "error: cache did not keep a value"
    except Exception as error:  # noqa: BLE001
        return f"error: {error.__class__.__name__}"


def _check_broker() -> str:
    try:
        with current_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:  # noqa: BLE001
        return f"error: {error.__class__.__name__}"


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Password reset whose mail cannot be used to flood a mailbox: a few mails per address
    an hour (further requests show the same "sent" page, so nobody learns which addresses
    exist) and a limit per client address, which is told to wait."""

    def form_valid(self, form):
        if not throttling.allow(f"reset:client:{throttling.client_ip(self.request)}",
                                settings.PASSWORD_RESET_LIMIT_PER_CLIENT, 3600):
            return render(self.request, "registration/password_reset_throttled.html", status=429)
        email = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()
        if not throttling.allow(f"reset:address:{digest}",
                                settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, 3600):
            return redirect(self.get_success_url())
        return super().form_valid(form)


def csrf_failure(request: HttpRequest, reason: str = ""):
    """A refused form, inside the site's layout and in the user's language (Django's own
    page is bare English and knows nothing of the menu)."""
    return render(request, "403_csrf.html", status=403)
