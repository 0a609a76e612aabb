import hashlib
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language
from django_redis import get_redis_connection

from barnehager import audit, language, registry, selectors, throttling
from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER, scope_of
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.forms import LanguagePreferenceForm
from barnehager.models import AuditAction, Barnehage, User
from barnehager.sso.models import SingleSignOn, sso_origin


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
    """Her current certifications; the expired ones folded away below them."""
    workplaces = Barnehage.objects.filter(pk__in=scope_of(user).barnehage_ids(ROLE_OBSERVER))
    today = timezone.localdate()
    certifications = list(selectors.certifications_of(user).order_by("valid_until"))
    return {"certifications": [c for c in certifications if c.valid_until >= today],
            "expired_certifications": [c for c in certifications
                                       if c.valid_until < today][::-1],
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


# What each check looks at, named in the answer when it fails.
HEALTH_PARTS = {"database": "database", "cache": "Redis (cache)", "broker": "Redis (Celery broker)"}


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when every service the app needs answers, 503 naming the ones that do not
    (`failing`), with each check's own state."""
    checks = {"database": _check_database()}
    if not settings.EMBEDDED_MODE:
        checks["cache"] = _check_cache()
        checks["broker"] = _check_broker()
    failing = [HEALTH_PARTS[name] for name, state in checks.items() if state != "ok"]
    if not failing:
        return JsonResponse({"status": "ok", "checks": checks})
    return JsonResponse({"status": "error", "failing": failing, "checks": checks}, status=503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        return f"error: {connection.display_name} does not answer ({error.__class__.__name__})"


def _check_cache() -> str:
    """Asks Redis itself: the cache backend ignores Redis errors (it fails open), so a value
    it did not keep would be the only sign of them."""
    try:
        get_redis_connection("default").ping()
    except NotImplementedError:  # not a Redis cache: a write and a read must agree
        cache.set("healthz", "ok", 5)
        return "ok" if cache.get("healthz") == "ok" else "error: cache did not keep a value"
    except Exception as error:  # noqa: BLE001
        return f"error: Redis does not answer ({error.__class__.__name__})"
    return "ok"


def _check_broker() -> str:
    try:
        with current_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
        return "ok"
    except Exception as error:  # noqa: BLE001
        return f"error: Redis does not answer ({error.__class__.__name__})"


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


class LoginView(auth_views.LoginView):
    """Django's log-in with e-mail; says so when second factors are turned off (the
    embedded demo), so nobody takes the demo's settings for production's."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs),
                "second_factor_off": not settings.KVALITET_REQUIRE_2FA,
                "single_sign_on": SingleSignOn.objects.filter(enabled=True)
                .select_related("kommune").order_by("kommune__name")}

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        """The single sign-on buttons post here and are redirected to the providers: the
        CSP's form-action, which browsers apply to that redirect too, names them."""
        response = super().render_to_response(context, **kwargs)
        origins = sorted({sso_origin(sso) for sso in context["single_sign_on"]})
        if origins:
            response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change: this session stays logged in (update_session_auth_hash),
    every other session of hers ends, since its stored hash no longer matches."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD_CHANGED, actor=self.request.user,
                     request=self.request, details={"how": "changed"})
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD_CHANGED, actor=form.user, request=self.request,
                     details={"how": "reset link"})
        return response


# The person's own settings -------------------------------------------------------------

@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Her profile: the language Kvalitet speaks to her on every device."""
    user = request.user
    municipal = language.municipal_language(user)
    names = dict(settings.LANGUAGES)
    form = LanguagePreferenceForm(request.POST or None, instance=user,
                                  municipal_name=str(names.get(municipal or "", "")))
    if request.method == "POST" and form.is_valid():
        form.save()
        language.forget_municipal_language(request.session)
        chosen = language.language_of(user, request.session)
        with translation.override(chosen):
            messages.success(request, translation.gettext("Your language is saved."))
        response = redirect("profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen,
                            max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response
    return render(request, "barnehager/profile.html", {"form": form})


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The menu's language switch: for a signed-in user it changes her preference (so it
    follows her to every device), then sets the cookie as Django's own switch does."""
    user = request.user
    code = request.POST.get("language", "")
    if isinstance(user, User) and user.is_authenticated and language.available(code):
        user.language = code
        user.save(update_fields=["language"])
        language.forget_municipal_language(request.session)
    return set_language(request)
