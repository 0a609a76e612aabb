"""Single sign-on against a real OpenID Connect provider process on loopback
(tests/oidc_provider: django-oauth-toolkit), driven in Chromium: the person is matched by
e-mail to her invited account, never created from the provider's word, and her log-in needs
no second factor of Kvalitet's (the provider checks its own)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from barnehager.models import AuditAction, AuditEntry, Role, User
from barnehager.sso.models import SingleSignOn
from tests.browser_helpers import snapshot
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_ID = "kvalitet-aby"
CLIENT_SECRET = "provider-secret-for-the-test"
PROVIDER_PASSWORD = "provider password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Provider:
    """The provider process and a way to run Django code inside its database."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/o"
        key = folder / "signing-key.pem"
        key.write_bytes(rsa.generate_private_key(public_exponent=65537, key_size=2048)
                        .private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
                    "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
                    "OIDC_PROVIDER_KEY": str(key), "OIDC_PROVIDER_ISSUER": self.issuer}
        for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
            self.env.pop(name, None)
        self.django("migrate", "--noinput", "-v0")

    def django(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "django", *args], env=self.env,
                              cwd=settings.BASE_DIR, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def shell(self, code: str) -> str:
        return self.django("shell", "--no-imports", "-c", code)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}",
             "--noreload"], env=self.env, cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration",
                                       timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the test provider did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def provider(tmp_path, live_server):
    provider = Provider(tmp_path)
    redirect = f"{live_server.url}/konto/sso/aby/tilbake/"
    provider.shell(f"""
from django.contrib.auth.models import User
from oauth2_provider.models import Application
for email in ("consultant.a@example.test", "stranger@example.test"):
    User.objects.create_user(username=email.split("@")[0], email=email,
                             password={PROVIDER_PASSWORD!r})
Application.objects.create(
    name="Kvalitet", client_id={CLIENT_ID!r}, client_secret={CLIENT_SECRET!r},
    client_type="confidential", authorization_grant_type="authorization-code",
    redirect_uris={redirect!r}, algorithm="RS256", skip_authorization=True)
""")
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def sso(world, provider):
    return SingleSignOn.objects.create(
        kommune=world.kommune["own"], label="Feide", issuer=provider.issuer,
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def _sign_in_at_provider(page, username: str) -> None:
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_consultant_logs_in_through_her_municipality_provider(world, sso, live_server,
                                                                page):
    consultant = world.users[Role.CONSULTANT]
    assert settings.KVALITET_REQUIRE_2FA  # and yet no second factor is asked: see below
    people = User.objects.count()
    page.goto(f"{live_server.url}{reverse('login')}?next=/rapporter/")
    # Before log-in the page speaks the browser's language (nb); after, hers.
    page.get_by_role("button", name="Logg inn med Feide (Aby)").click()
    _sign_in_at_provider(page, "consultant.a")

    expect(page).to_have_url(f"{live_server.url}/rapporter/")
    expect(page.get_by_role("link", name=consultant.get_full_name())).to_be_visible()
    snapshot(page, "/tmp/sso-consultant.png")
    assert User.objects.count() == people
    login = AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=consultant)
    assert login.exists()


def test_a_person_the_provider_knows_but_kvalitet_did_not_invite_is_refused(world, sso,
                                                                            live_server, page):
    people = User.objects.count()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_role("button", name="Logg inn med Feide (Aby)").click()
    _sign_in_at_provider(page, "stranger")

    expect(page).to_have_url(f"{live_server.url}{reverse('login')}")
    expect(page.get_by_role("alert")).to_contain_text(
        "Feide kjenner deg som stranger@example.test, men ingen konto i Aby har den "
        "e-postadressen")
    assert User.objects.count() == people
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED,
                                     target_label="stranger@example.test").exists()


def test_a_municipality_without_local_passwords_refuses_the_password_form(world, sso, client):
    sso.allow_passwords = False
    sso.save()
    leader = world.users[Role.LEADER]

    response = client.post(reverse("login"), {"username": leader.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Your municipality logs in through Feide" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The other municipality still logs in with passwords.
    foreign = world.foreign_users[Role.LEADER]
    response = client.post(reverse("login"), {"username": foreign.email, "password": PASSWORD})
    assert response.status_code == 302
