"""The second factor's pages: passing it after the password, setting it up, and managing
it (new recovery codes, removal)."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from barnehager.decorators import AuthenticatedHttpRequest
from barnehager.twofactor import services
from barnehager.twofactor.access import has_second_factor, must_have_second_factor
from barnehager.twofactor.forms import AppCodeForm, CodeForm


def _next_url(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("code")
@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: a code from the app, or a recovery code."""
    if not has_second_factor(request.user):
        return redirect("second-factor-setup")
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.verify(request, form.cleaned_data["code"])
        if outcome is services.Outcome.PASSED:
            return redirect(_next_url(request))
        form.add_error("code", _("Too many wrong codes. Wait a minute and try again.")
                       if outcome is services.Outcome.WAIT
                       else _("That code is not right. Try the code the app shows now."))
    return render(request, "barnehager/twofactor/verify.html",
                  {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("code")
@login_required
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The settings page: set up an authenticator app (a QR code and the key to type),
    then manage it."""
    user = request.user
    verified = user.is_verified()  # type: ignore[attr-defined]
    if has_second_factor(user) and not verified:
        # Her password alone may not replace the factor she has.
        return redirect("second-factor")
    if has_second_factor(user):
        return render(request, "barnehager/twofactor/manage.html", {
            "recovery_codes_left": services.recovery_codes_left(user),
            "required": must_have_second_factor(user),
        })
    device = services.pending_device(user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_app(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "barnehager/twofactor/recovery_codes.html",
                          {"codes": codes, "next": _next_url(request), "new": True})
        form.add_error("code", _("That code is not right. Check the time on your phone and "
                                 "try the code the app shows now."))
    qr = segno.make(device.config_url, error="m")
    return render(request, "barnehager/twofactor/setup.html", {
        "form": form, "next": _next_url(request),
        "qr_data_uri": qr.svg_data_uri(scale=5, border=2, dark="#000", light="#fff"),
        "key": " ".join(_chunks(b32encode(device.bin_key).decode(), 4)),
        "required": must_have_second_factor(user),
    })


@require_POST
@login_required
def renew_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_second_factor(request.user):
        return redirect("second-factor-setup")
    codes = services.renew_recovery_codes(request)
    return render(request, "barnehager/twofactor/recovery_codes.html",
                  {"codes": codes, "next": "", "new": False})


@require_POST
@login_required
def remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.remove(request)
    messages.success(request, _("Your second factor is removed."))
    return redirect("second-factor-setup")


def _chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]
