"""Two factors: consultants and admins who log in with a password pass an authenticator
app's code (or a recovery code) before any page; others may choose to."""

import re
import subprocess
import sys

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from barnehager.models import AuditAction, AuditEntry
from barnehager.twofactor.middleware import OPEN_URL_NAMES
from tests.access_matrix import FORBIDDEN
from tests.second_factor import app_code, confirmed_device
from tests.test_access_matrix import CASES
from tests.world import PASSWORD

pytestmark = pytest.mark.second_factor_unverified


def log_in_with_password(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return response


def actions_of(user) -> list[str]:
    return list(AuditEntry.objects.filter(actor=user).order_by("pk")
                .values_list("action", flat=True))


def test_the_requirement_is_on_in_the_test_suite(settings):
    assert settings.KVALITET_REQUIRE_2FA is True


@pytest.mark.parametrize("role", ["consultant", "admin"])
def test_without_a_second_factor_no_consultant_page_opens(client, world, role):
    """Every page of the tenancy matrix the role may open sends her to set up a second
    factor instead (and the Django admin too)."""
    user = world.users[role]
    log_in_with_password(client, user)
    setup = reverse("second-factor-setup")
    checked = 0
    for case in CASES:
        if case.expected(role, "own") == FORBIDDEN or case.url_name in OPEN_URL_NAMES:
            continue
        url = case.url(world, "own")
        response = getattr(client, case.method)(url, data=case.data(world, "own")
                                                 if case.data else None)
        assert response.status_code == 302, f"{case.url_name} answered {response.status_code}"
        assert response["Location"].startswith(setup), case.url_name
        checked += 1
    assert checked > 20
    assert client.get("/admin/")["Location"].startswith(setup)
    assert client.get(reverse("healthz")).status_code == 200


def test_an_htmx_request_is_told_where_to_go(client, world):
    log_in_with_password(client, world.users["consultant"])
    response = client.get(reverse("barnehage-list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("second-factor-setup"))


def test_a_leader_is_not_asked_unless_she_chose_a_second_factor(client, world):
    leader = world.users["leader"]
    log_in_with_password(client, leader)
    assert client.get(reverse("home")).status_code == 200
    # She sets one up of her own accord: her next log-in asks for it.
    confirmed_device(leader)
    client.post(reverse("logout"))
    log_in_with_password(client, leader)
    assert client.get(reverse("home"))["Location"].startswith(reverse("second-factor"))


def test_setting_up_the_app_and_the_recovery_codes(client, world):
    user = world.users["consultant"]
    log_in_with_password(client, user)
    response = client.get(client.get(reverse("home"))["Location"])
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert key.replace(" ", "") in device.config_url

    wrong = client.post(reverse("second-factor-setup"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code holds the next try back a second

    done = client.post(reverse("second-factor-setup"),
                       {"code": app_code(device), "next": reverse("barnehage-list")})
    codes = re.findall(r'class="recovery-code">([a-z2-7]{8})<', done.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=user)
                             .values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("barnehage-list")).status_code == 200
    assert actions_of(user) == [AuditAction.LOGIN, AuditAction.SECOND_FACTOR_FAILED,
                                AuditAction.SECOND_FACTOR_ADDED]


def test_log_in_with_the_apps_code(client, world):
    user = world.users["admin"]
    device = confirmed_device(user)
    response = log_in_with_password(client, user)
    assert response["Location"] == reverse("home")
    asked = client.get(reverse("home"))
    assert asked["Location"] == f"{reverse('second-factor')}?next=%2F"
    # The password alone may not put a new app in place of hers.
    assert client.get(reverse("second-factor-setup"))["Location"] == reverse("second-factor")
    assert client.post(reverse("second-factor-remove")).status_code == 302
    assert TOTPDevice.objects.filter(user=user).exists()

    refused = client.post(reverse("second-factor"), {"code": "123456", "next": "/"})
    assert "That code is not right" in refused.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    passed = client.post(reverse("second-factor"), {"code": app_code(device), "next": "/"})
    assert passed["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert actions_of(user) == [AuditAction.LOGIN, AuditAction.SECOND_FACTOR_FAILED,
                                AuditAction.SECOND_FACTOR_VERIFIED]
    entry = AuditEntry.objects.filter(actor=user).last()
    assert entry.ip_address == "127.0.0.1"
    assert entry.kommune == world.kommune["own"]


def test_an_outside_next_address_is_not_followed(client, world):
    user = world.users["consultant"]
    device = confirmed_device(user)
    log_in_with_password(client, user)
    response = client.post(reverse("second-factor"),
                           {"code": app_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_log_in_with_a_recovery_code_works_once(client, world):
    user = world.users["consultant"]
    confirmed_device(user)
    log_in_with_password(client, user)
    codes = client.post(reverse("second-factor-recovery-codes"))
    assert codes.status_code == 302  # not before the second factor is passed

    # Set up through the page to get her codes, then log in again with one.
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    page = client.post(reverse("second-factor-setup"), {"code": app_code(device)})
    code = re.findall(r'class="recovery-code">([a-z2-7]{8})<', page.content.decode())[0]
    client.post(reverse("logout"))

    log_in_with_password(client, user)
    spaced = f" {code[:4].upper()} {code[4:]} "
    assert client.post(reverse("second-factor"), {"code": spaced})["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert not StaticToken.objects.filter(device__user=user, token=code).exists()
    client.post(reverse("logout"))

    log_in_with_password(client, user)
    again = client.post(reverse("second-factor"), {"code": code})
    assert again.status_code == 200
    assert client.get(reverse("home")).status_code == 302
    assert AuditAction.RECOVERY_CODE_USED in actions_of(user)


def test_renewing_and_removing_the_second_factor(client, world):
    user = world.users["consultant"]
    device = confirmed_device(user)
    log_in_with_password(client, user)
    client.post(reverse("second-factor"), {"code": app_code(device)})
    manage = client.get(reverse("second-factor-setup")).content.decode()
    assert "Make new recovery codes" in manage
    renewed = client.post(reverse("second-factor-recovery-codes")).content.decode()
    assert len(re.findall(r'class="recovery-code">', renewed)) == 10

    client.post(reverse("second-factor-remove"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    # Her role requires one: she is sent to set up a new one at once.
    assert client.get(reverse("home"))["Location"].startswith(reverse("second-factor-setup"))
    assert actions_of(user)[-2:] == [AuditAction.RECOVERY_CODES_RENEWED,
                                     AuditAction.SECOND_FACTOR_REMOVED]


def test_wrong_codes_hold_the_device_back(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = world.users["consultant"]
    device = confirmed_device(user)
    log_in_with_password(client, user)
    client.post(reverse("second-factor"), {"code": "111111"})
    # django-otp's throttle: after a failure the next try must wait, even with the right code.
    held = client.post(reverse("second-factor"), {"code": app_code(device)})
    assert "Too many wrong codes" in held.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_with_the_requirement_off_the_log_in_page_says_so(client, world, settings):
    settings.KVALITET_REQUIRE_2FA = False
    assert 'id="second-factor-off"' in client.get(reverse("login")).content.decode()
    log_in_with_password(client, world.users["consultant"])
    assert client.get(reverse("barnehage-list")).status_code == 200


def test_with_the_requirement_on_the_log_in_page_is_silent(client, world):
    assert 'id="second-factor-off"' not in client.get(reverse("login")).content.decode()


def test_single_sign_on_backends_are_not_asked(client, world, settings):
    settings.KVALITET_2FA_EXEMPT_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    client.force_login(world.users["consultant"],
                       backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("barnehage-list")).status_code == 200


def test_the_embedded_default_leaves_it_off_and_production_turns_it_on():
    def read(environment: str) -> str:
        code = (f"import os; os.environ['KVALITET_ENVIRONMENT'] = {environment!r}; "
                "os.environ.setdefault('DJANGO_SECRET_KEY', 'x'); "
                "os.environ.pop('KVALITET_REQUIRE_2FA', None); "
                "from kvalitet import settings; print(settings.KVALITET_REQUIRE_2FA)")
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout.strip()

    assert read("development") == "False"
    assert read("test") == "True"
    assert read("production") == "True"
