"""Second factors in tests, through django-otp's own API.

With KVALITET_REQUIRE_2FA on (as in the test suite), consultants and admins reach no page
before a second factor. `verify_client` gives such a user a confirmed TOTP device and
marks a test client's session as verified with `django_otp.login`; conftest.py does it for
every `Client.force_login` (tests marked `second_factor_unverified` opt out).
`app_code` is the code an authenticator app would show, for log-ins through the form.
"""

from __future__ import annotations

import re
import time

import django_otp
from django.http import HttpRequest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from barnehager.twofactor.access import has_second_factor, must_have_second_factor


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def needs_one(user) -> bool:
    return must_have_second_factor(user) or has_second_factor(user)


def verify_client(client: Client, user) -> None:
    """The client's logged-in session counts as having passed the second factor."""
    device = confirmed_device(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, device)
    request.session.save()


def app_code(device: TOTPDevice) -> str:
    """The app's code for the device now, or for the next time step when the current one
    was used already (django-otp accepts each step once, and one step of drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def pass_in_browser(page, user) -> None:
    """After the password in the log-in form: the app's code, as a person would type it.
    Someone without an app yet is on the set-up page: she scans it (the code of the device
    being set up) and confirms she kept her recovery codes."""
    if not needs_one(user):
        return
    page.wait_for_url(re.compile(r"/konto/to-trinn/"))
    setting_up = "/innstillinger/" in page.url
    device = (TOTPDevice.objects.get(user=user, confirmed=False) if setting_up
              else confirmed_device(user))
    device.refresh_from_db()
    page.locator("input[name=code]").fill(app_code(device))
    page.locator("main form button[type=submit]").first.click()
    if setting_up:
        page.locator("main a.btn-primary").click()
